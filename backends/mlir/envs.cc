#include "backends/mlir/envs.h"

#include <algorithm>

#include "backends/mlir/datasets.h"
#include "backends/mlir/session.h"
#include "cgym/errors.h"

namespace cgym::mlir {
namespace {

// CompilerGym's RuntimeReward for mlir-v0: the median runtime before the step
// minus the median after it (seconds), so a faster kernel earns a positive
// reward. Not deterministic.
class RuntimeReward final : public RewardSpace {
 public:
  RuntimeReward()
      : RewardSpace([] {
          RewardSpaceSpec s;
          s.name = "runtime";
          s.description =
              "Median runtime before the step minus median runtime after it (seconds); "
              "positive when the kernel got faster";
          s.deterministic = false;
          s.platform_dependent = true;
          return s;
        }()) {}
  void reset(ObservationSource& observations) override { previous_ = median(observations); }
  double update(ObservationSource& observations) override {
    const double now = median(observations);
    const double reward = previous_ - now;
    previous_ = now;
    return reward;
  }
  std::unique_ptr<RewardSpace> clone() const override {
    return std::make_unique<RuntimeReward>(*this);
  }

 private:
  static double median(ObservationSource& observations) {
    auto runs = observations.observation("Runtime").as<std::vector<double>>();
    if (runs.empty()) throw SessionError("the Runtime observation holds no runs");
    std::sort(runs.begin(), runs.end());
    const size_t n = runs.size();
    return n % 2 ? runs[n / 2] : (runs[n / 2 - 1] + runs[n / 2]) / 2.0;
  }
  double previous_ = 0.0;
};

constexpr const char* kId = "mlir-v0";

}  // namespace

CompilerEnvConfig env_config(const MakeOptions& options) {
  const Settings settings = Settings::from_params(options.params);
  CompilerEnvConfig c;
  c.env_id = kId;
  c.known_params = Settings::known_params();
  c.make_session = [settings](std::shared_ptr<const SessionContext> ctx) {
    return std::make_unique<MlirSession>(std::move(ctx), settings);
  };
  c.datasets = env_datasets();
  c.default_benchmark = kDefaultBenchmark;
  c.default_observation_space = "Runtime";
  c.default_reward_space = "runtime";
  c.reward_spaces = {std::make_shared<const RuntimeReward>()};
  return c;
}

void register_envs(Registry& registry) {
  registry.register_env(EnvSpec{
      .id = kId,
      .description = "CompilerGym's MLIR env: tile, interchange, promote and vectorise a "
                     "linalg.matmul through MLIR 19, JIT-compiled in process; reward runtime",
      .config = [](const MakeOptions& o) { return env_config(o); }});
}

}  // namespace cgym::mlir
