// The change fingerprint of an LLVM module: a hash of everything the IR
// printer shows, computed whole or kept up to date per changed function.
// Private to backends/llvm (and its tests and benchmarks).
#pragma once

#include <cstdint>

#include <llvm/ADT/DenseMap.h>
#include <llvm/ADT/SmallPtrSet.h>
#include <llvm/IR/Module.h>

namespace cgym::llvm {

/// A 64-bit fingerprint of everything the IR printer shows (globals,
/// attributes, instructions, flags, operands, names, metadata attachments).
/// Two states of one module in one context get the same fingerprint exactly
/// when they print the same IR (up to 64-bit collisions).
uint64_t module_fingerprint(const ::llvm::Module& module);

/// The same fingerprint, kept up to date incrementally: the bodies of
/// functions a pass did not change are not hashed again. Tied to one module
/// (it remembers functions by address); not thread-safe.
class ModuleFingerprint {
 public:
  /// Hashes everything.
  uint64_t compute(const ::llvm::Module& module);
  /// Hashes the module-level part (globals, every function's header,
  /// aliases, named metadata) and the bodies of `changed` functions and of
  /// functions not seen before; reuses the other bodies. Only valid when
  /// nothing but those bodies and the module-level part can have changed
  /// since the last compute() or update().
  uint64_t update(const ::llvm::Module& module,
                  const ::llvm::SmallPtrSetImpl<const ::llvm::Function*>& changed);
  /// Whether the last compute() or update() found the module-level part
  /// different from the one before.
  bool module_level_changed() const { return module_level_changed_; }

 private:
  uint64_t combine_all(const ::llvm::Module& module) const;
  ::llvm::DenseMap<const ::llvm::Function*, uint64_t> bodies_;
  uint64_t module_level_ = 0;
  bool module_level_changed_ = true;
};

}  // namespace cgym::llvm
