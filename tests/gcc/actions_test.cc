// The action table built from gcc 12's spec, and the command-line format:
// CompilerGym's action rules, clamping, and render/parse round trips.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "backends/gcc/actions.h"
#include "cgym/errors.h"
#include "gcc_test_util.h"

namespace cgym::gcc {
namespace {

std::shared_ptr<const GccSpec> spec12() {
  static auto s = std::make_shared<const GccSpec>(parse_gcc_spec(test::gcc12_text()));
  return s;
}

class GccActions : public ::testing::Test {
 protected:
  GccActions() : table_(spec12()), space_(table_.make_action_space("gcc")) {}
  Action a(const std::string& name) const { return space_.index(name); }
  GccActionTable table_;
  ActionSpace space_;
};

TEST_F(GccActions, CountsFollowCompilerGymRules) {
  // CompilerGym: < 10 values: one action each; else +-1, and +-10 from 50
  // values, +-100 from 500, +-1000 from 5000.
  size_t expected = 0;
  for (const auto& o : spec12()->options) {
    const int64_t n = o.size();
    if (n < 10) {
      expected += static_cast<size_t>(n);
    } else {
      expected += 2 + 2 * (n >= 50) + 2 * (n >= 500) + 2 * (n >= 5000);
    }
  }
  EXPECT_EQ(static_cast<size_t>(space_.size()), expected);
  const auto all_names = space_.names();
  std::set<std::string> names(all_names.begin(), all_names.end());
  EXPECT_EQ(names.size(), static_cast<size_t>(space_.size())) << "names must be unique";
  for (const char* n :
       {"-O0", "-O3", "-Os", "-Ofast", "-fpeel-loops", "-fno-peel-loops", "-ffp-contract=off",
        "-flifetime-dse=0", "-flifetime-dse=2", "--param=max-unroll-times[+1]",
        "--param=max-unroll-times[-1000]", "--param=align-threshold[+1000]",
        "-fsched-stalled-insns=[+10]", "--param=evrp-mode=ranger"}) {
    EXPECT_TRUE(space_.find(n)) << n;
  }
  EXPECT_FALSE(space_.find("--param=max-unroll-times[+10000]"));
  EXPECT_EQ(space_.name(), "default");
}

TEST_F(GccActions, ApplyAndClamp) {
  std::vector<int64_t> c(spec12()->options.size(), -1);
  const size_t unroll = *spec12()->find("--param=max-unroll-times");
  EXPECT_TRUE(table_.apply(a("--param=max-unroll-times[+1]"), c));
  EXPECT_EQ(c[unroll], 0);  // absent + 1 = the smallest value
  EXPECT_TRUE(table_.apply(a("--param=max-unroll-times[-1000]"), c));
  EXPECT_EQ(c[unroll], -1);  // clamped at absent
  EXPECT_FALSE(table_.apply(a("--param=max-unroll-times[-1]"), c));
  const size_t dse = *spec12()->find("-flifetime-dse=");
  EXPECT_TRUE(table_.apply(a("-flifetime-dse=1"), c));
  EXPECT_EQ(c[dse], 1);
  EXPECT_FALSE(table_.apply(a("-flifetime-dse=1"), c));
  const size_t align = *spec12()->find("--param=align-threshold");
  for (int i = 0; i < 70; ++i) table_.apply(a("--param=align-threshold[+1000]"), c);
  EXPECT_EQ(c[align], spec12()->options[align].size() - 1);  // clamped at max
  EXPECT_EQ(choices_to_args(*spec12(), c),
            (std::vector<std::string>{"-flifetime-dse=1", "--param=align-threshold=65536"}));
}

// Everything before " #" in a rendered line.
std::string gcc_part(const std::string& line) { return line.substr(0, line.find(" #")); }

TEST_F(GccActions, RenderedCommandLine) {
  // One action per option in spec order: the gcc line alone says it all.
  EXPECT_EQ(space_.to_commandline(std::vector<Action>{a("-O3"), a("-fno-peel-loops")}),
            "gcc -O3 -fno-peel-loops -w -c input.c -o output.o");
  // Otherwise the exact actions follow '#'.
  const std::vector<Action> acts = {a("-fno-peel-loops"), a("-O2"),
                                    a("--param=max-unroll-times[+10]"),
                                    a("--param=max-unroll-times[+1]"), a("-O3")};
  EXPECT_EQ(space_.to_commandline(acts),
            "gcc -O3 -fno-peel-loops --param=max-unroll-times=10 -w -c input.c -o output.o # "
            "-fno-peel-loops -O2 --param=max-unroll-times[+10] --param=max-unroll-times[+1] -O3");
  EXPECT_EQ(space_.to_commandline({}), "gcc -w -c input.c -o output.o");
  EXPECT_EQ(
      table_.make_action_space("/opt/my gcc/bin/gcc").to_commandline(std::vector<Action>{a("-O1")}),
      "'/opt/my gcc/bin/gcc' -O1 -w -c input.c -o output.o");
  EXPECT_THROW(space_.from_commandline("gcc -O1 # -O1 -no-such-action"), LookupError);
}

TEST_F(GccActions, RoundTripIsExactAndTheGccPartGivesTheChoices) {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 200; ++round) {
    std::vector<Action> acts;
    const int n = static_cast<int>(rng() % 40);
    for (int i = 0; i < n; ++i) acts.push_back(space_.sample(rng));
    const auto choices = table_.replay(acts);
    const std::string line = space_.to_commandline(acts);
    EXPECT_EQ(space_.from_commandline(line), acts) << line;
    const auto from_gcc = space_.from_commandline(gcc_part(line));
    EXPECT_EQ(table_.replay(from_gcc), choices) << line;
    EXPECT_EQ(space_.to_commandline(from_gcc), gcc_part(line));  // canonical: no '#' part
    // The action-name form parses to exactly the same actions.
    std::string names;
    for (Action x : acts) names += space_.action_name(x) + " ";
    EXPECT_EQ(space_.from_commandline(names), acts) << names;
  }
}

TEST_F(GccActions, ParsesHandWrittenLines) {
  const auto acts = space_.from_commandline(
      "/usr/bin/gcc-12 -O2 -I/usr/include/csmith -I inc -DX=1 -fno-peel-loops "
      "--param=max-unroll-times=1234 -w -c a.c b.c -o out.o --param=max-unroll-times[+1]");
  auto c = table_.replay(acts);
  EXPECT_EQ(c[0], 2);
  EXPECT_EQ(c[*spec12()->find("-fpeel-loops")], 1);
  EXPECT_EQ(c[*spec12()->find("--param=max-unroll-times")], 1235);
  EXPECT_THROW(space_.from_commandline("gcc -fno-such-option"), LookupError);
  EXPECT_THROW(space_.from_commandline("gcc --param=max-unroll-times=-5"), LookupError);
  EXPECT_TRUE(space_.from_commandline("gcc -w -c input.c -o output.o").empty());
}

TEST_F(GccActions, ActionsForChoices) {
  std::mt19937_64 rng(3);
  const auto& options = spec12()->options;
  for (int round = 0; round < 50; ++round) {
    std::vector<int64_t> c(options.size(), -1);
    for (size_t i = 0; i < options.size(); ++i) {
      if (rng() % 3) continue;
      const int64_t n = std::min<int64_t>(options[i].size(), 20000);
      c[i] = static_cast<int64_t>(rng() % static_cast<uint64_t>(n + 1)) - 1;
    }
    EXPECT_EQ(table_.replay(table_.actions_for_choices(c)), c);
  }
  const size_t unroll = *spec12()->find("--param=max-unroll-times");
  const auto steps = table_.actions_to(unroll, -1, 123456);
  EXPECT_EQ(steps.size(), 123u + 4 + 5 + 7);  // 123457 = 123 x 1000 + 4 x 100 + 5 x 10 + 7
  EXPECT_THROW(table_.actions_to(0, 2, -1), InvalidArgument);  // small options cannot go back
  EXPECT_THROW(table_.actions_to(0, -1, 8), InvalidArgument);
}

}  // namespace
}  // namespace cgym::gcc
