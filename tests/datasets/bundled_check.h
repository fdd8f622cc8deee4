// Checks one bundled program at -O0, -O3 and -Oz.
#pragma once

#include "datasets/datasets_test_util.h"

namespace cgym_test {

inline void check_bundled_program(const cgym::Benchmark& b, const std::filesystem::path& opt,
                                  const std::filesystem::path& dir) {
  SCOPED_TRACE(b.uri());
  const auto o0 = cgym::validate_bitcode_program(b, b.program(), dir, false);
  EXPECT_TRUE(o0.empty()) << "-O0:\n" << issues_text(o0);
  for (const char* level : {"default<O3>", "default<Oz>"}) {
    const std::string optimised = run_opt(opt, b.program(), level);
    ASSERT_NE(optimised, b.program()) << level << " changed nothing";
    const auto issues = cgym::validate_bitcode_program(b, optimised, dir, false);
    EXPECT_TRUE(issues.empty()) << level << ":\n" << issues_text(issues);
  }
}

}  // namespace cgym_test
