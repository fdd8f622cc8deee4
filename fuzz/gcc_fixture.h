// gcc 12's help text captured on Debian 12 (tests/gcc/data), for the gcc
// fuzz targets: the fuzzers must not run gcc for every input.
#pragma once

#include <string>

#include "cgym/util.h"
#include "gcc/gcc_spec.h"

namespace cgym::fuzz {

inline std::string gcc_data(const std::string& name) {
  return cgym::read_file(std::string(CGYM_GCC_TEST_DATA) + "/" + name);
}

inline gcc::GccHelpText gcc12_text() {
  gcc::GccHelpText t;
  t.version = gcc_data("gcc12_version.txt");
  t.version = t.version.substr(0, t.version.find('\n'));
  t.path = "/usr/bin/gcc";
  t.optimizers_q = gcc_data("gcc12_optimizers_q.txt");
  t.params_q = gcc_data("gcc12_params_q.txt");
  t.optimizers_doc = gcc_data("gcc12_optimizers_doc.txt");
  t.params_doc = gcc_data("gcc12_params_doc.txt");
  return t;
}

}  // namespace cgym::fuzz
