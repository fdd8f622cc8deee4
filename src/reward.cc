#include "cgym/reward.h"

#include <algorithm>

#include "cgym/errors.h"

namespace cgym {

CostReward::CostReward(RewardSpaceSpec spec, Config config)
    : RewardSpace(std::move(spec)), config_(std::move(config)) {
  if (config_.cost_observation.empty()) {
    throw InvalidArgument("reward space '" + name() + "' needs a cost observation");
  }
  if (config_.mode == Mode::kBaselineImprovement && config_.baseline_observation.empty()) {
    throw InvalidArgument("reward space '" + name() +
                          "' measures improvement over a baseline but names no baseline "
                          "observation");
  }
}

void CostReward::reset(ObservationSource& observations) {
  previous_cost_ = observations.observation(config_.cost_observation).to_double();
  const double initial =
      config_.initial_cost_observation.empty()
          ? previous_cost_
          : observations.observation(config_.initial_cost_observation).to_double();
  switch (config_.mode) {
    case Mode::kDelta:
      denominator_ = 1.0;
      break;
    case Mode::kNormalized:
      // A zero initial cost would make every reward infinite; CompilerGym
      // divides by the cost as is, we guard it so rewards stay finite.
      denominator_ = initial == 0.0 ? 1.0 : initial;
      break;
    case Mode::kBaselineImprovement: {
      const double baseline = observations.observation(config_.baseline_observation).to_double();
      denominator_ = std::max(initial - baseline, 1.0);
      break;
    }
  }
}

double CostReward::update(ObservationSource& observations) {
  const double cost = observations.observation(config_.cost_observation).to_double();
  const double reward = config_.sign * (previous_cost_ - cost) / denominator_;
  previous_cost_ = cost;
  return reward;
}

std::unique_ptr<RewardSpace> CostReward::clone() const {
  return std::make_unique<CostReward>(*this);
}

std::shared_ptr<const RewardSpace> make_cost_delta_reward(RewardSpaceSpec spec,
                                                          std::string cost_observation,
                                                          double sign) {
  return std::make_shared<CostReward>(
      std::move(spec), CostReward::Config{.cost_observation = std::move(cost_observation),
                                          .mode = CostReward::Mode::kDelta,
                                          .sign = sign});
}

std::shared_ptr<const RewardSpace> make_normalized_reward(RewardSpaceSpec spec,
                                                          std::string cost_observation,
                                                          std::string initial_cost_observation,
                                                          double sign) {
  return std::make_shared<CostReward>(
      std::move(spec),
      CostReward::Config{.cost_observation = std::move(cost_observation),
                         .mode = CostReward::Mode::kNormalized,
                         .initial_cost_observation = std::move(initial_cost_observation),
                         .sign = sign});
}

std::shared_ptr<const RewardSpace> make_baseline_reward(RewardSpaceSpec spec,
                                                        std::string cost_observation,
                                                        std::string baseline_observation,
                                                        std::string initial_cost_observation) {
  if (!spec.success_threshold) spec.success_threshold = 1.0;
  return std::make_shared<CostReward>(
      std::move(spec),
      CostReward::Config{.cost_observation = std::move(cost_observation),
                         .mode = CostReward::Mode::kBaselineImprovement,
                         .initial_cost_observation = std::move(initial_cost_observation),
                         .baseline_observation = std::move(baseline_observation)});
}

}  // namespace cgym
