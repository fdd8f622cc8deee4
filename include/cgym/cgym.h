// The umbrella header: everything a user of cgym needs.
//
// cgym::make(), cgym::register_env() and cgym::list_envs() register the
// built-in environments (LLVM, gcc, loop nests, as enabled at build time) on
// first use, then use the process-wide registry. Link cgym::cgym.
#pragma once

#include "cgym/benchmark.h"
#include "cgym/compiler_env.h"
#include "cgym/dataset.h"
#include "cgym/datasets.h"
#include "cgym/env.h"
#include "cgym/errors.h"
#include "cgym/observation.h"
#include "cgym/observation_cache.h"
#include "cgym/program.h"
#include "cgym/registry.h"
#include "cgym/reward.h"
#include "cgym/session.h"
#include "cgym/spaces.h"
#include "cgym/state.h"
#include "cgym/subprocess.h"
#include "cgym/util.h"
#include "cgym/vector_env.h"
#include "cgym/wrappers/benchmarks.h"
#include "cgym/wrappers/commandline.h"
#include "cgym/wrappers/counter.h"
#include "cgym/wrappers/fork_on_step.h"
#include "cgym/wrappers/runtime.h"
#include "cgym/wrappers/sqlite_logger.h"
#include "cgym/wrappers/time_limit.h"
#include "cgym/wrappers/validation.h"
#include "cgym/wrappers/wrapper.h"

/// cgym: compiler optimization decisions as Gym-style environments. Start
/// with make() and the Env interface; docs/api.md is the guided tour.
namespace cgym {

/// Creates an env by id. Throws LookupError listing the valid ids, or
/// EnvironmentNotSupported when the backend cannot run here.
EnvPtr make(const std::string& id, const MakeOptions& options = {});
/// Registers a user env. Throws InvalidArgument for a duplicate id.
void register_env(EnvSpec spec, bool replace = false);
/// Every registered env, sorted by id.
std::vector<EnvSpec> list_envs();
/// The built-in backends compiled into this library: "llvm", "gcc", "cuda".
std::vector<std::string> builtin_backends();

}  // namespace cgym
