// libFuzzer target: LLVM IR text as the LLVM env loads it (see
// llvm_module_fuzz.h). Bitcode inputs are left to fuzz_llvm_bitcode.
// Found: parse_module() handed LLVM's lexer a buffer without a NUL after it
// (a heap read past the end; fixed, corpus/llvm_ir/not-nul-terminated.ll).
#include "llvm_module_fuzz.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  cgym::llvm::initialize();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return cgym::fuzz::fuzz_llvm_module(data, size, /*want_bitcode=*/false);
}
