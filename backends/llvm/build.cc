#include "backends/llvm/build.h"

#include "cgym/program.h"

namespace cgym::llvm {

const std::vector<std::string>& executable_build_flags() {
  static const std::vector<std::string> flags = {"-O2", "-Xclang", "-disable-llvm-passes"};
  return flags;
}

void build_executable(const Benchmark& benchmark, std::string_view bitcode,
                      const std::filesystem::path& output) {
  build_executable_from_bitcode(benchmark, bitcode, output, executable_build_flags());
}

}  // namespace cgym::llvm
