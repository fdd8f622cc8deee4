// The cuda backend without a GPU: code generation, real nvcc builds, the
// ptxas report, and the error a run gives when no device is present.
#include <gtest/gtest.h>

#include "backends/cuda/build.h"
#include "backends/cuda/session.h"
#include "cgym/errors.h"
#include "cgym/util.h"
#include "gpu_probe.h"

namespace cgym::cuda {
namespace {

TEST(PtxasInfo, ParsesCuda13Report) {
  const std::string text =
      "ptxas info    : 0 bytes gmem\n"
      "ptxas info    : Compiling entry function '_Z5otherPf' for 'sm_90'\n"
      "ptxas info    : Function properties for _Z5otherPf\n"
      "    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\n"
      "ptxas info    : Used 4 registers, used 0 barriers\n"
      "ptxas info    : Compiling entry function '_Z10lnv_kernelPKfS0_Pf' for 'sm_90'\n"
      "ptxas info    : Function properties for _Z10lnv_kernelPKfS0_Pf\n"
      "    24 bytes stack frame, 8 bytes spill stores, 12 bytes spill loads\n"
      "ptxas info    : Used 255 registers, used 1 barriers, 4096 bytes smem, 380 bytes cmem[0]\n"
      "ptxas info    : Compile time = 7.385 ms\n";
  const auto j = parse_ptxas_info(text);
  EXPECT_EQ(j.at("kernel"), "_Z10lnv_kernelPKfS0_Pf");
  EXPECT_EQ(j.at("arch"), "sm_90");
  EXPECT_EQ(j.at("registers"), 255);
  EXPECT_EQ(j.at("barriers"), 1);
  EXPECT_EQ(j.at("shared_bytes"), 4096);
  EXPECT_EQ(j.at("constant_bytes"), 380);
  EXPECT_EQ(j.at("stack_bytes"), 24);
  EXPECT_EQ(j.at("spill_stores"), 8);
  EXPECT_EQ(j.at("spill_loads"), 12);
  EXPECT_TRUE(parse_ptxas_info("nothing here").empty());
}

TEST(PtxasInfo, ParsesOlderReportWithoutBarriers) {
  const auto j = parse_ptxas_info(
      "ptxas info    : Compiling entry function '_Z10lnv_kernelPf' for 'sm_70'\n"
      "ptxas info    : Function properties for _Z10lnv_kernelPf\n"
      "    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\n"
      "ptxas info    : Used 32 registers, 360 bytes cmem[0]\n");
  EXPECT_EQ(j.at("registers"), 32);
  EXPECT_EQ(j.at("shared_bytes"), 0);
  EXPECT_FALSE(j.contains("barriers"));
}

class Nvcc : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!find_nvcc(Toolchain{})) {
      GTEST_SKIP() << "nvcc not found (CUDA_HOME, PATH, /usr/local/cuda/bin): cannot test CUDA "
                      "builds";
    }
  }
  TempDir dir_{"cuda-nvcc-test"};
};

TEST_F(Nvcc, BuildsATiledMatmulAndReportsPtxasInfo) {
  const auto c = Computation::make(Kind::kMatmul, {{"m", 512}, {"n", 512}, {"k", 512}});
  auto s = initial_schedule(c, Target::kCuda);  // i, j parallel; k sequential
  ASSERT_TRUE(s.split(1, 32));                  // i j.0 j.1 k
  ASSERT_TRUE(s.split(0, 4));                   // i.0 i.1 j.0 j.1 k
  ASSERT_TRUE(s.toggle_parallel(c, 1));         // i.1 sequential
  ASSERT_TRUE(s.swap(1));                       // i.0 j.0 i.1 j.1 k
  ASSERT_TRUE(s.swap(2));                       // i.0 j.0 j.1 i.1 k
  ASSERT_TRUE(s.swap(3));                       // i.0 j.0 j.1 k i.1
  ASSERT_TRUE(s.toggle_unroll(4));
  Evaluator e(c, Target::kCuda, Settings{}, dir_.path());
  const auto program = e.program(s);
  // j.0 x j.1 = 512 threads per block, i.0 = 128 blocks.
  EXPECT_EQ(program.launch.threads, 512);
  EXPECT_EQ(program.launch.blocks, 128);
  EXPECT_NE(program.source.find("float acc[4] = {};"), std::string::npos) << program.source;
  EXPECT_NE(program.source.find("#pragma unroll 4"), std::string::npos);
  const auto build = e.build(s);
  EXPECT_TRUE(std::filesystem::exists(build.binary));
  EXPECT_GT(build.compile_seconds, 0.0);
  const auto info = e.ptxas_info(s);
  EXPECT_EQ(info.at("backend"), "cuda");
  EXPECT_GT(info.at("registers").get<int>(), 0) << info.dump();
  EXPECT_LE(info.at("registers").get<int>(), 255);
  EXPECT_EQ(info.at("spill_stores"), 0) << info.dump();
  EXPECT_EQ(info.at("shared_bytes"), 0);
  EXPECT_EQ(info.at("arch").get<std::string>().rfind("sm_", 0), 0u);
  EXPECT_EQ(info.at("threads_per_block"), 512);
  // A second build of the same schedule comes from the cache.
  EXPECT_TRUE(e.build(s).cached);
}

TEST_F(Nvcc, EveryComputationCompiles) {
  // One program per computation, with guards and grid mappings, all through
  // nvcc (about 2 s each).
  for (Kind kind : all_kinds()) {
    const auto c =
        Computation::make(kind, kind == Kind::kConv2d ? std::map<std::string, int64_t>{{"h", 20}}
                                                      : std::map<std::string, int64_t>{});
    auto s = initial_schedule(c, Target::kCuda);
    s.split(0, 16);
    s.toggle_unroll(s.size() - 1);
    Evaluator e(c, Target::kCuda, Settings{}, dir_.path());
    SCOPED_TRACE(c.description() + "\n" + s.to_string(c));
    EXPECT_NO_THROW(e.build(s));
  }
}

TEST_F(Nvcc, RunWithoutDeviceGivesAClearError) {
  if (!gpu_problem()) GTEST_SKIP() << "a CUDA device is present: the no-device path cannot run";
  // The program gpu_problem() built: no second nvcc run.
  const auto c = Computation::make(Kind::kPointwise, {{"n", 256}});
  Evaluator e(c, Target::kCuda, Settings{}, dir_.path());
  try {
    e.flops(initial_schedule(c, Target::kCuda));
    FAIL() << "flops on the cuda backend without a device did not fail";
  } catch (const SessionError& err) {
    const std::string what = err.what();
    EXPECT_EQ(what.rfind("no CUDA device found (cudaGetDeviceCount: ", 0), 0u) << what;
    EXPECT_NE(what.find("); use the cpu backend (params {\"backend\",\"cpu\"} or a "
                        "benchmark://loopnest-v0/...?backend=cpu URI)"),
              std::string::npos)
        << what;
  }
}

TEST(NvccMissing, IsEnvironmentNotSupported) {
  Settings s;
  s.toolchain.nvcc = "/nonexistent/nvcc";
  TempDir dir("cuda-nvcc-missing");
  const auto c = Computation::make(Kind::kPointwise, {{"n", 64}});
  Evaluator e(c, Target::kCuda, s, dir.path());
  try {
    e.build(Schedule::naive(c));
    FAIL();
  } catch (const EnvironmentNotSupported& err) {
    EXPECT_NE(std::string(err.what()).find("/nonexistent/nvcc"), std::string::npos);
    EXPECT_NE(std::string(err.what()).find("cpu backend"), std::string::npos);
  }
}

}  // namespace
}  // namespace cgym::cuda
