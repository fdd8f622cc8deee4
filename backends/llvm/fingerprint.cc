#include "backends/llvm/fingerprint.h"

#include <llvm/IR/Constants.h>
#include <llvm/IR/DebugInfoMetadata.h>
#include <llvm/IR/DebugProgramInstruction.h>
#include <llvm/IR/InlineAsm.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/Operator.h>
#include <llvm/IR/ValueSymbolTable.h>
#include <llvm/Support/xxhash.h>

namespace cgym::llvm {

namespace {

class Fingerprinter {
 public:
  // Everything but the bodies of functions: module properties, globals,
  // function headers (also of declarations), aliases, named metadata.
  uint64_t module_level(const ::llvm::Module& m) {
    h_ = kSeed;
    mix_str(m.getSourceFileName());
    mix_str(m.getTargetTriple());
    mix_str(m.getDataLayoutStr());
    mix_str(m.getModuleInlineAsm());
    for (const auto& entry : m.getComdatSymbolTable()) {
      mix_str(entry.getKey());
      mix(static_cast<uint64_t>(entry.getValue().getSelectionKind()));
    }
    for (const auto& gv : m.globals()) {
      mix(1);
      global_value(gv);
      mix(gv.isConstant());
      mix(gv.isExternallyInitialized());
      mix(gv.getCodeModelRaw());
      if (gv.hasInitializer()) mix(constant(gv.getInitializer()));
      if (gv.hasAttributes()) mix_str(gv.getAttributes().getAsString());
      global_object(gv);
    }
    for (const auto& f : m) {
      mix(2);
      function_header(f);
    }
    for (const auto& a : m.aliases()) {
      mix(3);
      global_value(a);
      if (a.getAliasee()) mix(constant(a.getAliasee()));
    }
    for (const auto& i : m.ifuncs()) {
      mix(4);
      global_value(i);
      if (i.getResolver()) mix(constant(i.getResolver()));
    }
    for (const auto& nmd : m.named_metadata()) {
      mix(5);
      mix_str(nmd.getName());
      for (const ::llvm::MDNode* op : nmd.operands()) mix(ptr(op));
    }
    return h_;
  }

  // A function's arguments, blocks and instructions.
  uint64_t body(const ::llvm::Function& f) {
    h_ = kSeed;
    for (const auto& arg : f.args()) {
      mix(ptr(&arg));
      if (arg.hasName()) mix_str(arg.getName());
    }
    for (const auto& bb : f) {
      mix(ptr(&bb));
      if (bb.hasName()) mix_str(bb.getName());
      for (const auto& inst : bb) instruction(inst);
    }
    return h_;
  }

 private:
  static uint64_t ptr(const void* p) { return reinterpret_cast<uintptr_t>(p); }
  static uint64_t combine(uint64_t a, uint64_t b) {
    uint64_t x = (a ^ (b + 0x9E3779B97F4A7C15ull + (a << 6) + (a >> 2))) * 0xBF58476D1CE4E5B9ull;
    return x ^ (x >> 31);
  }
  void mix(uint64_t v) { h_ = combine(h_, v); }
  void mix_str(::llvm::StringRef s) { mix(::llvm::xxh3_64bits(s)); }

  void global_value(const ::llvm::GlobalValue& gv) {
    if (gv.hasName()) {
      mix_str(gv.getName());
    } else {
      mix(ptr(&gv));
    }
    mix(gv.getLinkage());
    mix(gv.getVisibility());
    mix(gv.getDLLStorageClass());
    mix(gv.getThreadLocalMode());
    mix(static_cast<uint64_t>(gv.getUnnamedAddr()));
    mix(gv.isDSOLocal());
    mix(ptr(gv.getValueType()));
    mix(gv.getAddressSpace());
    if (gv.hasPartition()) mix_str(gv.getPartition());
    if (gv.hasSanitizerMetadata()) {
      const auto& s = gv.getSanitizerMetadata();
      mix(s.NoAddress | (s.NoHWAddress << 1) | (s.Memtag << 2) | (s.IsDynInit << 3));
    }
  }

  void global_object(const ::llvm::GlobalObject& go) {
    if (auto a = go.getAlign()) mix(a->value());
    if (go.hasSection()) mix_str(go.getSection());
    if (const auto* c = go.getComdat()) mix_str(c->getName());
    if (go.hasMetadata()) {
      metadata_.clear();
      go.getAllMetadata(metadata_);
      for (const auto& [kind, node] : metadata_) mix(combine(kind, ptr(node)));
    }
  }

  void function_header(const ::llvm::Function& f) {
    global_value(f);
    global_object(f);
    mix(f.getCallingConv());
    mix(ptr(f.getAttributes().getRawPointer()));
    mix(f.isDeclaration());
    if (f.hasGC()) mix_str(f.getGC());
    if (f.hasPersonalityFn()) mix(constant(f.getPersonalityFn()));
    if (f.hasPrefixData()) mix(constant(f.getPrefixData()));
    if (f.hasPrologueData()) mix(constant(f.getPrologueData()));
  }

  void instruction(const ::llvm::Instruction& i) {
    using namespace ::llvm;
    mix(combine(ptr(&i), i.getOpcode()));
    mix(ptr(i.getType()));
    mix(i.getRawSubclassOptionalData());
    if (i.hasName()) mix_str(i.getName());
    for (const Use& op : i.operands()) mix(operand(op.get()));
    switch (i.getOpcode()) {
      case Instruction::Alloca: {
        const auto& a = cast<AllocaInst>(i);
        mix(ptr(a.getAllocatedType()));
        mix(a.getAlign().value() | (uint64_t{a.isUsedWithInAlloca()} << 40) |
            (uint64_t{a.isSwiftError()} << 41));
        break;
      }
      case Instruction::Load: {
        const auto& l = cast<LoadInst>(i);
        mix(l.getAlign().value() | (uint64_t{l.isVolatile()} << 40) |
            (static_cast<uint64_t>(l.getOrdering()) << 44) | (uint64_t{l.getSyncScopeID()} << 48));
        break;
      }
      case Instruction::Store: {
        const auto& s = cast<StoreInst>(i);
        mix(s.getAlign().value() | (uint64_t{s.isVolatile()} << 40) |
            (static_cast<uint64_t>(s.getOrdering()) << 44) | (uint64_t{s.getSyncScopeID()} << 48));
        break;
      }
      case Instruction::Fence: {
        const auto& f = cast<FenceInst>(i);
        mix(static_cast<uint64_t>(f.getOrdering()) | (uint64_t{f.getSyncScopeID()} << 8));
        break;
      }
      case Instruction::AtomicCmpXchg: {
        const auto& c = cast<AtomicCmpXchgInst>(i);
        mix(c.getAlign().value() | (uint64_t{c.isVolatile()} << 40) | (uint64_t{c.isWeak()} << 41) |
            (static_cast<uint64_t>(c.getSuccessOrdering()) << 44) |
            (static_cast<uint64_t>(c.getFailureOrdering()) << 48) |
            (uint64_t{c.getSyncScopeID()} << 52));
        break;
      }
      case Instruction::AtomicRMW: {
        const auto& r = cast<AtomicRMWInst>(i);
        mix(r.getAlign().value() | (uint64_t{r.isVolatile()} << 40) |
            (static_cast<uint64_t>(r.getOrdering()) << 44) |
            (static_cast<uint64_t>(r.getOperation()) << 48) | (uint64_t{r.getSyncScopeID()} << 56));
        break;
      }
      case Instruction::ICmp:
      case Instruction::FCmp:
        mix(cast<CmpInst>(i).getPredicate());
        break;
      case Instruction::GetElementPtr:
        mix(ptr(cast<GetElementPtrInst>(i).getSourceElementType()));
        break;
      case Instruction::ShuffleVector:
        for (int m : cast<ShuffleVectorInst>(i).getShuffleMask()) mix(static_cast<uint64_t>(m));
        break;
      case Instruction::ExtractValue:
        for (unsigned idx : cast<ExtractValueInst>(i).indices()) mix(idx);
        break;
      case Instruction::InsertValue:
        for (unsigned idx : cast<InsertValueInst>(i).indices()) mix(idx);
        break;
      case Instruction::PHI:
        for (const BasicBlock* bb : cast<PHINode>(i).blocks()) mix(ptr(bb));
        break;
      case Instruction::LandingPad:
        mix(cast<LandingPadInst>(i).isCleanup());
        break;
      default:
        break;
    }
    if (const auto* call = dyn_cast<CallBase>(&i)) {
      mix(call->getCallingConv());
      mix(ptr(call->getAttributes().getRawPointer()));
      mix(ptr(call->getFunctionType()));
      if (const auto* ci = dyn_cast<CallInst>(call)) mix(ci->getTailCallKind());
      for (unsigned b = 0, n = call->getNumOperandBundles(); b < n; ++b) {
        const auto bundle = call->getOperandBundleAt(b);
        mix(combine(bundle.getTagID(), bundle.Inputs.size()));
      }
    }
    if (i.hasMetadata()) {
      metadata_.clear();
      i.getAllMetadata(metadata_);
      for (const auto& [kind, node] : metadata_) mix(combine(kind, ptr(node)));
    }
    for (const DbgRecord& r : i.getDbgRecordRange()) {
      mix(ptr(r.getDebugLoc().getAsMDNode()));
      if (const auto* v = dyn_cast<DbgVariableRecord>(&r)) {
        mix(static_cast<uint64_t>(v->getType()));
        mix(metadata(v->getRawLocation()));
        mix(ptr(v->getRawVariable()));
        mix(ptr(v->getRawExpression()));
        if (v->isDbgAssign()) {
          mix(metadata(v->getRawAddress()));
          mix(ptr(v->getRawAddressExpression()));
          mix(ptr(v->getRawAssignID()));
        }
      } else if (const auto* l = dyn_cast<DbgLabelRecord>(&r)) {
        mix(ptr(l->getLabel()));
      }
    }
  }

  uint64_t metadata(const ::llvm::Metadata* md) {
    using namespace ::llvm;
    if (!md) return 0;
    if (const auto* s = dyn_cast<MDString>(md)) return xxh3_64bits(s->getString());
    if (const auto* c = dyn_cast<ConstantAsMetadata>(md))
      return combine(7, constant(c->getValue()));
    if (const auto* l = dyn_cast<LocalAsMetadata>(md)) return combine(8, ptr(l->getValue()));
    if (const auto* list = dyn_cast<DIArgList>(md)) {
      uint64_t h = 9;
      for (const auto* arg : list->getArgs()) h = combine(h, metadata(arg));
      return h;
    }
    return ptr(md);
  }

  uint64_t operand(const ::llvm::Value* v) {
    using namespace ::llvm;
    if (!v) return 0;
    if (const auto* c = dyn_cast<Constant>(v)) return constant(c);
    if (const auto* mav = dyn_cast<MetadataAsValue>(v)) return metadata(mav->getMetadata());
    if (const auto* ia = dyn_cast<InlineAsm>(v)) {
      uint64_t h = combine(xxh3_64bits(ia->getAsmString()), xxh3_64bits(ia->getConstraintString()));
      h = combine(h, ptr(ia->getFunctionType()));
      return combine(h, ia->hasSideEffects() | (ia->isAlignStack() << 1) | (ia->getDialect() << 2) |
                            (ia->canThrow() << 4));
    }
    return ptr(v);  // instructions, arguments, blocks: identity
  }

  uint64_t constant(const ::llvm::Constant* c) {
    using namespace ::llvm;
    if (const auto* ci = dyn_cast<ConstantInt>(c)) {
      return combine(combine(10, ptr(ci->getType())), hash_value(ci->getValue()));
    }
    if (const auto* gv = dyn_cast<GlobalValue>(c)) {
      return gv->hasName() ? combine(11, xxh3_64bits(gv->getName())) : ptr(gv);
    }
    if (c->getNumOperands() == 0 && !isa<ConstantFP>(c) && !isa<ConstantDataSequential>(c) &&
        !isa<BlockAddress>(c)) {
      // null, undef, poison, zeroinitializer, none: the kind and the type.
      return combine(c->getValueID(), ptr(c->getType()));
    }
    if (auto it = memo_.find(c); it != memo_.end()) return it->second;
    uint64_t h = combine(c->getValueID(), ptr(c->getType()));
    if (const auto* fp = dyn_cast<ConstantFP>(c)) {
      h = combine(h, hash_value(fp->getValueAPF().bitcastToAPInt()));
    } else if (const auto* ds = dyn_cast<ConstantDataSequential>(c)) {
      h = combine(h, xxh3_64bits(ds->getRawDataValues()));
    } else if (const auto* ba = dyn_cast<BlockAddress>(c)) {
      h = combine(h, constant(ba->getFunction()));
      h = combine(h, ptr(ba->getBasicBlock()));
    } else {
      if (const auto* ce = dyn_cast<ConstantExpr>(c)) {
        h = combine(h, ce->getOpcode());
        h = combine(h, ce->getRawSubclassOptionalData());
        if (const auto* gep = dyn_cast<GEPOperator>(ce)) {
          h = combine(h, ptr(gep->getSourceElementType()));
          if (auto range = gep->getInRange()) {
            h = combine(h, hash_value(range->getLower()));
            h = combine(h, hash_value(range->getUpper()));
          }
        }
      }
      for (const Use& op : c->operands()) h = combine(h, operand(op.get()));
    }
    memo_.try_emplace(c, h);
    return h;
  }

  static constexpr uint64_t kSeed = 0x243F6A8885A308D3ull;
  uint64_t h_ = kSeed;
  ::llvm::DenseMap<const ::llvm::Constant*, uint64_t> memo_;
  ::llvm::SmallVector<std::pair<unsigned, ::llvm::MDNode*>, 8> metadata_;
};

}  // namespace

uint64_t module_fingerprint(const ::llvm::Module& module) {
  return ModuleFingerprint().compute(module);
}

uint64_t ModuleFingerprint::combine_all(const ::llvm::Module& module) const {
  uint64_t h = module_level_;
  for (const auto& f : module) {
    auto it = bodies_.find(&f);
    h = (h ^ (it == bodies_.end() ? 0 : it->second)) * 0x9E3779B97F4A7C15ull;
    h ^= h >> 29;
  }
  return h;
}

uint64_t ModuleFingerprint::compute(const ::llvm::Module& module) {
  Fingerprinter fp;
  const uint64_t level = fp.module_level(module);
  module_level_changed_ = level != module_level_;
  module_level_ = level;
  bodies_.clear();
  for (const auto& f : module) {
    if (!f.isDeclaration()) bodies_[&f] = fp.body(f);
  }
  return combine_all(module);
}

uint64_t ModuleFingerprint::update(
    const ::llvm::Module& module, const ::llvm::SmallPtrSetImpl<const ::llvm::Function*>& changed) {
  Fingerprinter fp;
  const uint64_t level = fp.module_level(module);
  module_level_changed_ = level != module_level_;
  module_level_ = level;
  for (const auto& f : module) {
    if (f.isDeclaration()) continue;
    auto [it, inserted] = bodies_.try_emplace(&f, 0);
    if (inserted || changed.count(&f)) it->second = fp.body(f);
  }
  return combine_all(module);
}

}  // namespace cgym::llvm
