// The -O0/-O3/-Oz baselines of a benchmark: instruction counts, object .text
// sizes and linked .text sizes after LLVM 19's default pipelines.
//
// They depend only on the program, so they are computed once per program
// (keyed by the hash of its bytes) and kept in a process-wide table and on
// disk under cgym::cache_dir()/llvm-baselines/<hash>-llvm<version>.json. Each
// group (IR counts, object sizes, linked sizes) is computed the first time it
// is asked for. All functions are thread-safe: two sessions asking for the
// same program share one computation.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "cgym/benchmark.h"

namespace cgym::llvm {

enum class OptLevel { kO0 = 0, kO3 = 1, kOz = 2 };
/// "O0", "O3", "Oz".
const char* to_string(OptLevel level);
/// "default<O0>", ...: the pipeline text.
std::string default_pipeline(OptLevel level);

class BaselineEntry {
 public:
  explicit BaselineEntry(std::filesystem::path file);

  /// Throws SessionError when the pipeline crashes on the program.
  int64_t ir_instruction_count(const Benchmark& benchmark, OptLevel level);
  int64_t object_text_size(const Benchmark& benchmark, OptLevel level);
  /// Builds the program (needs clang and the benchmark's link flags).
  /// Throws SessionError/ProcessError when it does not build.
  int64_t text_size(const Benchmark& benchmark, OptLevel level);

  /// Whether this program has already passed the verifier in this process.
  bool verified() const { return verified_.load(std::memory_order_acquire); }
  void set_verified() { verified_.store(true, std::memory_order_release); }

 private:
  using Values = std::array<int64_t, 3>;
  void load();
  void save();
  std::mutex mu_;
  std::filesystem::path file_;
  std::optional<Values> ir_, object_, text_;
  std::atomic<bool> verified_{false};
};

/// The entry of a program, created on first use (and loaded from disk when
/// the cache has it). Never null.
std::shared_ptr<BaselineEntry> baselines_for(const Benchmark& benchmark);

/// Disables or enables the on-disk cache for this process (tests, benches).
void set_baseline_disk_cache(bool enabled);
/// Forgets the in-memory table (tests, benches).
void clear_baseline_memory_cache();

}  // namespace cgym::llvm
