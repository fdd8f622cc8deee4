// In-memory code generation of an LLVM module to an object file, as
// llc-19 does, and reading the code size of an object. Private to
// backends/llvm.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <llvm/IR/Module.h>
#include <llvm/Target/TargetMachine.h>

namespace cgym::llvm {

/// The host's default triple ("x86_64-pc-linux-gnu").
std::string host_triple();

/// Code generation of a module to an in-memory object file, as llc-19
/// -filetype=obj -relocation-model=pic does: the module's triple (the host's
/// when it has none), the default CPU, CodeGenOptLevel::Default. Returns the
/// object file. Modifies the module (codegen runs IR passes), so give it a
/// copy. May crash: call inside run_safely(). Throws SessionError when the
/// target is unknown or cannot emit objects. One CodeGenerator per thread or
/// per session: not thread-safe.
class CodeGenerator {
 public:
  CodeGenerator();
  ~CodeGenerator();
  std::string emit_object(::llvm::Module& module);
  void forget_target_machine();

 private:
  std::string triple_;
  std::unique_ptr<::llvm::TargetMachine> tm_;
};

/// The total size of the code sections named .text or .text.* of an object
/// or executable file in memory. Throws SessionError when it cannot be read.
int64_t text_section_size(std::string_view object_file, bool only_dot_text = false);

}  // namespace cgym::llvm
