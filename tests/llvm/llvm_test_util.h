// Helpers shared by the LLVM backend's tests: benchmarks, the real LLVM
// tools as independent truth, and access to an env's session.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "backends/llvm/session.h"
#include "cgym/cgym.h"
#include "cgym/datasets.h"

namespace cgym::llvm::testing {

/// A bundled benchmark (benchmark://cgym-v0/<name>), or nullptr when the
/// datasets were not built (the caller skips).
BenchmarkPtr bundled(const std::string& name);

#define CGYM_BUNDLED_OR_SKIP(var, name)            \
  auto var = ::cgym::llvm::testing::bundled(name); \
  if (!var)                                        \
  GTEST_SKIP() << "benchmark://cgym-v0/" << name << " is not built (build the cgym_datasets target)"

/// A random action, leaving out what makes LLVM 19 itself (opt-19 too) fail
/// or differ from run to run, which tests of long, reproducible episodes do
/// not want (docs/llvm-actions.md):
///  - -scalarizer and -unify-loop-exits crash, or produce invalid IR, on some
///    modules (the env survives that: tests/llvm/llvm_env_test.cc);
///  - -newgvn and the other passes marked non-deterministic
///    (non_deterministic_passes()) give a module that depends on memory
///    addresses.
Action sample_stable_action(std::mt19937_64& rng);

/// A benchmark from LLVM IR text.
BenchmarkPtr from_ir(const std::string& uri, const std::string& ir);
/// A benchmark compiled from a C snippet with clang-19 the way the datasets
/// are built; nullptr when clang-19 is missing.
BenchmarkPtr from_c(const std::string& uri, const std::string& source);

/// The path of an LLVM 19 tool ("opt", "llvm-dis", "llc", "llvm-size"), or
/// nullopt when it is not installed.
std::optional<std::string> tool(const std::string& name);

#define CGYM_TOOL_OR_SKIP(var, name)                              \
  auto var##_opt = ::cgym::llvm::testing::tool(name);             \
  if (!var##_opt) GTEST_SKIP() << name << "-19 is not installed"; \
  const std::string var = *var##_opt

/// Runs a command (check_process); returns stdout.
std::string run(const std::vector<std::string>& argv, double timeout = 120.0);

/// An env created through cgym::make().
EnvPtr make_env(const std::string& id = "llvm-v0", const MakeOptions& options = {});
/// The env's current session (the env must be a CompilerEnv).
CompilationSession& session_of(Env& env);
/// An observation computed by the session itself, bypassing the env's cache.
Observation fresh_observation(Env& env, const std::string& name);

/// IR text without the "; ModuleID" and "source_filename" lines.
std::string strip_module_header(const std::string& ir);
/// Instruction counts per opcode name ("add", "call", ...) read from IR
/// text, plus "TotalInsts", "TotalBlocks", "TotalFuncs".
std::map<std::string, int64_t> count_ir_text(const std::string& ir);

/// A scratch directory for one test, removed afterwards.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// Writes bytes to a file.
void write(const std::filesystem::path& path, const std::string& data);

}  // namespace cgym::llvm::testing
