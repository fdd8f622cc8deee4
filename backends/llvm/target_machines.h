// The process-wide pool of LLVM target machines that PassRunner and
// CodeGenerator borrow from. Target machines are expensive to warm up (each
// builds per-CPU subtargets lazily), so they are reused; a machine is used
// by one session at a time. Thread-safe. Private to backends/llvm.
#pragma once

#include <memory>
#include <string>

#include <llvm/Target/TargetMachine.h>

namespace cgym::llvm {

/// What a target machine is for: running passes (configured as opt-19's) or
/// code generation (as llc-19's, PIC).
enum class TmKind { kPasses, kCodegen };

/// A target machine for `triple` from the pool, or a new one; nullptr when
/// LLVM has no target for the triple.
std::unique_ptr<::llvm::TargetMachine> acquire_tm(const std::string& triple, TmKind kind);
/// Gives a machine back to the pool (up to 64 per triple and kind are kept).
/// Null is ignored.
void release_tm(const std::string& triple, TmKind kind, std::unique_ptr<::llvm::TargetMachine> tm);

}  // namespace cgym::llvm
