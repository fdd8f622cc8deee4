#include <gtest/gtest.h>

#include "cgym/errors.h"
#include "cgym/spaces.h"

using namespace cgym;

namespace {
ActionSpace sample_space() {
  return ActionSpace("opts", {{"-a", "-a", "first"}, {"-b", "--bee", "second"}, {"-c", "-c", ""}},
                     CommandlineFormat{.prefix = "tool", .suffix = "in -o out"});
}
}  // namespace

TEST(ActionSpace, IndexByNameAndFlag) {
  auto s = sample_space();
  EXPECT_EQ(s.size(), 3);
  EXPECT_EQ(s.index("-a"), 0);
  EXPECT_EQ(s.index("-b"), 1);
  EXPECT_EQ(s.index("--bee"), 1);
  EXPECT_EQ(s.action_name(2), "-c");
  EXPECT_FALSE(s.find("-z").has_value());
}

TEST(ActionSpace, UnknownNameListsClosest) {
  auto s = sample_space();
  try {
    s.index("-bb");
    FAIL() << "expected LookupError";
  } catch (const LookupError& e) {
    EXPECT_NE(std::string(e.what()).find("-b"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("opts"), std::string::npos) << e.what();
  }
}

TEST(ActionSpace, OutOfRangeSaysValidRange) {
  auto s = sample_space();
  EXPECT_TRUE(s.contains(0));
  EXPECT_FALSE(s.contains(3));
  EXPECT_FALSE(s.contains(-1));
  try {
    s.check(7);
    FAIL();
  } catch (const ActionOutOfRange& e) {
    EXPECT_NE(std::string(e.what()).find("0..2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(s.check(-1), ActionOutOfRange);
  EXPECT_THROW(s.info(3), ActionOutOfRange);
}

TEST(ActionSpace, CommandlineRoundTrip) {
  auto s = sample_space();
  std::vector<Action> actions = {1, 0, 2, 1};
  const std::string line = s.to_commandline(actions);
  EXPECT_EQ(line, "tool --bee -a -c --bee in -o out");
  EXPECT_EQ(s.from_commandline(line), actions);
  // Without prefix/suffix, and by names.
  EXPECT_EQ(s.from_commandline("-b -a"), (std::vector<Action>{1, 0}));
  EXPECT_EQ(s.from_commandline(""), std::vector<Action>{});
  EXPECT_EQ(s.to_commandline(std::vector<Action>{}), "tool in -o out");
}

TEST(ActionSpace, UnknownFlagInCommandline) {
  auto s = sample_space();
  try {
    s.from_commandline("tool -a -nope in -o out");
    FAIL();
  } catch (const LookupError& e) {
    EXPECT_NE(std::string(e.what()).find("-nope"), std::string::npos);
  }
  EXPECT_THROW(s.from_commandline("tool '-a"), InvalidArgument);
}

TEST(ActionSpace, RejectsDuplicateAndEmptyNames) {
  EXPECT_THROW(ActionSpace("x", {{"a", "", ""}, {"a", "", ""}}), InvalidArgument);
  EXPECT_THROW(ActionSpace("x", {{"", "", ""}}), InvalidArgument);
}

TEST(ActionSpace, SampleStaysInRangeAndCoversAll) {
  auto s = sample_space();
  Rng rng(1);
  std::vector<int> seen(3);
  for (int i = 0; i < 300; ++i) {
    Action a = s.sample(rng);
    ASSERT_TRUE(s.contains(a));
    seen[a]++;
  }
  for (int n : seen) EXPECT_GT(n, 50);
  EXPECT_THROW(ActionSpace("empty", {}).sample(rng), InvalidArgument);
}

TEST(ActionSpace, SplitCommandlineHonoursQuotes) {
  auto t = ActionSpace::split_commandline("opt -passes='a,b<x y>' \"in put.bc\"  -o out");
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(t[1], "-passes=a,b<x y>");
  EXPECT_EQ(t[2], "in put.bc");
}

TEST(Space, ScalarAndBoxContains) {
  auto s = Space::scalar_int(0, 10);
  EXPECT_TRUE(s.contains(Observation(int64_t{5})));
  EXPECT_FALSE(s.contains(Observation(int64_t{11})));
  EXPECT_FALSE(s.contains(Observation(5.0)));  // wrong type
  auto b = Space::box_int({3}, 0, 100);
  EXPECT_TRUE(b.contains(Observation(std::vector<int64_t>{1, 2, 3})));
  EXPECT_FALSE(b.contains(Observation(std::vector<int64_t>{1, 2})));
  EXPECT_FALSE(b.contains(Observation(std::vector<int64_t>{1, 2, 300})));
  auto d = Space::box_double({}, 0.0, 1.0);
  EXPECT_TRUE(d.contains(Observation(std::vector<double>{0.5, 0.25})));
  EXPECT_FALSE(d.contains(Observation(std::vector<double>{1.5})));
}

TEST(Space, SequenceAndDict) {
  auto s = Space::string(1, 3);
  EXPECT_TRUE(s.contains(Observation("ab")));
  EXPECT_FALSE(s.contains(Observation("")));
  EXPECT_FALSE(s.contains(Observation("abcd")));
  auto b = Space::bytes();
  EXPECT_TRUE(b.contains(Observation(Bytes{"\x01\x02"})));
  EXPECT_FALSE(b.contains(Observation("text")));
  EXPECT_TRUE(Space::dict().contains(Observation::json({{"a", 1}})));
}

TEST(Space, SamplesAreContained) {
  Rng rng(7);
  for (const auto& s :
       {Space::scalar_int(-5, 5), Space::scalar_double(0, 1), Space::boolean(),
        Space::box_int({4}, 0, 9), Space::box_double({2}, -1, 1), Space::string(0, 8),
        Space::bytes(2, 4), Space::dict(), Space::scalar_int(), Space::box_int({}, 0, 3)}) {
    for (int i = 0; i < 20; ++i) {
      auto o = s.sample(rng);
      EXPECT_TRUE(s.contains(o)) << s.to_string();
    }
  }
}

TEST(Space, ToString) {
  EXPECT_EQ(Space::box_int({70}, 0, INT64_MAX).to_string(), "Box(int64, [70], 0..inf)");
  EXPECT_EQ(Space::string().to_string(), "Sequence(string, 0..inf)");
}
