// Env: the Gym-style interface every environment and every wrapper
// implements.
//
//   auto env = cgym::make("llvm-ic-v0");
//   env->reset({.benchmark = "benchmark://cgym-v0/crc32"});
//   auto r = env->step(env->action_space().index("-mem2reg"));
//
// Ownership: an Env is owned by a std::unique_ptr; its destructor closes it.
// Wrappers own the env they wrap.
// Call order: reset() before step(); after close() every call except
// close(), is_closed() and the destructor throws StateError. After a step
// that ended the episode with an error, step() throws StateError until the
// next reset().
// Errors: misuse throws (see errors.h); compiler failures never throw out of
// step(): they end the episode with done = true and StepInfo::error_*.
// Threads: one thread at a time per Env. Different Envs (forks included) may
// be used on different threads at once.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "cgym/benchmark.h"
#include "cgym/dataset.h"
#include "cgym/observation.h"
#include "cgym/reward.h"
#include "cgym/spaces.h"
#include "cgym/state.h"

namespace cgym {

/// Extra facts about a step.
struct StepInfo {
  /// Every action of the step left the program unchanged.
  bool action_had_no_effect = false;
  /// The action space changed during the step.
  bool new_action_space = false;
  /// done was set by a limit (TimeLimit), not by the environment.
  bool truncated = false;
  /// Set when the step failed: the error class ("SessionError", ...) and
  /// what happened. The episode is over; call reset().
  std::string error_type;
  /// A human-readable description of the failure (empty when the step succeeded).
  std::string error_details;

  /// True when the step failed, i.e. error_type is set.
  bool failed() const { return !error_type.empty(); }
};

/// What step(), multistep() and reset() return.
struct StepResult {
  /// The default observation space's value (empty when there is none).
  Observation observation;
  /// The default reward space's reward (0 when there is none).
  double reward = 0.0;
  /// The episode is over: the environment reached a terminal state, a step
  /// failed (see StepInfo::failed()) or a limit ended it (StepInfo::truncated).
  bool done = false;
  /// Extra facts about the step.
  StepInfo info;
  /// The values of StepOptions::observation_spaces, in that order.
  std::vector<Observation> observations;
  /// The values of StepOptions::reward_spaces, in that order.
  std::vector<double> rewards;
};

/// Extra observations and rewards to compute in the same step.
struct StepOptions {
  /// Names of observation spaces whose values fill StepResult::observations.
  std::vector<std::string> observation_spaces;
  /// Names of reward spaces whose rewards fill StepResult::rewards.
  std::vector<std::string> reward_spaces;
};

/// Chooses what reset() starts. Unset fields keep the current choice.
struct ResetOptions {
  /// A URI, a Benchmark object, or nothing (keep the current benchmark).
  std::variant<std::monostate, std::string, BenchmarkPtr> benchmark;
  /// The name of the action space to use (unset keeps the current one).
  std::optional<std::string> action_space;
  /// "" means no default observation.
  std::optional<std::string> observation_space;
  /// "" means no default reward.
  std::optional<std::string> reward_space;
  /// Extra observations and rewards for the returned StepResult.
  StepOptions extra;
};

/// The Gym-style interface every environment and every wrapper implements.
///
/// An Env is owned by a std::unique_ptr (EnvPtr) and closed by its
/// destructor. Call reset() before step(); after close() every call except
/// close(), is_closed() and the destructor throws StateError. Compiler
/// failures never throw out of step(): they end the episode with done = true
/// and StepInfo::error_type set. Use one thread at a time per Env.
class Env {
 public:
  virtual ~Env() = default;

  /// Starts an episode. Throws BenchmarkInitError when the benchmark cannot
  /// be loaded (the env stays usable), LookupError for unknown names,
  /// StateError after close().
  virtual StepResult reset(const ResetOptions& options = {}) = 0;
  /// Applies one action. Throws ActionOutOfRange, LookupError (unknown
  /// space in options), StateError (before reset, after close, after a
  /// failed step).
  virtual StepResult step(Action action, const StepOptions& options = {}) = 0;
  /// Applies several actions as one step: the reward is the change from
  /// before the first to after the last. Stops early on failure or end of
  /// episode. Checks every action's range before applying any.
  virtual StepResult multistep(std::span<const Action> actions,
                               const StepOptions& options = {}) = 0;
  /// A deep copy of the episode; the two are independent afterwards.
  virtual std::unique_ptr<Env> fork() = 0;
  /// Releases the compiler and the working directory. Idempotent.
  virtual void close() = 0;
  /// True once close() has been called.
  virtual bool is_closed() const = 0;

  /// The registered id this env was made from, e.g. "llvm-ic-v0".
  virtual std::string env_id() const = 0;
  /// The version string the backend's compiler reports.
  virtual std::string compiler_version() const = 0;

  /// The current action space.
  virtual const ActionSpace& action_space() const = 0;
  /// Every action space the env offers (choose one with ResetOptions::action_space).
  virtual const std::vector<ActionSpace>& action_spaces() const = 0;
  /// Every observation space the env offers.
  virtual const std::vector<ObservationSpaceSpec>& observation_spaces() const = 0;
  /// Throws LookupError listing the valid names.
  virtual const ObservationSpaceSpec& observation_space_spec(const std::string& name) const = 0;
  /// Every reward space the env offers.
  virtual std::vector<RewardSpaceSpec> reward_spaces() const = 0;
  /// The default observation space (nullopt when none).
  virtual std::optional<std::string> observation_space() const = 0;
  /// The default reward space (nullopt when none).
  virtual std::optional<std::string> reward_space() const = 0;
  /// Changes the default observation space ("" = none), also mid-episode.
  /// Throws LookupError for an unknown name, StateError after close().
  virtual void set_observation_space(const std::string& name) = 0;
  /// Changes the default reward space ("" = none), also mid-episode. Setting
  /// a reward space starts tracking it from the current state. Throws
  /// LookupError for an unknown name, StateError after close().
  virtual void set_reward_space(const std::string& name) = 0;

  /// The value of an observation for the current program state. Computed
  /// on first request and cached until an action changes the program.
  /// Throws LookupError, StateError, or SessionError when computing fails.
  virtual Observation observation(const std::string& name) = 0;
  /// The reward the last step earned under reward space `name`: 0 before
  /// the first step. Available for the default reward space and for the
  /// spaces named in the last step's StepOptions; otherwise throws
  /// StateError saying how to request it.
  virtual double reward(const std::string& name) = 0;

  /// The actions of this episode so far.
  virtual const std::vector<Action>& actions() const = 0;
  /// The sum of the rewards returned in this episode (0 with no reward
  /// space).
  virtual double episode_reward() const = 0;
  /// Seconds since reset().
  virtual double episode_walltime() const = 0;
  /// The current benchmark (nullptr before the first reset()).
  virtual BenchmarkPtr benchmark() const = 0;
  /// The datasets of benchmarks this env can load (empty when it has none).
  virtual const Datasets& datasets() const = 0;
  /// True between a successful reset() and a step that ended the episode.
  virtual bool in_episode() const = 0;

  /// The episode as a CompilerGym state.
  virtual EnvState state() const = 0;
  /// The episode's actions as a command line of the compiler.
  virtual std::string commandline() const = 0;
  /// Parses a command line into actions of the current action space.
  virtual std::vector<Action> from_commandline(std::string_view commandline) const = 0;
  /// Resets to the state's benchmark and replays its command line.
  virtual StepResult apply(const EnvState& state) = 0;
  /// Checks the current episode (see validate(const EnvState&)).
  virtual ValidationResult validate(const ValidationOptions& options = {}) = 0;
  /// Replays `state` on a fresh copy of the compiler (this env's episode is
  /// untouched), checks that the reward reproduces and, for runnable
  /// benchmarks, that the program still prints its reference output.
  virtual ValidationResult validate(const EnvState& state,
                                    const ValidationOptions& options = {}) = 0;

  /// Runtime settings understood by the backend. Throws LookupError for
  /// keys the backend does not know.
  virtual std::string send_session_parameter(const std::string& key, const std::string& value) = 0;
};

/// An owning pointer to an environment; its destructor closes the env.
using EnvPtr = std::unique_ptr<Env>;

}  // namespace cgym
