// validate() tells a non-deterministic result from a real reward mismatch.
// The toy env's test-only param toy.nondeterministic_action makes one action
// add 0 or 1 more, alternately from one application to the next, and marks
// it non-deterministic, as LLVM 19 passes whose output depends on heap
// addresses are marked.
#include <gtest/gtest.h>

#include "cgym/cgym.h"
#include "cgym/search.h"
#include "toy/toy_backend.h"

using namespace cgym;

namespace {

constexpr Action kInc = 0, kDouble = 2;

EnvPtr make_nondeterministic(Isolation isolation = Isolation::kInProcess) {
  toy::register_toy_envs();
  return make("toy-reward-v0",
              {.params = {{"toy.nondeterministic_action", "double"}}, .isolation = isolation});
}

void expect_non_deterministic(Env& env) {
  env.reset({.benchmark = "benchmark://toy-v0/3"});
  env.step(kInc);
  env.step(kDouble);
  const EnvState recorded = env.state();
  ValidationOptions options;
  options.replays = 4;
  const auto v = env.validate(recorded, options);
  // Each replay's "double" adds the other parity than the one before, so the
  // first replay disagrees with the record and the replays among themselves.
  EXPECT_TRUE(v.okay()) << v.to_string();
  ASSERT_TRUE(v.non_deterministic) << v.to_string();
  EXPECT_TRUE(v.reward_validated);
  EXPECT_EQ(v.replays, 4);
  const auto& n = *v.non_deterministic;
  ASSERT_EQ(n.rewards.size(), 4u);
  EXPECT_EQ(n.actions, std::vector<std::string>{"double"});
  EXPECT_GT(n.spread(), 0.0);
  EXPECT_LE(n.min_reward, *recorded.reward + 1e-9);
  EXPECT_GE(n.max_reward, *recorded.reward - 1e-9);
  const std::string text = v.to_string();
  EXPECT_EQ(text.rfind("NONDET  benchmark://toy-v0/3", 0), 0u) << text;
  EXPECT_NE(text.find("non-deterministic actions in the sequence: double"), std::string::npos)
      << text;
  EXPECT_NE(text.find("spread"), std::string::npos) << text;
}

TEST(Validation, ReplaysThatDisagreeAreNonDeterministicAndNameTheAction) {
  auto env = make_nondeterministic();
  expect_non_deterministic(*env);
}

TEST(Validation, NonDeterministicInAWorkerToo) {
  auto env = make_nondeterministic(Isolation::kProcess);
  expect_non_deterministic(*env);
}

TEST(Validation, ReplaysThatAgreeWithEachOtherButNotTheRecordAreAMismatch) {
  auto env = make_nondeterministic();
  env->reset({.benchmark = "benchmark://toy-v0/3"});
  env->step(kInc);
  env->step(kInc);
  EnvState wrong = env->state();
  *wrong.reward += 0.5;
  const auto v = env->validate(wrong);
  ASSERT_FALSE(v.okay());
  EXPECT_FALSE(v.non_deterministic);
  ASSERT_EQ(v.errors.size(), 1u);
  EXPECT_EQ(v.errors[0].type, "Reward mismatch");
  EXPECT_NE(v.errors[0].details.find("all 3 replays gave it"), std::string::npos)
      << v.errors[0].details;
  EXPECT_EQ(v.replays, 3);
  EXPECT_EQ(v.to_string().rfind("FAILED", 0), 0u);
}

TEST(Validation, AMatchingRecordIsReplayedOnce) {
  auto env = make_nondeterministic();
  env->reset({.benchmark = "benchmark://toy-v0/3"});
  env->step(kInc);
  const auto v = env->validate();
  EXPECT_TRUE(v.okay()) << v.to_string();
  EXPECT_FALSE(v.non_deterministic);
  EXPECT_EQ(v.replays, 1);
  EXPECT_EQ(v.to_string().rfind("OK      ", 0), 0u);
}

TEST(Validation, OneReplayCannotTellAndReportsAMismatch) {
  auto env = make_nondeterministic();
  env->reset({.benchmark = "benchmark://toy-v0/3"});
  env->step(kDouble);
  const EnvState recorded = env->state();
  ValidationOptions options;
  options.replays = 1;
  const auto v = env->validate(recorded, options);
  ASSERT_FALSE(v.okay());
  EXPECT_EQ(v.errors[0].type, "Reward mismatch");
  options.replays = 0;
  try {
    env->validate(recorded, options);
    FAIL() << "replays = 0 was accepted";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("replays must be at least 1"), std::string::npos);
  }
}

TEST(Validation, RewardSpecsAreNotDeterministicWithNonDeterministicActions) {
  auto env = make_nondeterministic();
  ASSERT_FALSE(env->action_space().info(kDouble).deterministic);
  EXPECT_TRUE(env->action_space().info(kInc).deterministic);
  for (const auto& r : env->reward_spaces()) {
    EXPECT_FALSE(r.deterministic) << r.name;
    EXPECT_TRUE(r.deterministic_in.empty()) << r.name << ": every toy space has 'double'";
  }
  toy::register_toy_envs();
  auto plain = make("toy-reward-v0");
  for (const auto& r : plain->reward_spaces()) EXPECT_TRUE(r.deterministic) << r.name;
}

TEST(Validation, SearchResultsSayWhetherTheyReproduce) {
  auto env = make_nondeterministic();
  env->reset({.benchmark = "benchmark://toy-v0/3"});
  env->step(kInc);
  env->step(kDouble);
  SearchResult result;
  result.benchmark = "benchmark://toy-v0/3";
  result.best_actions = {kInc, kDouble};
  result.best_reward = env->episode_reward();
  result.best_commandline = env->commandline();
  EXPECT_EQ(result.reproducibility(), "not checked");
  check_reproducibility(*env, result, 3);
  EXPECT_EQ(result.reproducibility(), "non-deterministic");
  const auto j = result.to_json().at("reproducibility");
  EXPECT_EQ(j.at("verdict"), "non-deterministic");
  EXPECT_EQ(j.at("rewards").size(), 3u);
  EXPECT_GT(j.at("spread").get<double>(), 0.0);
  EXPECT_EQ(j.at("actions"), nlohmann::json::array({"double"}));

  result.best_actions = {kInc};
  result.best_commandline = "toyc --inc prog.toy";
  result.best_reward += 5.0;
  check_reproducibility(*env, result, 3);
  EXPECT_EQ(result.reproducibility(), "mismatch");

  // The searches list the non-deterministic actions of their result, and
  // random_search can be told which action space to search.
  env->reset({.benchmark = "benchmark://toy-v0/3"});
  auto greedy = greedy_search(*env, {.steps = 2});
  EXPECT_EQ(greedy.nondeterministic_actions,
            nondeterministic_action_names(env->action_space(), greedy.best_actions));
  auto random = random_search(*env, {.action_space = "toy-more", .steps = 20, .seed = 1});
  EXPECT_EQ(env->action_space().name(), "toy-more");
  EXPECT_EQ(random.nondeterministic_actions,
            nondeterministic_action_names(env->action_space(), random.best_actions));
  EXPECT_EQ(nondeterministic_action_names(env->action_space(), std::vector<Action>{2, 0, 2}),
            std::vector<std::string>{"double"});
}

}  // namespace
