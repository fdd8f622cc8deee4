// Wrappers that choose the benchmark of each episode.
//
//   auto env = cgym::CycleOverBenchmarks(cgym::make("llvm-ic-v0"),
//                                        {"benchmark://cgym-v0/crc32",
//                                        "benchmark://cgym-v0/qsort"});
//   env->reset();  // crc32
//   env->reset();  // qsort
//   env->reset();  // crc32 again
//
// Each reset() that does not name a benchmark (ResetOptions::benchmark left
// empty) takes the next one from the list; a reset() that names one uses it
// and leaves the list where it was. The list moves on even when the chosen
// benchmark fails to load (the reset() throws BenchmarkInitError), so one
// broken benchmark never blocks the others. URIs are resolved by the wrapped
// env at reset(), so an unknown one throws LookupError there.
// fork() copies the position in the list (and the random engine), so a fork
// continues the same sequence as the original.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cgym/errors.h"
#include "cgym/wrappers/wrapper.h"

namespace cgym {

/// Thrown by IterateOverBenchmarks' reset() when every benchmark of the
/// list has been used.
class StopIteration : public StateError {
 public:
  /// An error with `message` as what().
  explicit StopIteration(const std::string& message) : StateError(message) {}
  /// "StopIteration".
  const char* type_name() const noexcept override { return "StopIteration"; }
};

/// Uses each benchmark once, in order; then reset() without a benchmark
/// throws StopIteration (the current episode is left as it was).
class IterateOverBenchmarksWrapper final : public CopyableWrapper<IterateOverBenchmarksWrapper> {
 public:
  /// Throws InvalidArgument for an empty list.
  IterateOverBenchmarksWrapper(EnvPtr env, std::vector<std::string> benchmarks);

  StepResult reset(const ResetOptions& options = {}) override;

  /// The benchmark URIs, in order.
  const std::vector<std::string>& benchmarks() const { return benchmarks_; }
  /// How many benchmarks the following resets will still use.
  size_t remaining() const { return benchmarks_.size() - next_; }

 private:
  std::vector<std::string> benchmarks_;
  size_t next_ = 0;
};

/// Cycles through the benchmarks in order, forever.
class CycleOverBenchmarksWrapper final : public CopyableWrapper<CycleOverBenchmarksWrapper> {
 public:
  /// Throws InvalidArgument for an empty list.
  CycleOverBenchmarksWrapper(EnvPtr env, std::vector<std::string> benchmarks);

  StepResult reset(const ResetOptions& options = {}) override;

  /// The benchmark URIs, in order.
  const std::vector<std::string>& benchmarks() const { return benchmarks_; }
  /// The index of the benchmark the next reset() will use.
  size_t next_index() const { return next_; }

 private:
  std::vector<std::string> benchmarks_;
  size_t next_ = 0;
};

/// Picks a benchmark uniformly at random, with replacement, from a seeded
/// engine (std::mt19937_64): the same seed gives the same sequence.
class RandomOrderBenchmarksWrapper final : public CopyableWrapper<RandomOrderBenchmarksWrapper> {
 public:
  /// Throws InvalidArgument for an empty list.
  RandomOrderBenchmarksWrapper(EnvPtr env, std::vector<std::string> benchmarks, uint64_t seed);

  StepResult reset(const ResetOptions& options = {}) override;

  /// The benchmark URIs to pick from.
  const std::vector<std::string>& benchmarks() const { return benchmarks_; }

 private:
  std::vector<std::string> benchmarks_;
  Rng rng_;
};

/// Wraps `env` in an IterateOverBenchmarksWrapper.
std::unique_ptr<IterateOverBenchmarksWrapper> IterateOverBenchmarks(
    EnvPtr env, std::vector<std::string> benchmarks);
/// Wraps `env` in a CycleOverBenchmarksWrapper.
std::unique_ptr<CycleOverBenchmarksWrapper> CycleOverBenchmarks(
    EnvPtr env, std::vector<std::string> benchmarks);
/// Wraps `env` in a RandomOrderBenchmarksWrapper.
std::unique_ptr<RandomOrderBenchmarksWrapper> RandomOrderBenchmarks(
    EnvPtr env, std::vector<std::string> benchmarks, uint64_t seed);

}  // namespace cgym
