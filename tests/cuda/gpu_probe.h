// Whether the tests can use a CUDA device: asks a generated program (built
// with nvcc) to run, so the tests never link CUDA themselves.
#pragma once

#include <optional>
#include <string>

#include "backends/cuda/session.h"
#include "cgym/errors.h"
#include "cgym/util.h"

namespace cgym::cuda {

/// nullopt when a CUDA device runs loop-nest programs; otherwise why not
/// ("nvcc not found", or the backend's "no CUDA device found (...)"
/// message). Computed once per process.
inline std::optional<std::string> gpu_problem() {
  static const std::optional<std::string> problem = []() -> std::optional<std::string> {
    if (!find_nvcc(Toolchain{})) return std::string("nvcc not found");
    try {
      TempDir dir("cuda-gpu-probe");
      const auto c = Computation::make(Kind::kPointwise, {{"n", 256}});
      Evaluator(c, Target::kCuda, Settings{}, dir.path()).check(initial_schedule(c, Target::kCuda));
      return std::nullopt;
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
  }();
  return problem;
}

}  // namespace cgym::cuda
