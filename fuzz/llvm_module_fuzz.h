// The body of fuzz_llvm_ir and fuzz_llvm_bitcode: an LLVM program as the LLVM
// env loads it (cgym::llvm::parse_module, then the verifier), from file://
// benchmarks and directory datasets. Properties: bad input ends in a
// cgym::Error; a module that parses and verifies can be written as bitcode,
// and when that bitcode reads back, it verifies.
//
// libLLVM itself is not instrumented, so the fuzzer sees coverage only in
// cgym's code; crashes and sanitizer reports inside LLVM's readers still
// surface.
#pragma once

#include <cstddef>
#include <cstdint>

#include <llvm/Bitcode/BitcodeReader.h>
#include <llvm/Bitcode/BitcodeWriter.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/raw_ostream.h>

#include "backends/llvm/llvm_util.h"
#include "fuzz_util.h"

namespace cgym::fuzz {

/// Runs one input if it is of the wanted kind (bitcode or IR text).
inline int fuzz_llvm_module(const uint8_t* data, size_t size, bool want_bitcode) {
  const bool is_bitcode = size >= 4 && ::llvm::isBitcode(data, data + size);
  if (is_bitcode != want_bitcode) return 0;
  const std::string_view input = as_text(data, size);
  auto context = cgym::llvm::make_context();
  std::unique_ptr<::llvm::Module> module;
  if (!accepts(input, [&] { module = cgym::llvm::parse_module(*context, input, "fuzz-input"); })) {
    return 0;
  }
  if (cgym::llvm::verify(*module)) return 0;  // rejected with the verifier's message
  std::string bitcode;
  {
    ::llvm::raw_string_ostream os(bitcode);
    ::llvm::WriteBitcodeToFile(*module, os);
  }
  // Reading it back may fail: LLVM 19's bitcode writer and reader disagree
  // on some modules its IR parser and verifier accept (fuzz/findings/
  // llvm19-attribute-roundtrip.ll: `"no-trapping-math"="tr e"` is written
  // but not read back, by opt-19 and llvm-dis-19 alike). That is LLVM's
  // bug; cgym's part is that it ends in a cgym::Error, which accepts()
  // checks, and that a module read back is valid.
  auto context2 = cgym::llvm::make_context();
  std::unique_ptr<::llvm::Module> again;
  if (accepts(input, [&] { again = cgym::llvm::parse_module(*context2, bitcode, "again"); })) {
    check(!cgym::llvm::verify(*again), "a valid module stays valid through bitcode", input);
  }
  return 0;
}

}  // namespace cgym::fuzz
