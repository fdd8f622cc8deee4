// The wrapper base classes: forwarding, fork through clone_with(), and the
// Action/Observation/Reward wrappers subclassed the way users do.
#include <gtest/gtest.h>

#include <numeric>

#include "cgym/cgym.h"
#include "wrappers/fake_ir_env.h"

namespace cgym {
namespace {

class WrapperTest : public ::testing::Test {
 protected:
  void SetUp() override { wrappers_test::register_test_envs(); }
};

// A pass-through wrapper: everything must behave exactly like the env.
class PassThrough final : public CopyableWrapper<PassThrough> {
 public:
  using CopyableWrapper::CopyableWrapper;
};

// Reverses the action indices: outer a is inner n-1-a.
class Reversed final : public CopyableWrapper<Reversed, ActionWrapper> {
 public:
  explicit Reversed(EnvPtr env) : CopyableWrapper(std::move(env)) { attach(); }
  Action action(Action a) const override { return action_space().size() - 1 - a; }
  std::optional<Action> reverse_action(Action a) const override {
    return action_space().size() - 1 - a;
  }

 protected:
  ActionSpace make_action_space(const ActionSpace& wrapped) override {
    auto infos = wrapped.actions();
    std::reverse(infos.begin(), infos.end());
    return ActionSpace(
        wrapped.name() + ":reversed", infos,
        CommandlineFormat{.prefix = wrapped.format().prefix, .suffix = wrapped.format().suffix});
  }
};

// The sum of the "features" vector as the observation.
class FeatureSum final : public CopyableWrapper<FeatureSum, ObservationWrapper> {
 public:
  using CopyableWrapper::CopyableWrapper;
  Observation convert_observation(const Observation& o) override {
    if (o.empty()) return o;
    const auto& v = o.as<std::vector<int64_t>>();
    return Observation(std::accumulate(v.begin(), v.end(), int64_t{0}));
  }
};

// Doubles every reward, and counts the conversions (its own state, which a
// fork must copy).
class Doubled final : public CopyableWrapper<Doubled, RewardWrapper> {
 public:
  using CopyableWrapper::CopyableWrapper;
  double convert_reward(double r) override {
    ++conversions;
    return 2 * r;
  }
  int conversions = 0;
};

TEST_F(WrapperTest, NullEnvIsRejected) {
  EXPECT_THROW(PassThrough(nullptr), InvalidArgument);
  EXPECT_THROW(TimeLimit(nullptr, 3), InvalidArgument);
}

TEST_F(WrapperTest, PassThroughBehavesLikeTheEnv) {
  auto plain = make("toy-reward-v0");
  auto wrapped = std::make_unique<PassThrough>(make("toy-reward-v0"));
  EXPECT_EQ(wrapped->env_id(), "toy-reward-v0");
  EXPECT_EQ(wrapped->action_space().name(), plain->action_space().name());
  EXPECT_EQ(wrapped->reward_space(), plain->reward_space());
  EXPECT_THROW(wrapped->step(0), StateError);
  auto r1 = plain->reset();
  auto r2 = wrapped->reset();
  EXPECT_EQ(r1.observation, r2.observation);
  for (Action a : {0, 2, 1, 3, 0}) {
    auto s1 = plain->step(a);
    auto s2 = wrapped->step(a);
    EXPECT_EQ(s1.observation, s2.observation);
    EXPECT_DOUBLE_EQ(s1.reward, s2.reward);
    EXPECT_EQ(s1.done, s2.done);
  }
  EXPECT_EQ(wrapped->commandline(), plain->commandline());
  EXPECT_EQ(wrapped->state(), plain->state());
  EXPECT_EQ(wrapped->actions(), plain->actions());
  EXPECT_DOUBLE_EQ(wrapped->episode_reward(), plain->episode_reward());
  EXPECT_TRUE(wrapped->validate().okay());
  EXPECT_EQ(&wrapped->unwrapped(), &wrapped->env());
  wrapped->close();
  EXPECT_TRUE(wrapped->is_closed());
  EXPECT_THROW(wrapped->step(0), StateError);
  EXPECT_THROW(wrapped->fork(), StateError);
  wrapped->close();  // idempotent
}

TEST_F(WrapperTest, ForkGoesThroughEveryLayer) {
  auto env = std::make_unique<PassThrough>(std::make_unique<PassThrough>(make("toy-v0")));
  EXPECT_THROW(env->fork(), StateError);  // before reset: the env's error
  env->reset();
  env->step(0);
  auto fork = env->fork();
  auto* outer = dynamic_cast<PassThrough*>(fork.get());
  ASSERT_NE(outer, nullptr);
  ASSERT_NE(dynamic_cast<PassThrough*>(&outer->env()), nullptr);
  EXPECT_NE(&outer->unwrapped(), &env->unwrapped());
  fork->step(0);
  EXPECT_EQ(fork->observation("value").as<int64_t>(), 3);
  EXPECT_EQ(env->observation("value").as<int64_t>(), 2);
}

TEST_F(WrapperTest, FindWrapper) {
  auto env = TimeLimit(Counter(make("toy-v0")), 5);
  Env& e = *env;
  EXPECT_EQ(find_wrapper<TimeLimitWrapper>(e), env.get());
  ASSERT_NE(find_wrapper<CounterWrapper>(e), nullptr);
  EXPECT_EQ(find_wrapper<ForkOnStepWrapper>(e), nullptr);
  EXPECT_NE(find_wrapper<CompilerEnv>(e), nullptr);
  env->reset();
  env->step(0);
  EXPECT_EQ(find_wrapper<CounterWrapper>(e)->counts().step, 1);
}

TEST_F(WrapperTest, ActionWrapperTranslatesBothWays) {
  auto env = std::make_unique<Reversed>(make("toy-v0"));
  const int n = env->action_space().size();
  ASSERT_EQ(n, 8);
  EXPECT_EQ(env->action_space().action_name(n - 1), "inc");
  env->reset();
  env->step(n - 1);  // inc: 1 -> 2
  env->step(n - 3);  // double: 2 -> 4
  EXPECT_EQ(env->observation("value").as<int64_t>(), 4);
  EXPECT_EQ(env->actions(), (std::vector<Action>{n - 1, n - 3}));
  EXPECT_EQ(env->env().actions(), (std::vector<Action>{0, 2}));
  EXPECT_EQ(env->commandline(), "toyc --inc --double prog.toy");
  EXPECT_EQ(env->from_commandline("toyc --double --dec prog.toy"),
            (std::vector<Action>{n - 3, n - 2}));
  EXPECT_EQ(env->action_space().to_commandline(env->actions()), env->commandline());
  EXPECT_THROW(env->step(n), ActionOutOfRange);
  EXPECT_THROW(env->multistep(std::vector<Action>{n - 1, -1}), ActionOutOfRange);
  EXPECT_EQ(env->observation("value").as<int64_t>(), 4);  // nothing applied

  // A multistep that stops early records only what was applied.
  auto r = env->multistep(std::vector<Action>{n - 1, n - 6 /*crash*/, n - 1});
  EXPECT_TRUE(r.info.failed());
  EXPECT_EQ(env->actions(), (std::vector<Action>{n - 1, n - 3, n - 1, n - 6}));

  // apply() replays through the wrapper.
  const EnvState s{.benchmark = "benchmark://toy-v0/3",
                   .commandline = "toyc --double --inc prog.toy"};
  env->apply(s);
  EXPECT_EQ(env->observation("value").as<int64_t>(), 7);
  EXPECT_EQ(env->actions(), (std::vector<Action>{n - 3, n - 1}));
  EXPECT_EQ(env->state().commandline, s.commandline);
}

TEST_F(WrapperTest, ActionWrapperSyncsAnEpisodeInProgress) {
  auto inner = make("toy-v0");
  inner->reset();
  inner->step(2);
  auto env = std::make_unique<Reversed>(std::move(inner));
  EXPECT_EQ(env->actions(), (std::vector<Action>{5}));
}

TEST_F(WrapperTest, ObservationWrapperConvertsTheDefaultObservation) {
  auto env = std::make_unique<FeatureSum>(make("toy-reward-v0"));
  auto r = env->reset();  // features = {value 1, steps 0}
  EXPECT_EQ(r.observation, Observation(int64_t{1}));
  r = env->step(0);  // {2, 1}
  EXPECT_EQ(r.observation, Observation(int64_t{3}));
  r = env->multistep(std::vector<Action>{2, 0});  // {5, 3}
  EXPECT_EQ(r.observation, Observation(int64_t{8}));
  // observation(name) is the raw value.
  EXPECT_EQ(env->observation("features"), Observation(std::vector<int64_t>{5, 3}));
  auto fork = env->fork();
  EXPECT_EQ(fork->step(0).observation, Observation(int64_t{10}));  // {6, 4}
}

TEST_F(WrapperTest, RewardWrapperKeepsItsEpisodeRewardConsistent) {
  auto env = std::make_unique<Doubled>(make("toy-reward-v0"));
  env->reset();
  double sum = 0, inner_sum = 0;
  for (Action a : {0, 0, 2, 1}) {
    auto r = env->step(a);
    const double inner = env->env().reward("DistanceOz");
    EXPECT_DOUBLE_EQ(r.reward, 2 * inner);
    EXPECT_DOUBLE_EQ(env->reward("DistanceOz"), r.reward);
    sum += r.reward;
    inner_sum += inner;
  }
  EXPECT_DOUBLE_EQ(env->episode_reward(), sum);
  EXPECT_DOUBLE_EQ(env->env().episode_reward(), inner_sum);
  EXPECT_DOUBLE_EQ(*env->state().reward, sum);
  EXPECT_EQ(env->conversions, 4);
  // The wrapped env validates its own reward.
  auto v = env->validate();
  EXPECT_TRUE(v.okay()) << v.to_string();
  EXPECT_DOUBLE_EQ(*v.state.reward, sum);

  auto fork = env->fork();
  auto* doubled = dynamic_cast<Doubled*>(fork.get());
  ASSERT_NE(doubled, nullptr);
  EXPECT_EQ(doubled->conversions, 4);
  EXPECT_DOUBLE_EQ(fork->episode_reward(), sum);
  auto a = env->step(0);
  auto b = fork->step(0);
  EXPECT_DOUBLE_EQ(a.reward, b.reward);
  EXPECT_DOUBLE_EQ(env->episode_reward(), fork->episode_reward());

  // A failed step converts the env's negating reward: the episode returns
  // to 0 for a linear conversion.
  auto crash = env->step(5);
  EXPECT_TRUE(crash.info.failed());
  EXPECT_NEAR(env->episode_reward(), 0.0, 1e-12);

  env->reset();
  EXPECT_DOUBLE_EQ(env->episode_reward(), 0.0);
  EXPECT_DOUBLE_EQ(env->reward("DistanceOz"), 0.0);
}

}  // namespace
}  // namespace cgym
