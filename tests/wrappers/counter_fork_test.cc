// Counter and ForkOnStep.
#include <gtest/gtest.h>

#include "cgym/cgym.h"
#include "wrappers/fake_ir_env.h"

namespace cgym {
namespace {

class CounterForkTest : public ::testing::Test {
 protected:
  void SetUp() override { wrappers_test::register_test_envs(); }
};

int64_t value(Env& env) { return env.observation("value").as<int64_t>(); }

TEST_F(CounterForkTest, CounterCountsEveryCall) {
  auto env = Counter(make("toy-v0"));
  using Counts = CounterWrapper::Counts;
  EXPECT_EQ(env->counts(), Counts{});
  EXPECT_THROW(env->step(0), StateError);  // counted although it throws
  env->reset();
  env->step(0);
  env->step(1);
  env->multistep(std::vector<Action>{0, 0, 0});
  EXPECT_EQ(env->counts(), (Counts{.reset = 1, .step = 3, .multistep = 1, .actions = 6}));

  auto fork = env->fork();
  auto* counter_fork = dynamic_cast<CounterWrapper*>(fork.get());
  ASSERT_NE(counter_fork, nullptr);
  // The fork starts from a copy of the counts, this fork included.
  EXPECT_EQ(counter_fork->counts(), env->counts());
  EXPECT_EQ(env->counts().fork, 1);
  fork->step(0);
  EXPECT_EQ(counter_fork->counts().step, 4);
  EXPECT_EQ(env->counts().step, 3);

  env->apply(EnvState{.benchmark = "benchmark://toy-v0/2", .commandline = "toyc --inc prog.toy"});
  EXPECT_EQ(env->counts().reset, 2);
  EXPECT_EQ(env->counts().multistep, 2);
  env->close();
  env->close();
  EXPECT_EQ(env->counts().close, 2);
  EXPECT_FALSE(counter_fork->is_closed());
  env->reset_counts();
  EXPECT_EQ(env->counts(), Counts{});
}

TEST_F(CounterForkTest, UndoGoesBackOneStep) {
  auto env = ForkOnStep(make("toy-reward-v0"));
  env->reset();
  EXPECT_EQ(env->depth(), 0u);
  EXPECT_THROW(env->undo(), StateError);
  env->step(0);                               // 2
  env->step(2);                               // 4
  env->multistep(std::vector<Action>{0, 0});  // 6
  EXPECT_EQ(env->depth(), 3u);
  env->undo();
  EXPECT_EQ(value(*env), 4);
  EXPECT_EQ(env->actions(), (std::vector<Action>{0, 2}));
  env->undo();
  EXPECT_EQ(value(*env), 2);
  EXPECT_EQ(env->commandline(), "toyc --inc prog.toy");
  // The episode goes on from there, with its reward bookkeeping intact.
  auto plain = make("toy-reward-v0");
  plain->reset();
  plain->step(0);
  auto expected = plain->step(4);
  auto got = env->step(4);
  EXPECT_DOUBLE_EQ(got.reward, expected.reward);
  EXPECT_DOUBLE_EQ(env->episode_reward(), plain->episode_reward());
  EXPECT_EQ(got.observation, expected.observation);
  env->undo();
  env->undo();
  EXPECT_EQ(value(*env), 1);
  EXPECT_THROW(env->undo(), StateError);
}

TEST_F(CounterForkTest, UndoRecoversFromAFailedStep) {
  auto env = ForkOnStep(make("toy-v0"));
  env->reset();
  env->step(0);
  auto r = env->step(5);  // crash
  EXPECT_TRUE(r.info.failed());
  EXPECT_THROW(env->step(0), StateError);
  env->undo();
  EXPECT_TRUE(env->in_episode());
  EXPECT_EQ(value(*env), 2);
  env->step(0);
  EXPECT_EQ(value(*env), 3);
}

TEST_F(CounterForkTest, MisuseTakesNoFork) {
  auto env = ForkOnStep(make("toy-v0"));
  EXPECT_THROW(env->step(0), StateError);
  env->reset();
  EXPECT_THROW(env->step(42), ActionOutOfRange);
  EXPECT_THROW(env->multistep(std::vector<Action>{0, 42}), ActionOutOfRange);
  EXPECT_EQ(env->depth(), 0u);
  env->step(0);
  env->reset();
  EXPECT_EQ(env->depth(), 0u);
  env->step(0);
  env->close();
  EXPECT_EQ(env->depth(), 0u);
  EXPECT_THROW(env->undo(), StateError);
}

TEST_F(CounterForkTest, MaxDepthDropsTheOldest) {
  auto env = ForkOnStep(make("toy-v0"), 2);
  env->reset();
  for (int i = 0; i < 5; ++i) env->step(0);  // 2..6
  EXPECT_EQ(env->depth(), 2u);
  env->undo();
  env->undo();
  EXPECT_EQ(value(*env), 4);
  EXPECT_THROW(env->undo(), StateError);
}

TEST_F(CounterForkTest, ForkCopiesTheUndoStack) {
  auto env = ForkOnStep(make("toy-v0"));
  env->reset();
  env->step(0);  // 2
  env->step(2);  // 4
  auto fork = env->fork();
  auto* fos = dynamic_cast<ForkOnStepWrapper*>(fork.get());
  ASSERT_NE(fos, nullptr);
  EXPECT_EQ(fos->depth(), 2u);
  fos->undo();
  fos->undo();
  EXPECT_EQ(value(*fork), 1);
  // The original's stack is its own.
  EXPECT_EQ(env->depth(), 2u);
  EXPECT_EQ(value(*env), 4);
  env->undo();
  EXPECT_EQ(value(*env), 2);
  fork->step(1);
  EXPECT_EQ(value(*fork), 0);
  EXPECT_EQ(value(*env), 2);
}

TEST_F(CounterForkTest, UndoRewindsOnlyTheLayersBelow) {
  // TimeLimit below ForkOnStep: undo() rewinds the counter too.
  auto below = ForkOnStep(TimeLimit(make("toy-v0"), 3));
  below->reset();
  below->step(0);
  below->step(0);
  below->undo();
  below->undo();
  EXPECT_EQ(find_wrapper<TimeLimitWrapper>(*below)->elapsed_steps(), 0);
  EXPECT_FALSE(below->step(0).done);
  // TimeLimit above: its counter keeps counting the undone steps.
  auto above = TimeLimit(ForkOnStep(make("toy-v0")), 3);
  above->reset();
  above->step(0);
  above->step(0);
  find_wrapper<ForkOnStepWrapper>(*above)->undo();
  EXPECT_EQ(above->elapsed_steps(), 2);
  EXPECT_TRUE(above->step(0).done);
}

}  // namespace
}  // namespace cgym
