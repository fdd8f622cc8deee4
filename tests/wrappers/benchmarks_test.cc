#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "cgym/cgym.h"
#include "wrappers/fake_ir_env.h"

namespace cgym {
namespace {

using ::testing::HasSubstr;

class BenchmarksTest : public ::testing::Test {
 protected:
  void SetUp() override { wrappers_test::register_test_envs(); }
  const std::vector<std::string> uris_ = {"benchmark://toy-v0/3", "benchmark://toy-v0/7",
                                          "benchmark://toy-v0/5"};
};

std::string uri(const Env& env) { return env.benchmark()->uri(); }
int64_t value(Env& env) { return env.observation("value").as<int64_t>(); }

TEST_F(BenchmarksTest, IterateUsesEachBenchmarkOnceThenStops) {
  auto env = IterateOverBenchmarks(make("toy-v0"), uris_);
  EXPECT_EQ(env->remaining(), 3u);
  env->reset();
  EXPECT_EQ(uri(*env), uris_[0]);
  EXPECT_EQ(value(*env), 3);
  // A reset that names a benchmark leaves the list where it was.
  env->reset(ResetOptions{.benchmark = "benchmark://toy-v0/9"});
  EXPECT_EQ(uri(*env), "benchmark://toy-v0/9");
  EXPECT_EQ(env->remaining(), 2u);
  env->reset();
  EXPECT_EQ(uri(*env), uris_[1]);
  // Other reset options are kept.
  env->reset(ResetOptions{.action_space = "toy-more"});
  EXPECT_EQ(uri(*env), uris_[2]);
  EXPECT_EQ(env->action_space().name(), "toy-more");
  EXPECT_EQ(env->remaining(), 0u);
  env->step(0);
  try {
    env->reset();
    FAIL() << "expected StopIteration";
  } catch (const StopIteration& e) {
    EXPECT_STREQ(e.type_name(), "StopIteration");
    EXPECT_THAT(e.what(), HasSubstr("all 3 benchmarks"));
  }
  // StopIteration is a StateError, and the episode is left as it was.
  EXPECT_THROW(env->reset(), StateError);
  EXPECT_TRUE(env->in_episode());
  EXPECT_EQ(value(*env), 6);
}

TEST_F(BenchmarksTest, CycleWrapsAround) {
  auto env = CycleOverBenchmarks(make("toy-v0"), uris_);
  std::vector<std::string> seen;
  for (int i = 0; i < 7; ++i) {
    env->reset();
    seen.push_back(uri(*env));
  }
  EXPECT_EQ(seen, (std::vector<std::string>{uris_[0], uris_[1], uris_[2], uris_[0], uris_[1],
                                            uris_[2], uris_[0]}));
  EXPECT_EQ(env->next_index(), 1u);
}

TEST_F(BenchmarksTest, RandomOrderIsSeededAndWithReplacement) {
  auto sequence = [&](uint64_t seed, int n) {
    auto env = RandomOrderBenchmarks(make("toy-v0"), uris_, seed);
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) {
      env->reset();
      out.push_back(uri(*env));
    }
    return out;
  };
  const auto a = sequence(42, 60);
  EXPECT_EQ(a, sequence(42, 60));
  EXPECT_NE(a, sequence(43, 60));
  std::map<std::string, int> counts;
  for (const auto& u : a) ++counts[u];
  EXPECT_EQ(counts.size(), 3u);  // every benchmark drawn
  bool repeat = false;           // with replacement: some benchmark drawn twice in a row
  for (size_t i = 1; i < a.size(); ++i) repeat = repeat || a[i] == a[i - 1];
  EXPECT_TRUE(repeat);
  // The documented engine: mt19937_64(seed), uniform over the indices.
  Rng rng(42);
  std::uniform_int_distribution<size_t> pick(0, uris_.size() - 1);
  for (const auto& u : a) EXPECT_EQ(u, uris_[pick(rng)]);
}

TEST_F(BenchmarksTest, ForksContinueTheSameSequence) {
  auto cycle = CycleOverBenchmarks(make("toy-v0"), uris_);
  cycle->reset();
  auto cycle_fork = cycle->fork();
  cycle_fork->reset();
  cycle->reset();
  EXPECT_EQ(uri(*cycle_fork), uris_[1]);
  EXPECT_EQ(uri(*cycle), uris_[1]);

  auto random = RandomOrderBenchmarks(make("toy-v0"), uris_, 7);
  random->reset();
  auto random_fork = random->fork();
  for (int i = 0; i < 10; ++i) {
    random->reset();
    random_fork->reset();
    EXPECT_EQ(uri(*random), uri(*random_fork));
  }

  auto iterate = IterateOverBenchmarks(make("toy-v0"), uris_);
  iterate->reset();
  iterate->reset();
  auto iterate_fork = iterate->fork();
  iterate_fork->reset();
  EXPECT_EQ(uri(*iterate_fork), uris_[2]);
  EXPECT_THROW(iterate_fork->reset(), StopIteration);
  iterate->reset();  // the original still has its third benchmark
  EXPECT_EQ(uri(*iterate), uris_[2]);
}

TEST_F(BenchmarksTest, Misuse) {
  EXPECT_THROW(IterateOverBenchmarks(make("toy-v0"), {}), InvalidArgument);
  EXPECT_THROW(CycleOverBenchmarks(make("toy-v0"), {}), InvalidArgument);
  EXPECT_THROW(RandomOrderBenchmarks(make("toy-v0"), {}, 1), InvalidArgument);

  // Bad URIs fail at reset(), and the list moves on.
  auto env = CycleOverBenchmarks(
      make("toy-v0"),
      {"benchmark://nosuch-v0/1", "benchmark://toy-v0/666", "benchmark://toy-v0/2"});
  EXPECT_THROW(env->reset(), LookupError);
  EXPECT_THROW(env->reset(), BenchmarkInitError);
  env->reset();
  EXPECT_EQ(value(*env), 2);

  env->close();
  EXPECT_THROW(env->reset(), StateError);
}

}  // namespace
}  // namespace cgym
