// Wrappers: Envs that own another Env and change one thing about it.
//
//   auto env = cgym::TimeLimit(cgym::ConstrainedCommandline(cgym::make("llvm-ic-v0"),
//                                                           {"-mem2reg", "-gvn"}),
//                              /*max_steps=*/100);
//
// A wrapper is itself an Env, so wrappers stack in any order. Every call a
// wrapper does not change is forwarded to the env it wraps.
//
// Ownership: a wrapper owns the env it wraps (EnvPtr) and its destructor
// destroys it (which closes it). close() closes the whole stack.
// Forks: fork() forks the wrapped env and copies the wrapper's own state
// (step counters, iterators, ...) onto the copy, layer by layer, so a fork of
// a stack is the same stack around a fork of the innermost env, and the two
// are independent afterwards. Every concrete wrapper implements clone_with();
// the CopyableWrapper helper implements it with the wrapper's copy
// constructor, so new members are copied by default. (That copy constructor
// leaves the copy without an env: copy wrappers with fork(), never with
// `auto copy = *wrapper`.)
// Episodes: a wrapper that ends an episode itself (TimeLimit, the terminal
// action, a failed validation) reports in_episode() == false and its step()
// throws StateError until reset(), even though the env below could go on.
// Threads: as for Env, one thread at a time per stack.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "cgym/env.h"

namespace cgym {

/// Forwards every call to the env it owns. Derive from it (through
/// CopyableWrapper) to change some of them.
class Wrapper : public Env {
 public:
  /// Throws InvalidArgument when `env` is null.
  explicit Wrapper(EnvPtr env);
  ~Wrapper() override = default;
  Wrapper& operator=(const Wrapper&) = delete;

  /// The env this wrapper wraps.
  Env& env() { return *env_; }
  /// The env this wrapper wraps (read-only).
  const Env& env() const { return *env_; }
  /// The innermost env of the stack (the first one that is not a Wrapper).
  Env& unwrapped();
  /// The innermost env of the stack (read-only).
  const Env& unwrapped() const;

  StepResult reset(const ResetOptions& options = {}) override { return env_->reset(options); }
  StepResult step(Action action, const StepOptions& options = {}) override {
    return env_->step(action, options);
  }
  StepResult multistep(std::span<const Action> actions, const StepOptions& options = {}) override {
    return env_->multistep(actions, options);
  }
  /// Forks the wrapped env, then clone_with() copies this layer onto it.
  /// Throws what the wrapped env's fork() throws (StateError before reset()).
  std::unique_ptr<Env> fork() final;
  void close() override { env_->close(); }
  bool is_closed() const override { return env_->is_closed(); }

  std::string env_id() const override { return env_->env_id(); }
  std::string compiler_version() const override { return env_->compiler_version(); }
  const ActionSpace& action_space() const override { return env_->action_space(); }
  const std::vector<ActionSpace>& action_spaces() const override { return env_->action_spaces(); }
  const std::vector<ObservationSpaceSpec>& observation_spaces() const override {
    return env_->observation_spaces();
  }
  const ObservationSpaceSpec& observation_space_spec(const std::string& name) const override {
    return env_->observation_space_spec(name);
  }
  std::vector<RewardSpaceSpec> reward_spaces() const override { return env_->reward_spaces(); }
  std::optional<std::string> observation_space() const override {
    return env_->observation_space();
  }
  std::optional<std::string> reward_space() const override { return env_->reward_space(); }
  void set_observation_space(const std::string& name) override {
    env_->set_observation_space(name);
  }
  void set_reward_space(const std::string& name) override { env_->set_reward_space(name); }

  Observation observation(const std::string& name) override { return env_->observation(name); }
  double reward(const std::string& name) override { return env_->reward(name); }

  const std::vector<Action>& actions() const override { return env_->actions(); }
  double episode_reward() const override { return env_->episode_reward(); }
  double episode_walltime() const override { return env_->episode_walltime(); }
  BenchmarkPtr benchmark() const override { return env_->benchmark(); }
  const Datasets& datasets() const override { return env_->datasets(); }
  bool in_episode() const override { return env_->in_episode(); }

  EnvState state() const override { return env_->state(); }
  std::string commandline() const override { return env_->commandline(); }
  std::vector<Action> from_commandline(std::string_view commandline) const override {
    return env_->from_commandline(commandline);
  }
  /// Goes through this layer: reset() to the state's benchmark, then
  /// multistep() over from_commandline(state.commandline), so that every
  /// layer keeps its bookkeeping (a TimeLimit counts the replayed actions).
  StepResult apply(const EnvState& state) override;
  ValidationResult validate(const ValidationOptions& options = {}) override {
    return env_->validate(options);
  }
  ValidationResult validate(const EnvState& state, const ValidationOptions& options = {}) override {
    return env_->validate(state, options);
  }
  std::string send_session_parameter(const std::string& key, const std::string& value) override {
    return env_->send_session_parameter(key, value);
  }

 protected:
  /// For CopyableWrapper: copies nothing of the base; the copy's env is set
  /// by clone_with().
  Wrapper(const Wrapper&) : Env() {}

  /// Returns a copy of this wrapper, with its own state copied, around
  /// `forked_env` (a fork of env()). Called by fork().
  virtual std::unique_ptr<Wrapper> clone_with(EnvPtr forked_env) = 0;

  /// Swaps the wrapped env (ForkOnStep's undo()); returns the old one.
  /// Throws InvalidArgument for null.
  EnvPtr replace_env(EnvPtr env);
  /// Gives up the wrapped env, leaving this wrapper without one: only for a
  /// wrapper's destructor that hands its env back to someone (the Python
  /// binding's guard against losing an env when a wrapper's constructor
  /// throws). Any other call on the wrapper afterwards is undefined.
  EnvPtr release_env() { return std::move(env_); }

  /// Throws StateError when the stack is closed: "<call>() called after
  /// close()".
  void check_open(const char* call) const;
  /// Throws StateError unless in_episode() (this layer's view): after
  /// close(), before reset(), after the end of an episode.
  void check_in_episode(const char* call) const;

 private:
  EnvPtr env_;
};

/// Implements Wrapper::clone_with() for `Derived` with its copy constructor:
///
///   class MyWrapper final : public cgym::CopyableWrapper<MyWrapper> { ... };
///   class MyReward final : public cgym::CopyableWrapper<MyReward, cgym::RewardWrapper> {...};
///
/// A wrapper whose state cannot be copied member by member (it owns envs,
/// like ForkOnStep) does not compile with it and implements clone_with().
///
/// \tparam Derived the concrete wrapper (CRTP); it must be copy-constructible.
/// \tparam Base Wrapper or a class derived from it (ActionWrapper, ...).
template <typename Derived, typename Base = Wrapper>
class CopyableWrapper : public Base {
  static_assert(std::is_base_of_v<Wrapper, Base>, "Base must be Wrapper or derive from it");

 public:
  using Base::Base;

 protected:
  /// Copies the wrapper's own state; the copy has no env until clone_with() sets it.
  CopyableWrapper(const CopyableWrapper&) = default;

  /// Copy-constructs a `Derived` from this wrapper and gives it `forked_env`.
  std::unique_ptr<Wrapper> clone_with(EnvPtr forked_env) override {
    std::unique_ptr<Wrapper> copy(new Derived(static_cast<const Derived&>(*this)));
    static_cast<CopyableWrapper*>(copy.get())->replace_env(std::move(forked_env));
    return copy;
  }
};

/// The first layer of type W in the stack that starts at `env` (env itself
/// included), or nullptr. E.g. find_wrapper<ForkOnStepWrapper>(*env)->undo().
template <typename W>
W* find_wrapper(Env& env) {
  for (Env* e = &env;;) {
    if (auto* w = dynamic_cast<W*>(e)) return w;
    auto* layer = dynamic_cast<Wrapper*>(e);
    if (!layer) return nullptr;
    e = &layer->env();
  }
}
/// The first layer of type W in the stack that starts at `env` (read-only),
/// or nullptr.
template <typename W>
const W* find_wrapper(const Env& env) {
  return find_wrapper<W>(const_cast<Env&>(env));
}

/// Translates the actions of its own action space into the wrapped env's.
///
/// It keeps its own action history in its own indices (actions()), and its
/// own action space (action_space(), and action_spaces() = {it}). Names in
/// ResetOptions::action_space still name the wrapped env's spaces; the
/// wrapper rebuilds its space from the wrapped env's current one after each
/// reset() and whenever a step changes the space.
/// commandline() is the wrapped env's (the translated actions are exactly
/// the ones applied there); from_commandline() parses with the wrapped env
/// and translates back, throwing LookupError for an action that has no
/// equivalent here.
/// Subclasses implement action(), reverse_action() and make_action_space(),
/// and call attach() at the end of their constructor.
class ActionWrapper : public Wrapper {
 public:
  using Wrapper::Wrapper;

  StepResult reset(const ResetOptions& options = {}) override;
  /// Throws ActionOutOfRange for an action outside action_space().
  StepResult step(Action action, const StepOptions& options = {}) override;
  StepResult multistep(std::span<const Action> actions, const StepOptions& options = {}) override;

  const ActionSpace& action_space() const override { return spaces_.front(); }
  const std::vector<ActionSpace>& action_spaces() const override { return spaces_; }
  const std::vector<Action>& actions() const override { return actions_; }
  std::vector<Action> from_commandline(std::string_view commandline) const override;

  /// Outer index to the wrapped env's index. `action` is in range.
  virtual Action action(Action action) const = 0;
  /// The wrapped env's index to this wrapper's, or nullopt when the action
  /// has no equivalent here.
  virtual std::optional<Action> reverse_action(Action action) const = 0;

 protected:
  /// For CopyableWrapper: copies this layer's state, not the env.
  ActionWrapper(const ActionWrapper&) = default;

  /// Builds this wrapper's action space from the wrapped env's current one
  /// (and updates the translation). May throw LookupError.
  virtual ActionSpace make_action_space(const ActionSpace& wrapped) = 0;

  /// Builds the space and translates the wrapped env's current actions.
  /// Call once at the end of the subclass constructor. Throws
  /// InvalidArgument when an action already taken has no equivalent.
  void attach();
  /// Rebuilds the space from the wrapped env's current space.
  void refresh_action_space();
  /// This wrapper's history, for subclasses that take actions themselves.
  std::vector<Action>& history() { return actions_; }

 private:
  std::vector<ActionSpace> spaces_{ActionSpace()};
  std::vector<Action> actions_;
  std::vector<Action> scratch_;
};

/// Converts the default observation returned by reset(), step() and
/// multistep(). observation(name) still returns the wrapped env's values.
class ObservationWrapper : public Wrapper {
 public:
  using Wrapper::Wrapper;

  StepResult reset(const ResetOptions& options = {}) override;
  StepResult step(Action action, const StepOptions& options = {}) override;
  StepResult multistep(std::span<const Action> actions, const StepOptions& options = {}) override;

  /// Returns the observation to report instead of `observation`, the wrapped
  /// env's default observation. Called for every reset() and step() result,
  /// also when the observation is empty (no default observation space).
  virtual Observation convert_observation(const Observation& observation) = 0;

 protected:
  /// For CopyableWrapper: copies this layer's state, not the env.
  ObservationWrapper(const ObservationWrapper&) = default;
};

/// Converts the default reward returned by step() and multistep() (every
/// reward, failed steps included), and keeps episode_reward(), state().reward
/// and reward(reward_space()) consistent with what it returned.
/// validate() checks the wrapped env's own (unconverted) reward, and
/// reports this wrapper's state; validate(state) cannot replay a converted
/// reward, so it forwards `state` without its reward (semantics only).
class RewardWrapper : public Wrapper {
 public:
  using Wrapper::Wrapper;

  StepResult reset(const ResetOptions& options = {}) override;
  StepResult step(Action action, const StepOptions& options = {}) override;
  StepResult multistep(std::span<const Action> actions, const StepOptions& options = {}) override;
  double episode_reward() const override { return episode_reward_; }
  double reward(const std::string& name) override;
  EnvState state() const override;
  ValidationResult validate(const ValidationOptions& options = {}) override;
  ValidationResult validate(const EnvState& state, const ValidationOptions& options = {}) override;

  /// Returns the reward to report instead of `reward`, the wrapped env's
  /// default reward for a step (0 when it has no reward space).
  virtual double convert_reward(double reward) = 0;

 protected:
  /// For CopyableWrapper: copies this layer's state, not the env.
  RewardWrapper(const RewardWrapper&) = default;

 private:
  void convert(StepResult& result);

  double episode_reward_ = 0.0;
  double last_reward_ = 0.0;
};

}  // namespace cgym
