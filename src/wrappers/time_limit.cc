#include "cgym/wrappers/time_limit.h"

#include "cgym/errors.h"

namespace cgym {

TimeLimitWrapper::TimeLimitWrapper(EnvPtr env, int64_t max_steps)
    : CopyableWrapper(std::move(env)), max_steps_(max_steps) {
  if (max_steps < 1) {
    throw InvalidArgument("TimeLimit: max_steps must be at least 1, got " +
                          std::to_string(max_steps));
  }
}

StepResult TimeLimitWrapper::reset(const ResetOptions& options) {
  StepResult result = env().reset(options);
  elapsed_ = 0;
  truncated_ = false;
  return result;
}

void TimeLimitWrapper::finish(StepResult& result) {
  if (elapsed_ >= max_steps_ && !result.done) {
    result.done = true;
    result.info.truncated = true;
    truncated_ = true;
  }
}

StepResult TimeLimitWrapper::step(Action action, const StepOptions& options) {
  if (truncated_) check_in_episode("step");
  StepResult result = env().step(action, options);
  ++elapsed_;
  finish(result);
  return result;
}

StepResult TimeLimitWrapper::multistep(std::span<const Action> actions,
                                       const StepOptions& options) {
  if (truncated_) check_in_episode("multistep");
  const auto budget = static_cast<size_t>(max_steps_ - elapsed_);
  if (actions.size() > budget) {
    // Misuse is reported even for the actions the budget cuts off.
    if (env().in_episode()) {
      for (Action a : actions) action_space().check(a);
    }
    actions = actions.first(budget);
  }
  StepResult result = env().multistep(actions, options);
  elapsed_ += static_cast<int64_t>(actions.size());
  finish(result);
  return result;
}

std::unique_ptr<TimeLimitWrapper> TimeLimit(EnvPtr env, int64_t max_steps) {
  return std::make_unique<TimeLimitWrapper>(std::move(env), max_steps);
}

}  // namespace cgym
