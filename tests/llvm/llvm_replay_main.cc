// cgym-test-llvm-replay ENV BENCHMARK COMMANDLINE [ACTION_SPACE]: replays a
// command line in a fresh env of this process and prints
//   bitcode <fnv1a-64 of the Bitcode observation> instructions <n>
// The bitcode keeps the use-list order, so two processes print the same
// line exactly when they reached the same module. Used by
// llvm_determinism_test.cc to replay a sequence in several processes.
#include <cstdint>
#include <cstdio>
#include <iostream>

#include "cgym/cgym.h"

int main(int argc, char** argv) {
  if (argc < 4 || argc > 5) {
    std::cerr << "usage: cgym-test-llvm-replay ENV BENCHMARK COMMANDLINE [ACTION_SPACE]\n";
    return 2;
  }
  try {
    cgym::MakeOptions options;
    options.benchmark = argv[2];
    if (argc == 5) options.action_space = argv[4];
    auto env = cgym::make(argv[1], options);
    env->reset();
    const auto actions = env->from_commandline(argv[3]);
    if (!actions.empty()) {
      auto r = env->multistep(actions);
      if (r.info.failed()) {
        std::cout << "failed " << r.info.error_type << "\n";
        return 0;
      }
    }
    const auto bitcode = env->observation("Bitcode").as<cgym::Bytes>();
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : bitcode.data) h = (h ^ c) * 1099511628211ull;
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
    std::cout << "bitcode " << hex << " instructions "
              << env->observation("IrInstructionCount").as<int64_t>() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "cgym-test-llvm-replay: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
