// Registers the LLVM environments: llvm-v0, llvm-ic-v0, llvm-codesize-v0,
// llvm-autophase-ic-v0, llvm-autophase-codesize-v0, llvm-ir-ic-v0 and
// llvm-ir-codesize-v0. Called once by cgym::make() on first use (see
// src/umbrella/cgym.cc); safe to call on any Registry.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cgym/compiler_env.h"
#include "cgym/registry.h"
#include "cgym/reward.h"

namespace cgym::llvm {

/// The default benchmark of every LLVM env.
inline constexpr const char* kDefaultBenchmark = "benchmark://cgym-v0/crc32";

void register_envs(cgym::Registry& registry);

/// The reward spaces of the LLVM envs (IrInstructionCount*, ObjectTextSize*,
/// TextSize*, Runtime).
const std::vector<std::shared_ptr<const RewardSpace>>& reward_spaces();

/// The configuration of an LLVM env, for building a CompilerEnv directly
/// (tests, benchmarks): `observation_space`/`reward_space` "" for none.
CompilerEnvConfig make_env_config(const std::string& env_id,
                                  const std::string& observation_space = "",
                                  const std::string& reward_space = "");

}  // namespace cgym::llvm
