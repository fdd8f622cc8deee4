// Registers mlir-v0: CompilerGym's MLIR env, a linalg.matmul scheduled
// through MLIR 19's transformations and JIT-compiled in process. Called once
// by cgym::make() on first use; safe to call on any Registry.
#pragma once

#include "cgym/compiler_env.h"
#include "cgym/registry.h"

namespace cgym::mlir {

/// The default benchmark of mlir-v0 (64x64x64).
inline constexpr const char* kDefaultBenchmark = "generator://matmul-v0?k=64&m=64&n=64";

void register_envs(cgym::Registry& registry);

/// The configuration of mlir-v0, for building a CompilerEnv directly.
/// Throws InvalidArgument for a malformed make option.
CompilerEnvConfig env_config(const MakeOptions& options);

}  // namespace cgym::mlir
