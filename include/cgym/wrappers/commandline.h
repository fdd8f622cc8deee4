// Action-space wrappers for commandline envs: a terminal action, and a
// subset of the flags.
//
//   auto env = cgym::ConstrainedCommandline(cgym::make("llvm-ic-v0"),
//                                           {"-mem2reg", "-instcombine", "-gvn"});
//   auto env2 = cgym::CommandlineWithTerminalAction(cgym::make("gcc-v0"));
#pragma once

#include <string>
#include <vector>

#include "cgym/wrappers/wrapper.h"

namespace cgym {

/// Adds one action at the end of the action space that ends the episode:
/// the step returns done = true with no error (and info.truncated false),
/// the wrapped env is not stepped (its observations still work), and
/// step() throws StateError until reset(). The terminal action is recorded
/// in actions(); commandline() writes its flag last, after the wrapped
/// env's command line (e.g. "opt -mem2reg input.bc -o output.bc -terminal"),
/// and from_commandline() accepts it as the last action, either at the very
/// end or just before the command line's suffix. A multistep stops at the
/// first terminal action: the actions before it are applied, the ones after
/// it are not. state().commandline includes the flag; validate(state)
/// removes it before the wrapped env replays the state.
/// The space is named "<wrapped space>+terminal"; the wrapped env's dynamic
/// action spaces are followed (the terminal action stays last).
class CommandlineWithTerminalActionWrapper final
    : public CopyableWrapper<CommandlineWithTerminalActionWrapper, ActionWrapper> {
 public:
  /// Throws InvalidArgument when `terminal_flag` is empty or has
  /// whitespace, or when the wrapped space already has an action with that
  /// name or flag.
  CommandlineWithTerminalActionWrapper(EnvPtr env, std::string terminal_flag = "-terminal");

  StepResult reset(const ResetOptions& options = {}) override;
  StepResult step(Action action, const StepOptions& options = {}) override;
  StepResult multistep(std::span<const Action> actions, const StepOptions& options = {}) override;
  bool in_episode() const override { return !terminated_ && env().in_episode(); }

  EnvState state() const override;
  std::string commandline() const override;
  std::vector<Action> from_commandline(std::string_view commandline) const override;
  ValidationResult validate(const ValidationOptions& options = {}) override;
  ValidationResult validate(const EnvState& state, const ValidationOptions& options = {}) override;

  Action action(Action action) const override { return action; }
  std::optional<Action> reverse_action(Action action) const override { return action; }

  /// The index of the terminal action (the last one).
  Action terminal_action() const { return action_space().size() - 1; }
  /// The terminal action's flag (its name too), e.g. "-terminal".
  const std::string& terminal_flag() const { return flag_; }
  /// True once the terminal action ended the episode.
  bool terminated() const { return terminated_; }

 protected:
  ActionSpace make_action_space(const ActionSpace& wrapped) override;

 private:
  /// `commandline` without the terminal flag, and whether it had one.
  std::string strip_terminal(std::string_view commandline, bool* found) const;

  std::string flag_;
  bool terminated_ = false;
};

/// Wraps `env` in a CommandlineWithTerminalActionWrapper.
std::unique_ptr<CommandlineWithTerminalActionWrapper> CommandlineWithTerminalAction(
    EnvPtr env, std::string terminal_flag = "-terminal");

/// Restricts the actions to a subset of the wrapped env's, named by action
/// name or by flag, in the order given: action i here is flags[i] there.
/// Indices are translated both ways: actions() and from_commandline() give
/// this space's indices, commandline() is the wrapped env's (same flags).
/// The space keeps the wrapped space's command-line format. When a step
/// switches the wrapped env to another action space, the subset is looked
/// up again by flag; if a flag is missing there, that step throws
/// LookupError (after the wrapped env applied it).
class ConstrainedCommandlineWrapper final
    : public CopyableWrapper<ConstrainedCommandlineWrapper, ActionWrapper> {
 public:
  /// Throws InvalidArgument for an empty or duplicated subset, LookupError
  /// for a flag that is not in the wrapped env's action space (listing the
  /// valid ones). `name` names the space ("" = "<wrapped space>:constrained").
  ConstrainedCommandlineWrapper(EnvPtr env, std::vector<std::string> flags, std::string name = "");

  Action action(Action action) const override { return forward_[static_cast<size_t>(action)]; }
  std::optional<Action> reverse_action(Action action) const override;

  /// The subset, as given.
  const std::vector<std::string>& flags() const { return flags_; }

 protected:
  ActionSpace make_action_space(const ActionSpace& wrapped) override;

 private:
  std::vector<std::string> flags_;
  std::string name_;
  std::vector<Action> forward_;
  /// Indexed by the wrapped env's action; -1 = not in the subset.
  std::vector<Action> reverse_;
};

/// Wraps `env` in a ConstrainedCommandlineWrapper.
std::unique_ptr<ConstrainedCommandlineWrapper> ConstrainedCommandline(
    EnvPtr env, std::vector<std::string> flags, std::string name = "");

}  // namespace cgym
