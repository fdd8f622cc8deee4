#include "cgym/wrappers/fork_on_step.h"

#include "cgym/errors.h"

namespace cgym {

ForkOnStepWrapper::ForkOnStepWrapper(EnvPtr env, size_t max_depth)
    : Wrapper(std::move(env)), max_depth_(max_depth) {}

StepResult ForkOnStepWrapper::reset(const ResetOptions& options) {
  StepResult result = env().reset(options);
  stack_.clear();
  return result;
}

void ForkOnStepWrapper::push_fork() {
  // Outside an episode the step below throws StateError: nothing to save.
  if (!env().in_episode()) return;
  if (max_depth_ > 0 && stack_.size() >= max_depth_) stack_.erase(stack_.begin());
  stack_.push_back(env().fork());
}

StepResult ForkOnStepWrapper::step(Action action, const StepOptions& options) {
  // Range errors are misuse: check before paying for a fork.
  if (env().in_episode()) action_space().check(action);
  push_fork();
  return env().step(action, options);
}

StepResult ForkOnStepWrapper::multistep(std::span<const Action> actions,
                                        const StepOptions& options) {
  if (env().in_episode()) {
    for (Action a : actions) action_space().check(a);
  }
  push_fork();
  return env().multistep(actions, options);
}

void ForkOnStepWrapper::close() {
  stack_.clear();
  env().close();
}

void ForkOnStepWrapper::undo() {
  check_open("undo");
  if (stack_.empty()) {
    throw StateError(
        "undo(): there is no step to undo (no step since reset(), or every step "
        "already undone)");
  }
  EnvPtr previous = std::move(stack_.back());
  stack_.pop_back();
  replace_env(std::move(previous));
}

std::unique_ptr<Wrapper> ForkOnStepWrapper::clone_with(EnvPtr forked_env) {
  auto copy = std::make_unique<ForkOnStepWrapper>(std::move(forked_env), max_depth_);
  copy->stack_.reserve(stack_.size());
  for (auto& e : stack_) copy->stack_.push_back(e->fork());
  return copy;
}

}  // namespace cgym
