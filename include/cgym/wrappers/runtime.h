// RuntimePointEstimateReward: a reward from measured program runtimes.
//
//   auto env = cgym::RuntimePointEstimateReward(cgym::make("llvm-v0"), /*runs=*/30,
//                                               /*warmup=*/1, cgym::Estimator::kMedian);
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cgym/wrappers/wrapper.h"

namespace cgym {

/// How a point estimate is made from N runtimes.
enum class Estimator {
  kMedian,  ///< the median (the mean of the two middle values for even N)
  kMean,    ///< the arithmetic mean
  kMin      ///< the smallest value
};

/// "median", "mean", "min".
const char* to_string(Estimator estimator);
/// Throws InvalidArgument listing the valid names.
Estimator estimator_from_string(const std::string& name);
/// The estimate of `values`; InvalidArgument when it is empty. `scratch` is
/// reused for the median.
double point_estimate(Estimator estimator, std::span<const double> values,
                      std::vector<double>& scratch);

/// Names RuntimePointEstimateReward uses (see below).
struct RuntimeRewardOptions {
  /// The observation holding the measured runtimes.
  std::string observation = "Runtime";
  /// The session parameter that sets the number of runs per observation.
  std::string runs_parameter = "llvm.set_runtimes_per_observation_count";
  /// The session parameter that sets the number of warm-up runs.
  std::string warmup_parameter = "llvm.set_warmup_runs_count_per_runtime_observation";
};

/// The contract with the wrapped env:
///  - it has an observation "Runtime": a double vector holding the seconds
///    of N runs of the program in its current state (an int64 vector is
///    accepted too);
///  - optionally it accepts two session parameters, sent after every
///    reset(): `runs_parameter` (default "llvm.set_runtimes_per_observation_count",
///    CompilerGym's name) = runs, and `warmup_parameter` (default
///    "llvm.set_warmup_runs_count_per_runtime_observation") = warmup. When
///    the env accepts the runs parameter, every Runtime observation must
///    hold exactly `runs` values; when it rejects it (LookupError), any
///    non-empty number is used and runs/warmup are the env's own.
/// Reward: estimate(Runtime) before the step minus estimate(Runtime) after
/// it (a decrease in runtime is a positive reward). The default reward of the
/// result is replaced; the wrapped env's own reward space still computes
/// its rewards. reward_space() is "RuntimePointEstimate" (listed by
/// reward_spaces(), not deterministic, platform dependent), and
/// reward("RuntimePointEstimate") is the last reward.
/// A Runtime observation that fails or breaks the contract in a step ends
/// the episode like a compiler failure: done, info.error_type/_details, and
/// a reward that brings episode_reward() back to 0; step() then throws
/// StateError until reset(). In reset() it throws BenchmarkInitError.
/// episode_reward() and state().reward are the sum of this wrapper's
/// rewards. validate() cannot reproduce a measured reward: it checks the
/// wrapped env's semantics only. fork() copies the previous estimate.
class RuntimePointEstimateRewardWrapper final
    : public CopyableWrapper<RuntimePointEstimateRewardWrapper> {
 public:
  /// The names the wrapper uses.
  using Options = RuntimeRewardOptions;
  /// The name of the reward space this wrapper provides.
  static constexpr const char* kRewardSpace = "RuntimePointEstimate";

  /// Throws InvalidArgument unless runs >= 1 and warmup >= 0, LookupError
  /// when the env has no Runtime observation.
  RuntimePointEstimateRewardWrapper(EnvPtr env, int runs = 30, int warmup = 0,
                                    Estimator estimator = Estimator::kMedian, Options options = {});

  StepResult reset(const ResetOptions& options = {}) override;
  StepResult step(Action action, const StepOptions& options = {}) override;
  StepResult multistep(std::span<const Action> actions, const StepOptions& options = {}) override;
  bool in_episode() const override { return !failed_ && env().in_episode(); }

  std::vector<RewardSpaceSpec> reward_spaces() const override;
  std::optional<std::string> reward_space() const override { return kRewardSpace; }
  /// Naming kRewardSpace changes nothing; any other name sets the wrapped
  /// env's default reward space (not the reward this wrapper returns).
  void set_reward_space(const std::string& name) override {
    if (name != kRewardSpace) env().set_reward_space(name);
  }
  double reward(const std::string& name) override;
  double episode_reward() const override { return episode_reward_; }
  EnvState state() const override;
  ValidationResult validate(const ValidationOptions& options = {}) override;
  ValidationResult validate(const EnvState& state, const ValidationOptions& options = {}) override;

  /// The runs requested per Runtime observation.
  int runs() const { return runs_; }
  /// The warm-up runs requested before the measured ones.
  int warmup() const { return warmup_; }
  /// How the runs are reduced to one estimate.
  Estimator estimator() const { return estimator_; }
  /// Whether the env accepted the runs parameter at the last reset().
  bool runs_enforced() const { return runs_enforced_; }
  /// The estimate of the current state's runtime.
  double current_estimate() const { return previous_; }

 private:
  double measure();
  void finish(StepResult& result);

  int runs_;
  int warmup_;
  Estimator estimator_;
  Options options_;
  bool runs_enforced_ = false;
  bool failed_ = false;
  double previous_ = 0.0;
  double last_reward_ = 0.0;
  double episode_reward_ = 0.0;
  std::vector<double> scratch_;
};

/// Wraps `env` in a RuntimePointEstimateRewardWrapper.
std::unique_ptr<RuntimePointEstimateRewardWrapper> RuntimePointEstimateReward(
    EnvPtr env, int runs = 30, int warmup = 0, Estimator estimator = Estimator::kMedian,
    RuntimeRewardOptions options = {});

}  // namespace cgym
