// TimeLimit: ends an episode after a fixed number of actions.
//
//   auto env = cgym::TimeLimit(cgym::make("llvm-ic-v0"), /*max_steps=*/100);
#pragma once

#include <cstdint>

#include "cgym/wrappers/wrapper.h"

namespace cgym {

/// Every action counts: a step counts 1, a multistep counts each of its
/// actions. A multistep that would cross the limit is truncated to the
/// actions left in the budget (the rest are not applied; their ranges are
/// still checked). The step that reaches the limit returns done = true and
/// info.truncated = true, unless the env ended the episode itself in that
/// step (then truncated stays false: the episode terminated). After the
/// limit, in_episode() is false and step() throws StateError until reset().
/// reset() and apply() restart the count; fork() copies it.
class TimeLimitWrapper final : public CopyableWrapper<TimeLimitWrapper> {
 public:
  /// Throws InvalidArgument unless max_steps >= 1.
  TimeLimitWrapper(EnvPtr env, int64_t max_steps);

  StepResult reset(const ResetOptions& options = {}) override;
  StepResult step(Action action, const StepOptions& options = {}) override;
  StepResult multistep(std::span<const Action> actions, const StepOptions& options = {}) override;
  bool in_episode() const override { return !truncated_ && env().in_episode(); }

  /// The number of actions after which the episode ends.
  int64_t max_steps() const { return max_steps_; }
  /// Actions taken in this episode, as counted against the limit.
  int64_t elapsed_steps() const { return elapsed_; }
  /// True once the limit ended the episode.
  bool truncated() const { return truncated_; }

 private:
  void finish(StepResult& result);

  int64_t max_steps_;
  int64_t elapsed_ = 0;
  bool truncated_ = false;
};

/// cgym::TimeLimit(env, 100): `env` wrapped in a TimeLimitWrapper.
std::unique_ptr<TimeLimitWrapper> TimeLimit(EnvPtr env, int64_t max_steps);

}  // namespace cgym
