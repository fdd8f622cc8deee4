// gcc 12's help text as captured on Debian 12 (tests/gcc/data): the input of
// parse_gcc_spec() for the gcc tests and the gcc fuzz targets, which must
// not depend on the installed gcc. No test framework needed.
#pragma once

#include <filesystem>
#include <string>

#include "backends/gcc/gcc_spec.h"
#include "cgym/util.h"

namespace cgym::gcc::test {

/// The text in `data_dir` (tests/gcc/data); GccHelpText::path is `path`.
inline GccHelpText gcc12_text_from(const std::filesystem::path& data_dir, const std::string& path) {
  GccHelpText t;
  t.version = read_file(data_dir / "gcc12_version.txt");
  t.version = t.version.substr(0, t.version.find('\n'));
  t.path = path;
  t.optimizers_q = read_file(data_dir / "gcc12_optimizers_q.txt");
  t.params_q = read_file(data_dir / "gcc12_params_q.txt");
  t.optimizers_doc = read_file(data_dir / "gcc12_optimizers_doc.txt");
  t.params_doc = read_file(data_dir / "gcc12_params_doc.txt");
  return t;
}

}  // namespace cgym::gcc::test
