#include <gtest/gtest.h>

#include "cgym/cgym.h"
#include "wrappers/fake_ir_env.h"

namespace cgym {
namespace {

class TimeLimitTest : public ::testing::Test {
 protected:
  void SetUp() override { wrappers_test::register_test_envs(); }
};

int64_t value(Env& env) { return env.observation("value").as<int64_t>(); }

TEST_F(TimeLimitTest, EndsTheEpisodeAsTruncated) {
  auto env = TimeLimit(make("toy-v0"), 3);
  EXPECT_EQ(env->max_steps(), 3);
  env->reset();
  auto r = env->step(0);
  EXPECT_FALSE(r.done);
  r = env->step(0);
  EXPECT_FALSE(r.done);
  EXPECT_EQ(env->elapsed_steps(), 2);
  r = env->step(0);
  EXPECT_TRUE(r.done);
  EXPECT_TRUE(r.info.truncated);
  EXPECT_FALSE(r.info.failed());
  EXPECT_TRUE(env->truncated());
  EXPECT_FALSE(env->in_episode());
  EXPECT_TRUE(env->env().in_episode());  // the env below could go on
  EXPECT_EQ(value(*env), 4);             // observations still work
  EXPECT_THROW(env->step(0), StateError);
  EXPECT_THROW(env->multistep(std::vector<Action>{0}), StateError);
  env->reset();
  EXPECT_EQ(env->elapsed_steps(), 0);
  EXPECT_FALSE(env->truncated());
  EXPECT_FALSE(env->step(0).done);
}

TEST_F(TimeLimitTest, EveryActionOfAMultistepCounts) {
  auto env = TimeLimit(make("toy-v0"), 5);
  env->reset();
  auto r = env->multistep(std::vector<Action>{0, 0});
  EXPECT_FALSE(r.done);
  EXPECT_EQ(env->elapsed_steps(), 2);
  // Crosses the limit: truncated to the 3 actions left.
  r = env->multistep(std::vector<Action>{0, 0, 0, 0});
  EXPECT_TRUE(r.done);
  EXPECT_TRUE(r.info.truncated);
  EXPECT_EQ(env->elapsed_steps(), 5);
  EXPECT_EQ(env->actions().size(), 5u);
  EXPECT_EQ(value(*env), 6);
}

TEST_F(TimeLimitTest, RangesAreCheckedBeyondTheBudget) {
  auto env = TimeLimit(make("toy-v0"), 2);
  env->reset();
  EXPECT_THROW(env->multistep(std::vector<Action>{0, 0, 99}), ActionOutOfRange);
  EXPECT_EQ(env->elapsed_steps(), 0);
  EXPECT_EQ(value(*env), 1);
  EXPECT_THROW(env->step(-1), ActionOutOfRange);
  EXPECT_EQ(env->elapsed_steps(), 0);
}

TEST_F(TimeLimitTest, AnEpisodeTheEnvEndsIsNotTruncated) {
  auto env = TimeLimit(make("toy-v0"), 2);
  env->reset();
  env->step(0);
  auto r = env->step(6);  // "end" at the limit
  EXPECT_TRUE(r.done);
  EXPECT_FALSE(r.info.truncated);
  EXPECT_FALSE(env->truncated());
  EXPECT_THROW(env->step(0), StateError);

  env->reset();
  r = env->step(5);  // a crash
  EXPECT_TRUE(r.done);
  EXPECT_FALSE(r.info.truncated);
  EXPECT_EQ(r.info.error_type, "SessionError");
}

TEST_F(TimeLimitTest, ForkCopiesTheCounter) {
  auto env = TimeLimit(make("toy-v0"), 4);
  env->reset();
  env->step(0);
  env->step(0);
  auto fork = env->fork();
  auto* tl = dynamic_cast<TimeLimitWrapper*>(fork.get());
  ASSERT_NE(tl, nullptr);
  EXPECT_EQ(tl->elapsed_steps(), 2);
  EXPECT_FALSE(fork->step(0).done);
  EXPECT_TRUE(fork->step(0).info.truncated);
  // The original is independent.
  EXPECT_EQ(env->elapsed_steps(), 2);
  EXPECT_EQ(value(*env), 3);
  EXPECT_FALSE(env->step(2).done);
  EXPECT_TRUE(env->step(2).done);
  EXPECT_EQ(value(*env), 12);
  EXPECT_EQ(value(*fork), 5);
}

TEST_F(TimeLimitTest, ApplyCountsTheReplayedActions) {
  auto env = TimeLimit(make("toy-v0"), 2);
  auto r = env->apply(EnvState{.benchmark = "benchmark://toy-v0/4",
                               .commandline = "toyc --inc --inc --inc prog.toy"});
  EXPECT_TRUE(r.done);
  EXPECT_TRUE(r.info.truncated);
  EXPECT_EQ(value(*env), 6);
  EXPECT_EQ(env->commandline(), "toyc --inc --inc prog.toy");
}

TEST_F(TimeLimitTest, Misuse) {
  EXPECT_THROW(TimeLimit(make("toy-v0"), 0), InvalidArgument);
  EXPECT_THROW(TimeLimit(make("toy-v0"), -5), InvalidArgument);
  auto env = TimeLimit(make("toy-v0"), 2);
  EXPECT_THROW(env->step(0), StateError);  // before reset
  env->close();
  EXPECT_THROW(env->reset(), StateError);
}

}  // namespace
}  // namespace cgym
