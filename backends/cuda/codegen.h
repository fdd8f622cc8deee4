// Code generators of the loopnest backend: a schedule becomes one complete,
// standalone program (C++ with OpenMP, or CUDA C++) that
//   1. fills its inputs deterministically (a hash of the element index),
//   2. computes the reference result with naive loops in double precision,
//      or loads it from a file written by an earlier run (--ref PATH),
//   3. runs the scheduled kernel once on an output filled with NaN and
//      compares every element with the reference (tolerance for float
//      reassociation: 1e-6 + max(1e-5, 4 * 2^-23 * sqrt(R)) * sum |terms|,
//      with R the reduction length),
//   4. times it: warm-up runs, then timed runs, each timed run repeating the
//      kernel until it lasts at least --min-batch seconds; reports the median,
//   5. prints one JSON line and exits with one of the codes below.
// The library never links CUDA: the session builds these programs with nvcc
// or the host compiler and runs them as child processes.
//
// How a schedule maps to code:
//  - CPU: loops in schedule order. The outermost parallel loop gets
//    `#pragma omp parallel for` (OpenMP does not nest by default, so inner
//    parallel marks wait until they become outermost). The innermost
//    vectorised loop gets `#pragma omp simd` (none inside it may be
//    vectorised or parallel); on a reduction loop only when it accumulates
//    into a scalar (see below). Unrolled loops get `#pragma GCC unroll`
//    (except loops with an OpenMP pragma: GCC allows no second pragma there),
//    innermost first, while the loops unrolled into each other copy the body
//    at most 256 times; outer unroll marks beyond that are ignored (GCC took
//    3.6 s on a 32 x 32 unroll, minutes on 21 x 32 x 32). The same holds for
//    CUDA's `#pragma unroll`.
//  - CUDA: every parallel loop is mapped to the grid: the innermost parallel
//    loops whose extents multiply to at most 1024 become the thread index
//    (innermost fastest, for coalescing), the other parallel loops the block
//    index. The remaining loops run inside each thread in schedule order.
//    Hoisting parallel loops out is valid because they are never reduction
//    loops. Vectorise marks have no effect on CUDA. Kernels carry
//    __launch_bounds__, so ptxas limits registers instead of failing launch.
//  - Guards (remainders of splits) become loop bounds min(extent, ...) on the
//    innermost loop they involve, or an early return when all their loops
//    are mapped to the GPU grid.
//  - Accumulation: the innermost spatial loops directly under a block of
//    reduction loops (constant extents, no guards, at most 512 elements on
//    the CPU or 64 on CUDA) accumulate into a local array (a register tile),
//    which is added to the output after the reduction loops; with no such
//    spatial loops, into a scalar. Otherwise each iteration adds to the
//    output in memory. Outputs of reductions are zeroed before each run.
#pragma once

#include <cstdint>
#include <string>

#include "backends/cuda/loopnest.h"

namespace cgym::cuda {

enum class Target { kCpu, kCuda };

/// "cpu" or "cuda".
const char* to_string(Target target);
/// Throws InvalidArgument naming the valid values.
Target target_from_string(const std::string& name);

struct CodegenOptions {
  Target target = Target::kCpu;
  /// Test-only, wrong on purpose: the outer loop of every split that does
  /// not divide runs floor(e/F) times, so the remainder is never computed.
  /// Proves that the output check catches wrong schedules.
  bool drop_tail = false;
  /// Test-only, with target kCpu: generates the CUDA kernel of the schedule
  /// and runs its grid on the CPU, one (block, thread) call after another,
  /// inside the cpu program. Checks the GPU mapping (thread and block index
  /// decomposition, early returns, hoisted parallel loops, register tiles)
  /// against the reference where no GPU is present.
  bool emulate_cuda = false;
};

/// How the generated CUDA kernel is launched (1 and 1 on the CPU).
struct LaunchConfig {
  int64_t blocks = 1;
  int64_t threads = 1;
};

struct GeneratedProgram {
  /// The whole program in one file (what the `source` observation shows;
  /// the build of cuda programs).
  std::string source;
  /// cpu only (empty for cuda and emulate_cuda): the same program split in
  /// two translation units, so that the harness (inputs, reference, check,
  /// timing: the same for every schedule of a computation) is compiled once
  /// and each schedule compiles only its kernel. The kernel function has
  /// external linkage in these two, internal linkage in `source`.
  std::string harness_source;
  std::string kernel_source;
  /// ".cc" or ".cu".
  std::string extension;
  /// The scheduled kernel's (unmangled) name.
  std::string kernel_name;
  LaunchConfig launch;
};

/// Exit codes of generated programs.
inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitWrongOutput = 3;
inline constexpr int kExitCudaError = 4;
inline constexpr int kExitNoCudaDevice = 42;

/// Generates the program for one schedule. Throws SessionError when the
/// schedule cannot be launched (more than 2^31-1 CUDA blocks).
/// Command line of the program:
///   prog [--warmup N] [--runs N] [--min-batch SECONDS] [--max-time SECONDS]
///        [--ref PATH] [--check-only]
/// --max-time bounds warm-up plus timed runs (fewer runs when one is slow;
/// when the first, checked, run alone takes longer, it is the measurement);
/// --check-only stops after the output check and prints
/// {"ok":true,"check":"passed"}.
GeneratedProgram generate_program(const Computation& computation, const Schedule& schedule,
                                  const CodegenOptions& options);

/// Changes whenever the reference result of `computation` could change (a
/// hash of the reference code and the input generator): the cache key of
/// the reference file.
std::string reference_key(const Computation& computation);

/// The kernel function alone (for tests and the `source` observation's
/// readers who want less).
std::string generate_kernel(const Computation& computation, const Schedule& schedule,
                            const CodegenOptions& options);

}  // namespace cgym::cuda
