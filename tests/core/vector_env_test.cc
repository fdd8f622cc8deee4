#include <gtest/gtest.h>

#include "cgym/cgym.h"
#include "cgym/vector_env.h"
#include "toy/toy_backend.h"

using namespace cgym;

namespace {

EnvPtr toy_env(int env_id) {
  toy::register_toy_envs();
  return make("toy-reward-v0", {.benchmark = "benchmark://toy-v0/" + std::to_string(env_id % 10)});
}

constexpr Action kInc = 0, kDouble = 2, kCrash = 5, kEnd = 6;

}  // namespace

TEST(VectorEnv, StepMatchesSteppingOneByOne) {
  VectorEnv venv(toy_env, {.num_envs = 6, .num_threads = 3});
  std::vector<EnvPtr> serial;
  for (int i = 0; i < 6; ++i) serial.push_back(toy_env(i));
  auto r = venv.reset();
  ASSERT_EQ(r.size(), 6u);
  for (int i = 0; i < 6; ++i) {
    auto s = serial[i]->reset();
    EXPECT_EQ(r[i].env_id, i);
    ASSERT_TRUE(r[i].reset.has_value());
    EXPECT_EQ(r[i].reset->observation, s.observation);
  }
  for (int t = 0; t < 20; ++t) {
    std::vector<Action> actions(6);
    for (int i = 0; i < 6; ++i) actions[i] = venv.env(i).action_space().sample(venv.rng(i)) % 5;
    auto results = venv.step(actions);
    for (int i = 0; i < 6; ++i) {
      auto s = serial[i]->step(actions[i]);
      EXPECT_EQ(results[i].env_id, i);
      EXPECT_EQ(results[i].step.observation, s.observation);
      EXPECT_DOUBLE_EQ(results[i].step.reward, s.reward);
      EXPECT_EQ(results[i].step.done, s.done);
    }
  }
}

TEST(VectorEnv, SeedsAreBasePlusIdUnlessGiven) {
  VectorEnv a(toy_env, {.num_envs = 3, .seed_base = 100});
  EXPECT_EQ(a.seed(0), 100u);
  EXPECT_EQ(a.seed(2), 102u);
  VectorEnv b(toy_env, {.num_envs = 2, .seeds = {7, 9}});
  EXPECT_EQ(b.seed(1), 9u);
  Rng expected(9);
  EXPECT_EQ(b.rng(1)(), expected());
  EXPECT_THROW(VectorEnv(toy_env, {.num_envs = 2, .seeds = {1}}), InvalidArgument);
  EXPECT_THROW(VectorEnv(toy_env, {.num_envs = 0}), InvalidArgument);
}

TEST(VectorEnv, WorkerExceptionReachesTheCallerNamingTheEnv) {
  VectorEnv venv(toy_env, {.num_envs = 4, .num_threads = 2});
  venv.reset();
  std::vector<Action> actions = {kInc, kInc, 999, kInc};  // env 2: out of range
  try {
    venv.step(actions);
    FAIL() << "expected VectorEnvError";
  } catch (const VectorEnvError& e) {
    EXPECT_EQ(e.env_id(), 2);
    EXPECT_EQ(e.original_type(), "ActionOutOfRange");
    EXPECT_NE(std::string(e.what()).find("env 2"), std::string::npos);
  }
  // The vector env is still usable.
  auto r = venv.step(std::vector<Action>{kInc, kInc, kInc, kInc});
  EXPECT_EQ(r.size(), 4u);
  EXPECT_EQ(venv.outstanding(), 0);
}

TEST(VectorEnv, CompilerFailuresAreResultsNotExceptions) {
  VectorEnv venv(toy_env, {.num_envs = 2, .num_threads = 2, .auto_reset = true});
  venv.reset();
  auto r = venv.step(std::vector<Action>{kCrash, kEnd});
  EXPECT_TRUE(r[0].step.done);
  EXPECT_EQ(r[0].step.info.error_type, "SessionError");
  EXPECT_TRUE(r[1].step.done);
  ASSERT_TRUE(r[0].reset.has_value()) << "auto-reset";
  ASSERT_TRUE(r[1].reset.has_value());
  EXPECT_TRUE(venv.env(0).in_episode());
  EXPECT_TRUE(venv.env(1).in_episode());
}

TEST(VectorEnv, AsyncSendRecv) {
  VectorEnv venv(toy_env, {.num_envs = 4, .num_threads = 2});
  venv.reset();
  venv.send(std::vector<Action>{kInc, kDouble}, std::vector<int>{1, 3});
  EXPECT_EQ(venv.outstanding(), 2);
  EXPECT_THROW(venv.send(std::vector<Action>{kInc}, std::vector<int>{1}), StateError);
  EXPECT_THROW(venv.send(std::vector<Action>{kInc}, std::vector<int>{9}), ActionOutOfRange);
  EXPECT_THROW(venv.send(std::vector<Action>{kInc, kInc}, std::vector<int>{0}), InvalidArgument);
  std::vector<int> got;
  while (venv.outstanding() > 0) {
    for (auto& r : venv.recv()) got.push_back(r.env_id);
  }
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<int>{1, 3}));
  EXPECT_TRUE(venv.recv().empty());
  EXPECT_EQ(venv.env(3).actions().size(), 1u);
  EXPECT_EQ(venv.env(0).actions().size(), 0u);
  // step() refuses to run while requests are outstanding.
  venv.send(std::vector<Action>{kInc}, std::vector<int>{0});
  EXPECT_THROW(venv.step(std::vector<Action>{0, 0, 0, 0}), StateError);
  venv.recv();
}

TEST(VectorEnv, DestructorWaitsForOutstandingRequests) {
  auto venv = std::make_unique<VectorEnv>(toy_env, VectorEnvOptions{.num_envs = 3});
  venv->reset();
  venv->send(std::vector<Action>{kInc, kInc, kInc}, std::vector<int>{0, 1, 2});
  venv.reset();  // must not crash or hang
  SUCCEED();
}
