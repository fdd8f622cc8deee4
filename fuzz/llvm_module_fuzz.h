// The body of fuzz_llvm_ir and fuzz_llvm_bitcode: an LLVM program as the LLVM
// env loads it (cgym::llvm::parse_module, then the verifier), from file://
// benchmarks and directory datasets. Property: a module that parses and
// verifies can be written as bitcode that parses and verifies again.
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

#include "fuzz_util.h"
#include "llvm/llvm_util.h"

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
  auto context2 = cgym::llvm::make_context();
  std::unique_ptr<::llvm::Module> again;
  if (!accepts(input, [&] { again = cgym::llvm::parse_module(*context2, bitcode, "again"); })) {
    fail("the bitcode of a valid module does not parse", input);
  }
  check(!cgym::llvm::verify(*again), "a valid module stays valid through bitcode", input);
  return 0;
}

}  // namespace cgym::fuzz
