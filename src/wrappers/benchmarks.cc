#include "cgym/wrappers/benchmarks.h"

namespace cgym {

namespace {

void check_list(const std::vector<std::string>& benchmarks, const char* wrapper) {
  if (benchmarks.empty()) {
    throw InvalidArgument(std::string(wrapper) +
                          ": the list of benchmarks is empty; give at least one URI, e.g. "
                          "\"benchmark://cgym-v0/crc32\"");
  }
}

bool names_benchmark(const ResetOptions& options) {
  return !std::holds_alternative<std::monostate>(options.benchmark);
}

// Resets with `uri` in place of the (empty) benchmark of `options`.
StepResult reset_with(Env& env, const ResetOptions& options, const std::string& uri) {
  ResetOptions o = options;
  o.benchmark = uri;
  return env.reset(o);
}

}  // namespace

IterateOverBenchmarksWrapper::IterateOverBenchmarksWrapper(EnvPtr env,
                                                           std::vector<std::string> benchmarks)
    : CopyableWrapper(std::move(env)), benchmarks_(std::move(benchmarks)) {
  check_list(benchmarks_, "IterateOverBenchmarks");
}

StepResult IterateOverBenchmarksWrapper::reset(const ResetOptions& options) {
  if (names_benchmark(options)) return env().reset(options);
  check_open("reset");
  if (next_ >= benchmarks_.size()) {
    throw StopIteration("IterateOverBenchmarks: all " + std::to_string(benchmarks_.size()) +
                        " benchmarks have been used; pass a benchmark to reset() or wrap the env "
                        "in CycleOverBenchmarks to start again");
  }
  return reset_with(env(), options, benchmarks_[next_++]);
}

CycleOverBenchmarksWrapper::CycleOverBenchmarksWrapper(EnvPtr env,
                                                       std::vector<std::string> benchmarks)
    : CopyableWrapper(std::move(env)), benchmarks_(std::move(benchmarks)) {
  check_list(benchmarks_, "CycleOverBenchmarks");
}

StepResult CycleOverBenchmarksWrapper::reset(const ResetOptions& options) {
  if (names_benchmark(options)) return env().reset(options);
  check_open("reset");
  const std::string& uri = benchmarks_[next_];
  next_ = (next_ + 1) % benchmarks_.size();
  return reset_with(env(), options, uri);
}

RandomOrderBenchmarksWrapper::RandomOrderBenchmarksWrapper(EnvPtr env,
                                                           std::vector<std::string> benchmarks,
                                                           uint64_t seed)
    : CopyableWrapper(std::move(env)), benchmarks_(std::move(benchmarks)), rng_(seed) {
  check_list(benchmarks_, "RandomOrderBenchmarks");
}

StepResult RandomOrderBenchmarksWrapper::reset(const ResetOptions& options) {
  if (names_benchmark(options)) return env().reset(options);
  check_open("reset");
  std::uniform_int_distribution<size_t> pick(0, benchmarks_.size() - 1);
  return reset_with(env(), options, benchmarks_[pick(rng_)]);
}

std::unique_ptr<IterateOverBenchmarksWrapper> IterateOverBenchmarks(
    EnvPtr env, std::vector<std::string> benchmarks) {
  return std::make_unique<IterateOverBenchmarksWrapper>(std::move(env), std::move(benchmarks));
}

std::unique_ptr<CycleOverBenchmarksWrapper> CycleOverBenchmarks(
    EnvPtr env, std::vector<std::string> benchmarks) {
  return std::make_unique<CycleOverBenchmarksWrapper>(std::move(env), std::move(benchmarks));
}

std::unique_ptr<RandomOrderBenchmarksWrapper> RandomOrderBenchmarks(
    EnvPtr env, std::vector<std::string> benchmarks, uint64_t seed) {
  return std::make_unique<RandomOrderBenchmarksWrapper>(std::move(env), std::move(benchmarks),
                                                        seed);
}

}  // namespace cgym
