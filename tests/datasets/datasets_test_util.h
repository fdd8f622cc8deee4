// Helpers shared by the dataset tests.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "cgym/datasets.h"
#include "cgym/errors.h"
#include "cgym/program.h"
#include "cgym/subprocess.h"
#include "cgym/util.h"

namespace cgym_test {

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
  ASSERT_TRUE(out.good()) << "cannot write " << path;
}

/// The stdout of a command that must succeed.
inline std::string output_of(const std::vector<std::string>& argv, double timeout = 60) {
  cgym::ProcessOptions o;
  o.argv = argv;
  o.timeout_seconds = timeout;
  return cgym::check_process(o).stdout_data;
}

/// An LLVM tool, or nullopt (the test then skips).
inline std::optional<std::filesystem::path> tool(const std::string& name) {
  try {
    return cgym::llvm_tool(name);
  } catch (const cgym::EnvironmentNotSupported&) {
    return std::nullopt;
  }
}

inline bool have_clang() {
  try {
    cgym::clang_program();
    return true;
  } catch (const cgym::EnvironmentNotSupported&) {
    return false;
  }
}

/// Runs opt-19 with a pass pipeline on bitcode, returns the new bitcode.
inline std::string run_opt(const std::filesystem::path& opt, const std::string& bitcode,
                           const std::string& pipeline) {
  cgym::ProcessOptions o;
  o.argv = {opt.string(), "-passes=" + pipeline, "-", "-o", "-"};
  o.stdin_data = bitcode;
  o.timeout_seconds = 300;
  return cgym::check_process(o).stdout_data;
}

/// Textual IR of bitcode (llvm-dis-19).
inline std::string disassemble(const std::string& bitcode) {
  cgym::ProcessOptions o;
  o.argv = {cgym::llvm_tool("llvm-dis").string(), "-", "-o", "-"};
  o.stdin_data = bitcode;
  return cgym::check_process(o).stdout_data;
}

/// Bitcode of textual IR (llvm-as-19).
inline std::string assemble(const std::string& ir) {
  cgym::ProcessOptions o;
  o.argv = {cgym::llvm_tool("llvm-as").string(), "-", "-o", "-"};
  o.stdin_data = ir;
  return cgym::check_process(o).stdout_data;
}

inline std::string issues_text(const std::vector<cgym::ValidationIssue>& issues) {
  std::string out;
  for (const auto& i : issues) out += i.type + ": " + i.details + "\n";
  return out;
}

/// The bundled dataset of this build, or nullptr when it was not built.
inline cgym::DatasetPtr bundled_or_null() {
  auto d = cgym::make_bundled_dataset();
  return d->size() == 0 ? nullptr : d;
}

#define CGYM_REQUIRE_BUNDLED(var)                                          \
  auto var = ::cgym_test::bundled_or_null();                               \
  if (!var) {                                                              \
    GTEST_SKIP() << "the bundled dataset is not built: no manifest under " \
                 << (cgym::data_dir() / "cgym-v0").string()                \
                 << " (build the datasets target or set CGYM_DATA_DIR)";   \
  }

#define CGYM_REQUIRE_TOOLS()                                                        \
  if (!::cgym_test::have_clang() || !::cgym_test::tool("llvm-link") ||              \
      !::cgym_test::tool("llvm-dis") || !::cgym_test::tool("llvm-as")) {            \
    GTEST_SKIP() << "clang-19, llvm-link-19, llvm-dis-19 or llvm-as-19 is missing"; \
  }

}  // namespace cgym_test
