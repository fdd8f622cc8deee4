#include "backends/llvm/features.h"

#include <array>

#include <llvm/Analysis/CFG.h>
#include <llvm/IR/CFG.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/Module.h>

namespace cgym::llvm {

namespace {

// LLVM 19's opcodes, in Instruction.def order. CompilerGym's InstCount was
// built from LLVM 10's list; LLVM 19 has the same 67 opcodes in the same
// order, which the static_assert below pins down.
constexpr const char* kOpcodeNames[] = {
#define HANDLE_INST(N, OPC, CLASS) #OPC,
#include <llvm/IR/Instruction.def>
};
constexpr int kNumOpcodes = static_cast<int>(std::size(kOpcodeNames));
static_assert(kNumOpcodes == 67, "LLVM's opcode list changed: update InstCount and docs/llvm.md");
static_assert(3 + kNumOpcodes == kInstCountSize);

enum Autophase {
  BBNumArgsHi,
  BBNumArgsLo,
  onePred,
  onePredOneSuc,
  onePredTwoSuc,
  oneSuccessor,
  twoPred,
  twoPredOneSuc,
  twoEach,
  twoSuccessor,
  morePreds,
  BB03Phi,
  BBHiPhi,
  BBNoPhi,
  BeginPhi,
  BranchCount,
  returnInt,
  CriticalCount,
  NumEdges,
  const32Bit,
  const64Bit,
  numConstZeroes,
  numConstOnes,
  UncondBranches,
  binaryConstArg,
  NumAShrInst,
  NumAddInst,
  NumAllocaInst,
  NumAndInst,
  BlockMid,
  BlockLow,
  NumBitCastInst,
  NumBrInst,
  NumCallInst,
  NumGetElementPtrInst,
  NumICmpInst,
  NumLShrInst,
  NumLoadInst,
  NumMulInst,
  NumOrInst,
  NumPHIInst,
  NumRetInst,
  NumSExtInst,
  NumSelectInst,
  NumShlInst,
  NumStoreInst,
  NumSubInst,
  NumTruncInst,
  NumXorInst,
  NumZExtInst,
  TotalBlocks,
  TotalInsts,
  TotalMemInst,
  TotalFuncs,
  ArgsPhi,
  testUnary,
  kAutophaseEnd
};
static_assert(kAutophaseEnd == kAutophaseSize);

constexpr const char* kAutophaseNames[] = {
    "BBNumArgsHi",  "BBNumArgsLo",    "onePred",       "onePredOneSuc",  "onePredTwoSuc",
    "oneSuccessor", "twoPred",        "twoPredOneSuc", "twoEach",        "twoSuccessor",
    "morePreds",    "BB03Phi",        "BBHiPhi",       "BBNoPhi",        "BeginPhi",
    "BranchCount",  "returnInt",      "CriticalCount", "NumEdges",       "const32Bit",
    "const64Bit",   "numConstZeroes", "numConstOnes",  "UncondBranches", "binaryConstArg",
    "NumAShrInst",  "NumAddInst",     "NumAllocaInst", "NumAndInst",     "BlockMid",
    "BlockLow",     "NumBitCastInst", "NumBrInst",     "NumCallInst",    "NumGetElementPtrInst",
    "NumICmpInst",  "NumLShrInst",    "NumLoadInst",   "NumMulInst",     "NumOrInst",
    "NumPHIInst",   "NumRetInst",     "NumSExtInst",   "NumSelectInst",  "NumShlInst",
    "NumStoreInst", "NumSubInst",     "NumTruncInst",  "NumXorInst",     "NumZExtInst",
    "TotalBlocks",  "TotalInsts",     "TotalMemInst",  "TotalFuncs",     "ArgsPhi",
    "testUnary",
};
static_assert(std::size(kAutophaseNames) == kAutophaseSize);

// The Autophase feature that counts an opcode, or -1.
constexpr int autophase_opcode_feature(unsigned opcode) {
  using I = ::llvm::Instruction;
  switch (opcode) {
    case I::AShr:
      return NumAShrInst;
    case I::Add:
      return NumAddInst;
    case I::Alloca:
      return NumAllocaInst;
    case I::And:
      return NumAndInst;
    case I::BitCast:
      return NumBitCastInst;
    case I::Br:
      return NumBrInst;
    case I::Call:
      return NumCallInst;
    case I::GetElementPtr:
      return NumGetElementPtrInst;
    case I::ICmp:
      return NumICmpInst;
    case I::LShr:
      return NumLShrInst;
    case I::Load:
      return NumLoadInst;
    case I::Mul:
      return NumMulInst;
    case I::Or:
      return NumOrInst;
    case I::PHI:
      return NumPHIInst;
    case I::Ret:
      return NumRetInst;
    case I::SExt:
      return NumSExtInst;
    case I::Select:
      return NumSelectInst;
    case I::Shl:
      return NumShlInst;
    case I::Store:
      return NumStoreInst;
    case I::Sub:
      return NumSubInst;
    case I::Trunc:
      return NumTruncInst;
    case I::Xor:
      return NumXorInst;
    case I::ZExt:
      return NumZExtInst;
    default:
      return -1;
  }
}

}  // namespace

std::vector<int64_t> inst_count(const ::llvm::Module& module) {
  std::vector<int64_t> counts(kInstCountSize, 0);
  for (const auto& function : module) {
    if (function.isDeclaration()) continue;
    ++counts[2];
    for (const auto& block : function) {
      ++counts[1];
      for (const auto& inst : block) {
        ++counts[0];
        ++counts[3 + inst.getOpcode() - 1];
      }
    }
  }
  return counts;
}

const std::vector<std::string>& inst_count_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n = {"TotalInsts", "TotalBlocks", "TotalFuncs"};
    for (const char* op : kOpcodeNames) n.emplace_back(op);
    return n;
  }();
  return names;
}

std::vector<int64_t> autophase(const ::llvm::Module& module) {
  using namespace ::llvm;
  std::array<int64_t, kAutophaseSize> f{};
  // Autophase counts every function, declarations included (CompilerGym's
  // extractor visits each function of the module).
  for (const Function& function : module) {
    ++f[TotalFuncs];
    for (const BasicBlock& block : function) {
      ++f[TotalBlocks];
      const Instruction* term = block.getTerminator();
      const unsigned successors = term ? term->getNumSuccessors() : 0;
      for (unsigned i = 0; i < successors; ++i) {
        ++f[NumEdges];
        if (isCriticalEdge(term, i)) ++f[CriticalCount];
      }
      const auto preds = static_cast<unsigned>(pred_size(&block));
      if (successors == 1) ++f[oneSuccessor];
      if (successors == 2) ++f[twoSuccessor];
      if (preds == 1) ++f[onePred];
      if (preds == 2) ++f[twoPred];
      if (preds > 2) ++f[morePreds];
      if (preds == 1 && successors == 1) ++f[onePredOneSuc];
      if (preds == 2 && successors == 1) ++f[twoPredOneSuc];
      if (preds == 1 && successors == 2) ++f[onePredTwoSuc];
      if (preds == 2 && successors == 2) ++f[twoEach];

      int64_t size = 0, phis = 0, phi_args = 0;
      bool first = true;
      for (const Instruction& inst : block) {
        if (const auto* br = dyn_cast<BranchInst>(&inst)) {
          ++f[BranchCount];
          if (br->isUnconditional()) ++f[UncondBranches];
        }
        for (const Use& op : inst.operands()) {
          if (const auto* ci = dyn_cast<ConstantInt>(op.get())) {
            const APInt& v = ci->getValue();
            if (v.getBitWidth() == 32) ++f[const32Bit];
            if (v.getBitWidth() == 64) ++f[const64Bit];
            if (v.isOne()) ++f[numConstOnes];
            if (v.isZero()) ++f[numConstZeroes];
          }
        }
        if (const auto* call = dyn_cast<CallInst>(&inst)) {
          if (const Function* callee = call->getCalledFunction()) {
            if (callee->getReturnType()->isIntegerTy()) ++f[returnInt];
          }
        }
        if (isa<UnaryInstruction>(inst)) ++f[testUnary];
        if (isa<BinaryOperator>(inst) &&
            (isa<Constant>(inst.getOperand(0)) || isa<Constant>(inst.getOperand(1)))) {
          ++f[binaryConstArg];
        }
        if (const auto* phi = dyn_cast<PHINode>(&inst)) {
          if (first) ++f[BeginPhi];
          ++phis;
          phi_args += phi->getNumIncomingValues();
        }
        first = false;
        ++size;
        ++f[TotalInsts];
        const unsigned opcode = inst.getOpcode();
        if (const int feature = autophase_opcode_feature(opcode); feature >= 0) ++f[feature];
        if (opcode == Instruction::GetElementPtr || opcode == Instruction::Load ||
            opcode == Instruction::Store || opcode == Instruction::Call ||
            opcode == Instruction::Invoke || opcode == Instruction::Alloca) {
          ++f[TotalMemInst];
        }
      }
      f[ArgsPhi] += phi_args;
      if (phis == 0) {
        ++f[BBNoPhi];
      } else if (phis <= 3) {
        ++f[BB03Phi];
      } else {
        ++f[BBHiPhi];
      }
      if (phi_args > 5) {
        ++f[BBNumArgsHi];
      } else if (phi_args >= 1) {
        ++f[BBNumArgsLo];
      }
      if (size < 15) {
        ++f[BlockLow];
      } else if (size <= 500) {
        ++f[BlockMid];
      }
    }
  }
  return std::vector<int64_t>(f.begin(), f.end());
}

const std::vector<std::string>& autophase_names() {
  static const std::vector<std::string> names(std::begin(kAutophaseNames),
                                              std::end(kAutophaseNames));
  return names;
}

}  // namespace cgym::llvm
