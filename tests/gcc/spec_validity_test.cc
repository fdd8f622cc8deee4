// Every value of every small option of the probed spec, and a sample of
// every large one, compiled by gcc one at a time: gcc must accept them all
// (running out of the memory limit counts as accepted: gcc took the value).
// Slow (about 2,500 gcc runs); independent of the probe's batching.
#include <gtest/gtest.h>

#include <random>

#include "backends/gcc/gcc_env.h"
#include "cgym/subprocess.h"
#include "cgym/util.h"
#include "gcc_test_util.h"

namespace cgym::gcc {
namespace {

TEST(GccSpecValidity, GccAcceptsEveryValueOfTheSpec) {
  CGYM_REQUIRE_GCC();
  auto spec = load_gcc_spec("gcc");
  TempDir dir("gcc-validity");
  write_file_atomic(dir.path() / "t.c",
                    "int g[64];\n"
                    "int f(int n) { int s = 0; for (int i = 0; i < n; i++) { s += g[i] * i;"
                    " if (s > 100) s -= g[i / 2]; } return s; }\n"
                    "double h(double *a, int n) { double s = 0; for (int i = 0; i < n; ++i)"
                    " s += a[i] * a[i]; return s; }\n");
  std::mt19937_64 rng(99);
  int runs = 0;
  for (const auto& o : spec->options) {
    std::vector<int64_t> choices;
    const int64_t n = o.size();
    if (n <= 16) {
      for (int64_t c = 0; c < n; ++c) choices.push_back(c);
    } else {
      choices = {0, 1, n / 2, n - 2, n - 1};
      for (int k = 0; k < 3; ++k)
        choices.push_back(static_cast<int64_t>(rng() % static_cast<uint64_t>(n)));
    }
    for (int64_t c : choices) {
      const std::string flag = o.value_text(c);
      auto r = run_process({.argv = {"gcc", flag, "-c", "t.c", "-o", "t.o"},
                            .cwd = dir.path(),
                            .timeout_seconds = 60,
                            .env = {{"LC_ALL", "C"}},
                            .memory_limit_bytes = size_t{2} << 30});
      ++runs;
      const bool resource = r.timed_out || r.stderr_data.find("out of memory") != std::string::npos;
      EXPECT_TRUE(r.ok() || resource) << flag << ": " << tail_lines(r.stderr_data, 3);
      EXPECT_EQ(r.stderr_data.find("not for C"), std::string::npos) << flag;
    }
  }
  RecordProperty("gcc_runs", runs);
}

}  // namespace
}  // namespace cgym::gcc
