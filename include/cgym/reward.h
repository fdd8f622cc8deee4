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
  /// The name used to request it, e.g. "IrInstructionCountOz".
  std::string name;
  /// The reward of a failed step when default_negates_returns is false.
  double default_value = 0.0;
  /// The smallest reward a step can earn (declared, for agents).
  double min = -std::numeric_limits<double>::infinity();
  /// The largest reward a step can earn (declared, for agents).
  double max = std::numeric_limits<double>::infinity();
  /// The same actions on the same benchmark always give the same rewards.
  /// A backend declares whether the reward is a function of the program
  /// state; Env::reward_spaces() reports false when, besides, the current
  /// action space has actions that are not deterministic
  /// (ActionInfo::deterministic), and then lists in deterministic_in the
  /// action spaces in which it holds.
  bool deterministic = true;
  /// The rewards depend on the machine (e.g. runtimes, object-code sizes).
  bool platform_dependent = false;
  /// The cumulative reward at which an episode counts as a success.
  std::optional<double> success_threshold;
  /// On a failed step, return the reward that brings the episode's
  /// cumulative reward back to 0 (CompilerGym's default_negates_returns).
  bool default_negates_returns = true;
  /// One line for humans.
  std::string description;
  /// Set by Env::reward_spaces() when `deterministic` is false only because
  /// of the current action space: the env's action spaces without
  /// non-deterministic actions, in which the reward is deterministic.
  std::vector<std::string> deterministic_in;
};

/// A reward computed from observations: reset() when it starts tracking an
/// episode, update() after each step. The env owns one instance per tracked
/// space and clones it on fork(). Not thread-safe.
class RewardSpace {
 public:
  /// A space described by `spec`.
  explicit RewardSpace(RewardSpaceSpec spec) : spec_(std::move(spec)) {}
  virtual ~RewardSpace() = default;

  /// The description of this space.
  const RewardSpaceSpec& spec() const { return spec_; }
  /// The space's name (spec().name).
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
  /// The formula (see the file comment).
  enum class Mode {
    kDelta,               ///< C_{t-1} - C_t
    kNormalized,          ///< (C_{t-1} - C_t) / C_0 (divides by 1 when C_0 is 0)
    kBaselineImprovement  ///< (C_{t-1} - C_t) / max(C_0 - C_b, 1)
  };
  /// What the reward is computed from.
  struct Config {
    /// The scalar cost observation C, e.g. "IrInstructionCount".
    std::string cost_observation;
    /// The formula.
    Mode mode = Mode::kDelta;
    /// The observation that gives C_0 (e.g. "IrInstructionCountO0"). Empty:
    /// C_0 is the cost when the space starts tracking.
    std::string initial_cost_observation;
    /// Only for kBaselineImprovement, e.g. "IrInstructionCountOz".
    std::string baseline_observation;
    /// +1 for costs (smaller is better), -1 for benefits (larger is better).
    double sign = 1.0;
  };

  /// Throws InvalidArgument when config.cost_observation is empty, or when
  /// mode is kBaselineImprovement without a baseline_observation.
  CostReward(RewardSpaceSpec spec, Config config);

  void reset(ObservationSource& observations) override;
  double update(ObservationSource& observations) override;
  std::unique_ptr<RewardSpace> clone() const override;

  /// The configuration it was built with.
  const Config& config() const { return config_; }

 private:
  Config config_;
  double previous_cost_ = 0.0;
  double denominator_ = 1.0;
};

/// A CostReward with Mode::kDelta: sign * (C_{t-1} - C_t).
std::shared_ptr<const RewardSpace> make_cost_delta_reward(RewardSpaceSpec spec,
                                                          std::string cost_observation,
                                                          double sign = 1.0);
/// A CostReward with Mode::kNormalized: sign * (C_{t-1} - C_t) / C_0, where
/// C_0 comes from `initial_cost_observation` ("" = the cost at reset()).
std::shared_ptr<const RewardSpace> make_normalized_reward(RewardSpaceSpec spec,
                                                          std::string cost_observation,
                                                          std::string initial_cost_observation = "",
                                                          double sign = 1.0);
/// A CostReward with Mode::kBaselineImprovement: (C_{t-1} - C_t) /
/// max(C_0 - C_b, 1), where C_b comes from `baseline_observation`. Sets
/// spec.success_threshold to 1 when it is unset.
std::shared_ptr<const RewardSpace> make_baseline_reward(RewardSpaceSpec spec,
                                                        std::string cost_observation,
                                                        std::string baseline_observation,
                                                        std::string initial_cost_observation = "");

}  // namespace cgym
