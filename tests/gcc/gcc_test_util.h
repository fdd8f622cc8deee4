// Helpers shared by the gcc-v0 tests.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "backends/gcc/gcc_spec.h"
#include "cgym/benchmark.h"
#include "cgym/subprocess.h"
#include "cgym/util.h"
#include "gcc12_help_text.h"

namespace cgym::gcc::test {

inline std::filesystem::path source_dir() { return CGYM_SOURCE_DIR; }

inline std::string test_data(const std::string& name) {
  return read_file(source_dir() / "tests" / "gcc" / "data" / name);
}

/// gcc 12's help text as captured on Debian 12 (tests/gcc/data).
inline GccHelpText gcc12_text() {
  return gcc12_text_from(source_dir() / "tests" / "gcc" / "data",
                         "/usr/bin/x86_64-linux-gnu-gcc-12");
}

inline bool have_gcc() { return find_program("gcc").has_value(); }

#define CGYM_REQUIRE_GCC()                                                \
  do {                                                                    \
    if (!::cgym::gcc::test::have_gcc()) GTEST_SKIP() << "no gcc on PATH"; \
  } while (0)

/// A bundled program built from its C sources in the source tree (format
/// kC, runnable with its expected output), independent of the datasets
/// library.
inline BenchmarkPtr bundled_c_benchmark(const std::string& name) {
  const auto dir = source_dir() / "datasets" / "cgym-v0" / name;
  BenchmarkData d;
  d.uri = "benchmark://cgym-v0-test/" + name;
  d.format = ProgramFormat::kC;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const auto ext = e.path().extension();
    if (ext == ".c" || ext == ".h") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    d.sources.push_back({f.filename().string(), read_file(f)});
    if (f.extension() == ".c" && d.program.empty()) d.program = d.sources.back().contents;
  }
  d.link_flags = {"-lm"};
  const auto expected = dir / "expected_output.txt";
  if (std::filesystem::exists(expected)) d.reference_output = read_file(expected);
  return Benchmark::make(std::move(d));
}

/// A one-file C benchmark.
inline BenchmarkPtr c_benchmark(const std::string& uri, const std::string& source,
                                std::vector<std::string> compile_flags = {}) {
  return Benchmark::make(BenchmarkData{.uri = uri,
                                       .format = ProgramFormat::kC,
                                       .program = source,
                                       .sources = {{"prog.c", source}},
                                       .compile_flags = std::move(compile_flags)});
}

}  // namespace cgym::gcc::test
