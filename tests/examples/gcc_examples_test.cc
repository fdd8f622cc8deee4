// Smoke test of gcc_autotune: a few compilations per search, with the
// printed sizes checked against a fresh gcc-v0 env.
#include <gtest/gtest.h>

#include <cgym/cgym.h>
#include <cgym/search.h>

#include <cmath>

#include "examples/example_runner.h"

namespace cgym {
namespace {

using testing::match_line;
using testing::match_lines;
using testing::run_example;

TEST(Examples, GccAutotuneSizesReplay) {
  const std::string benchmark = "benchmark://cgym-v0/crc32";
  const int compilations = 6;
  EnvPtr env;
  try {
    env = make("gcc-v0");
  } catch (const EnvironmentNotSupported& e) {
    GTEST_SKIP() << "gcc-v0 cannot run here: " << e.what();
  }
  const auto out = run_example("gcc_autotune", {"--benchmarks", benchmark, "--compilations",
                                                std::to_string(compilations), "--population", "3"});
  env->reset({.benchmark = benchmark});
  const auto header = match_line(out, R"((\S+): -Os ([0-9]+) bytes, -O0 ([0-9]+) bytes)");
  EXPECT_EQ(header[1], benchmark);
  const int64_t os = std::stoll("0" + header[2]), o0 = std::stoll("0" + header[3]);
  EXPECT_EQ(env->observation("obj_size_Os").as<int64_t>(), os);
  EXPECT_EQ(env->observation("obj_size_O0").as<int64_t>(), o0);

  const auto results = match_lines(
      out,
      R"(  (random|hillclimb|genetic) +best ([0-9]+) bytes, ([0-9.]+)x -Os \(([0-9]+) compilations, .*\)\n    command line: (.*))");
  ASSERT_EQ(results.size(), 3u) << out;
  std::vector<double> ratios;
  for (const auto& r : results) {
    SCOPED_TRACE(r[1]);
    const int64_t size = std::stoll(r[2]);
    EXPECT_EQ(r[4], std::to_string(compilations));
    EXPECT_NEAR(std::stod(r[3]), static_cast<double>(os) / size, 1e-3);
    ratios.push_back(std::stod(r[3]));
    // Hill climbing starts from the empty command line (-O0), so it is never worse.
    if (r[1] == "hillclimb") {
      EXPECT_LE(size, o0);
    }
    // The printed gcc command line gives an object of the printed size.
    env->reset({.benchmark = benchmark});
    const auto actions = env->from_commandline(r[5]);
    if (!actions.empty()) env->multistep(actions);
    EXPECT_EQ(env->observation("obj_size").as<int64_t>(), size) << r[5];
  }
  const auto geo = match_line(
      out,
      R"(geomean size relative to -Os over 1 programs: random ([0-9.]+)x hillclimb ([0-9.]+)x genetic ([0-9.]+)x)");
  for (size_t i = 0; i < 3; ++i) EXPECT_NEAR(std::stod("0" + geo[i + 1]), ratios[i], 1e-3);
}

}  // namespace
}  // namespace cgym
