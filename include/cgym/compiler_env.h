// CompilerEnv: the Env implemented on top of a CompilationSession.
//
// It holds the episode bookkeeping (actions, rewards, walltime, cached
// observations) so that backends only implement the session. Its fork()
// forks the session and copies the bookkeeping, so incremental rewards stay
// correct in both copies. Thread-safety as for Env.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "cgym/env.h"
#include "cgym/registry.h"
#include "cgym/session.h"

namespace cgym {

/// Everything a backend provides to build an env.
struct CompilerEnvConfig {
  /// The id the env is registered under, e.g. "llvm-v0".
  std::string env_id;
  /// Creates a session. Called once at env creation (to read the spaces),
  /// and at each reset(). May throw EnvironmentNotSupported.
  std::function<std::unique_ptr<CompilationSession>(std::shared_ptr<const SessionContext>)>
      make_session;
  /// The reward spaces the env offers; each episode tracks clones of them.
  std::vector<std::shared_ptr<const RewardSpace>> reward_spaces;
  /// Resolves benchmark URIs given to reset() (nullptr: only Benchmark objects work).
  std::shared_ptr<const Datasets> datasets;
  /// The benchmark URI the first reset() uses when none is given ("" = none:
  /// reset() then requires ResetOptions::benchmark).
  std::string default_benchmark;
  /// "" means the first action space.
  std::string default_action_space;
  /// The default observation space ("" = none).
  std::string default_observation_space;
  /// The default reward space ("" = none).
  std::string default_reward_space;
  /// Params this backend accepts in MakeOptions::params; others are
  /// rejected with a LookupError listing these.
  std::vector<std::string> known_params;
};

/// The Env implemented on top of a CompilationSession.
///
/// It keeps the episode bookkeeping (actions, rewards, walltime, cached
/// observations) so that a backend only implements the session. fork()
/// forks the session and copies the bookkeeping, so incremental rewards stay
/// correct in both copies.
class CompilerEnv final : public Env, private ObservationSource {
 public:
  /// Throws EnvironmentNotSupported when the session cannot be created,
  /// LookupError for unknown space names or params in `options`.
  CompilerEnv(CompilerEnvConfig config, const MakeOptions& options = {});
  ~CompilerEnv() override;

  StepResult reset(const ResetOptions& options = {}) override;
  StepResult step(Action action, const StepOptions& options = {}) override;
  StepResult multistep(std::span<const Action> actions, const StepOptions& options = {}) override;
  std::unique_ptr<Env> fork() override;
  void close() override;
  bool is_closed() const override { return closed_; }

  std::string env_id() const override;
  std::string compiler_version() const override;
  const ActionSpace& action_space() const override;
  const std::vector<ActionSpace>& action_spaces() const override;
  const std::vector<ObservationSpaceSpec>& observation_spaces() const override;
  const ObservationSpaceSpec& observation_space_spec(const std::string& name) const override;
  std::vector<RewardSpaceSpec> reward_spaces() const override;
  std::optional<std::string> observation_space() const override;
  std::optional<std::string> reward_space() const override;
  void set_observation_space(const std::string& name) override;
  void set_reward_space(const std::string& name) override;

  Observation observation(const std::string& name) override;
  double reward(const std::string& name) override;

  const std::vector<Action>& actions() const override { return actions_; }
  double episode_reward() const override { return episode_reward_; }
  double episode_walltime() const override;
  BenchmarkPtr benchmark() const override { return benchmark_; }
  const Datasets& datasets() const override;
  bool in_episode() const override { return in_episode_; }

  EnvState state() const override;
  std::string commandline() const override;
  std::vector<Action> from_commandline(std::string_view commandline) const override;
  StepResult apply(const EnvState& state) override;
  ValidationResult validate(const ValidationOptions& options = {}) override;
  ValidationResult validate(const EnvState& state, const ValidationOptions& options = {}) override;
  std::string send_session_parameter(const std::string& key, const std::string& value) override;

  /// The session of the current episode (nullptr before reset()). For
  /// backends' tests and tools; do not keep the pointer across reset().
  CompilationSession* session() { return session_.get(); }

 private:
  struct Shared;
  struct Tracker {
    std::unique_ptr<RewardSpace> space;
    double last_reward = 0.0;
  };

  CompilerEnv(std::shared_ptr<const Shared> shared);
  Observation observation_impl(size_t index);
  const RewardSpace& reward_prototype(const std::string& name) const;
  void check_open(const char* call) const;
  void check_in_episode(const char* call) const;
  StepResult run_step(std::span<const Action> actions, const StepOptions& options);
  void fill_step_outputs(StepResult& result, const StepOptions& options);
  void fail_episode(StepResult& result, const std::string& type, const std::string& details);
  void invalidate_observations();

  std::shared_ptr<const Shared> shared_;
  std::unique_ptr<CompilationSession> session_;
  BenchmarkPtr benchmark_;
  size_t action_space_index_ = 0;
  std::optional<ActionSpace> dynamic_action_space_;
  std::optional<std::string> observation_space_;
  std::optional<std::string> reward_space_;
  std::vector<Action> actions_;
  double episode_reward_ = 0.0;
  std::chrono::steady_clock::time_point episode_start_;
  bool in_episode_ = false;
  bool failed_ = false;
  bool closed_ = false;
  bool stepped_ = false;
  /// Observation cache, indexed like Shared::observation_spaces; empty =
  /// not computed for the current state.
  std::vector<std::optional<Observation>> cache_;
  std::unordered_map<std::string, Tracker> trackers_;
};

}  // namespace cgym
