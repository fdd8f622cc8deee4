#include "cgym/wrappers/runtime.h"

#include <algorithm>
#include <numeric>

#include "cgym/errors.h"

namespace cgym {

const char* to_string(Estimator estimator) {
  switch (estimator) {
    case Estimator::kMedian:
      return "median";
    case Estimator::kMean:
      return "mean";
    case Estimator::kMin:
      return "min";
  }
  return "?";
}

Estimator estimator_from_string(const std::string& name) {
  if (name == "median") return Estimator::kMedian;
  if (name == "mean") return Estimator::kMean;
  if (name == "min") return Estimator::kMin;
  throw InvalidArgument("unknown estimator '" + name + "'; valid estimators: median, mean, min");
}

double point_estimate(Estimator estimator, std::span<const double> values,
                      std::vector<double>& scratch) {
  if (values.empty()) throw InvalidArgument("cannot estimate a runtime from zero runs");
  switch (estimator) {
    case Estimator::kMin:
      return *std::min_element(values.begin(), values.end());
    case Estimator::kMean:
      return std::accumulate(values.begin(), values.end(), 0.0) /
             static_cast<double>(values.size());
    case Estimator::kMedian: {
      scratch.assign(values.begin(), values.end());
      const size_t mid = scratch.size() / 2;
      std::nth_element(scratch.begin(), scratch.begin() + static_cast<ptrdiff_t>(mid),
                       scratch.end());
      const double upper = scratch[mid];
      if (scratch.size() % 2 == 1) return upper;
      const double lower =
          *std::max_element(scratch.begin(), scratch.begin() + static_cast<ptrdiff_t>(mid));
      return (lower + upper) / 2.0;
    }
  }
  return 0.0;
}

RuntimePointEstimateRewardWrapper::RuntimePointEstimateRewardWrapper(EnvPtr env, int runs,
                                                                     int warmup,
                                                                     Estimator estimator,
                                                                     Options options)
    : CopyableWrapper(std::move(env)),
      runs_(runs),
      warmup_(warmup),
      estimator_(estimator),
      options_(std::move(options)) {
  if (runs < 1) {
    throw InvalidArgument("RuntimePointEstimateReward: runs must be at least 1, got " +
                          std::to_string(runs));
  }
  if (warmup < 0) {
    throw InvalidArgument("RuntimePointEstimateReward: warmup must be 0 or more, got " +
                          std::to_string(warmup));
  }
  bool found = false;
  std::string valid;
  for (const auto& spec : this->env().observation_spaces()) {
    found = found || spec.name == options_.observation;
    valid += (valid.empty() ? "" : ", ") + spec.name;
  }
  if (!found) {
    throw LookupError("RuntimePointEstimateReward needs a '" + options_.observation +
                      "' observation, which env '" + this->env().env_id() +
                      "' does not have; its observations: " + valid);
  }
}

double RuntimePointEstimateRewardWrapper::measure() {
  const Observation o = env().observation(options_.observation);
  std::span<const double> values;
  std::vector<double> converted;
  if (o.type() == ObservationType::kInt64Vector) {
    const auto& ints = o.as<std::vector<int64_t>>();
    converted.assign(ints.begin(), ints.end());
    values = converted;
  } else if (o.type() == ObservationType::kDoubleVector) {
    values = o.as<std::vector<double>>();
  } else {
    throw SessionError("observation '" + options_.observation + "' holds " + to_string(o.type()) +
                       ", not a vector of runtimes");
  }
  if (values.empty()) {
    throw SessionError("observation '" + options_.observation + "' holds no runtimes");
  }
  if (runs_enforced_ && values.size() != static_cast<size_t>(runs_)) {
    throw SessionError("observation '" + options_.observation + "' holds " +
                       std::to_string(values.size()) + " runtimes, expected " +
                       std::to_string(runs_));
  }
  return point_estimate(estimator_, values, scratch_);
}

StepResult RuntimePointEstimateRewardWrapper::reset(const ResetOptions& options) {
  StepResult result = env().reset(options);
  failed_ = false;
  episode_reward_ = 0.0;
  last_reward_ = 0.0;
  runs_enforced_ = false;
  try {
    env().send_session_parameter(options_.runs_parameter, std::to_string(runs_));
    runs_enforced_ = true;
  } catch (const LookupError&) {
    // The env measures its own number of runs.
  }
  if (runs_enforced_) {
    try {
      env().send_session_parameter(options_.warmup_parameter, std::to_string(warmup_));
    } catch (const LookupError&) {
    }
  }
  try {
    previous_ = measure();
  } catch (const std::exception& e) {
    failed_ = true;
    throw BenchmarkInitError("benchmark '" + (benchmark() ? benchmark()->uri() : std::string()) +
                             "' loaded but its initial runtime could not be measured: " +
                             error_type_name(e) + ": " + e.what());
  }
  result.reward = 0.0;
  return result;
}

void RuntimePointEstimateRewardWrapper::finish(StepResult& result) {
  double reward = 0.0;
  if (result.info.failed()) {
    reward = -episode_reward_;
  } else {
    try {
      const double current = measure();
      reward = previous_ - current;
      previous_ = current;
    } catch (const std::exception& e) {
      result.done = true;
      result.info.error_type = error_type_name(e);
      result.info.error_details =
          "measuring '" + options_.observation + "' failed: " + std::string(e.what());
      reward = -episode_reward_;
      failed_ = true;
    }
  }
  result.reward = reward;
  last_reward_ = reward;
  episode_reward_ += reward;
}

StepResult RuntimePointEstimateRewardWrapper::step(Action action, const StepOptions& options) {
  if (failed_) check_in_episode("step");
  StepResult result = env().step(action, options);
  finish(result);
  return result;
}

StepResult RuntimePointEstimateRewardWrapper::multistep(std::span<const Action> actions,
                                                        const StepOptions& options) {
  if (failed_) check_in_episode("multistep");
  StepResult result = env().multistep(actions, options);
  finish(result);
  return result;
}

std::vector<RewardSpaceSpec> RuntimePointEstimateRewardWrapper::reward_spaces() const {
  auto spaces = env().reward_spaces();
  spaces.push_back(RewardSpaceSpec{
      .name = kRewardSpace,
      .deterministic = false,
      .platform_dependent = true,
      .default_negates_returns = true,
      .description = std::string("decrease in the ") + to_string(estimator_) + " of " +
                     std::to_string(runs_) + " runs of '" + options_.observation + "' (seconds)"});
  return spaces;
}

double RuntimePointEstimateRewardWrapper::reward(const std::string& name) {
  if (name != kRewardSpace) return env().reward(name);
  check_open("reward");
  if (!benchmark()) throw StateError("reward() called before reset(); call reset() first");
  return last_reward_;
}

EnvState RuntimePointEstimateRewardWrapper::state() const {
  EnvState s = env().state();
  s.reward = episode_reward_;
  return s;
}

ValidationResult RuntimePointEstimateRewardWrapper::validate(const ValidationOptions& options) {
  return validate(state(), options);
}

ValidationResult RuntimePointEstimateRewardWrapper::validate(const EnvState& state,
                                                             const ValidationOptions& options) {
  EnvState inner = state;
  inner.reward.reset();
  ValidationResult result = env().validate(inner, options);
  result.state = state;
  return result;
}

std::unique_ptr<RuntimePointEstimateRewardWrapper> RuntimePointEstimateReward(
    EnvPtr env, int runs, int warmup, Estimator estimator, RuntimeRewardOptions options) {
  return std::make_unique<RuntimePointEstimateRewardWrapper>(std::move(env), runs, warmup,
                                                             estimator, std::move(options));
}

}  // namespace cgym
