#include <gtest/gtest.h>

#include <map>

#include "cgym/errors.h"
#include "cgym/reward.h"

using namespace cgym;

namespace {
struct FakeSource : ObservationSource {
  std::map<std::string, double> values;
  Observation observation(const std::string& name) override {
    auto it = values.find(name);
    if (it == values.end()) throw LookupError(name);
    return Observation(it->second);
  }
};
}  // namespace

TEST(CostReward, DeltaIsPreviousMinusCurrent) {
  FakeSource src;
  src.values = {{"cost", 100}};
  auto proto = make_cost_delta_reward({.name = "r"}, "cost");
  auto r = proto->clone();
  r->reset(src);
  src.values["cost"] = 90;
  EXPECT_DOUBLE_EQ(r->update(src), 10.0);
  src.values["cost"] = 95;
  EXPECT_DOUBLE_EQ(r->update(src), -5.0);
  EXPECT_DOUBLE_EQ(r->update(src), 0.0);
}

TEST(CostReward, NegativeSignMakesABenefit) {
  FakeSource src;
  src.values = {{"flops", 1.0}};
  auto r = make_cost_delta_reward({.name = "flops"}, "flops", -1.0)->clone();
  r->reset(src);
  src.values["flops"] = 3.0;
  EXPECT_DOUBLE_EQ(r->update(src), 2.0);
}

TEST(CostReward, NormalizedByInitialObservation) {
  FakeSource src;
  src.values = {{"cost", 80}, {"cost_o0", 200}};
  auto r = make_normalized_reward({.name = "n"}, "cost", "cost_o0")->clone();
  r->reset(src);
  src.values["cost"] = 60;
  EXPECT_DOUBLE_EQ(r->update(src), 20.0 / 200.0);
  // Without an initial observation, C_0 is the cost at reset.
  auto r2 = make_normalized_reward({.name = "n2"}, "cost")->clone();
  src.values["cost"] = 50;
  r2->reset(src);
  src.values["cost"] = 40;
  EXPECT_DOUBLE_EQ(r2->update(src), 10.0 / 50.0);
}

TEST(CostReward, BaselineImprovementFormula) {
  // (C_prev - C_now) / max(C_0 - C_baseline, 1)
  FakeSource src;
  src.values = {{"ic", 100}, {"ic_o0", 100}, {"ic_oz", 60}};
  auto proto = make_baseline_reward({.name = "oz"}, "ic", "ic_oz", "ic_o0");
  EXPECT_EQ(proto->spec().success_threshold, 1.0);
  auto r = proto->clone();
  r->reset(src);
  src.values["ic"] = 80;
  EXPECT_DOUBLE_EQ(r->update(src), 20.0 / 40.0);
  src.values["ic"] = 60;
  EXPECT_DOUBLE_EQ(r->update(src), 20.0 / 40.0);  // cumulative 1.0 = matches -Oz
  // The baseline is no better than the start: divide by 1.
  src.values = {{"ic", 10}, {"ic_o0", 10}, {"ic_oz", 12}};
  r->reset(src);
  src.values["ic"] = 7;
  EXPECT_DOUBLE_EQ(r->update(src), 3.0);
}

TEST(CostReward, CloneKeepsTrackingState) {
  FakeSource src;
  src.values = {{"cost", 10}};
  auto r = make_cost_delta_reward({.name = "r"}, "cost")->clone();
  r->reset(src);
  src.values["cost"] = 7;
  r->update(src);
  auto copy = r->clone();
  src.values["cost"] = 5;
  EXPECT_DOUBLE_EQ(r->update(src), 2.0);
  EXPECT_DOUBLE_EQ(copy->update(src), 2.0);
}

TEST(CostReward, ConfigErrors) {
  EXPECT_THROW(CostReward({.name = "x"}, {}), InvalidArgument);
  EXPECT_THROW(CostReward({.name = "x"}, {.cost_observation = "c",
                                          .mode = CostReward::Mode::kBaselineImprovement}),
               InvalidArgument);
  FakeSource src;
  auto r = make_cost_delta_reward({.name = "r"}, "missing")->clone();
  EXPECT_THROW(r->reset(src), LookupError);
}
