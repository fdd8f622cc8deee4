// libFuzzer target: corrupt LLVM bitcode as the LLVM env loads it (see
// llvm_module_fuzz.h). Not run by ctest unless CGYM_FUZZ_LLVM_BITCODE=ON:
// LLVM 19's own bitcode reader has memory errors on corrupt input, which
// cgym cannot fix (docs/reliability.md, "Fuzzing"; reproducers in
// fuzz/findings/).
#include "llvm_module_fuzz.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  cgym::llvm::initialize();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return cgym::fuzz::fuzz_llvm_module(data, size, /*want_bitcode=*/true);
}
