// One request of a pool of env threads (internal; shared by cgym::VectorEnv
// and cgym::mpi::VectorEnv's worker ranks, which step their envs the same way).
#pragma once

#include <string>

#include "cgym/vector_env.h"

namespace cgym::internal {

/// What one request gave: the result, or the type and message of the
/// exception it threw (error_type empty when it threw none).
struct EnvTaskOutcome {
  BatchResult result;
  std::string error_type;
  std::string error_message;
};

/// Resets `env` (`is_reset`) or steps it with `action` (then resets it when
/// the step is done and `auto_reset` is set), catching every exception.
EnvTaskOutcome run_env_task(Env& env, int env_id, bool is_reset, Action action, bool auto_reset,
                            const ResetOptions& reset_options);

}  // namespace cgym::internal
