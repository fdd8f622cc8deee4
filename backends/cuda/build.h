// Building and running the generated loop-nest programs.
//
// Builds are cached by a hash of the source, the compiler command and the
// compiler binary: in a process-wide table, and on disk under
// cgym::cache_dir()/"loopnest"/builds, so that a second process starts warm
// (nvcc takes about 2 s per build). On the cpu a program is built in two
// parts: its harness (inputs, reference, check, timing), compiled once per
// computation into an object file and cached the same way, and its kernel,
// compiled and linked with that object for each schedule. Runs are cached in a process-wide table
// keyed by the build and the run options: a schedule met again (after a
// fork, a replay, or in a search) reports the same measurement, which keeps
// replayed rewards reproducible within a process. The reference result of
// each computation is cached on disk next to the builds (the programs
// write and read it themselves, see codegen.h).
//
// All functions are thread-safe. Children run through cgym::run_process
// with timeouts.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "backends/cuda/codegen.h"
#include "backends/cuda/loopnest.h"

namespace cgym::cuda {

/// The compilers, and how to call them.
struct Toolchain {
  /// Host C++ compiler for the cpu backend (name on PATH or a path).
  std::string cxx = "g++";
  /// nvcc; empty means $CUDA_HOME/bin/nvcc, nvcc on PATH, or
  /// /usr/local/cuda/bin/nvcc.
  std::string nvcc;
  /// Passed as -arch=; "native" picks the GPU present (nvcc falls back to
  /// its default architecture, with a warning, when there is none).
  std::string cuda_arch = "native";
  double build_timeout_seconds = 300;
};

/// The nvcc that `toolchain` would use, or nullopt when none is found.
std::optional<std::filesystem::path> find_nvcc(const Toolchain& toolchain);

struct BuildResult {
  std::filesystem::path binary;
  /// Seconds the build took when it was first made (also for cache hits);
  /// on the cpu, the kernel's compile and the link, without the harness,
  /// which is compiled once per computation.
  double compile_seconds = 0;
  /// The compiler's stderr (for CUDA, the `-Xptxas -v` report).
  std::string compiler_output;
  std::string key;
  /// Found in the process or disk cache, not built now.
  bool cached = false;
};

/// Builds the program, or finds it in the caches. `fallback_dir` is used
/// when the cache directory cannot be written. Throws SessionError
/// (ProcessError/TimeoutError) when the compiler fails, and
/// EnvironmentNotSupported when the compiler is missing.
BuildResult build_program(const GeneratedProgram& program, Target target,
                          const Toolchain& toolchain, const std::filesystem::path& fallback_dir);

struct RunOptions {
  int warmup = 1;
  int runs = 5;
  /// Each timed run repeats the kernel until it lasts this long.
  double min_batch_seconds = 1e-3;
  /// Bound on warm-up plus timed runs (fewer runs when one is slow).
  double max_seconds = 2.0;
  /// Limit on the whole child process.
  double timeout_seconds = 60.0;
  /// OMP_NUM_THREADS for the cpu backend; 0 leaves it unset.
  int threads = 0;
  bool check_only = false;
  /// Where the reference result is cached; empty: computed each run.
  std::filesystem::path reference_file;
  /// false: run the program again, neither reading nor filling the run
  /// cache (a fresh timing of a schedule measured before).
  bool use_run_cache = true;
  /// > 0: the program gives up on its first (checked) kernel call once it
  /// has run this long, and the Measurement says so (gave_up). A program
  /// already measured in full is answered from the run cache instead.
  double give_up_seconds = 0;
};

/// The measured result of one run.
struct Measurement {
  double seconds = 0;     ///< median seconds per kernel call
  nlohmann::json report;  ///< the program's JSON line
  /// The run gave up (RunOptions::give_up_seconds): `seconds` is only a
  /// lower bound on one call's time, and the output was not checked.
  bool gave_up = false;
};

/// Runs a built program, or returns the cached result: the same object for
/// the same build and options (a schedule met again, or another schedule
/// that generates the same program), never for another; with
/// `use_run_cache` false it always runs, and remembers nothing. A run that
/// gave up is never cached (the next run measures in full, or gives up
/// again). Throws SessionError
/// with a clear message when the output is wrong ("schedule produced wrong
/// output: max abs error X at index I ..."), when no CUDA device is present
/// ("no CUDA device found (cudaGetDeviceCount: ...); use the cpu backend
/// ..."), on a CUDA error, a crash or a timeout.
std::shared_ptr<const Measurement> run_program(const BuildResult& build, const RunOptions& options);

/// The file where the reference result of `computation` is cached, or an
/// empty path when the cache directory cannot be written.
std::filesystem::path reference_file(const Computation& computation, Target target);

/// Parses nvcc `-Xptxas -v` output for the kernel whose mangled name
/// contains `kernel_name`: {"kernel", "arch", "registers", "barriers",
/// "shared_bytes", "constant_bytes", "stack_bytes", "spill_stores",
/// "spill_loads", "local_bytes"}. Fields ptxas did not print are absent;
/// {} when the kernel is not in the text.
nlohmann::json parse_ptxas_info(const std::string& text,
                                const std::string& kernel_name = "lnv_kernel");

/// Drops the process-wide build and run caches (for tests and benchmarks
/// that need cold timings).
void clear_process_caches();

}  // namespace cgym::cuda
