// The probe against the real gcc: values gcc 12 is known (checked by hand,
// see docs/gcc.md) to reject, crash on or ignore for C are classified so,
// and a batch finds exactly its bad members.
#include <gtest/gtest.h>

#include "backends/gcc/gcc_env.h"
#include "backends/gcc/probe.h"
#include "cgym/util.h"
#include "gcc_test_util.h"

namespace cgym::gcc {
namespace {

TEST(GccProbe, ClassifiesKnownCases) {
  CGYM_REQUIRE_GCC();
  const std::vector<std::string> flags = {
      "-O2",                                      // fine
      "-fno-stack-protector-all",                 // no -fno- form
      "-frtti",                                   // C++ only: a warning for C
      "--param=destructive-interference-size=0",  // internal compiler error in gcc 12
      "--param=prefetch-minimum-stride=-1",       // "should be a non-negative integer"
      "-fpack-struct=3",                          // error that names no option
      "-fpeel-loops",
      "--param=max-unroll-times=4",
  };
  int runs = 0;
  const auto v = probe_flags(flags, ProbeOptions{}, &runs);
  ASSERT_EQ(v.size(), flags.size());
  EXPECT_EQ(v[0], Verdict::kAccepted);
  EXPECT_EQ(v[1], Verdict::kRejected);
  EXPECT_EQ(v[2], Verdict::kNotForC);
  EXPECT_EQ(v[3], Verdict::kCrash);
  EXPECT_EQ(v[4], Verdict::kRejected);
  EXPECT_EQ(v[5], Verdict::kRejected);
  EXPECT_EQ(v[6], Verdict::kAccepted);
  EXPECT_EQ(v[7], Verdict::kAccepted);
  EXPECT_LT(runs, 20);
}

TEST(GccProbe, GoodBatchTakesOneRun) {
  CGYM_REQUIRE_GCC();
  int runs = 0;
  const auto v = probe_flags({"-fpeel-loops", "-fno-inline", "--param=max-unroll-times=2"},
                             ProbeOptions{}, &runs);
  EXPECT_EQ(runs, 1);
  for (auto x : v) EXPECT_EQ(x, Verdict::kAccepted);
}

TEST(GccProbe, CombinationErrorsAreNotBlamedOnEitherOption) {
  CGYM_REQUIRE_GCC();
  // Each is fine alone; together gcc 12 reports an error naming both.
  const auto v =
      probe_flags({"-flive-patching=inline-only-static", "-fipa-cp-clone"}, ProbeOptions{});
  EXPECT_EQ(v[0], Verdict::kAccepted);
  EXPECT_EQ(v[1], Verdict::kAccepted);
}

}  // namespace
}  // namespace cgym::gcc

namespace cgym::gcc {
namespace {

bool gcc_accepts(const std::string& flag) {
  TempDir dir("gcc-probe-test");
  write_file_atomic(dir.path() / "t.c", "int f(int x) { return x * 2; }\n");
  auto r = run_process({.argv = {"gcc", flag, "-c", "t.c", "-o", "t.o"},
                        .cwd = dir.path(),
                        .timeout_seconds = 60,
                        .env = {{"LC_ALL", "C"}}});
  return r.ok() && r.stderr_data.find("not for C") == std::string::npos;
}

// The spec the env uses, checked on the quirks gcc 12 has, against direct
// gcc runs.
TEST(GccProbe, ProbedSpecOfTheInstalledGcc) {
  CGYM_REQUIRE_GCC();
  auto spec = load_gcc_spec("gcc");
  ASSERT_TRUE(spec->probed);
  auto opt = [&](const std::string& d) -> const GccOption& {
    return spec->options.at(*spec->find(d));
  };
  if (spec->version.find(" 12.") == std::string::npos)
    GTEST_SKIP() << "not gcc 12: " << spec->version;

  EXPECT_FALSE(opt("-fstack-protector-all").has_negative);
  EXPECT_FALSE(gcc_accepts("-fno-stack-protector-all"));
  EXPECT_TRUE(opt("-fpeel-loops").has_negative);
  EXPECT_TRUE(gcc_accepts("-fno-peel-loops"));

  EXPECT_EQ(opt("-fpack-struct=").kind, OptionKind::kFlagEnum);
  EXPECT_EQ(opt("-fpack-struct=").values, (std::vector<std::string>{"1", "2", "4", "8", "16"}));
  for (int v : {1, 2, 4, 8, 16}) EXPECT_TRUE(gcc_accepts("-fpack-struct=" + std::to_string(v)));
  for (int v : {0, 3, 32}) EXPECT_FALSE(gcc_accepts("-fpack-struct=" + std::to_string(v)));

  EXPECT_EQ(opt("--param=prefetch-minimum-stride").min, 0);
  EXPECT_FALSE(gcc_accepts("--param=prefetch-minimum-stride=-1"));
  EXPECT_EQ(opt("--param=destructive-interference-size").min, 1);
  EXPECT_FALSE(gcc_accepts("--param=destructive-interference-size=0"));
  EXPECT_TRUE(gcc_accepts("--param=destructive-interference-size=1"));

  EXPECT_FALSE(spec->find("-frtti"));
  EXPECT_FALSE(spec->find("-fthreadsafe-statics"));
  EXPECT_FALSE(spec->find("--param=lazy-modules"));
  EXPECT_FALSE(gcc_accepts("-frtti"));
  EXPECT_TRUE(spec->find("-fexceptions"));  // "[available in Modula-2]", yet valid for C
  EXPECT_TRUE(gcc_accepts("-fexceptions"));
}

}  // namespace
}  // namespace cgym::gcc
