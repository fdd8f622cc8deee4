// Registration of the loop-nest envs: loop_tool-v0 (CompilerGym's
// interface) and loopnest-v0 (the full environment). See session.h for
// their spaces and options, datasets.h for their benchmarks.
#pragma once

#include "cgym/compiler_env.h"
#include "cgym/registry.h"

namespace cgym::cuda {

/// Registers "loop_tool-v0" and "loopnest-v0" in `registry`. Called once by
/// the umbrella library on first use of cgym::make().
void register_envs(cgym::Registry& registry);

/// The env config behind an id ("loop_tool-v0" or "loopnest-v0") for the
/// given make options; for tests and tools that build a CompilerEnv
/// directly. Throws LookupError for another id, InvalidArgument for bad
/// option values.
cgym::CompilerEnvConfig env_config(const std::string& id, const cgym::MakeOptions& options = {});

}  // namespace cgym::cuda
