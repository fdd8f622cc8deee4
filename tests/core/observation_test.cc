#include <gtest/gtest.h>

#include "cgym/observation.h"

using namespace cgym;

TEST(Observation, HoldsEachType) {
  EXPECT_EQ(Observation().type(), ObservationType::kNone);
  EXPECT_TRUE(Observation().empty());
  EXPECT_EQ(Observation(int64_t{3}).as<int64_t>(), 3);
  EXPECT_EQ(Observation(3).type(), ObservationType::kInt64);
  EXPECT_DOUBLE_EQ(Observation(2.5).as<double>(), 2.5);
  EXPECT_EQ(Observation(true).as<bool>(), true);
  EXPECT_EQ(Observation("ir").as<std::string>(), "ir");
  EXPECT_EQ(Observation(Bytes{"bc"}).as<Bytes>().data, "bc");
  EXPECT_EQ(Observation(std::vector<int64_t>{1, 2}).as<std::vector<int64_t>>().size(), 2u);
  EXPECT_EQ(Observation(std::vector<double>{1.5}).as<std::vector<double>>()[0], 1.5);
  EXPECT_EQ(Observation::json({{"k", 1}}).as_json()["k"], 1);
}

TEST(Observation, WrongTypeThrowsWithBothNames) {
  try {
    Observation(int64_t{1}).as<std::string>();
    FAIL();
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("int64"), std::string::npos);
  }
}

TEST(Observation, ToDouble) {
  EXPECT_EQ(Observation(int64_t{4}).to_double(), 4.0);
  EXPECT_EQ(Observation(0.5).to_double(), 0.5);
  EXPECT_EQ(Observation(true).to_double(), 1.0);
  EXPECT_THROW(Observation("x").to_double(), InvalidArgument);
  EXPECT_THROW(Observation().to_double(), InvalidArgument);
}

TEST(Observation, EqualityAndJson) {
  EXPECT_EQ(Observation(int64_t{1}), Observation(int64_t{1}));
  EXPECT_NE(Observation(int64_t{1}), Observation(1.0));
  EXPECT_EQ(Observation(std::vector<int64_t>{1, 2}).to_json().dump(), "[1,2]");
  EXPECT_EQ(Observation(Bytes{"abc"}).to_json()["bytes"], 3);
  EXPECT_EQ(Observation(Bytes{"abc"}).to_display_string(), "<3 bytes>");
}

TEST(Observation, SerializeRoundTripKeepsTypes) {
  std::vector<Observation> all = {
      Observation(),
      Observation(int64_t{-5}),
      Observation(0.125),
      Observation(false),
      Observation(std::string("ir\0with nul", 11)),
      Observation(Bytes{std::string("\x00\xff\x10", 3)}),
      Observation(std::vector<int64_t>{1, -2, 3}),
      Observation(std::vector<double>{0.5, -1e300}),
      Observation::json({{"nodes", {1, 2}}, {"name", "x"}}),
  };
  for (const auto& o : all) {
    auto back = Observation::deserialize(o.serialize());
    EXPECT_EQ(back, o) << to_string(o.type());
    EXPECT_EQ(back.type(), o.type());
  }
  EXPECT_THROW(Observation::deserialize("garbage"), InvalidArgument);
  EXPECT_GT(Observation(std::string(1000, 'x')).byte_size(), 1000u);
}
