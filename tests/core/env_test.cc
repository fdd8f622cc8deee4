// CompilerEnv on the toy backend: every core feature of the Env API.
#include <gtest/gtest.h>

#include "cgym/cgym.h"
#include "toy/toy_backend.h"

using namespace cgym;

namespace {

EnvPtr make_toy(const std::string& id = "toy-v0", MakeOptions o = {}) {
  toy::register_toy_envs();
  return make(id, o);
}

constexpr Action kInc = 0, kDec = 1, kDouble = 2, kNoop = 3, kZero = 4, kCrash = 5, kEnd = 6,
                 kMore = 7;

}  // namespace

TEST(CompilerEnv, ResetAndStep) {
  auto env = make_toy();
  auto r = env->reset({.benchmark = "benchmark://toy-v0/3", .observation_space = "value"});
  EXPECT_EQ(r.observation.as<int64_t>(), 3);
  EXPECT_TRUE(env->in_episode());
  auto s = env->step(kInc);
  EXPECT_EQ(s.observation.as<int64_t>(), 4);
  EXPECT_FALSE(s.done);
  EXPECT_FALSE(s.info.action_had_no_effect);
  s = env->step(kNoop);
  EXPECT_TRUE(s.info.action_had_no_effect);
  EXPECT_EQ(env->actions(), (std::vector<Action>{kInc, kNoop}));
  EXPECT_EQ(env->benchmark()->uri(), "benchmark://toy-v0/3");
  EXPECT_EQ(env->env_id(), "toy-v0");
  EXPECT_EQ(env->compiler_version(), "toy 1.0");
}

TEST(CompilerEnv, DefaultBenchmarkAndKeepingTheCurrentOne) {
  auto env = make_toy();
  env->reset();
  EXPECT_EQ(env->benchmark()->uri(), "benchmark://toy-v0/1");
  env->reset({.benchmark = "toy-v0/5"});  // no scheme means benchmark://
  EXPECT_EQ(env->observation("value").as<int64_t>(), 5);
  env->step(kInc);
  env->reset();  // keeps toy-v0/5, starts over
  EXPECT_EQ(env->observation("value").as<int64_t>(), 5);
  EXPECT_TRUE(env->actions().empty());
}

TEST(CompilerEnv, BenchmarkObject) {
  auto env = make_toy();
  auto b = env->datasets().benchmark("benchmark://toy-v0/7");
  env->reset({.benchmark = b});
  EXPECT_EQ(env->benchmark().get(), b.get());
  EXPECT_EQ(env->observation("value").as<int64_t>(), 7);
}

TEST(CompilerEnv, MultistepRewardIsTotalChange) {
  auto env = make_toy("toy-reward-v0");
  env->reset({.benchmark = "benchmark://toy-v0/2", .reward_space = "Distance"});
  // distance 8 -> inc,inc,double (3,4,8) -> 2
  std::vector<Action> a = {kInc, kInc, kDouble};
  auto r = env->multistep(a);
  EXPECT_DOUBLE_EQ(r.reward, 6.0);
  EXPECT_DOUBLE_EQ(env->episode_reward(), 6.0);
  EXPECT_EQ(env->actions().size(), 3u);
  // Range is checked before anything is applied.
  std::vector<Action> bad = {kInc, 99};
  EXPECT_THROW(env->multistep(bad), ActionOutOfRange);
  EXPECT_EQ(env->actions().size(), 3u);
}

TEST(CompilerEnv, RewardFormulas) {
  auto env = make_toy();
  // start 2, target 10: distance_o0 = 8, distance_oz = 4.
  env->reset({.benchmark = "benchmark://toy-v0/2", .reward_space = "DistanceOz"});
  auto r = env->step(kInc, {.reward_spaces = {"Distance", "DistanceNorm"}});
  EXPECT_DOUBLE_EQ(r.reward, 1.0 / (8 - 4));
  ASSERT_EQ(r.rewards.size(), 2u);
  EXPECT_DOUBLE_EQ(r.rewards[0], 1.0);
  EXPECT_DOUBLE_EQ(r.rewards[1], 1.0 / 8);
  EXPECT_DOUBLE_EQ(env->reward("DistanceNorm"), 1.0 / 8);
  r = env->step(kDouble);  // 3 -> 6: distance 7 -> 4
  EXPECT_DOUBLE_EQ(r.reward, 3.0 / 4);
  EXPECT_DOUBLE_EQ(env->reward("DistanceOz"), 3.0 / 4);
  // Not requested in the last step: it says how to ask for it.
  EXPECT_THROW(env->reward("DistanceNorm"), StateError);
  EXPECT_THROW(env->reward("NoSuchReward"), LookupError);
  EXPECT_DOUBLE_EQ(env->episode_reward(), 1.0);  // reached the "Oz" baseline
  EXPECT_EQ(env->state().reward, 1.0);
}

TEST(CompilerEnv, ObservationsAreLazyAndCached) {
  auto env = make_toy();
  env->reset({.benchmark = "benchmark://toy-v0/4"});
  auto& count = toy::observation_computations();
  int before = count;
  env->step(kInc);
  EXPECT_EQ(count, before) << "no observation was asked for";
  EXPECT_EQ(env->observation("value").as<int64_t>(), 5);
  EXPECT_EQ(env->observation("value").as<int64_t>(), 5);
  EXPECT_EQ(count, before + 1) << "cached";
  env->step(kNoop);  // no effect: cache kept
  env->observation("value");
  EXPECT_EQ(count, before + 1);
  env->observation("distance_o0");
  env->step(kInc);  // effect: cache dropped, but not benchmark constants
  env->observation("value");
  env->observation("distance_o0");
  EXPECT_EQ(count, before + 3);
}

TEST(CompilerEnv, ForkIsIndependentAndEquivalent) {
  auto env = make_toy("toy-reward-v0");
  env->reset({.benchmark = "benchmark://toy-v0/1"});
  env->step(kInc);
  auto fork = env->fork();
  EXPECT_EQ(fork->actions(), env->actions());
  EXPECT_DOUBLE_EQ(fork->episode_reward(), env->episode_reward());
  for (Action a : {kDouble, kInc, kDec, kDouble}) {
    auto r1 = env->step(a);
    auto r2 = fork->step(a);
    EXPECT_EQ(r1.observation, r2.observation);
    EXPECT_DOUBLE_EQ(r1.reward, r2.reward);
  }
  fork->step(kZero);
  EXPECT_NE(fork->observation("value"), env->observation("value"));
  EXPECT_EQ(env->state().commandline.find("--zero"), std::string::npos);
  // Closing one leaves the other usable.
  fork->close();
  env->step(kInc);
}

TEST(CompilerEnv, FailureEndsEpisodeWithoutThrowing) {
  auto env = make_toy("toy-reward-v0");
  env->reset({.benchmark = "benchmark://toy-v0/1"});
  env->step(kInc);
  env->step(kDouble);
  const double before = env->episode_reward();
  EXPECT_NE(before, 0.0);
  auto r = env->step(kCrash);
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.info.error_type, "SessionError");
  EXPECT_NE(r.info.error_details.find("crashed on purpose"), std::string::npos);
  EXPECT_DOUBLE_EQ(r.reward, -before) << "default_negates_returns";
  EXPECT_DOUBLE_EQ(env->episode_reward(), 0.0);
  EXPECT_FALSE(env->in_episode());
  // Misuse after a failure is reported, and reset() works again.
  EXPECT_THROW(env->step(kInc), StateError);
  EXPECT_THROW(env->observation("value"), StateError);
  EXPECT_THROW(env->fork(), StateError);
  env->reset();
  EXPECT_EQ(env->step(kInc).done, false);
}

TEST(CompilerEnv, EndOfEpisodeAction) {
  auto env = make_toy();
  env->reset({.observation_space = "value"});
  auto r = env->step(kEnd);
  EXPECT_TRUE(r.done);
  EXPECT_FALSE(r.info.failed());
  EXPECT_THROW(env->step(kInc), StateError);
  // Observations of the final state are still available.
  EXPECT_EQ(env->observation("value").as<int64_t>(), 1);
}

TEST(CompilerEnv, DynamicActionSpace) {
  auto env = make_toy();
  env->reset();
  EXPECT_EQ(env->action_space().size(), 8);
  EXPECT_THROW(env->step(8), ActionOutOfRange);
  auto r = env->step(kMore);
  EXPECT_TRUE(r.info.new_action_space);
  EXPECT_EQ(env->action_space().name(), "toy-more");
  env->step(8);  // triple
  EXPECT_EQ(env->observation("value").as<int64_t>(), 3);
  env->reset();
  EXPECT_EQ(env->action_space().name(), "toy");
  env->reset({.action_space = "toy-more"});
  EXPECT_EQ(env->action_space().size(), 9);
  EXPECT_THROW(env->reset({.action_space = "nope"}), LookupError);
}

TEST(CompilerEnv, MisuseErrorsAreClear) {
  auto env = make_toy();
  try {
    env->step(kInc);
    FAIL();
  } catch (const StateError& e) {
    EXPECT_NE(std::string(e.what()).find("before reset"), std::string::npos) << e.what();
  }
  EXPECT_THROW(env->observation("value"), StateError);
  EXPECT_THROW(env->fork(), StateError);
  env->reset();
  try {
    env->step(100);
    FAIL();
  } catch (const ActionOutOfRange& e) {
    EXPECT_NE(std::string(e.what()).find("0..7"), std::string::npos) << e.what();
  }
  EXPECT_THROW(env->step(-1), ActionOutOfRange);
  try {
    env->observation("valeu");
    FAIL();
  } catch (const LookupError& e) {
    EXPECT_NE(std::string(e.what()).find("value"), std::string::npos) << e.what();
  }
  EXPECT_THROW(env->step(kInc, {.observation_spaces = {"nope"}}), LookupError);
  EXPECT_THROW(env->reset({.observation_space = "nope"}), LookupError);
  EXPECT_THROW(env->reset({.reward_space = "nope"}), LookupError);
  EXPECT_THROW(env->reset({.benchmark = "benchmark://nope-v0/1"}), LookupError);
  EXPECT_THROW(env->reset({.benchmark = "benchmark://toy-v0/abc"}), LookupError);
  EXPECT_THROW(env->reset({.benchmark = "::bad"}), InvalidArgument);
  EXPECT_THROW(env->send_session_parameter("nope", "1"), LookupError);
  // A failed reset leaves a usable env.
  EXPECT_THROW(env->reset({.benchmark = "benchmark://toy-v0/666"}), BenchmarkInitError);
  env->reset({.benchmark = "benchmark://toy-v0/2"});
  env->step(kInc);
  env->close();
  env->close();  // twice is fine
  EXPECT_TRUE(env->is_closed());
  try {
    env->step(kInc);
    FAIL();
  } catch (const StateError& e) {
    EXPECT_NE(std::string(e.what()).find("after close"), std::string::npos);
  }
  EXPECT_THROW(env->reset(), StateError);
  EXPECT_THROW(env->observation("value"), StateError);
}

TEST(CompilerEnv, UnknownMakeOptionsAreRejected) {
  toy::register_toy_envs();
  EXPECT_THROW(make("toy-v0", {.params = {{"nope", "1"}}}), LookupError);
  EXPECT_NO_THROW(make("toy-v0", {.params = {{"toy.flavour", "1"}}}));
  EXPECT_THROW(make("toy-v0", {.observation_space = "nope"}), LookupError);
  auto env = make("toy-v0", {.benchmark = "benchmark://toy-v0/9",
                             .observation_space = "value",
                             .reward_space = "Distance"});
  EXPECT_EQ(env->reset().observation.as<int64_t>(), 9);
  EXPECT_EQ(env->reward_space(), "Distance");
}

TEST(CompilerEnv, StateCommandlineAndApply) {
  auto env = make_toy("toy-reward-v0");
  env->reset({.benchmark = "benchmark://toy-v0/3"});
  env->step(kInc);
  env->step(kDouble);
  EnvState s = env->state();
  EXPECT_EQ(s.benchmark, "benchmark://toy-v0/3");
  EXPECT_EQ(s.commandline, "toyc --inc --double prog.toy");
  ASSERT_TRUE(s.reward.has_value());
  EXPECT_EQ(env->from_commandline(s.commandline), env->actions());

  auto other = make_toy("toy-reward-v0");
  other->apply(s);
  EXPECT_EQ(other->state(), s);
  EXPECT_EQ(other->observation("value").as<int64_t>(), 8);
  EXPECT_THROW(other->apply({.benchmark = "benchmark://toy-v0/3", .commandline = "--bogus"}),
               LookupError);
}

TEST(CompilerEnv, ValidateReplaysRewardAndSemantics) {
  auto env = make_toy("toy-reward-v0");
  env->reset({.benchmark = "benchmark://toy-v0/3"});
  env->step(kInc);
  auto v = env->validate();
  EXPECT_TRUE(v.okay()) << v.to_string();
  EXPECT_TRUE(v.reward_validated);
  EXPECT_EQ(env->actions().size(), 1u) << "validate() leaves the episode alone";

  EnvState wrong = env->state();
  *wrong.reward += 1.0;
  v = env->validate(wrong);
  ASSERT_FALSE(v.okay());
  EXPECT_EQ(v.errors[0].type, "Reward mismatch");

  v = env->validate(EnvState{.benchmark = "benchmark://toy-v0/3", .commandline = "--nope"});
  ASSERT_FALSE(v.okay());
  EXPECT_EQ(v.errors[0].type, "Invalid command line");

  v = env->validate(EnvState{.benchmark = "benchmark://toy-v0/3", .commandline = "--crash"});
  ASSERT_FALSE(v.okay());
  EXPECT_EQ(v.errors[0].type, "Replay failed");

  v = env->validate(EnvState{.benchmark = "benchmark://nope-v0/3"});
  ASSERT_FALSE(v.okay());
  EXPECT_EQ(v.errors[0].type, "Benchmark load failed");
}

TEST(CompilerEnv, SessionParameters) {
  auto env = make_toy();
  env->reset({.observation_space = "value"});
  EXPECT_EQ(env->observation("value").as<int64_t>(), 1);
  EXPECT_EQ(env->send_session_parameter("toy.set", "42"), "42");
  EXPECT_EQ(env->observation("value").as<int64_t>(), 42) << "cache invalidated";
}

TEST(CompilerEnv, SetSpacesMidEpisode) {
  auto env = make_toy();
  env->reset({.benchmark = "benchmark://toy-v0/2"});
  env->step(kInc);
  env->set_reward_space("Distance");
  auto r = env->step(kInc);
  EXPECT_DOUBLE_EQ(r.reward, 1.0);
  env->set_observation_space("value");
  EXPECT_EQ(env->step(kNoop).observation.as<int64_t>(), 4);
  env->set_observation_space("");
  EXPECT_TRUE(env->step(kNoop).observation.empty());
  EXPECT_THROW(env->set_reward_space("nope"), LookupError);
}

TEST(CompilerEnv, WorkingDirectoryIsRemoved) {
  std::filesystem::path dir;
  {
    toy::register_toy_envs();
    auto cfg = toy::toy_config("toy-v0");
    std::shared_ptr<const SessionContext> ctx;
    auto inner = cfg.make_session;
    cfg.make_session = [&](std::shared_ptr<const SessionContext> c) {
      ctx = c;
      return inner(c);
    };
    CompilerEnv env(cfg);
    env.reset();
    dir = ctx->working_dir();
    EXPECT_TRUE(std::filesystem::is_directory(dir));
    EXPECT_NE(ctx->unique_path("a", ".c"), ctx->unique_path("a", ".c"));
    ctx.reset();
  }
  EXPECT_FALSE(std::filesystem::exists(dir));
}
