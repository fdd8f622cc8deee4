#include "backends/cuda/envs.h"

#include "backends/cuda/datasets.h"
#include "backends/cuda/session.h"
#include "cgym/compiler_env.h"
#include "cgym/errors.h"

namespace cgym::cuda {

namespace {

std::shared_ptr<const Datasets> loop_tool_datasets() {
  static const auto ds = std::make_shared<const Datasets>(
      std::vector<DatasetPtr>{std::make_shared<LoopToolDataset>(Target::kCpu),
                              std::make_shared<LoopToolDataset>(Target::kCuda)});
  return ds;
}

std::shared_ptr<const Datasets> loopnest_datasets() {
  static const auto ds = std::make_shared<const Datasets>(
      std::vector<DatasetPtr>{std::make_shared<LoopNestDataset>()});
  return ds;
}

RewardSpaceSpec flops_spec(const std::string& name, const std::string& description) {
  RewardSpaceSpec s;
  s.name = name;
  // Measured speed: neither deterministic nor portable.
  s.deterministic = false;
  s.platform_dependent = true;
  s.description = description;
  return s;
}

constexpr const char* kLoopToolId = "loop_tool-v0";
constexpr const char* kLoopNestId = "loopnest-v0";

}  // namespace

CompilerEnvConfig env_config(const std::string& id, const MakeOptions& options) {
  if (id != kLoopToolId && id != kLoopNestId) {
    throw LookupError("unknown loop-nest env '" + id + "'; valid: loop_tool-v0, loopnest-v0");
  }
  // Validate option values up front, so that make() fails with a clear
  // message instead of the first reset().
  const Settings settings = Settings::from_params(options.params);
  const Target target = settings.target.value_or(Target::kCpu);
  CompilerEnvConfig c;
  c.env_id = id;
  c.known_params = Settings::known_params();
  if (id == kLoopToolId) {
    c.make_session = [settings](std::shared_ptr<const SessionContext> ctx) {
      return std::make_unique<LoopToolSession>(std::move(ctx), settings);
    };
    c.datasets = loop_tool_datasets();
    c.default_benchmark = std::string("benchmark://loop_tool-") + to_string(target) + "-v0/1024";
    c.reward_spaces = {make_cost_delta_reward(
        flops_spec("flops", "the change in GFLOP/s since the previous step"), "flops", -1.0)};
  } else {
    c.make_session = [settings](std::shared_ptr<const SessionContext> ctx) {
      return std::make_unique<LoopNestSession>(std::move(ctx), settings);
    };
    c.datasets = loopnest_datasets();
    c.default_observation_space = "loop_tree";
    c.default_reward_space = "flops";
    c.default_benchmark = std::string("benchmark://loopnest-v0/matmul?backend=") +
                          to_string(target) + "&k=128&m=128&n=128";
    c.reward_spaces = {
        make_cost_delta_reward(flops_spec("flops", "the change in GFLOP/s since the previous step"),
                               "flops", -1.0),
        make_normalized_reward(
            flops_spec("flops_norm",
                       "the change in GFLOP/s divided by the naive schedule's GFLOP/s"),
            "flops", "flops_naive", -1.0),
    };
  }
  return c;
}

void register_envs(Registry& registry) {
  registry.register_env(EnvSpec{
      .id = kLoopToolId,
      .description = "CompilerGym's loop_tool: schedule a pointwise add of N elements (loop "
                     "sizes, tails and threads) on the CPU or a CUDA GPU; reward GFLOP/s",
      .config = [](const MakeOptions& o) { return env_config(kLoopToolId, o); }});
  registry.register_env(
      EnvSpec{.id = kLoopNestId,
              .description = "schedule tensor loop nests (order, split, merge, parallel, unroll, "
                             "vectorise), compiled with nvcc for a GPU or with OpenMP for the CPU; "
                             "reward GFLOP/s",
              .config = [](const MakeOptions& o) { return env_config(kLoopNestId, o); }});
}

}  // namespace cgym::cuda
