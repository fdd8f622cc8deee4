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
  /// One line for humans (shown by `cgym envs`).
  std::string description;
  /// The backend's config: the one description of the env. make() builds a
  /// CompilerEnv from it, in process or in a worker, and listings read the
  /// env's defaults from it (env_defaults()).
  std::function<CompilerEnvConfig(const MakeOptions&)> config;
  /// A test-only hook for an Env that is not a CompilerEnv: builds it
  /// directly (in process only). Listings show no defaults for it. A spec
  /// needs `config` or `factory`.
  std::function<EnvPtr(const MakeOptions&)> factory;
};

/// An env's defaults as listings show them, read from its config made with
/// default MakeOptions.
struct EnvDefaults {
  std::string observation_space;  ///< "" = none
  std::string reward_space;       ///< "" = none
  std::string benchmark;          ///< "" = none
  /// Why the config could not be made here (e.g. its compiler is missing);
  /// the other fields are then empty. Empty for a factory spec.
  std::string error;
};

/// The defaults of `spec` (see EnvDefaults). Never throws.
EnvDefaults env_defaults(const EnvSpec& spec);

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
