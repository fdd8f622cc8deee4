// Reward spaces: rewards computed by the core from observations.
//
// A RewardSpace is a small stateful object: reset() is called when it starts
// tracking an episode, update() after each step (or multistep) and returns
// the reward for the change since the previous update. The env owns one
// instance per tracked space; fork() clones it. Not thread-safe.
//
// CostReward covers CompilerGym's three formulas, where C is a cost
// observation, C_0 its initial value and C_b a baseline:
//   kDelta:                C_{t-1} - C_t
//   kNormalized:          (C_{t-1} - C_t) / C_0
//   kBaselineImprovement: (C_{t-1} - C_t) / max(C_0 - C_b, 1)
// Multiply by `sign = -1` to turn a cost into a benefit (e.g. GFLOP/s).
#pragma once

#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cgym/observation.h"

namespace cgym {

/// Where a RewardSpace reads observations of the current program state.
class ObservationSource {
 public:
  virtual ~ObservationSource() = default;
  /// Throws LookupError for unknown names, SessionError when computing fails.
  virtual Observation observation(const std::string& name) = 0;
};

/// The description of a reward space.
struct RewardSpaceSpec {
  std::string name;
  double default_value = 0.0;
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool deterministic = true;
  bool platform_dependent = false;
  /// The cumulative reward at which an episode counts as a success.
  std::optional<double> success_threshold;
  /// On a failed step, return the reward that brings the episode's
  /// cumulative reward back to 0 (CompilerGym's default_negates_returns).
  bool default_negates_returns = true;
  std::string description;
};

class RewardSpace {
 public:
  explicit RewardSpace(RewardSpaceSpec spec) : spec_(std::move(spec)) {}
  virtual ~RewardSpace() = default;

  const RewardSpaceSpec& spec() const { return spec_; }
  const std::string& name() const { return spec_.name; }

  /// Starts tracking from the current program state.
  virtual void reset(ObservationSource& observations) = 0;
  /// The reward for the change since the last reset() or update().
  virtual double update(ObservationSource& observations) = 0;
  /// A copy, including the tracking state.
  virtual std::unique_ptr<RewardSpace> clone() const = 0;

 private:
  RewardSpaceSpec spec_;
};

/// A reward from a scalar cost observation (see the file comment).
class CostReward : public RewardSpace {
 public:
  enum class Mode { kDelta, kNormalized, kBaselineImprovement };
  struct Config {
    std::string cost_observation;
    Mode mode = Mode::kDelta;
    /// The observation that gives C_0 (e.g. "IrInstructionCountO0"). Empty:
    /// C_0 is the cost when the space starts tracking.
    std::string initial_cost_observation;
    /// Only for kBaselineImprovement, e.g. "IrInstructionCountOz".
    std::string baseline_observation;
    /// +1 for costs (smaller is better), -1 for benefits (larger is better).
    double sign = 1.0;
  };

  CostReward(RewardSpaceSpec spec, Config config);

  void reset(ObservationSource& observations) override;
  double update(ObservationSource& observations) override;
  std::unique_ptr<RewardSpace> clone() const override;

  const Config& config() const { return config_; }

 private:
  Config config_;
  double previous_cost_ = 0.0;
  double denominator_ = 1.0;
};

/// Shorthands for the three CompilerGym formulas.
std::shared_ptr<const RewardSpace> make_cost_delta_reward(RewardSpaceSpec spec,
                                                          std::string cost_observation,
                                                          double sign = 1.0);
std::shared_ptr<const RewardSpace> make_normalized_reward(RewardSpaceSpec spec,
                                                          std::string cost_observation,
                                                          std::string initial_cost_observation = "",
                                                          double sign = 1.0);
std::shared_ptr<const RewardSpace> make_baseline_reward(RewardSpaceSpec spec,
                                                        std::string cost_observation,
                                                        std::string baseline_observation,
                                                        std::string initial_cost_observation = "");

}  // namespace cgym
