// The env registry: env ids mapped to factories.
//
// cgym::make(), cgym::register_env() and cgym::list_envs() (in cgym.h) use
// the process-wide registry below, after registering the built-in backends
// on first use. All registry functions are thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "cgym/env.h"

namespace cgym {

struct CompilerEnvConfig;

/// Where an env's compiler session runs.
enum class Isolation {
  /// In this process (the default, and the fastest). LLVM fatal errors and
  /// crashes inside a step are still caught by the LLVM backend.
  kInProcess,
  /// In a cgym-worker child process: a crash, a hang (per-request timeout)
  /// or running out of memory kills only the worker; the step ends with done
  /// and error details, and the next reset() starts a fresh worker.
  kProcess,
};

/// Limits of the worker process (Isolation::kProcess only).
struct WorkerOptions {
  /// Limit on one step, observation or fork, in seconds.
  double step_timeout_seconds = 300.0;
  /// Limit on starting the worker and loading a benchmark, in seconds.
  double reset_timeout_seconds = 600.0;
  /// Address-space limit of the worker (setrlimit), in bytes; 0 = none.
  size_t memory_limit_bytes = 0;
  /// The worker executable; empty = $CGYM_WORKER, else the cgym-worker
  /// installed with the library.
  std::string program;
};

/// Options for make(). Unset fields take the env's defaults.
struct MakeOptions {
  /// The benchmark URI the first reset() loads when it is given none.
  std::optional<std::string> benchmark;
  /// The action space to start with (by name).
  std::optional<std::string> action_space;
  /// "" means no default observation.
  std::optional<std::string> observation_space;
  /// "" means no default reward.
  std::optional<std::string> reward_space;
  /// Backend-specific options, e.g. {"gcc_bin", "gcc-12"} or
  /// {"backend", "cpu"}. Unknown keys are rejected by the backend.
  std::map<std::string, std::string> params;
  /// Where the compiler session runs.
  Isolation isolation = Isolation::kInProcess;
  /// Limits of the worker process (Isolation::kProcess only).
  WorkerOptions worker;
};

/// How to build one env id.
struct EnvSpec {
  /// The env id passed to make(), e.g. "llvm-ic-v0".
  std::string id;
  /// One line for humans (shown by `cgym list`).
  std::string description;
  /// The default observation space, for listings ("" = none).
  std::string default_observation_space;
  /// The default reward space, for listings ("" = none).
  std::string default_reward_space;
  /// The default benchmark URI, for listings ("" = none).
  std::string default_benchmark;
  /// For envs built on CompilerEnv (all built-ins): the backend's config.
  /// With it, make() builds the CompilerEnv and supports both isolation
  /// modes. A spec needs `config` or `factory`.
  std::function<CompilerEnvConfig(const MakeOptions&)> config;
  /// For any other Env: builds it directly (in-process only).
  std::function<EnvPtr(const MakeOptions&)> factory;
};

/// A thread-safe map from env ids to EnvSpecs. Most code uses the
/// process-wide one through cgym::make() (cgym.h).
class Registry {
 public:
  /// Throws InvalidArgument when the id is empty, has no factory, or is
  /// already registered (unless `replace`).
  void register_env(EnvSpec spec, bool replace = false);
  /// Builds env `id`: a CompilerEnv (or, with Isolation::kProcess, a worker
  /// env) from the spec's config, else the spec's factory. Throws LookupError
  /// listing the registered ids, EnvironmentNotSupported for
  /// Isolation::kProcess on a spec without a config, and whatever building
  /// the env throws.
  EnvPtr make(const std::string& id, const MakeOptions& options = {}) const;
  /// Every registered spec, sorted by id.
  std::vector<EnvSpec> list() const;
  /// The spec registered as `id`, or nullopt.
  std::optional<EnvSpec> find(const std::string& id) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, EnvSpec> specs_;
};

/// The process-wide registry, without the built-ins (see cgym.h).
Registry& global_registry();

}  // namespace cgym
