// The cpu backend end to end: generated C++/OpenMP programs built with the
// host compiler, run, checked against their reference and timed.
#include <gtest/gtest.h>

#include <random>

#include "backends/cuda/build.h"
#include "backends/cuda/session.h"
#include "cgym/errors.h"
#include "cgym/subprocess.h"
#include "cgym/util.h"

namespace cgym::cuda {
namespace {

Settings fast_settings() {
  Settings s;
  s.run.warmup = 0;
  s.run.runs = 1;
  s.run.min_batch_seconds = 0;
  s.run.threads = 2;
  return s;
}

class CpuBackend : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!find_program("g++")) GTEST_SKIP() << "g++ is not installed: the cpu backend needs it";
  }
  Evaluator evaluator(const Computation& c, Settings s = fast_settings()) {
    return Evaluator(c, Target::kCpu, s, dir_.path());
  }
  TempDir dir_{"cuda-cpu-test"};
};

TEST_F(CpuBackend, EveryComputationRunsCorrectlyWithTheNaiveSchedule) {
  for (Kind kind : all_kinds()) {
    const auto c = Computation::make(kind, kind == Kind::kConv2d
                                               ? std::map<std::string, int64_t>{{"h", 12}, {"w", 9}}
                                               : std::map<std::string, int64_t>{});
    const auto e = evaluator(c);
    const double gflops = e.flops(Schedule::naive(c));
    EXPECT_GT(gflops, 0.0) << c.description();
    EXPECT_LT(gflops, 1e4) << c.description();
  }
}

// The heart of the backend's correctness: random schedules on sizes that no
// factor divides, every one built, run and checked against the reference
// (the program exits with "wrong_output" otherwise, which throws).
TEST_F(CpuBackend, RandomSchedulesProduceTheReferenceOutput) {
  std::mt19937_64 rng(2024);
  const std::vector<Computation> comps = {
      Computation::make(Kind::kMatmul, {{"m", 37}, {"n", 29}, {"k", 19}}),
      Computation::make(Kind::kConv2d, {{"h", 13}, {"w", 11}, {"k", 3}, {"c", 3}, {"f", 5}}),
      Computation::make(Kind::kReduction, {{"m", 33}, {"n", 70}}),
      Computation::make(Kind::kTranspose, {{"m", 45}, {"n", 31}}),
      Computation::make(Kind::kPointwise, {{"n", 1001}}),
  };
  const int64_t factors[] = {2, 4, 8, 16, 32};
  int checked = 0;
  for (int round = 0; round < 3; ++round) {
    for (const auto& c : comps) {
      auto s = Schedule::naive(c);
      const int steps = 4 + static_cast<int>(rng() % 14);
      for (int step = 0; step < steps; ++step) {
        const size_t pos = rng() % s.size();
        switch (rng() % 7) {
          case 0:
          case 1:
            s.split(pos, factors[rng() % 5]);
            break;
          case 2:
            s.merge(pos);
            break;
          case 3:
            s.swap(pos);
            break;
          case 4:
            s.toggle_parallel(c, pos);
            break;
          case 5:
            s.toggle_unroll(pos);
            break;
          default:
            s.toggle_vectorize(pos);
            break;
        }
      }
      SCOPED_TRACE(c.description() + "\n" + s.to_string(c));
      EXPECT_NO_THROW(evaluator(c).check(s));
      ++checked;
    }
  }
  EXPECT_EQ(checked, 15);
}

// The CUDA code generator's mapping (grid decomposition, early returns,
// hoisted parallel loops, per-thread register tiles), checked without a
// GPU: the CUDA kernel runs on the CPU, one (block, thread) after another.
TEST_F(CpuBackend, CudaKernelsEmulatedOnTheCpuProduceTheReferenceOutput) {
  std::mt19937_64 rng(77);
  const std::vector<Computation> comps = {
      Computation::make(Kind::kMatmul, {{"m", 37}, {"n", 29}, {"k", 19}}),
      Computation::make(Kind::kConv2d, {{"h", 13}, {"w", 11}, {"k", 3}, {"c", 3}, {"f", 5}}),
      Computation::make(Kind::kReduction, {{"m", 33}, {"n", 70}}),
      Computation::make(Kind::kTranspose, {{"m", 45}, {"n", 31}}),
      Computation::make(Kind::kPointwise, {{"n", 1001}}),
  };
  const int64_t factors[] = {2, 4, 8, 16, 32};
  Settings settings = fast_settings();
  RunOptions run = settings.run;
  run.check_only = true;
  for (int round = 0; round < 2; ++round) {
    for (const auto& c : comps) {
      auto s = initial_schedule(c, Target::kCuda);
      for (int step = 0; step < 10; ++step) {
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
      const auto program = generate_program(c, s, {.target = Target::kCpu, .emulate_cuda = true});
      ASSERT_NE(program.source.find("lnv_cuda_kernel("), std::string::npos);
      const auto build = build_program(program, Target::kCpu, settings.toolchain, dir_.path());
      EXPECT_NO_THROW(run_program(build, run));
    }
  }
  // And the check catches a wrong grid: the dropped tail of a split whose
  // halves are both mapped to the grid.
  const auto c = Computation::make(Kind::kPointwise, {{"n", 1000}});
  auto s = initial_schedule(c, Target::kCuda);
  ASSERT_TRUE(s.split(0, 256));
  const auto wrong =
      generate_program(c, s, {.target = Target::kCpu, .drop_tail = true, .emulate_cuda = true});
  EXPECT_THROW(
      run_program(build_program(wrong, Target::kCpu, settings.toolchain, dir_.path()), run),
      SessionError);
}

TEST_F(CpuBackend, RegisterTiledMatmulIsCorrect) {
  const auto c = Computation::make(Kind::kMatmul, {{"m", 256}, {"n", 256}, {"k", 256}});
  auto s = Schedule::naive(c);
  s.split(0, 8);
  s.split(2, 32);
  s.swap(1);
  s.swap(3);
  s.swap(2);  // i.0 j.0 k i.1 j.1
  s.toggle_parallel(c, 0);
  s.toggle_unroll(3);
  s.toggle_vectorize(4);
  const auto e = evaluator(c);
  ASSERT_NE(e.program(s).source.find("float acc[8][32] = {};"), std::string::npos);
  // Speed is the bench's business (bench/cuda); here: checked and measured.
  EXPECT_GT(e.flops(s), 0.0);
}

TEST_F(CpuBackend, WrongScheduleIsCaughtByTheOutputCheck) {
  const auto c = Computation::make(Kind::kMatmul, {{"m", 100}, {"n", 64}, {"k", 16}});
  auto s = Schedule::naive(c);
  ASSERT_TRUE(s.split(0, 32));  // 100 = 3 * 32 + 4: rows 96..99 are the tail
  Settings wrong = fast_settings();
  wrong.drop_tail = true;
  try {
    evaluator(c, wrong).flops(s);
    FAIL() << "a schedule that drops the tail was reported as fast";
  } catch (const SessionError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("schedule produced wrong output: max abs error ", 0), 0u) << what;
    // Rows 96..99 keep the zeros the output starts from.
    EXPECT_NE(what.find("got 0,"), std::string::npos) << what;
    EXPECT_NE(what.find("256 of 6400 elements wrong"), std::string::npos) << what;
  }
  // The same schedule without the test switch is right.
  EXPECT_NO_THROW(evaluator(c).check(s));
}

TEST_F(CpuBackend, UnwrittenOutputIsCaughtAsNaN) {
  const auto c = Computation::make(Kind::kTranspose, {{"m", 50}, {"n", 21}});
  auto s = Schedule::naive(c);
  ASSERT_TRUE(s.split(1, 8));  // j: 21 = 2 * 8 + 5
  Settings wrong = fast_settings();
  wrong.drop_tail = true;
  try {
    evaluator(c, wrong).check(s);
    FAIL() << "a transpose that skips columns passed the check";
  } catch (const SessionError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("max abs error nan"), std::string::npos) << what;
    EXPECT_NE(what.find("got nan"), std::string::npos) << what;
    EXPECT_NE(what.find("250 of 1050 elements wrong"), std::string::npos) << what;
  }
}

TEST_F(CpuBackend, BuildsAreCachedInProcessAndOnDisk) {
  const auto c = Computation::make(Kind::kPointwise, {{"n", 4099}});
  auto s = Schedule::naive(c);
  s.split(0, 16);
  s.toggle_vectorize(1);
  // A source nobody built before, so that the first build is real.
  Settings settings = fast_settings();
  settings.toolchain.cxx = "g++";
  const auto e = evaluator(c, settings);
  auto program = e.program(s);
  program.source += "\n// cache test " + std::to_string(std::random_device{}()) + "\n";
  const auto first = build_program(program, Target::kCpu, settings.toolchain, dir_.path());
  EXPECT_FALSE(first.cached);
  EXPECT_GT(first.compile_seconds, 0.0);
  const auto second = build_program(program, Target::kCpu, settings.toolchain, dir_.path());
  EXPECT_TRUE(second.cached);
  EXPECT_EQ(second.binary, first.binary);
  EXPECT_DOUBLE_EQ(second.compile_seconds, first.compile_seconds);
  clear_process_caches();
  const auto third = build_program(program, Target::kCpu, settings.toolchain, dir_.path());
  EXPECT_TRUE(third.cached) << "not found in the disk cache";
  EXPECT_EQ(third.binary.parent_path().parent_path(), cache_dir() / "loopnest" / "builds");
}

// A binary removed from the cache directory behind the process's back (a
// user clearing ~/.cache, a tmp cleaner) is built again, in the process
// cache's path as well as the disk's, and still runs.
TEST_F(CpuBackend, ADeletedBinaryIsBuiltAgain) {
  const auto c = Computation::make(Kind::kPointwise, {{"n", 1031}});
  Settings settings = fast_settings();
  const auto e = evaluator(c, settings);
  auto program = e.program(Schedule::naive(c));
  program.source += "\n// rebuild test " + std::to_string(std::random_device{}()) + "\n";
  const auto first = build_program(program, Target::kCpu, settings.toolchain, dir_.path());
  ASSERT_FALSE(first.cached);
  ASSERT_TRUE(std::filesystem::remove(first.binary));
  // Still in the process cache, which must notice the file is gone.
  const auto second = build_program(program, Target::kCpu, settings.toolchain, dir_.path());
  EXPECT_FALSE(second.cached);
  EXPECT_EQ(second.binary, first.binary);
  ASSERT_TRUE(std::filesystem::exists(second.binary));
  const auto m = run_program(second, settings.run);
  EXPECT_GT(m->seconds, 0.0);
  // Gone again, and the process cache dropped: the disk cache rebuilds it.
  ASSERT_TRUE(std::filesystem::remove(second.binary));
  clear_process_caches();
  const auto third = build_program(program, Target::kCpu, settings.toolchain, dir_.path());
  EXPECT_FALSE(third.cached);
  EXPECT_TRUE(std::filesystem::exists(third.binary));
}

TEST_F(CpuBackend, ReferenceIsCachedOnDiskAndReportsTiming) {
  const auto c = Computation::make(Kind::kReduction, {{"m", 77}, {"n", 123}});
  const auto e = evaluator(c);
  const auto ref = reference_file(c, Target::kCpu);
  ASSERT_FALSE(ref.empty());
  std::filesystem::remove(ref);
  clear_process_caches();
  const auto m1 = e.measure(Schedule::naive(c));
  EXPECT_EQ(m1->report.at("reference"), "computed");
  EXPECT_TRUE(std::filesystem::exists(ref));
  clear_process_caches();
  const auto m2 = e.measure(Schedule::naive(c));
  EXPECT_EQ(m2->report.at("reference"), "loaded");
  EXPECT_GT(m2->seconds, 0.0);
  EXPECT_EQ(m2->report.at("threads"), 2);
  EXPECT_GE(m2->report.at("inner").get<int64_t>(), 1);
}

TEST_F(CpuBackend, MissingCompilerIsAClearError) {
  Settings s = fast_settings();
  s.toolchain.cxx = "no-such-compiler-xyz";
  const auto c = Computation::make(Kind::kPointwise, {{"n", 17}});
  try {
    evaluator(c, s).flops(Schedule::naive(c));
    FAIL();
  } catch (const EnvironmentNotSupported& e) {
    EXPECT_NE(std::string(e.what()).find("no-such-compiler-xyz"), std::string::npos);
  }
}

TEST_F(CpuBackend, SlowRunsTimeOut) {
  // A naive 1024^3 matmul takes well over a second on any CPU here; 512^3
  // finished within the limit on an idle machine.
  const auto c = Computation::make(Kind::kMatmul, {{"m", 1024}, {"n", 1024}, {"k", 1024}});
  Settings s = fast_settings();
  s.run.timeout_seconds = 0.02;
  EXPECT_THROW(evaluator(c, s).flops(Schedule::naive(c)), TimeoutError);
}

}  // namespace
}  // namespace cgym::cuda
