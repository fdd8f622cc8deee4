#include "backends/llvm/envs.h"

#include <cmath>
#include <numeric>

#include "backends/llvm/session.h"
#include "cgym/datasets.h"
#include "cgym/errors.h"

namespace cgym::llvm {

namespace {

RewardSpaceSpec reward_spec(std::string name, bool platform_dependent, std::string description) {
  RewardSpaceSpec s;
  s.name = std::move(name);
  s.platform_dependent = platform_dependent;
  s.description = std::move(description);
  return s;
}

// Runtime: the negated change of the mean of the Runtime observation, so
// that a faster program earns a positive reward. Not deterministic.
class RuntimeReward final : public RewardSpace {
 public:
  RuntimeReward()
      : RewardSpace([] {
          auto s = reward_spec("Runtime", true,
                               "Mean runtime before the step minus mean runtime after it "
                               "(seconds); positive when the program got faster");
          s.deterministic = false;
          return s;
        }()) {}
  void reset(ObservationSource& observations) override { previous_ = mean(observations); }
  double update(ObservationSource& observations) override {
    const double now = mean(observations);
    const double reward = previous_ - now;
    previous_ = now;
    return reward;
  }
  std::unique_ptr<RewardSpace> clone() const override {
    return std::make_unique<RuntimeReward>(*this);
  }

 private:
  static double mean(ObservationSource& observations) {
    const auto runs = observations.observation("Runtime").as<std::vector<double>>();
    if (runs.empty()) throw SessionError("the Runtime observation holds no runs");
    return std::accumulate(runs.begin(), runs.end(), 0.0) / static_cast<double>(runs.size());
  }
  double previous_ = 0.0;
};

// The three cost families share CompilerGym's four formulas.
void add_cost_family(std::vector<std::shared_ptr<const RewardSpace>>& out,
                     const std::string& prefix, const std::string& cost, bool platform_dependent,
                     const std::string& what) {
  out.push_back(make_cost_delta_reward(
      reward_spec(cost == "IrInstructionCount" ? cost : prefix + "Bytes", platform_dependent,
                  "Decrease of " + what + " since the last step"),
      cost));
  out.push_back(
      make_normalized_reward(reward_spec(prefix + "Norm", platform_dependent,
                                         "Decrease of " + what + " divided by its -O0 value"),
                             cost, prefix + "O0"));
  for (const char* level : {"O3", "Oz"}) {
    out.push_back(make_baseline_reward(
        reward_spec(prefix + level, platform_dependent,
                    "Decrease of " + what + " relative to the decrease -" + level +
                        " achieves from -O0; 1 = as good as -" + level),
        cost, prefix + level, prefix + "O0"));
  }
}

}  // namespace

const std::vector<std::shared_ptr<const RewardSpace>>& reward_spaces() {
  static const std::vector<std::shared_ptr<const RewardSpace>> spaces = [] {
    std::vector<std::shared_ptr<const RewardSpace>> r;
    add_cost_family(r, "IrInstructionCount", "IrInstructionCount", false,
                    "the IR instruction count");
    add_cost_family(r, "ObjectTextSize", "ObjectTextSizeBytes", true,
                    "the object file's .text size");
    add_cost_family(r, "TextSize", "TextSizeBytes", true, "the executable's .text size");
    r.push_back(std::make_shared<RuntimeReward>());
    return r;
  }();
  return spaces;
}

CompilerEnvConfig make_env_config(const std::string& env_id, const std::string& observation_space,
                                  const std::string& reward_space) {
  CompilerEnvConfig c;
  c.env_id = env_id;
  c.make_session = [](std::shared_ptr<const SessionContext> context) {
    return std::make_unique<LlvmSession>(std::move(context));
  };
  c.reward_spaces = reward_spaces();
  c.datasets = cgym::llvm_datasets();
  c.default_benchmark = kDefaultBenchmark;
  c.default_observation_space = observation_space;
  c.default_reward_space = reward_space;
  c.known_params = LlvmSession::known_params();
  return c;
}

void register_envs(cgym::Registry& registry) {
  struct Def {
    const char* id;
    const char* observation;
    const char* reward;
    const char* description;
  };
  static constexpr Def kEnvs[] = {
      {"llvm-v0", "", "", "LLVM 19 pass ordering, in process; no default observation or reward"},
      {"llvm-ic-v0", "", "IrInstructionCountOz",
       "LLVM 19 pass ordering for IR instruction count, relative to -Oz"},
      {"llvm-codesize-v0", "", "ObjectTextSizeOz",
       "LLVM 19 pass ordering for object .text size, relative to -Oz"},
      {"llvm-autophase-ic-v0", "Autophase", "IrInstructionCountOz",
       "llvm-ic-v0 observing Autophase features"},
      {"llvm-autophase-codesize-v0", "Autophase", "ObjectTextSizeOz",
       "llvm-codesize-v0 observing Autophase features"},
      {"llvm-ir-ic-v0", "Ir", "IrInstructionCountOz", "llvm-ic-v0 observing the IR text"},
      {"llvm-ir-codesize-v0", "Ir", "ObjectTextSizeOz", "llvm-codesize-v0 observing the IR text"},
  };
  for (const auto& d : kEnvs) {
    EnvSpec spec;
    spec.id = d.id;
    spec.description = d.description;
    const std::string id = d.id, observation = d.observation, reward = d.reward;
    // A config rather than a factory: make() then builds the CompilerEnv in
    // process or in a cgym-worker child (Isolation::kProcess).
    spec.config = [id, observation, reward](const MakeOptions&) {
      return make_env_config(id, observation, reward);
    };
    registry.register_env(std::move(spec));
  }
}

}  // namespace cgym::llvm
