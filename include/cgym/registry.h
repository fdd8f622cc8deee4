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
  std::optional<std::string> benchmark;
  std::optional<std::string> action_space;
  /// "" means no default observation.
  std::optional<std::string> observation_space;
  /// "" means no default reward.
  std::optional<std::string> reward_space;
  /// Backend-specific options, e.g. {"gcc_bin", "gcc-12"} or
  /// {"backend", "cpu"}. Unknown keys are rejected by the backend.
  std::map<std::string, std::string> params;
  Isolation isolation = Isolation::kInProcess;
  WorkerOptions worker;
};

/// How to build one env id.
struct EnvSpec {
  std::string id;
  std::string description;
  std::string default_observation_space;
  std::string default_reward_space;
  std::string default_benchmark;
  /// For envs built on CompilerEnv (all built-ins): the backend's config.
  /// With it, make() builds the CompilerEnv and supports both isolation
  /// modes. A spec needs `config` or `factory`.
  std::function<CompilerEnvConfig(const MakeOptions&)> config;
  /// For any other Env: builds it directly (in-process only).
  std::function<EnvPtr(const MakeOptions&)> factory;
};

class Registry {
 public:
  /// Throws InvalidArgument when the id is empty, has no factory, or is
  /// already registered (unless `replace`).
  void register_env(EnvSpec spec, bool replace = false);
  /// Throws LookupError listing the registered ids.
  EnvPtr make(const std::string& id, const MakeOptions& options = {}) const;
  std::vector<EnvSpec> list() const;
  std::optional<EnvSpec> find(const std::string& id) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, EnvSpec> specs_;
};

/// The process-wide registry, without the built-ins (see cgym.h).
Registry& global_registry();

}  // namespace cgym
