// An out-of-tree test calling the installed conformance checks on an env.
#include <gtest/gtest.h>

#include "cgym/cgym.h"
#include "cgym/conformance.h"

TEST(InstalledConformance, LlvmIcPassesEveryCheck) {
  cgym::conformance::check_all([] { return cgym::make("llvm-ic-v0"); }, "llvm-ic-v0");
}
