// Building and running benchmark programs, for validation, Runtime and
// Buildtime observations. Shared by every backend.
//
// All builds and runs are child processes with timeouts, started from
// argument vectors, inside a directory the caller owns (an env's working
// directory). Thread-safe.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cgym/benchmark.h"
#include "cgym/session.h"
#include "cgym/subprocess.h"

namespace cgym {

/// The clang used to build bitcode and link programs: $CGYM_CLANG, else
/// clang-19 on PATH or in /usr/lib/llvm-19/bin. Throws
/// EnvironmentNotSupported naming what was looked for.
std::filesystem::path clang_program();

/// Links `bitcode` (one module) into an executable at `output`, with the
/// benchmark's link flags and `extra_flags` (e.g. "-O0", sanitizers).
/// Throws ProcessError/TimeoutError with clang's message.
void build_executable_from_bitcode(const Benchmark& benchmark, std::string_view bitcode,
                                   const std::filesystem::path& output,
                                   const std::vector<std::string>& extra_flags = {},
                                   double timeout_seconds = 120.0);

/// Runs a built program with the benchmark's run arguments in `cwd`, with
/// the benchmark's run timeout. Never throws for a crash or a timeout: they
/// are in the result.
ProcessResult run_benchmark_program(const Benchmark& benchmark,
                                    const std::filesystem::path& executable,
                                    const std::filesystem::path& cwd);

/// Compares a run with the benchmark's reference output. Issues: "Execution
/// timeout", "Crash" (signal or non-zero exit, with stderr), "Wrong output"
/// (with the first differing lines). Empty when the run matches.
std::vector<ValidationIssue> check_program_output(const Benchmark& benchmark,
                                                  const ProcessResult& run);

/// Runs a built program for each of the benchmark's validation runs (see
/// make_runnable_with_runs(); one run of run_args when it has none), each in
/// its own directory under `dir`, and checks each against the -O0 build:
/// the exit status, stdout (or its pattern) and the files it writes. With
/// several runs, issue details name the run; checking stops after three
/// failing runs. `env` is added to each run's environment.
std::vector<ValidationIssue> run_and_check_program(
    const Benchmark& benchmark, const std::filesystem::path& executable,
    const std::filesystem::path& dir, const std::map<std::string, std::string>& env = {});

/// Builds from bitcode, runs, and checks. With `sanitizers`, also builds
/// with -fsanitize=address,undefined and checks that run too. Build
/// failures are reported as a "Build failed" issue.
std::vector<ValidationIssue> validate_bitcode_program(const Benchmark& benchmark,
                                                      std::string_view bitcode,
                                                      const std::filesystem::path& work_dir,
                                                      bool sanitizers);

}  // namespace cgym
