// Building the env's module into an executable, for TextSize, Runtime,
// Buildtime and validation.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "cgym/benchmark.h"

namespace cgym::llvm {

/// The flags clang gets when it links the env's bitcode: code generation at
/// -O2 (as ObjectTextSizeBytes does in process) without re-running the IR
/// optimization pipeline, so that the program is the env's module as is.
const std::vector<std::string>& executable_build_flags();

/// Builds `bitcode` with the benchmark's link flags into `output`. Throws
/// ProcessError/TimeoutError (clang's message) or EnvironmentNotSupported
/// when clang is missing.
void build_executable(const Benchmark& benchmark, std::string_view bitcode,
                      const std::filesystem::path& output);

}  // namespace cgym::llvm
