// The loop-nest IR and the code generators, without running any compiler.
#include <gtest/gtest.h>

#include <random>

#include "backends/cuda/codegen.h"
#include "backends/cuda/loopnest.h"
#include "cgym/errors.h"

namespace cgym::cuda {
namespace {

TEST(Computation, DefaultsFlopsAndTensors) {
  const auto mm = Computation::make(Kind::kMatmul, {{"m", 4}, {"n", 5}, {"k", 6}});
  EXPECT_EQ(mm.description(), "matmul m=4 n=5 k=6");
  EXPECT_EQ(mm.dims().size(), 3u);
  EXPECT_EQ(mm.dims()[2].name, "k");
  EXPECT_TRUE(mm.dims()[2].reduction);
  EXPECT_DOUBLE_EQ(mm.flop_count(), 2.0 * 4 * 5 * 6);
  EXPECT_EQ(mm.reduction_length(), 6);
  EXPECT_EQ(mm.output_elements(), 20);
  ASSERT_EQ(mm.tensors().size(), 3u);
  EXPECT_EQ(mm.tensors()[0].elements, 24);  // A is m x k

  const auto pw = Computation::make(Kind::kPointwise);
  EXPECT_EQ(pw.param("n"), 1024);
  EXPECT_FALSE(pw.has_reduction());
  EXPECT_DOUBLE_EQ(pw.flop_count(), 1024);

  const auto conv =
      Computation::make(Kind::kConv2d, {{"h", 10}, {"w", 8}, {"k", 3}, {"c", 2}, {"f", 3}});
  EXPECT_EQ(conv.dims()[1].extent, 8);  // y: h - k + 1
  EXPECT_EQ(conv.dims()[2].extent, 6);  // x: w - k + 1
  EXPECT_EQ(conv.reduction_length(), 2 * 3 * 3);
  EXPECT_DOUBLE_EQ(conv.flop_count(), 2.0 * 3 * 8 * 6 * 2 * 3 * 3);
  EXPECT_EQ(conv.statement(), "O[f,y,x] += I[c,y+r,x+s] * W[f,c,r,s]");
}

TEST(Computation, RejectsBadSizesWithClearMessages) {
  try {
    Computation::make(Kind::kMatmul, {{"q", 3}});
    FAIL();
  } catch (const LookupError& e) {
    EXPECT_NE(std::string(e.what()).find("valid sizes: k, m, n"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Computation::make(Kind::kPointwise, {{"n", 0}}), InvalidArgument);
  EXPECT_THROW(Computation::make(Kind::kConv2d, {{"k", 40}}), InvalidArgument);
  EXPECT_THROW(Computation::make(Kind::kMatmul, {{"m", 1 << 20}, {"k", 1 << 20}}), InvalidArgument);
  EXPECT_THROW(kind_from_string("gemm"), LookupError);
}

TEST(Computation, JsonRoundTrip) {
  const auto c = Computation::make(Kind::kReduction, {{"m", 7}, {"n", 9}});
  const auto d = Computation::from_json(c.to_json());
  EXPECT_EQ(d.description(), c.description());
  EXPECT_THROW(Computation::from_json(nlohmann::json{{"computation", "matmul"}}), InvalidArgument);
}

TEST(Schedule, NaiveLoopTree) {
  const auto c = Computation::make(Kind::kMatmul, {{"m", 8}, {"n", 16}, {"k", 4}});
  const auto s = Schedule::naive(c);
  EXPECT_EQ(s.to_string(c, 1),
            "for i in 8\n"
            " for j in 16  <- cursor\n"
            "  for k in 4 (reduce)\n"
            "   C[i,j] += A[i,k] * B[k,j]\n");
  EXPECT_TRUE(s.covers_exactly(c));
}

TEST(Schedule, SplitThatDividesNeedsNoGuard) {
  const auto c = Computation::make(Kind::kPointwise, {{"n", 64}});
  auto s = Schedule::naive(c);
  ASSERT_TRUE(s.split(0, 16));
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s.loops()[0].extent, 4);
  EXPECT_EQ(s.loops()[0].stride, 16);
  EXPECT_EQ(s.loops()[1].extent, 16);
  EXPECT_EQ(s.loops()[1].stride, 1);
  EXPECT_TRUE(s.guards().empty());
  EXPECT_TRUE(s.covers_exactly(c));
  EXPECT_EQ(s.to_string(c), "for i.0 in 4\n for i.1 in 16\n  C[i] = A[i] + B[i]\n");
}

TEST(Schedule, SplitWithRemainderAddsGuardAndMergeUndoesIt) {
  const auto c = Computation::make(Kind::kPointwise, {{"n", 100}});
  auto s = Schedule::naive(c);
  ASSERT_TRUE(s.split(0, 32));
  EXPECT_EQ(s.loops()[0].extent, 4);  // ceil(100 / 32)
  ASSERT_EQ(s.guards().size(), 1u);
  EXPECT_EQ(s.guards()[0], (Guard{0, 0, 1, 100}));
  EXPECT_TRUE(s.covers_exactly(c));
  EXPECT_EQ(s.to_string(c),
            "for i.0 in 4\n for i.1 in 32 (while 32*i.0 + i.1 < 100)\n  C[i] = A[i] + B[i]\n");
  // Splitting the inner half by a factor that does not divide it needs a
  // guard of its own: without it, i.1 = 32..35 would repeat i.0 + 1.
  ASSERT_TRUE(s.split(1, 12));
  EXPECT_EQ(s.guards().size(), 2u);
  EXPECT_TRUE(s.covers_exactly(c));
  ASSERT_TRUE(s.merge(1));
  ASSERT_TRUE(s.merge(0));
  EXPECT_EQ(s, Schedule::naive(c));
}

TEST(Schedule, InvalidEditsChangeNothing) {
  const auto c = Computation::make(Kind::kMatmul, {{"m", 8}, {"n", 8}, {"k", 8}});
  auto s = Schedule::naive(c);
  const auto before = s;
  EXPECT_FALSE(s.split(0, 8));  // factor >= extent
  EXPECT_FALSE(s.split(0, 1));  // factor < 2
  EXPECT_FALSE(s.split(3, 2));  // no such loop
  EXPECT_FALSE(s.merge(0));     // i and j are different dimensions
  EXPECT_FALSE(s.merge(2));     // nothing after the last loop
  EXPECT_FALSE(s.swap(2));
  EXPECT_FALSE(s.toggle_parallel(c, 2));  // k is a reduction
  EXPECT_EQ(s, before);
  EXPECT_TRUE(s.toggle_parallel(c, 0));
  EXPECT_TRUE(s.loops()[0].parallel);
}

TEST(Schedule, MergeRefusesLoopsThatAreNotTwoHalvesOfASplit) {
  const auto c = Computation::make(Kind::kPointwise, {{"n", 12}});
  auto s = Schedule::naive(c);
  ASSERT_TRUE(s.split(0, 4));  // i.0 (3) i.1 (4), no guard
  ASSERT_TRUE(s.split(0, 2));  // i.0 (2) i.1 (2) i.2 (4), guard 8*i.0 + 4*i.1 < 12
  ASSERT_EQ(s.guards().size(), 1u);
  // i.1 and i.2 come from different splits: the guard covers i.1 only.
  const auto before = s;
  EXPECT_FALSE(s.merge(1));
  EXPECT_EQ(s, before);
  // Not adjacent in the nest: no merge either.
  ASSERT_TRUE(s.swap(0));  // i.1 i.0 i.2
  EXPECT_FALSE(s.merge(0));
  EXPECT_TRUE(s.covers_exactly(c));
  ASSERT_TRUE(s.swap(0));
  ASSERT_TRUE(s.merge(0));  // i.0 and i.1 are the halves of the second split
  EXPECT_TRUE(s.merge(0));
  EXPECT_EQ(s, Schedule::naive(c));
}

TEST(Schedule, SplitMarksGoToTheRightHalves) {
  const auto c = Computation::make(Kind::kPointwise, {{"n", 64}});
  auto s = Schedule::naive(c);
  s.toggle_parallel(c, 0);
  s.toggle_unroll(0);
  s.toggle_vectorize(0);
  ASSERT_TRUE(s.split(0, 8));
  EXPECT_TRUE(s.loops()[0].parallel);
  EXPECT_FALSE(s.loops()[0].unroll);
  EXPECT_FALSE(s.loops()[0].vectorize);
  EXPECT_TRUE(s.loops()[1].parallel);
  EXPECT_TRUE(s.loops()[1].unroll);
  EXPECT_TRUE(s.loops()[1].vectorize);
}

// Random edit sequences on odd sizes: every schedule still runs each
// iteration exactly once, and JSON round-trips it.
TEST(Schedule, RandomEditsAlwaysCoverExactly) {
  std::mt19937_64 rng(7);
  const std::vector<Computation> comps = {
      Computation::make(Kind::kMatmul, {{"m", 13}, {"n", 7}, {"k", 10}}),
      Computation::make(Kind::kConv2d, {{"h", 9}, {"w", 11}, {"k", 3}, {"c", 3}, {"f", 5}}),
      Computation::make(Kind::kTranspose, {{"m", 37}, {"n", 20}}),
  };
  const int64_t factors[] = {2, 3, 4, 5, 8, 16, 32};
  int splits = 0, merges = 0;
  for (const auto& c : comps) {
    for (int episode = 0; episode < 40; ++episode) {
      auto s = Schedule::naive(c);
      for (int step = 0; step < 25; ++step) {
        const size_t pos = rng() % s.size();
        switch (rng() % 5) {
          case 0:
            splits += s.split(pos, factors[rng() % 7]);
            break;
          case 1:
            merges += s.merge(pos);
            break;
          case 2:
            s.swap(pos);
            break;
          case 3:
            s.toggle_parallel(c, pos);
            break;
          default:
            s.toggle_vectorize(pos);
            break;
        }
        ASSERT_TRUE(s.covers_exactly(c)) << s.to_string(c);
        for (const auto& l : s.loops()) {
          ASSERT_FALSE(l.parallel && c.dims()[l.dim].reduction);
        }
      }
      EXPECT_EQ(Schedule::from_json(c, s.to_json()), s);
    }
  }
  EXPECT_GT(splits, 100);
  EXPECT_GT(merges, 20);
}

TEST(Schedule, FromPartsRejectsSchedulesThatMissIterations) {
  const auto c = Computation::make(Kind::kPointwise, {{"n", 10}});
  std::vector<Loop> loops = {{0, 0, 3, 4}, {0, 1, 4, 1}};
  EXPECT_THROW(Schedule::from_parts(c, loops, {}), InvalidArgument);  // covers 0..11
  EXPECT_NO_THROW(Schedule::from_parts(c, loops, {{0, 0, 1, 10}}));
  loops[1].extent = 3;  // misses 3, 7, 11
  EXPECT_THROW(Schedule::from_parts(c, loops, {{0, 0, 1, 10}}), InvalidArgument);
}

TEST(Codegen, CpuNaiveMatmulKernel) {
  const auto c = Computation::make(Kind::kMatmul, {{"m", 8}, {"n", 16}, {"k", 4}});
  const std::string k = generate_kernel(c, Schedule::naive(c), {});
  // The innermost reduction loop accumulates into a scalar.
  EXPECT_NE(k.find("memset(C, 0, sizeof(float) * 128);"), std::string::npos) << k;
  EXPECT_NE(k.find("float acc = 0.0f;"), std::string::npos) << k;
  EXPECT_NE(k.find("acc += A[i0*4 + k0] * B[k0*16 + j0];"), std::string::npos) << k;
  EXPECT_NE(k.find("C[i0*16 + j0] += acc;"), std::string::npos) << k;
  EXPECT_EQ(k.find("#pragma omp"), std::string::npos) << k;
}

TEST(Codegen, CpuTiledMatmulUsesRegisterTileAndPragmas) {
  const auto c = Computation::make(Kind::kMatmul, {{"m", 64}, {"n", 64}, {"k", 64}});
  auto s = Schedule::naive(c);  // i j k
  ASSERT_TRUE(s.split(0, 8));   // i.0 i.1 j k
  ASSERT_TRUE(s.split(2, 32));  // i.0 i.1 j.0 j.1 k
  ASSERT_TRUE(s.swap(1));       // i.0 j.0 i.1 j.1 k
  ASSERT_TRUE(s.swap(3));       // i.0 j.0 i.1 k j.1
  ASSERT_TRUE(s.swap(2));       // i.0 j.0 k i.1 j.1
  s.toggle_parallel(c, 0);
  s.toggle_unroll(3);
  s.toggle_vectorize(4);
  const std::string k = generate_kernel(c, s, {});
  EXPECT_NE(k.find("float acc[8][32] = {};"), std::string::npos) << k;
  EXPECT_NE(k.find("acc[i1][j1] += "), std::string::npos) << k;
  EXPECT_NE(k.find("#pragma omp parallel for\n"), std::string::npos) << k;
  EXPECT_NE(k.find("#pragma omp simd\n"), std::string::npos) << k;
  EXPECT_NE(k.find("#pragma GCC unroll 8\n"), std::string::npos) << k;
}

// Unroll marks are honoured innermost first while the unrolled loops copy
// the body at most 256 times; a mark beyond that gets no pragma (GCC took
// minutes on 21 x 32 x 32).
TEST(Codegen, UnrollMarksStopAt256BodyCopies) {
  const auto c = Computation::make(Kind::kMatmul, {{"m", 4}, {"n", 32}, {"k", 8}});
  auto s = Schedule::naive(c);  // i(4) j(32) k(8)
  ASSERT_TRUE(s.toggle_unroll(2));
  ASSERT_TRUE(s.toggle_unroll(1));
  std::string k = generate_kernel(c, s, {});
  EXPECT_NE(k.find("#pragma GCC unroll 8\n"), std::string::npos) << k;
  EXPECT_NE(k.find("#pragma GCC unroll 32\n"), std::string::npos) << k;  // 8 * 32 = 256
  ASSERT_TRUE(s.toggle_unroll(0));
  k = generate_kernel(c, s, {});
  EXPECT_NE(k.find("#pragma GCC unroll 8\n"), std::string::npos) << k;
  EXPECT_NE(k.find("#pragma GCC unroll 32\n"), std::string::npos) << k;
  EXPECT_EQ(k.find("#pragma GCC unroll 4\n"), std::string::npos) << k;  // would be 1024
  EXPECT_TRUE(s.loops()[0].unroll);  // the mark stays in the schedule
  // Dropping the innermost mark makes room for the outer two: 4 * 32 = 128.
  ASSERT_TRUE(s.toggle_unroll(2));
  k = generate_kernel(c, s, {});
  EXPECT_EQ(k.find("#pragma GCC unroll 8\n"), std::string::npos) << k;
  EXPECT_NE(k.find("#pragma GCC unroll 32\n"), std::string::npos) << k;
  EXPECT_NE(k.find("#pragma GCC unroll 4\n"), std::string::npos) << k;
}

TEST(Codegen, GuardsBecomeLoopBounds) {
  const auto c = Computation::make(Kind::kPointwise, {{"n", 100}});
  auto s = Schedule::naive(c);
  ASSERT_TRUE(s.split(0, 32));
  const std::string k = generate_kernel(c, s, {});
  EXPECT_NE(k.find("const int64_t lim_i1 = LNV_MIN(32, (100 - (i0*32)));"), std::string::npos) << k;
  // The wrong-on-purpose path drops the fourth, partial iteration of i.0.
  const std::string wrong = generate_kernel(c, s, {.drop_tail = true});
  EXPECT_NE(wrong.find("i0 < 3;"), std::string::npos) << wrong;
}

TEST(Codegen, CudaMapsInnermostParallelLoopsToThreads) {
  const auto c = Computation::make(Kind::kMatmul, {{"m", 256}, {"n", 2048}, {"k", 64}});
  auto s = Schedule::naive(c);
  s.toggle_parallel(c, 0);
  s.toggle_parallel(c, 1);
  // j (2048) does not fit in a block: both loops go to blocks.
  auto p = generate_program(c, s, {.target = Target::kCuda});
  EXPECT_EQ(p.launch.threads, 1);
  EXPECT_EQ(p.launch.blocks, 256 * 2048);
  ASSERT_TRUE(s.split(1, 32));  // i j.0 j.1 k, all of i, j.0, j.1 parallel
  p = generate_program(c, s, {.target = Target::kCuda});
  EXPECT_EQ(p.launch.threads, 32);
  EXPECT_EQ(p.launch.blocks, 256 * 64);
  EXPECT_EQ(p.extension, ".cu");
  EXPECT_NE(p.source.find("__global__ void __launch_bounds__(32) lnv_kernel("), std::string::npos);
  EXPECT_NE(p.source.find("const int64_t j1 = lnv_t % 32; lnv_t /= 32;"), std::string::npos)
      << p.source;
  EXPECT_NE(p.source.find("lnv_kernel<<<16384, 32>>>"), std::string::npos);
  EXPECT_NE(p.source.find("cudaGetDeviceCount"), std::string::npos);
}

TEST(Codegen, CudaGuardOverGridLoopsIsAnEarlyReturn) {
  const auto c = Computation::make(Kind::kPointwise, {{"n", 1000}});
  auto s = Schedule::naive(c);
  s.toggle_parallel(c, 0);
  ASSERT_TRUE(s.split(0, 256));
  const std::string k = generate_kernel(c, s, {.target = Target::kCuda});
  EXPECT_NE(k.find("if (i0*256 + i1 >= 1000) return;"), std::string::npos) << k;
}

}  // namespace
}  // namespace cgym::cuda
