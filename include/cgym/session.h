// The backend contract: one CompilationSession holds one episode's compiler
// state. A new compiler is a session class, its spaces and its datasets.
//
// Lifecycle, driven by CompilerEnv:
//   - a session is created for each reset() (and once at env creation to
//     read its spaces, which must not depend on a benchmark);
//   - init() loads a benchmark; apply_action() changes the program;
//     compute_observation() reads it; fork() deep-copies the session.
// Error contract:
//   - init() throws BenchmarkInitError when the program cannot be loaded;
//   - apply_action(), end_of_step() and compute_observation() throw
//     SessionError (or any std::exception) when the compiler fails. The env
//     then ends the episode and never touches the session again.
// A session is used by one thread at a time.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "cgym/benchmark.h"
#include "cgym/observation.h"
#include "cgym/spaces.h"

namespace cgym {

/// What a session learns about its env: options and a working directory.
/// Shared (read-only) by an env, its sessions and its forks; it outlives
/// them all. Its directory is removed when the last holder goes.
class SessionContext {
 public:
  /// `working_dir` is created on first use and removed by the destructor.
  SessionContext(std::map<std::string, std::string> params, std::filesystem::path working_dir);
  ~SessionContext();
  SessionContext(const SessionContext&) = delete;
  SessionContext& operator=(const SessionContext&) = delete;

  /// Backend-specific options from MakeOptions::params ("gcc_bin", ...).
  const std::map<std::string, std::string>& params() const { return params_; }
  /// The value of option `key`, or nullopt when it was not given.
  std::optional<std::string> param(const std::string& key) const {
    auto it = params_.find(key);
    if (it == params_.end()) return std::nullopt;
    return it->second;
  }
  /// This env's private working directory (created on first use, mode
  /// 0700, removed with the env). Forks share it: use unique_path().
  const std::filesystem::path& working_dir() const;
  /// A fresh, unused path inside working_dir(): prefix + counter + suffix.
  /// Thread-safe.
  std::filesystem::path unique_path(const std::string& prefix, const std::string& suffix) const;

 private:
  std::map<std::string, std::string> params_;
  std::filesystem::path working_dir_;
  mutable std::once_flag created_;
  mutable std::atomic<uint64_t> counter_{0};
};

/// The outcome of one action.
struct ActionResult {
  /// The episode cannot continue (a terminal action).
  bool end_of_episode = false;
  /// The action left the program unchanged; cached observations stay valid.
  bool action_had_no_effect = false;
  /// When set, the action space changes to this one.
  std::optional<ActionSpace> new_action_space;
};

/// One semantic problem found by validation.
struct ValidationIssue {
  std::string type;     ///< e.g. "Wrong output", "Execution timeout", "Crash"
  std::string details;  ///< human-readable, with the differences
};

/// What Env::validate() checks.
struct ValidationOptions {
  /// Replay the state and compare its reward (deterministic reward spaces
  /// only, and only when the state has a reward).
  bool check_reward = true;
  /// Build and run a runnable benchmark and compare its output with the
  /// reference (CompilationSession::validate_semantics()).
  bool check_semantics = true;
  /// Also build and run under AddressSanitizer + UndefinedBehaviorSanitizer.
  bool sanitizers = false;
  /// When the first replay's reward differs from the state's, replay this
  /// many times in all (each in a fresh session) to tell a non-deterministic
  /// reward (the replays disagree) from a real mismatch (they agree). At
  /// least 1; 1 means never replay again.
  int replays = 3;
};

/// The backend contract: one session holds one episode's compiler state.
///
/// CompilerEnv creates a session for each reset() (and one at env creation to
/// read the spaces, which must not depend on a benchmark), calls init(), then
/// apply_action() and compute_observation(); fork() deep-copies it. When a
/// call throws, the env ends the episode and never touches the session again.
/// A session is used by one thread at a time.
class CompilationSession {
 public:
  /// A session of the env described by `context`.
  explicit CompilationSession(std::shared_ptr<const SessionContext> context)
      : context_(std::move(context)) {}
  virtual ~CompilationSession() = default;

  /// The compiler's version string (reported as Env::compiler_version()).
  virtual std::string compiler_version() const = 0;
  /// The action spaces the backend offers; the first is the default.
  virtual std::vector<ActionSpace> action_spaces() const = 0;
  /// The observation spaces the backend can compute.
  virtual std::vector<ObservationSpaceSpec> observation_spaces() const = 0;

  /// Loads `benchmark` and prepares to take actions from `action_space`.
  /// Throws BenchmarkInitError when the program cannot be loaded.
  virtual void init(const ActionSpace& action_space, BenchmarkPtr benchmark) = 0;
  /// Applies one action (already checked to be in range). Throws
  /// SessionError (or any std::exception) when the compiler fails.
  virtual ActionResult apply_action(Action action) = 0;
  /// Computes the value of observation `space` for the current program.
  /// Throws SessionError (or any std::exception) when computing fails.
  virtual Observation compute_observation(const ObservationSpaceSpec& space) = 0;
  /// An independent deep copy of this session and its program state.
  virtual std::unique_ptr<CompilationSession> fork() const = 0;

  /// Called after each step whose actions changed the program (e.g. to
  /// verify the module). Throws SessionError to end the episode.
  virtual void end_of_step(bool /*program_changed*/) {}
  /// A hash that identifies the program's current state (e.g. of the IR),
  /// or nullopt when the backend has none. Enables the shared observation
  /// cache for `shared_cacheable` spaces (see observation_cache.h).
  virtual std::optional<std::string> state_hash() { return std::nullopt; }
  /// A backend-specific runtime setting; nullopt when the key is unknown.
  virtual std::optional<std::string> handle_session_parameter(const std::string& /*key*/,
                                                              const std::string& /*value*/) {
    return std::nullopt;
  }
  /// Checks that the program in its current state still behaves like the
  /// benchmark's reference (output, sanitizers). Empty when nothing to check
  /// or everything passed.
  virtual std::vector<ValidationIssue> validate_semantics(const ValidationOptions& /*options*/) {
    return {};
  }

  /// The env's options and working directory.
  const SessionContext& context() const { return *context_; }
  /// The shared context itself, to hand on to a fork.
  const std::shared_ptr<const SessionContext>& context_ptr() const { return context_; }

 private:
  std::shared_ptr<const SessionContext> context_;
};

}  // namespace cgym
