// Shared pieces of the dataset implementations (internal).
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cgym/benchmark.h"
#include "cgym/dataset.h"
#include "cgym/session.h"
#include "cgym/subprocess.h"

namespace cgym::datasets_internal {

enum class Language { kC, kCxx, kLlvmIr, kLlvmBitcode };

/// The language of a file by its extension; nullopt when unsupported.
std::optional<Language> language_of(const std::filesystem::path& path);
/// "'.h' is not a supported extension (supported: .c, .cc, ...)".
std::string unsupported_extension_message(const std::filesystem::path& path);

bool looks_like_bitcode(std::string_view data);

/// One input of a build: a file on disk (`path` set: compiled in place, so
/// its relative #includes work) or contents only (written to a temporary
/// directory under `name`).
struct InputFile {
  std::string name;
  std::string contents;
  Language language = Language::kC;
  std::filesystem::path path;
};

/// Compiles every C/C++ input to bitcode (bitcode_compile_flags() + `flags`)
/// and links the modules (and any .ll/.bc inputs) with llvm-link-19 into one
/// bitcode module. A single .bc input is returned as is. Throws
/// BenchmarkInitError naming `what` with the tool's messages.
std::string build_bitcode(const std::vector<InputFile>& inputs,
                          const std::vector<std::string>& flags, const std::string& what,
                          double timeout_seconds = 300.0);

/// Reads a user file for a benchmark. Throws BenchmarkInitError naming the
/// path and the reason.
std::string read_user_file(const std::filesystem::path& path);

/// Decodes %XX escapes. Throws InvalidArgument on a malformed escape.
std::string percent_decode(std::string_view text);

/// Whether `path` lies inside `root` (both canonical, compared component by
/// component).
bool is_within(const std::filesystem::path& root, const std::filesystem::path& path);

/// Loads one user file as a benchmark for `target` (see make_file_dataset).
/// `uri` is the benchmark's URI.
BenchmarkData load_user_file(const std::filesystem::path& path, ProgramFormat target,
                             const std::string& uri);

/// Builds data.sources (the C/C++ files; the rest, such as headers, are
/// written next to them) with clang_program() into `output`: `extra_flags`,
/// then compile_flags, sources, link_flags. Files go under `scratch_dir`.
/// Throws ProcessError/TimeoutError (the build failed), InvalidArgument (no
/// C/C++ source, or a source name that is not a plain relative path) and
/// EnvironmentNotSupported (no clang).
void build_executable_from_sources(const BenchmarkData& data, const std::filesystem::path& output,
                                   const std::vector<std::string>& extra_flags,
                                   const std::filesystem::path& scratch_dir,
                                   double timeout_seconds);

/// The reference output of `data` built at -O0 and run (see make_runnable):
/// the stdout of its run_args run. When `data` has validation runs
/// (metadata "runs", see make_runnable_with_runs) every run is made, and
/// each run's "reference" (its stdout's and output files' content records)
/// is recorded in `data`; the first run's stdout is returned. Throws
/// BenchmarkInitError.
std::string compute_reference_output(BenchmarkData& data);

// ---- validation runs (defined in src/program.cc) ---------------------------

/// The validation runs in the benchmark's metadata "runs", or nullptr.
const nlohmann::json* validation_runs(const Benchmark& benchmark);
/// {"sha256": ..., "size": ...} of `data`.
nlohmann::json content_record(std::string_view data);
/// Runs `executable` with the run's "args" in `cwd` (created), with the
/// benchmark's run files and run timeout times `timeout_factor`.
ProcessResult execute_run(const Benchmark& benchmark, const nlohmann::json& run,
                          const std::filesystem::path& executable, const std::filesystem::path& cwd,
                          const std::map<std::string, std::string>& env, double timeout_factor);
/// {name: content record, or null when missing} for the run's "output_files".
nlohmann::json output_records(const nlohmann::json& run, const std::filesystem::path& cwd);
/// "Execution timeout" or "Crash" for a run that did not exit with status 0.
std::vector<ValidationIssue> check_exit_status(const Benchmark& benchmark,
                                               const ProcessResult& run);
/// Empty when the run has no "stdout_regex" or `out` matches it at its
/// start (Python's re.match); else what did not match.
std::string stdout_pattern_error(const nlohmann::json& run, const std::string& out);

/// A process-wide table of the benchmarks made by make_benchmark*() so that
/// their URIs resolve while they are alive.
void register_user_benchmark(const BenchmarkPtr& benchmark);
BenchmarkPtr find_user_benchmark(const std::string& uri);
/// A non-enumerable dataset over that table for one dataset name
/// ("benchmark://user-v0").
DatasetPtr make_registered_dataset(const std::string& name, const std::string& description);

/// A map from keys to benchmarks that are still in use somewhere: lets envs
/// share one object without keeping every benchmark ever loaded.
template <class Key>
class WeakBenchmarkCache {
 public:
  BenchmarkPtr get_or_create(const Key& key, const std::function<BenchmarkPtr()>& create) {
    {
      std::lock_guard lock(mu_);
      if (auto it = map_.find(key); it != map_.end()) {
        if (auto p = it->second.lock()) return p;
      }
    }
    // Created outside the lock: loads can take seconds and run in parallel.
    BenchmarkPtr made = create();
    std::lock_guard lock(mu_);
    auto& slot = map_[key];
    if (auto existing = slot.lock()) return existing;
    slot = made;
    if (++inserts_ % 64 == 0) {
      std::erase_if(map_, [](const auto& kv) { return kv.second.expired(); });
    }
    return made;
  }

 private:
  std::mutex mu_;
  std::map<Key, std::weak_ptr<const Benchmark>> map_;
  uint64_t inserts_ = 0;
};

}  // namespace cgym::datasets_internal
