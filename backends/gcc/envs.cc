// gcc-v0's registration: the env's description, its make options and the
// config a session is made from.
#include "backends/gcc/envs.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "backends/gcc/gcc_env.h"
#include "backends/gcc/session.h"
#include "cgym/compiler_env.h"
#include "cgym/errors.h"
#include "cgym/reward.h"

namespace cgym::gcc {

namespace {

const std::vector<std::string> kKnownParams = {"gcc_bin", "timeout", "memory_limit_mb",
                                               "runtime_runs", "runtime_warmup"};

double parse_positive(const std::string& key, const std::string& value) {
  double v = 0;
  try {
    size_t used = 0;
    v = std::stod(value, &used);
    if (used != value.size()) v = 0;
  } catch (const std::exception&) {
  }
  if (!(v > 0)) {
    throw InvalidArgument("gcc-v0 option '" + key + "' takes a positive number, got '" + value +
                          "'");
  }
  return v;
}

std::vector<std::shared_ptr<const RewardSpace>> make_rewards() {
  RewardSpaceSpec asm_size{.name = "asm_size",
                           .platform_dependent = true,
                           .description =
                               "The reduction in asm_size (bytes of assembly) since "
                               "the previous step: C_{t-1} - C_t."};
  RewardSpaceSpec obj_size{.name = "obj_size",
                           .platform_dependent = true,
                           .description =
                               "The reduction in obj_size (bytes of object files) "
                               "since the previous step: C_{t-1} - C_t."};
  RewardSpaceSpec obj_size_os{
      .name = "obj_size_Os",
      .platform_dependent = true,
      .description =
          "The reduction in obj_size since the previous step, relative to what gcc "
          "-Os removes: (C_{t-1} - C_t) / max(C_O0 - C_Os, 1). An episode's total "
          "above 1 beats -Os."};
  return {make_cost_delta_reward(asm_size, "asm_size"),
          make_cost_delta_reward(obj_size, "obj_size"),
          make_baseline_reward(obj_size_os, "obj_size", "obj_size_Os", "obj_size_O0")};
}

}  // namespace

void register_envs(Registry& registry) {
  EnvSpec spec;
  spec.id = "gcc-v0";
  spec.description =
      "Choose gcc's optimisation options (-O levels, -f flags, --param values) for a C program; "
      "the state is one choice per option. Observations: asm, obj, sizes, RTL, instruction "
      "counts; rewards: asm_size, obj_size, obj_size_Os.";
  spec.config = [](const MakeOptions& options) -> CompilerEnvConfig {
    for (const auto& [key, value] : options.params) {
      if (std::find(kKnownParams.begin(), kKnownParams.end(), key) == kKnownParams.end()) {
        throw LookupError("unknown option '" + key +
                          "' for env 'gcc-v0'; valid options: gcc_bin, timeout, memory_limit_mb, "
                          "runtime_runs, runtime_warmup");
      }
    }
    GccSessionSettings settings;
    std::string gcc_bin = "gcc";
    if (auto it = options.params.find("gcc_bin"); it != options.params.end()) gcc_bin = it->second;
    if (auto it = options.params.find("timeout"); it != options.params.end()) {
      settings.timeout_seconds = parse_positive("timeout", it->second);
    }
    if (auto it = options.params.find("memory_limit_mb"); it != options.params.end()) {
      settings.memory_limit_bytes =
          static_cast<size_t>(parse_positive("memory_limit_mb", it->second) * (1 << 20));
    }
    auto count = [&](const char* key, int min) -> std::optional<int> {
      auto it = options.params.find(key);
      if (it == options.params.end()) return std::nullopt;
      int v = -1;
      try {
        size_t used = 0;
        v = std::stoi(it->second, &used);
        if (used != it->second.size()) v = -1;
      } catch (const std::exception&) {
      }
      if (v < min) {
        throw InvalidArgument("gcc-v0 option '" + std::string(key) + "' takes an integer >= " +
                              std::to_string(min) + ", got '" + it->second + "'");
      }
      return v;
    };
    if (auto v = count("runtime_runs", 1)) settings.runtime_runs = *v;
    if (auto v = count("runtime_warmup", 0)) settings.runtime_warmup_runs = *v;
    auto gcc = load_gcc_compiler(gcc_bin);
    CompilerEnvConfig config;
    config.env_id = "gcc-v0";
    config.make_session = [gcc, settings](std::shared_ptr<const SessionContext> context) {
      return std::make_unique<GccSession>(std::move(context), gcc, settings);
    };
    config.reward_spaces = make_rewards();
    config.datasets = env_datasets();
    config.default_benchmark = "benchmark://cgym-v0/crc32";
    config.known_params = kKnownParams;
    return config;
  };
  registry.register_env(std::move(spec));
}

}  // namespace cgym::gcc
