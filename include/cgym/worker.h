// Isolation::kProcess: compiler sessions that run in a cgym-worker child
// process, behind a small length-prefixed binary protocol on pipes.
//
// make(id, {.isolation = Isolation::kProcess}) builds an ordinary
// CompilerEnv whose sessions are proxies: every init, action, observation
// and fork is a request to the worker, each with a timeout
// (MakeOptions::worker). When the worker crashes, is killed, runs out of
// memory or times out, the request fails with a SessionError (TimeoutError
// for a timeout); inside step() that ends the episode with done and
// error_type/error_details, and the next reset() starts a fresh worker.
// An env and its forks share one worker; a crash ends all their episodes.
//
// Protocol: each message is a 4-byte little-endian length followed by that
// many bytes of MessagePack (a map with an "op" and its arguments; replies
// carry "ok" and either results or the error's type and message).
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "cgym/compiler_env.h"
#include "cgym/registry.h"

namespace cgym {

/// Builds a CompilerEnv for `env_id` whose sessions run in a worker. The
/// worker looks `env_id` up in its own registry, so it must be an env the
/// worker program knows (the built-ins, for cgym-worker).
EnvPtr make_worker_env(const std::string& env_id, CompilerEnvConfig config,
                       const MakeOptions& options);

/// The worker's main loop: serves requests read from `in_fd` and answers on
/// `out_fd` until end of input. `lookup` finds env specs by id. Returns the
/// process exit status.
int run_worker(int in_fd, int out_fd,
               const std::function<std::optional<EnvSpec>(const std::string&)>& lookup);

/// The worker executable: `configured` if not empty, else $CGYM_WORKER,
/// else cgym-worker from the build tree (when running from a build) or the
/// installation. Throws EnvironmentNotSupported naming where it looked.
std::filesystem::path worker_program(const std::string& configured = "");

}  // namespace cgym
