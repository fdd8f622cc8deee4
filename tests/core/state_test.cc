#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "cgym/errors.h"
#include "cgym/state.h"
#include "cgym/util.h"

using namespace cgym;

TEST(EnvState, WriteReadRoundTrip) {
  std::vector<EnvState> states = {
      {"benchmark://cgym-v0/crc32", 1.0625, 3.5, "opt -passes='gvn,sroa' input.bc -o output.bc"},
      {"benchmark://cgym-v0/qsort", std::nullopt, 0.25, ""},
      {"file:///a,b/\"q\".c", -0.5, 0, "x"},
  };
  std::ostringstream out;
  write_state_csv(out, states);
  EXPECT_EQ(out.str().substr(0, 37), "benchmark,reward,walltime,commandline");
  std::istringstream in(out.str());
  auto back = read_state_csv(in);
  ASSERT_EQ(back.size(), states.size());
  for (size_t i = 0; i < states.size(); ++i) {
    EXPECT_EQ(back[i], states[i]) << i;
    EXPECT_DOUBLE_EQ(back[i].walltime, states[i].walltime);
  }
}

TEST(EnvState, ReadsCompilerGymFiles) {
  // As CompilerGym writes them: its header, opt command lines.
  std::istringstream in(
      "benchmark,reward,walltime,commandline\n"
      "benchmark://cbench-v1/crc32,0.9951456310679612,2.4296810626983643,opt -sroa -gvn "
      "input.bc -o output.bc\n");
  auto s = read_state_csv(in);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].benchmark, "benchmark://cbench-v1/crc32");
  EXPECT_NEAR(*s[0].reward, 0.99514563, 1e-8);
  EXPECT_EQ(s[0].commandline, "opt -sroa -gvn input.bc -o output.bc");
}

TEST(EnvState, AnyColumnOrderAndCase) {
  std::istringstream in(
      "CommandLine,WALLTIME,Benchmark,reward\n"
      "-a -b,1.5,benchmark://x/y,2\n");
  auto s = read_state_csv(in);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].benchmark, "benchmark://x/y");
  EXPECT_EQ(s[0].commandline, "-a -b");
  EXPECT_EQ(*s[0].reward, 2.0);
  EXPECT_EQ(s[0].walltime, 1.5);
}

TEST(EnvState, NoHeaderAndEmptyReward) {
  std::istringstream in("benchmark://x/y,,0.5,-a\n\nbenchmark://x/z,3,1,\n");
  auto s = read_state_csv(in);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_FALSE(s[0].reward.has_value());
  EXPECT_EQ(*s[1].reward, 3.0);
  EXPECT_EQ(s[1].commandline, "");
}

TEST(EnvState, MissingColumnsInHeader) {
  std::istringstream in("benchmark,commandline\nbenchmark://x/y,-a\n");
  auto s = read_state_csv(in);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_FALSE(s[0].reward);
  EXPECT_EQ(s[0].commandline, "-a");
}

TEST(EnvState, MalformedRowsNameTheLine) {
  std::istringstream bad_reward("benchmark,reward,walltime,commandline\nb://x/y,abc,1,-a\n");
  try {
    read_state_csv(bad_reward);
    FAIL();
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("reward"), std::string::npos) << e.what();
  }
  std::istringstream wrong_width("benchmark,reward,walltime,commandline\nb://x/y,1\n");
  EXPECT_THROW(read_state_csv(wrong_width), InvalidArgument);
  std::istringstream unterminated("\"b://x/y,1,1,-a\n");
  EXPECT_THROW(read_state_csv(unterminated), InvalidArgument);
  std::istringstream no_benchmark("reward,walltime\n1,2\n");
  EXPECT_THROW(read_state_csv(no_benchmark), InvalidArgument);
}

TEST(EnvState, EqualityIgnoresWalltimeWithTolerance) {
  EnvState a{"b://x/y", 1.0, 5.0, "-a"};
  EnvState b{"b://x/y", 1.0 + 1e-7, 9.0, "-a"};
  EnvState c{"b://x/y", 1.001, 5.0, "-a"};
  EnvState d{"b://x/y", std::nullopt, 5.0, "-a"};
  EXPECT_EQ(a, b);
  EXPECT_FALSE(a == c);
  EXPECT_FALSE(a == d);
  EXPECT_FALSE(a == (EnvState{"b://x/y", 1.0, 5.0, "-b"}));
}

TEST(EnvState, FileRoundTripIsAtomic) {
  TempDir dir("state-test");
  auto path = (dir.path() / "states.csv").string();
  write_state_csv_file(path, {{"b://x/y", 1.0, 1.0, "-a"}});
  auto s = read_state_csv_file(path);
  ASSERT_EQ(s.size(), 1u);
  // No temporary files are left behind.
  int files = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1);
  EXPECT_THROW(read_state_csv_file((dir.path() / "missing.csv").string()), IoError);
}
