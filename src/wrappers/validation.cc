#include "cgym/wrappers/validation.h"

#include "cgym/errors.h"

namespace cgym {

ValidateBenchmarkAfterEveryStepWrapper::ValidateBenchmarkAfterEveryStepWrapper(
    EnvPtr env, double penalty, ValidationOptions options)
    : CopyableWrapper(std::move(env)), penalty_(penalty), options_(options) {}

StepResult ValidateBenchmarkAfterEveryStepWrapper::reset(const ResetOptions& options) {
  StepResult result = env().reset(options);
  episode_reward_ = 0.0;
  invalid_ = false;
  return result;
}

void ValidateBenchmarkAfterEveryStepWrapper::check(StepResult& result) {
  if (!result.done) {
    std::string details;
    try {
      const ValidationResult v = env().validate(options_);
      for (const auto& e : v.errors) {
        details += (details.empty() ? "" : "\n") + e.type + ": " + e.details;
      }
    } catch (const std::exception& e) {
      details = std::string("validation failed: ") + error_type_name(e) + ": " + e.what();
    }
    if (!details.empty()) {
      result.done = true;
      result.reward = penalty_;
      result.info.error_type = "ValidationError";
      result.info.error_details = std::move(details);
      invalid_ = true;
    }
  }
  episode_reward_ += result.reward;
}

StepResult ValidateBenchmarkAfterEveryStepWrapper::step(Action action, const StepOptions& options) {
  if (invalid_) check_in_episode("step");
  StepResult result = env().step(action, options);
  check(result);
  return result;
}

StepResult ValidateBenchmarkAfterEveryStepWrapper::multistep(std::span<const Action> actions,
                                                             const StepOptions& options) {
  if (invalid_) check_in_episode("multistep");
  StepResult result = env().multistep(actions, options);
  check(result);
  return result;
}

EnvState ValidateBenchmarkAfterEveryStepWrapper::state() const {
  EnvState s = env().state();
  if (s.reward) s.reward = episode_reward_;
  return s;
}

}  // namespace cgym
