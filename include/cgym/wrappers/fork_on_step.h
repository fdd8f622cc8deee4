// ForkOnStep: keeps a fork of the env before each step, so that steps can be
// undone.
//
//   auto env = cgym::ForkOnStep(cgym::make("llvm-ic-v0"));
//   env->reset();
//   env->step(a);
//   env->undo();  // back to the state before step(a)
#pragma once

#include <cstddef>
#include <vector>

#include "cgym/wrappers/wrapper.h"

namespace cgym {

/// Before each step() and multistep() made in an episode, forks the wrapped
/// env onto a stack; undo() drops the current env and continues with the
/// top of the stack. A step that failed or ended the episode can be undone
/// too. reset() and close() empty the stack.
/// undo() rewinds this layer and the layers below it only: a wrapper stacked
/// above (a TimeLimit's counter, say) keeps its own state, so put ForkOnStep
/// outermost to undo everything.
/// Cost: one fork per step. `max_depth` (0 = unlimited) bounds the stack:
/// the oldest forks are dropped beyond it.
/// fork() forks the wrapped env and every fork on the stack (a deep copy:
/// the fork can undo as far as the original).
class ForkOnStepWrapper final : public Wrapper {
 public:
  /// Keeps at most `max_depth` forks (0 = unlimited). Throws InvalidArgument
  /// when `env` is null.
  explicit ForkOnStepWrapper(EnvPtr env, size_t max_depth = 0);

  StepResult reset(const ResetOptions& options = {}) override;
  StepResult step(Action action, const StepOptions& options = {}) override;
  StepResult multistep(std::span<const Action> actions, const StepOptions& options = {}) override;
  void close() override;

  /// Goes back to the state before the last step not yet undone. Throws
  /// StateError when there is nothing to undo (no step since reset(), or
  /// all undone) or after close().
  void undo();
  /// How many steps undo() can go back.
  size_t depth() const { return stack_.size(); }
  /// The bound on depth() (0 = unlimited).
  size_t max_depth() const { return max_depth_; }

 protected:
  std::unique_ptr<Wrapper> clone_with(EnvPtr forked_env) override;

 private:
  void push_fork();

  size_t max_depth_;
  /// Oldest first.
  std::vector<EnvPtr> stack_;
};

/// Wraps `env` in a ForkOnStepWrapper.
inline std::unique_ptr<ForkOnStepWrapper> ForkOnStep(EnvPtr env, size_t max_depth = 0) {
  return std::make_unique<ForkOnStepWrapper>(std::move(env), max_depth);
}

}  // namespace cgym
