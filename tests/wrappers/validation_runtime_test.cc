// ValidateBenchmarkAfterEveryStep and RuntimePointEstimateReward.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "cgym/cgym.h"
#include "wrappers/fake_ir_env.h"

namespace cgym {
namespace {

using ::testing::HasSubstr;
using wrappers_test::fake_runtime;
using wrappers_test::runnable_toy_benchmark;

class ValidationRuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override { wrappers_test::register_test_envs(); }
};

int64_t value(Env& env) { return env.observation("value").as<int64_t>(); }

// ---- ValidateBenchmarkAfterEveryStep -------------------------------------------

TEST_F(ValidationRuntimeTest, ValidationFailureEndsTheEpisodeWithThePenalty) {
  auto env = ValidateBenchmarkAfterEveryStep(make("toy-v0"), -7.5);
  EXPECT_DOUBLE_EQ(env->penalty(), -7.5);
  env->reset(ResetOptions{.benchmark = runnable_toy_benchmark(0)});
  EXPECT_FALSE(env->step(0).done);  // 1
  EXPECT_FALSE(env->step(1).done);  // 0
  auto r = env->step(1);            // -1: the toy's semantic check fails
  EXPECT_TRUE(r.done);
  EXPECT_DOUBLE_EQ(r.reward, -7.5);
  EXPECT_EQ(r.info.error_type, "ValidationError");
  EXPECT_THAT(r.info.error_details, HasSubstr("Wrong output"));
  EXPECT_THAT(r.info.error_details, HasSubstr("negative"));
  EXPECT_FALSE(env->in_episode());
  EXPECT_THROW(env->step(0), StateError);
  EXPECT_THROW(env->multistep(std::vector<Action>{0}), StateError);
  EXPECT_DOUBLE_EQ(env->episode_reward(), -7.5);
  EXPECT_FALSE(env->state().reward.has_value());  // toy-v0 has no reward space
  EXPECT_EQ(value(*env), -1);

  env->reset(ResetOptions{.benchmark = runnable_toy_benchmark(0)});
  EXPECT_TRUE(env->in_episode());
  EXPECT_DOUBLE_EQ(env->episode_reward(), 0.0);
  auto m = env->multistep(std::vector<Action>{1, 0});  // -1 then 0: valid at the end
  EXPECT_FALSE(m.done);
  m = env->multistep(std::vector<Action>{0, 1, 1});
  EXPECT_TRUE(m.done);
  EXPECT_EQ(m.info.error_type, "ValidationError");
}

TEST_F(ValidationRuntimeTest, ValidStepsKeepTheirRewards) {
  auto env = ValidateBenchmarkAfterEveryStep(make("toy-reward-v0"), -100);
  auto plain = make("toy-reward-v0");
  env->reset(ResetOptions{.benchmark = runnable_toy_benchmark(2)});
  plain->reset(ResetOptions{.benchmark = runnable_toy_benchmark(2)});
  for (Action a : {0, 2, 1}) {
    auto r = env->step(a);
    auto p = plain->step(a);
    EXPECT_FALSE(r.done);
    EXPECT_DOUBLE_EQ(r.reward, p.reward);
  }
  EXPECT_DOUBLE_EQ(env->episode_reward(), plain->episode_reward());
  auto fork = env->fork();
  auto r = env->step(4);  // zero: still valid
  EXPECT_FALSE(r.done);
  r = env->step(1);  // -1
  EXPECT_TRUE(r.done);
  EXPECT_DOUBLE_EQ(r.reward, -100);
  const double after_three = plain->episode_reward();
  plain->step(4);
  const double expected = plain->episode_reward() - 100;
  EXPECT_DOUBLE_EQ(env->episode_reward(), expected);
  EXPECT_DOUBLE_EQ(*env->state().reward, expected);
  // The fork was taken before: it is still valid and independent.
  EXPECT_TRUE(fork->in_episode());
  EXPECT_DOUBLE_EQ(fork->episode_reward(), after_three);
  EXPECT_FALSE(fork->step(0).done);
}

TEST_F(ValidationRuntimeTest, NonRunnableBenchmarksOnlyCheckTheReward) {
  auto env = ValidateBenchmarkAfterEveryStep(make("toy-v0"));
  env->reset(ResetOptions{.benchmark = "benchmark://toy-v0/0"});
  auto r = env->step(1);  // -1, but nothing runs the program
  EXPECT_FALSE(r.done);
  // A step the env ends itself is passed through unvalidated.
  r = env->step(5);
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.info.error_type, "SessionError");
}

// ---- RuntimePointEstimateReward ------------------------------------------------

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::vector<double> runtimes(int64_t value, int runs) {
  std::vector<double> v;
  for (int i = 0; i < runs; ++i) v.push_back(fake_runtime(value, i, runs));
  return v;
}

TEST_F(ValidationRuntimeTest, EstimatorsAgreeWithDirectComputation) {
  std::vector<double> scratch;
  const std::vector<double> odd = {3, 1, 2, 9, 5};
  const std::vector<double> even = {4, 1, 3, 2};
  EXPECT_DOUBLE_EQ(point_estimate(Estimator::kMedian, odd, scratch), 3);
  EXPECT_DOUBLE_EQ(point_estimate(Estimator::kMedian, even, scratch), 2.5);
  EXPECT_DOUBLE_EQ(point_estimate(Estimator::kMean, odd, scratch), 4);
  EXPECT_DOUBLE_EQ(point_estimate(Estimator::kMin, odd, scratch), 1);
  EXPECT_THROW(point_estimate(Estimator::kMin, std::vector<double>{}, scratch), InvalidArgument);
  EXPECT_EQ(estimator_from_string("mean"), Estimator::kMean);
  EXPECT_STREQ(to_string(Estimator::kMedian), "median");
  try {
    estimator_from_string("mode");
    FAIL();
  } catch (const InvalidArgument& e) {
    EXPECT_THAT(e.what(), HasSubstr("median, mean, min"));
  }
}

TEST_F(ValidationRuntimeTest, RewardIsTheDecreaseInTheEstimate) {
  for (auto [estimator, runs] : {std::pair{Estimator::kMedian, 7}, std::pair{Estimator::kMedian, 4},
                                 std::pair{Estimator::kMean, 3}, std::pair{Estimator::kMin, 6}}) {
    auto est = [&](int64_t v) {
      auto r = runtimes(v, runs);
      if (estimator == Estimator::kMedian) return median_of(r);
      if (estimator == Estimator::kMin) return *std::min_element(r.begin(), r.end());
      double s = 0;
      for (double x : r) s += x;
      return s / static_cast<double>(r.size());
    };
    auto env = RuntimePointEstimateReward(make("fakeir-v0"), runs, 2, estimator);
    EXPECT_EQ(env->reward_space(), std::optional<std::string>("RuntimePointEstimate"));
    auto r = env->reset();  // value 1
    EXPECT_TRUE(env->runs_enforced());
    EXPECT_DOUBLE_EQ(r.reward, 0.0);
    EXPECT_DOUBLE_EQ(env->current_estimate(), est(1));
    EXPECT_EQ(env->observation("Runtime").as<std::vector<double>>().size(),
              static_cast<size_t>(runs));
    double sum = 0;
    int64_t v = 1;
    for (auto [action, next] :
         {std::pair{0, 2}, std::pair{2, 4}, std::pair{2, 8}, std::pair{1, 7}}) {
      auto s = env->step(action);
      EXPECT_FALSE(s.done);
      EXPECT_NEAR(s.reward, est(v) - est(next), 1e-12) << to_string(estimator);
      EXPECT_DOUBLE_EQ(env->reward("RuntimePointEstimate"), s.reward);
      sum += s.reward;
      v = next;
    }
    EXPECT_NEAR(env->episode_reward(), sum, 1e-12);
    EXPECT_NEAR(*env->state().reward, est(1) - est(7), 1e-12);
  }
}

TEST_F(ValidationRuntimeTest, RuntimeRewardWithoutSessionParameters) {
  auto env = RuntimePointEstimateReward(make("fakeir-noparams-v0"), 30, 0, Estimator::kMin);
  env->reset();
  EXPECT_FALSE(env->runs_enforced());
  auto r = env->step(0);
  auto five = [](int64_t v) {
    auto x = runtimes(v, 5);
    return *std::min_element(x.begin(), x.end());
  };
  EXPECT_NEAR(r.reward, five(1) - five(2), 1e-12);
}

TEST_F(ValidationRuntimeTest, RuntimeFailuresEndTheEpisode) {
  auto env = RuntimePointEstimateReward(make("fakeir-v0"), 3);
  env->reset(ResetOptions{.benchmark = "benchmark://toy-v0/11"});
  auto r = env->step(1);  // 10: a normal step
  EXPECT_FALSE(r.done);
  const double before = env->episode_reward();
  EXPECT_NE(before, 0.0);
  r = env->multistep(std::vector<Action>{0, 0, 0});  // 13: the program crashes when run
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.info.error_type, "SessionError");
  EXPECT_THAT(r.info.error_details, HasSubstr("crashed"));
  EXPECT_DOUBLE_EQ(r.reward, -before);
  EXPECT_DOUBLE_EQ(env->episode_reward(), 0.0);
  EXPECT_FALSE(env->in_episode());
  EXPECT_THROW(env->step(0), StateError);

  // A failing compiler step negates the returns too.
  env->reset();
  env->step(0);
  r = env->step(4);  // crash
  EXPECT_EQ(r.info.error_type, "SessionError");
  EXPECT_DOUBLE_EQ(env->episode_reward(), 0.0);

  EXPECT_THROW(env->reset(ResetOptions{.benchmark = "benchmark://toy-v0/13"}), BenchmarkInitError);
}

TEST_F(ValidationRuntimeTest, RuntimeForkAndMisuse) {
  auto env = RuntimePointEstimateReward(make("fakeir-v0"), 5);
  env->reset();
  env->step(0);
  auto fork = env->fork();
  auto a = env->step(2);
  auto b = fork->step(2);
  EXPECT_DOUBLE_EQ(a.reward, b.reward);
  EXPECT_DOUBLE_EQ(env->episode_reward(), fork->episode_reward());
  fork->step(0);
  EXPECT_NE(env->episode_reward(), fork->episode_reward());
  // Validation checks the env's semantics; the measured reward is not replayed.
  auto v = env->validate();
  EXPECT_TRUE(v.okay()) << v.to_string();
  EXPECT_FALSE(v.reward_validated);
  auto spaces = env->reward_spaces();
  ASSERT_FALSE(spaces.empty());
  EXPECT_EQ(spaces.back().name, "RuntimePointEstimate");
  EXPECT_FALSE(spaces.back().deterministic);

  try {
    RuntimePointEstimateReward(make("toy-v0"));
    FAIL();
  } catch (const LookupError& e) {
    EXPECT_THAT(e.what(), HasSubstr("'Runtime'"));
    EXPECT_THAT(e.what(), HasSubstr("features"));
  }
  EXPECT_THROW(RuntimePointEstimateReward(make("fakeir-v0"), 0), InvalidArgument);
  EXPECT_THROW(RuntimePointEstimateReward(make("fakeir-v0"), 3, -1), InvalidArgument);
  auto fresh = RuntimePointEstimateReward(make("fakeir-v0"));
  EXPECT_THROW(fresh->step(0), StateError);
  EXPECT_THROW(fresh->reward("RuntimePointEstimate"), StateError);
}

}  // namespace
}  // namespace cgym
