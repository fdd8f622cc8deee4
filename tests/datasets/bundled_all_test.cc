// Every bundled program builds, runs and prints its reference output at
// -O0, -O3 and -Oz (slow: a few seconds per program).
#include <gtest/gtest.h>

#include "datasets/bundled_check.h"

using namespace cgym;

TEST(BundledAll, EveryProgramRunsAtO0O3Oz) {
  CGYM_REQUIRE_BUNDLED(d);
  CGYM_REQUIRE_TOOLS();
  const auto opt = cgym_test::tool("opt");
  if (!opt) GTEST_SKIP() << "opt-19 is missing: cannot optimise";
  TempDir dir("bundled-all");
  for (const auto& uri : d->benchmark_uris()) {
    cgym_test::check_bundled_program(*d->benchmark(uri), *opt, dir.path());
  }
}
