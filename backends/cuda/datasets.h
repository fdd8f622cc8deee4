// Datasets of the loopnest backend.
//
// benchmark://loopnest-v0/<computation>?<size>=<int>&...[&backend=cpu|cuda]
//   Any computation of loopnest.h with any valid sizes (missing sizes take
//   their defaults). The benchmark's URI is canonical: every size written
//   out, parameters sorted, e.g.
//   benchmark://loopnest-v0/matmul?k=128&m=128&n=128. For iteration the
//   dataset lists a fixed set of small and medium sizes (kCanonical in
//   datasets.cc); sizes outside that list still resolve.
// benchmark://loop_tool-cpu-v0/<N> and benchmark://loop_tool-cuda-v0/<N>
//   CompilerGym's loop_tool benchmarks: a pointwise add of N elements,
//   N in 1..2^24, on the CPU or the GPU. Iteration lists N = 1..8388607 as
//   CompilerGym does.
//
// Benchmark programs are JSON: {"computation": name, "sizes": {...}} plus
// "backend" when the URI names one. Benchmarks are runnable: their
// reference output is the line a correct schedule's program prints in
// --check-only mode. Thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "backends/cuda/codegen.h"
#include "backends/cuda/loopnest.h"
#include "cgym/dataset.h"

namespace cgym::cuda {

/// What a generated program prints with --check-only when the output is
/// right: every loop-nest benchmark's reference output.
inline constexpr const char* kCheckPassedLine = "{\"ok\":true,\"check\":\"passed\"}\n";

class LoopNestDataset final : public Dataset {
 public:
  std::string name() const override { return "benchmark://loopnest-v0"; }
  std::string description() const override;
  std::string license() const override { return "MIT"; }
  uint64_t size() const override;
  std::string benchmark_uri(uint64_t i) const override;
  /// Throws LookupError for a URI of another dataset, an unknown computation,
  /// an unknown or malformed parameter, a size out of range, or a backend
  /// other than cpu and cuda; each message lists what is valid.
  BenchmarkPtr benchmark(const std::string& uri) const override;
};

class LoopToolDataset final : public Dataset {
 public:
  explicit LoopToolDataset(Target target) : target_(target) {}
  std::string name() const override;
  std::string description() const override;
  std::string license() const override { return "MIT"; }
  uint64_t size() const override { return 8388607; }
  std::string benchmark_uri(uint64_t i) const override;
  BenchmarkPtr benchmark(const std::string& uri) const override;

 private:
  Target target_;
};

/// Reads a loop-nest benchmark: its computation and the backend its URI
/// names, if any. Throws BenchmarkInitError for a program that is not a
/// loop-nest description.
struct LoopNestProgram {
  Computation computation;
  std::optional<Target> target;
};
LoopNestProgram read_program(const Benchmark& benchmark);

}  // namespace cgym::cuda
