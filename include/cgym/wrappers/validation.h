// ValidateBenchmarkAfterEveryStep: ends the episode with a penalty as soon as
// the program stops validating.
//
//   auto env = cgym::ValidateBenchmarkAfterEveryStep(cgym::make("llvm-ic-v0"), -1000);
#pragma once

#include "cgym/wrappers/wrapper.h"

namespace cgym {

/// After each step() and multistep() that did not already end the episode,
/// calls validate(options) on the wrapped env (which replays the episode on
/// a fresh copy of the compiler and, for runnable benchmarks, runs the
/// program: the cost grows with the episode). When validation reports
/// errors, the step returns done = true, reward = `penalty`,
/// info.error_type = "ValidationError" and info.error_details listing each
/// error ("<type>: <details>", one per line); in_episode() is then false and
/// step() throws StateError until reset(). A validation that itself throws
/// is reported the same way.
/// episode_reward() and state().reward are the sum of the rewards this
/// wrapper returned (the penalty included). fork() copies them.
class ValidateBenchmarkAfterEveryStepWrapper final
    : public CopyableWrapper<ValidateBenchmarkAfterEveryStepWrapper> {
 public:
  /// Validates with `options` after each step; a step that fails validation
  /// earns `penalty`. Throws InvalidArgument when `env` is null.
  ValidateBenchmarkAfterEveryStepWrapper(EnvPtr env, double penalty = -1e3,
                                         ValidationOptions options = {});

  StepResult reset(const ResetOptions& options = {}) override;
  StepResult step(Action action, const StepOptions& options = {}) override;
  StepResult multistep(std::span<const Action> actions, const StepOptions& options = {}) override;
  bool in_episode() const override { return !invalid_ && env().in_episode(); }
  double episode_reward() const override { return episode_reward_; }
  EnvState state() const override;

  /// The reward of a step that fails validation.
  double penalty() const { return penalty_; }

 private:
  void check(StepResult& result);

  double penalty_;
  ValidationOptions options_;
  double episode_reward_ = 0.0;
  bool invalid_ = false;
};

/// Wraps `env` in a ValidateBenchmarkAfterEveryStepWrapper.
inline std::unique_ptr<ValidateBenchmarkAfterEveryStepWrapper> ValidateBenchmarkAfterEveryStep(
    EnvPtr env, double penalty = -1e3, ValidationOptions options = {}) {
  return std::make_unique<ValidateBenchmarkAfterEveryStepWrapper>(std::move(env), penalty, options);
}

}  // namespace cgym
