// Feature vectors of an LLVM module: InstCount (70 counts) and Autophase (56
// features), in CompilerGym's order. Pure functions of the module; safe to
// call from any thread that owns the module's context.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace llvm {
class Module;
}

namespace cgym::llvm {

inline constexpr int kInstCountSize = 70;
inline constexpr int kAutophaseSize = 56;

/// TotalInsts, TotalBlocks, TotalFuncs (functions with a body), then one
/// count per opcode in LLVM 19's Instruction.def order (Ret ... Freeze).
std::vector<int64_t> inst_count(const ::llvm::Module& module);
/// "TotalInsts", "TotalBlocks", "TotalFuncs", "Ret", ... (70 names).
const std::vector<std::string>& inst_count_names();

/// The 56 Autophase features (Huang et al., 2019) as CompilerGym computes
/// them; see docs/llvm.md for each definition.
std::vector<int64_t> autophase(const ::llvm::Module& module);
/// "BBNumArgsHi", "BBNumArgsLo", ... (56 names).
const std::vector<std::string>& autophase_names();

}  // namespace cgym::llvm
