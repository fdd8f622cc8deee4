// The cuda backend on a real GPU. Every test skips, with the reason, when no
// CUDA device is present (as on CI and the development machine);
// bench/gpu_check.sh runs them on a GPU machine.
#include <gtest/gtest.h>

#include <random>

#include "cgym/cgym.h"
#include "gpu_probe.h"

namespace cgym::cuda {
namespace {

class Gpu : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto problem = gpu_problem()) GTEST_SKIP() << "no CUDA device usable: " << *problem;
  }
  Evaluator evaluator(const Computation& c) {
    Settings s;
    s.run.warmup = 1;
    s.run.runs = 3;
    return Evaluator(c, Target::kCuda, s, dir_.path());
  }
  TempDir dir_{"cuda-gpu-test"};
};

TEST_F(Gpu, EveryComputationRunsCorrectlyWithTheInitialSchedule) {
  for (Kind kind : all_kinds()) {
    const auto c = Computation::make(kind);
    const double gflops = evaluator(c).flops(initial_schedule(c, Target::kCuda));
    EXPECT_GT(gflops, 0.0) << c.description();
  }
}

TEST_F(Gpu, RandomSchedulesProduceTheReferenceOutput) {
  std::mt19937_64 rng(99);
  const std::vector<Computation> comps = {
      Computation::make(Kind::kMatmul, {{"m", 67}, {"n", 45}, {"k", 33}}),
      Computation::make(Kind::kConv2d, {{"h", 17}, {"w", 13}, {"k", 3}, {"c", 3}, {"f", 5}}),
      Computation::make(Kind::kReduction, {{"m", 33}, {"n", 70}}),
      Computation::make(Kind::kTranspose, {{"m", 45}, {"n", 31}}),
      Computation::make(Kind::kPointwise, {{"n", 5001}}),
  };
  const int64_t factors[] = {2, 4, 8, 16, 32};
  for (int round = 0; round < 3; ++round) {
    for (const auto& c : comps) {
      auto s = initial_schedule(c, Target::kCuda);
      for (int step = 0; step < 12; ++step) {
        const size_t pos = rng() % s.size();
        switch (rng() % 5) {
          case 0:
          case 1:
            s.split(pos, factors[rng() % 5]);
            break;
          case 2:
            s.swap(pos);
            break;
          case 3:
            s.toggle_parallel(c, pos);
            break;
          default:
            s.toggle_unroll(pos);
            break;
        }
      }
      SCOPED_TRACE(c.description() + "\n" + s.to_string(c));
      EXPECT_NO_THROW(evaluator(c).check(s));
    }
  }
}

TEST_F(Gpu, WrongScheduleIsCaught) {
  const auto c = Computation::make(Kind::kPointwise, {{"n", 1000}});
  auto s = initial_schedule(c, Target::kCuda);
  ASSERT_TRUE(s.split(0, 256));
  Settings wrong;
  wrong.drop_tail = true;
  Evaluator e(c, Target::kCuda, wrong, dir_.path());
  try {
    e.flops(s);
    FAIL() << "a CUDA schedule that drops the tail was reported as fast";
  } catch (const SessionError& err) {
    EXPECT_NE(std::string(err.what()).find("schedule produced wrong output"), std::string::npos)
        << err.what();
  }
}

TEST_F(Gpu, LoopNestEnvEpisodeWithFlopsReward) {
  auto env = make("loopnest-v0", {.params = {{"backend", "cuda"}}});
  env->reset(
      {.benchmark = "benchmark://loopnest-v0/matmul?m=512&n=512&k=512", .reward_space = "flops"});
  const double naive = env->observation("flops").as<double>();
  EXPECT_GT(naive, 0.0);
  for (const char* a :
       {"cursor_down", "split_32", "cursor_up", "split_4", "cursor_down", "toggle_parallel"}) {
    auto r = env->step(env->action_space().index(a));
    ASSERT_FALSE(r.done) << a << ": " << r.info.error_details;
  }
  EXPECT_GT(env->observation("flops").as<double>(), 0.0);
  const auto info = env->observation("ptxas_info").as_json();
  EXPECT_GT(info.at("registers").get<int>(), 0);
  EXPECT_TRUE(env->validate().okay());
}

TEST_F(Gpu, LoopToolCudaBenchmark) {
  auto env = make("loop_tool-v0");
  env->reset({.benchmark = "benchmark://loop_tool-cuda-v0/1000000", .reward_space = "flops"});
  EXPECT_GT(env->observation("flops").as<double>(), 0.0);
  // Select L1, size mode, grow it twice: 1000000 = 333333 * 3 + 1.
  for (const char* a : {"toggle_mode", "up", "toggle_mode", "up", "up"}) {
    auto r = env->step(env->action_space().index(a));
    ASSERT_FALSE(r.done) << r.info.error_details;
  }
  EXPECT_EQ(env->observation("action_state").as<std::vector<int64_t>>(),
            (std::vector<int64_t>{1, 3, 0}));
}

}  // namespace
}  // namespace cgym::cuda
