// Smoke test of loop_tuning: a few schedules of a small matmul, with the
// printed numbers checked for consistency and the printed schedule
// rebuilt from the printed actions.
#include <gtest/gtest.h>

#include <cgym/cgym.h>

#include <cmath>

#include "examples/example_runner.h"

namespace cgym {
namespace {

using testing::match_line;
using testing::run_example;

TEST(Examples, LoopTuningReportsConsistentSpeeds) {
  const int evaluations = 3;
  const auto out = run_example("loop_tuning", {"--size", "64", "--evaluations",
                                               std::to_string(evaluations), "--threads", "1"});
  const double naive = std::stod("0" + match_line(out, R"(naive schedule: +([0-9.]+) GFLOP/s)")[1]);
  const auto best = match_line(out, R"(best schedule: +([0-9.]+) GFLOP/s, ([0-9.]+)x naive)");
  const double best_flops = std::stod("0" + best[1]);
  const double blas = std::stod("0" + match_line(out, R"(OpenBLAS sgemm: +([0-9.]+) GFLOP/s)")[1]);
  const double percent = std::stod("0" + match_line(out, R"(best / OpenBLAS: +([0-9.]+)%)")[1]);
  const auto search =
      match_line(out, R"(search: +([0-9]+) schedules evaluated \(([0-9]+) failed\) in .*)");
  EXPECT_GT(naive, 0.0);
  EXPECT_GT(blas, 0.0);
  EXPECT_GE(best_flops, naive);
  EXPECT_NEAR(std::stod("0" + best[2]), best_flops / naive, 0.01);
  EXPECT_NEAR(percent, 100.0 * best_flops / blas, 0.05 * percent + 0.01);
  EXPECT_LE(std::stoi("0" + search[1]), evaluations);
  EXPECT_EQ(search[2], "0");  // every generated schedule computed the right result

  // The printed actions rebuild the printed loop nest (no measurement needed).
  const std::string commandline = match_line(out, R"(actions: +(.*))")[1];
  const auto tree_at = out.find('\n', out.find("actions:"));
  ASSERT_NE(tree_at, std::string::npos);
  auto env = make("loopnest-v0", {.params = {{"backend", "cpu"}}});
  env->reset({.benchmark = "benchmark://loopnest-v0/matmul?backend=cpu&k=64&m=64&n=64",
              .action_space = "direct",
              .reward_space = ""});
  const auto actions = env->from_commandline(commandline);
  if (!actions.empty()) env->multistep(actions);
  EXPECT_EQ(env->observation("loop_tree").as<std::string>() + "\n", out.substr(tree_at + 1));
}

}  // namespace
}  // namespace cgym
