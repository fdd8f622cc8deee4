#include "backends/llvm/llvm_util.h"

#include <csignal>
#include <cstring>
#include <map>
#include <mutex>
#include <vector>

#include <llvm/ADT/DenseMap.h>
#include <llvm/Analysis/LoopInfo.h>
#include <llvm/Analysis/TargetLibraryInfo.h>
#include <llvm/Bitcode/BitcodeReader.h>
#include <llvm/Bitcode/BitcodeWriter.h>
#include <llvm/Config/llvm-config.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/DebugProgramInstruction.h>
#include <llvm/IR/DiagnosticInfo.h>
#include <llvm/IR/DiagnosticPrinter.h>
#include <llvm/IR/InlineAsm.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Operator.h>
#include <llvm/IR/ValueSymbolTable.h>
#include <llvm/IR/Verifier.h>
#include <llvm/IRReader/IRReader.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Object/ObjectFile.h>
#include <llvm/Support/CrashRecoveryContext.h>
#include <llvm/Support/ErrorHandling.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/SourceMgr.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Support/xxhash.h>
#include <llvm/Target/TargetOptions.h>
#include <llvm/TargetParser/Host.h>
#include <llvm/TargetParser/Triple.h>

#include "cgym/errors.h"
#include "internal/leak.h"

namespace cgym::llvm {

namespace {

// The reason of the last fatal error on this thread, for run_safely().
thread_local std::string t_fatal_error;

void fatal_error_handler(void* /*user_data*/, const char* reason, bool /*gen_crash_diag*/) {
  t_fatal_error = reason ? reason : "(no reason given)";
  if (auto* crc = ::llvm::CrashRecoveryContext::GetCurrent()) {
    // Jumps back out of RunSafely(); never returns.
    crc->HandleExit(1);
  }
  // Outside a recovery context LLVM goes on to print and exit, as it would
  // without cgym.
}

// Collects error diagnostics rather than letting LLVM's default handler
// print them and exit the process; warnings and remarks are dropped.
class CollectingDiagnosticHandler final : public ::llvm::DiagnosticHandler {
 public:
  bool handleDiagnostics(const ::llvm::DiagnosticInfo& info) override {
    if (info.getSeverity() == ::llvm::DS_Error) {
      ::llvm::raw_string_ostream os(errors);
      ::llvm::DiagnosticPrinterRawOStream printer(os);
      info.print(printer);
      os << "\n";
    }
    return true;
  }
  std::string errors;
};

// Target machines are expensive to warm up (each builds per-CPU subtargets
// lazily), so sessions borrow them from a process-wide pool. A machine is
// used by one session at a time.
struct TargetMachinePool {
  std::mutex mu;
  std::map<std::string, std::vector<std::unique_ptr<::llvm::TargetMachine>>> free;
};

TargetMachinePool& tm_pool() {
  static auto* pool = new TargetMachinePool;  // leaked: outlives every session
  return *pool;
}

enum class TmKind { kPasses, kCodegen };

std::unique_ptr<::llvm::TargetMachine> acquire_tm(const std::string& triple, TmKind kind) {
  const std::string key = triple + (kind == TmKind::kPasses ? "|passes" : "|codegen");
  {
    auto& pool = tm_pool();
    std::lock_guard<std::mutex> lock(pool.mu);
    auto& list = pool.free[key];
    if (!list.empty()) {
      auto tm = std::move(list.back());
      list.pop_back();
      return tm;
    }
  }
  std::string error;
  const ::llvm::Target* target = ::llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target) return nullptr;
  ::llvm::TargetOptions options;
  if (kind == TmKind::kPasses) {
    // As opt-19 builds its target machine: no explicit relocation or code
    // model, codegen level None (opt's default -codegen-opt-level).
    return std::unique_ptr<::llvm::TargetMachine>(target->createTargetMachine(
        triple, "", "", options, std::nullopt, std::nullopt, ::llvm::CodeGenOptLevel::None));
  }
  return std::unique_ptr<::llvm::TargetMachine>(
      target->createTargetMachine(triple, "", "", options, ::llvm::Reloc::PIC_, std::nullopt,
                                  ::llvm::CodeGenOptLevel::Default));
}

void release_tm(const std::string& triple, TmKind kind, std::unique_ptr<::llvm::TargetMachine> tm) {
  if (!tm) return;
  const std::string key = triple + (kind == TmKind::kPasses ? "|passes" : "|codegen");
  auto& pool = tm_pool();
  std::lock_guard<std::mutex> lock(pool.mu);
  auto& list = pool.free[key];
  if (list.size() < 64) list.push_back(std::move(tm));
}

// ---- name counters ---------------------------------------------------------

// ValueSymbolTable::LastUnique is private and has no accessor. An explicit
// template instantiation may name a private member (the access check does
// not apply there), which gives a member pointer to it without relying on
// the class layout. Pinned to LLVM 19's member name: a later LLVM that
// renames it fails to compile here rather than misbehaving.
using SymbolTable = ::llvm::ValueSymbolTable;
using LastUniqueMember = uint32_t SymbolTable::*;
struct LastUniqueTag {
  friend LastUniqueMember last_unique_member(LastUniqueTag);
};
template <LastUniqueMember M>
struct LastUniqueAccess {
  friend LastUniqueMember last_unique_member(LastUniqueTag) { return M; }
};
template struct LastUniqueAccess<&::llvm::ValueSymbolTable::LastUnique>;

// ---- fingerprint ------------------------------------------------------------

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

void initialize() {
  static std::once_flag once;
  std::call_once(once, [] {
    ::llvm::InitializeAllTargetInfos();
    ::llvm::InitializeAllTargets();
    ::llvm::InitializeAllTargetMCs();
    ::llvm::InitializeAllAsmPrinters();
    ::llvm::InitializeAllAsmParsers();
    ::llvm::CrashRecoveryContext::Enable();
    ::llvm::install_fatal_error_handler(fatal_error_handler, nullptr);
  });
}

std::string llvm_version() { return LLVM_VERSION_STRING; }

std::optional<std::string> run_safely(const std::function<void()>& fn) {
  t_fatal_error.clear();
  ::llvm::CrashRecoveryContext crc;
  if (crc.RunSafely(fn)) return std::nullopt;
  if (!t_fatal_error.empty()) {
    std::string reason = "LLVM fatal error: " + t_fatal_error;
    t_fatal_error.clear();
    return reason;
  }
  const int code = crc.RetCode;
  if (code > 128) {
    const int sig = code - 128;
    const char* name = strsignal(sig);
    return "crashed with signal " + std::to_string(sig) + " (" + (name ? name : "?") + ")";
  }
  return "crashed (exit code " + std::to_string(code) + ")";
}

std::unique_ptr<::llvm::LLVMContext> make_context() {
  auto ctx = std::make_unique<::llvm::LLVMContext>();
  ctx->setDiagnosticHandler(std::make_unique<CollectingDiagnosticHandler>());
  return ctx;
}

std::string take_context_errors(::llvm::LLVMContext& context) {
  // The handler is ours (make_context) and mutable; LLVM only hands out a
  // const pointer to it.
  auto* handler = const_cast<CollectingDiagnosticHandler*>(
      dynamic_cast<const CollectingDiagnosticHandler*>(context.getDiagHandlerPtr()));
  if (!handler) return {};
  std::string out;
  out.swap(handler->errors);
  return out;
}

std::unique_ptr<::llvm::Module> parse_module(::llvm::LLVMContext& context, std::string_view data,
                                             const std::string& name) {
  ::llvm::MemoryBufferRef buffer(::llvm::StringRef(data.data(), data.size()), name);
  if (data.size() >= 4 &&
      ::llvm::isBitcode(reinterpret_cast<const unsigned char*>(data.data()),
                        reinterpret_cast<const unsigned char*>(data.data()) + data.size())) {
    auto module = ::llvm::parseBitcodeFile(buffer, context);
    if (!module) {
      throw BenchmarkInitError("cannot parse the bitcode of '" + name +
                               "': " + ::llvm::toString(module.takeError()));
    }
    return std::move(*module);
  }
  // LLVM's IR lexer reads until a NUL byte and needs one after the text; a
  // string_view need not have one (the fuzzer found this: a read past the
  // end). Parse a NUL-terminated copy.
  auto text =
      ::llvm::MemoryBuffer::getMemBufferCopy(::llvm::StringRef(data.data(), data.size()), name);
  ::llvm::SMDiagnostic diagnostic;
  auto module = ::llvm::parseIR(text->getMemBufferRef(), diagnostic, context);
  if (!module) {
    std::string message;
    ::llvm::raw_string_ostream os(message);
    diagnostic.print(name.c_str(), os, /*ShowColors=*/false);
    throw BenchmarkInitError("cannot parse '" + name + "' as LLVM bitcode or IR: " + message);
  }
  return module;
}

std::unique_ptr<::llvm::Module> parse_benchmark(::llvm::LLVMContext& context,
                                                const Benchmark& benchmark) {
  if (benchmark.format() != ProgramFormat::kLlvmBitcode &&
      benchmark.format() != ProgramFormat::kLlvmIr) {
    throw BenchmarkInitError("benchmark '" + benchmark.uri() + "' holds " +
                             to_string(benchmark.format()) +
                             ", but the LLVM env needs LLVM bitcode or IR");
  }
  if (benchmark.program().empty()) {
    throw BenchmarkInitError("benchmark '" + benchmark.uri() + "' has an empty program");
  }
  return parse_module(context, benchmark.program(), benchmark.uri());
}

std::optional<std::string> verify(const ::llvm::Module& module) {
  std::string message;
  ::llvm::raw_string_ostream os(message);
  if (!::llvm::verifyModule(module, &os)) return std::nullopt;
  os.flush();
  if (message.size() > 4000) message = message.substr(0, 4000) + "\n...";
  return message.empty() ? std::string("the module is invalid") : message;
}

std::optional<std::string> verify(const ::llvm::Function& function) {
  std::string message;
  ::llvm::raw_string_ostream os(message);
  if (!::llvm::verifyFunction(function, &os)) return std::nullopt;
  os.flush();
  if (message.size() > 4000) message = message.substr(0, 4000) + "\n...";
  return message.empty() ? "function " + function.getName().str() + " is invalid" : message;
}

std::string write_bitcode(const ::llvm::Module& module) {
  std::string out;
  ::llvm::raw_string_ostream os(out);
  ::llvm::WriteBitcodeToFile(module, os, /*ShouldPreserveUseListOrder=*/true);
  os.flush();
  return out;
}

std::string print_module(const ::llvm::Module& module) {
  std::string out;
  ::llvm::raw_string_ostream os(out);
  module.print(os, nullptr);
  os.flush();
  return out;
}

int64_t instruction_count(const ::llvm::Module& module) {
  return static_cast<int64_t>(module.getInstructionCount());
}

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

namespace {

std::optional<std::vector<ModuleExtras::Attr>> capture_set(const ::llvm::AttributeSet& set) {
  std::vector<ModuleExtras::Attr> out;
  for (const ::llvm::Attribute& a : set) {
    ModuleExtras::Attr p;
    if (a.isStringAttribute()) {
      p.kind = ::llvm::Attribute::None;
      p.key = a.getKindAsString().str();
      p.value = a.getValueAsString().str();
    } else if (a.isEnumAttribute()) {
      p.kind = a.getKindAsEnum();
    } else if (a.isIntAttribute()) {
      p.kind = a.getKindAsEnum();
      p.is_int = true;
      p.int_value = a.getValueAsInt();
    } else if (a.isConstantRangeAttribute()) {
      p.kind = a.getKindAsEnum();
      p.is_range = true;
      const auto& range = a.getValueAsConstantRange();
      p.range_bits = range.getBitWidth();
      p.range_lower.assign(range.getLower().getRawData(),
                           range.getLower().getRawData() + range.getLower().getNumWords());
      p.range_upper.assign(range.getUpper().getRawData(),
                           range.getUpper().getRawData() + range.getUpper().getNumWords());
    } else {
      return std::nullopt;  // type or range-list attributes: not carried over
    }
    out.push_back(std::move(p));
  }
  return out;
}

::llvm::AttributeSet rebuild_set(::llvm::LLVMContext& ctx,
                                 const std::vector<ModuleExtras::Attr>& attrs) {
  ::llvm::AttrBuilder b(ctx);
  for (const auto& a : attrs) {
    const auto kind = static_cast<::llvm::Attribute::AttrKind>(a.kind);
    if (kind == ::llvm::Attribute::None) {
      b.addAttribute(a.key, a.value);
    } else if (a.is_int) {
      b.addRawIntAttr(kind, a.int_value);
    } else if (a.is_range) {
      b.addConstantRangeAttr(kind,
                             ::llvm::ConstantRange(::llvm::APInt(a.range_bits, a.range_lower),
                                                   ::llvm::APInt(a.range_bits, a.range_upper)));
    } else {
      b.addAttribute(kind);
    }
  }
  return ::llvm::AttributeSet::get(ctx, b);
}

}  // namespace

ModuleExtras capture_extras(const ::llvm::Module& module) {
  const LastUniqueMember member = last_unique_member(LastUniqueTag{});
  ModuleExtras out;
  out.name_counters.reserve(module.size() + 1);
  out.name_counters.push_back(module.getValueSymbolTable().*member);
  for (const auto& f : module) {
    const auto* table = f.getValueSymbolTable();
    out.name_counters.push_back(table ? table->*member : 0);
    if (!f.isIntrinsic()) continue;
    const ::llvm::AttributeList attrs = f.getAttributes();
    if (attrs == ::llvm::Intrinsic::getAttributes(f.getContext(), f.getIntrinsicID())) continue;
    ModuleExtras::FunctionAttrs fa;
    fa.function = f.getName().str();
    fa.sets.push_back(capture_set(attrs.getFnAttrs()));
    fa.sets.push_back(capture_set(attrs.getRetAttrs()));
    for (unsigned i = 0; i < f.arg_size(); ++i)
      fa.sets.push_back(capture_set(attrs.getParamAttrs(i)));
    out.intrinsic_attributes.push_back(std::move(fa));
  }
  return out;
}

void apply_extras(::llvm::Module& module, const ModuleExtras& extras) {
  const LastUniqueMember member = last_unique_member(LastUniqueTag{});
  if (extras.name_counters.size() == module.size() + 1) {
    module.getValueSymbolTable().*member = extras.name_counters[0];
    size_t i = 1;
    for (auto& f : module) {
      if (auto* table = f.getValueSymbolTable()) table->*member = extras.name_counters[i];
      ++i;
    }
  }
  auto& ctx = module.getContext();
  for (const auto& fa : extras.intrinsic_attributes) {
    ::llvm::Function* f = module.getFunction(fa.function);
    if (!f || fa.sets.size() != f->arg_size() + 2) continue;
    const ::llvm::AttributeList parsed = f->getAttributes();
    auto set = [&](size_t i, ::llvm::AttributeSet current) {
      return fa.sets[i] ? rebuild_set(ctx, *fa.sets[i]) : current;
    };
    std::vector<::llvm::AttributeSet> params;
    for (unsigned i = 0; i < f->arg_size(); ++i)
      params.push_back(set(2 + i, parsed.getParamAttrs(i)));
    f->setAttributes(::llvm::AttributeList::get(ctx, set(0, parsed.getFnAttrs()),
                                                set(1, parsed.getRetAttrs()), params));
  }
}

// ---- PassRunner ---------------------------------------------------------------

PassRunner::PassRunner() {
  optnone_.registerCallbacks(pic_);
  // Which functions each pass reported changed. A function adaptor reports
  // every function it changed; loop passes are reported again by their
  // function's adaptor; anything at module or call-graph level (a module
  // pass, a CGSCC adaptor) may have touched any function.
  pic_.registerAfterPassCallback(
      [this](::llvm::StringRef pass, ::llvm::Any ir, const ::llvm::PreservedAnalyses& pa) {
        if (!log_ || pa.areAllPreserved()) return;
        if (const auto* f = ::llvm::any_cast<const ::llvm::Function*>(&ir)) {
          log_->functions.insert(*f);
        } else if (::llvm::any_cast<const ::llvm::Loop*>(&ir)) {
          // Reported again, at function level, by the enclosing adaptor.
        } else if (::llvm::any_cast<const ::llvm::Module*>(&ir) &&
                   pass == "ModuleToFunctionPassAdaptor") {
          // Its functions were reported one by one.
        } else {
          log_->whole_module = true;
        }
      });
}

PassRunner::~PassRunner() {
  drop_managers();
  release_tm(triple_, TmKind::kPasses, std::move(tm_));
}

void PassRunner::drop_managers() {
  // The module manager first: its proxies' results clear the inner managers.
  mam_.reset();
  cgam_.reset();
  fam_.reset();
  lam_.reset();
  pb_.reset();
  module_ = nullptr;
}

void PassRunner::clear_analyses() {
  if (!mam_) return;
  // Clearing the module manager clears, through its proxies, the function,
  // CGSCC and loop managers too; clear them all explicitly anyway.
  mam_->clear();
  cgam_->clear();
  fam_->clear();
  lam_->clear();
}

void PassRunner::forget_target_machine() {
  // Possibly corrupt after a crash: leaked on purpose, never touched again.
  internal::leak_on_purpose(mam_);
  internal::leak_on_purpose(cgam_);
  internal::leak_on_purpose(fam_);
  internal::leak_on_purpose(lam_);
  internal::leak_on_purpose(pb_);
  module_ = nullptr;
  internal::leak_on_purpose(tm_);
  tm_known_ = false;
}

::llvm::TargetMachine* PassRunner::target_machine(::llvm::Module& module) {
  const std::string& triple = module.getTargetTriple();
  if (tm_known_ && triple == triple_) return tm_.get();
  drop_managers();  // they were built around the old target machine
  release_tm(triple_, TmKind::kPasses, std::move(tm_));
  triple_ = triple;
  tm_known_ = true;
  // Like opt-19: a module without a triple gets no target machine.
  if (::llvm::Triple(triple).getArch() != ::llvm::Triple::UnknownArch) {
    tm_ = acquire_tm(triple, TmKind::kPasses);
  }
  if (tm_ && module.getDataLayoutStr().empty()) module.setDataLayout(tm_->createDataLayout());
  return tm_.get();
}

void PassRunner::build(::llvm::Module& module) {
  drop_managers();
  pb_ = std::make_unique<::llvm::PassBuilder>(tm_.get(), ::llvm::PipelineTuningOptions(),
                                              std::nullopt, &pic_);
  lam_ = std::make_unique<::llvm::LoopAnalysisManager>();
  fam_ = std::make_unique<::llvm::FunctionAnalysisManager>();
  cgam_ = std::make_unique<::llvm::CGSCCAnalysisManager>();
  mam_ = std::make_unique<::llvm::ModuleAnalysisManager>();
  pb_->registerModuleAnalyses(*mam_);
  pb_->registerCGSCCAnalyses(*cgam_);
  pb_->registerFunctionAnalyses(*fam_);
  pb_->registerLoopAnalyses(*lam_);
  pb_->crossRegisterProxies(*lam_, *fam_, *cgam_, *mam_);
  module_ = &module;
}

::llvm::PreservedAnalyses PassRunner::run(::llvm::Module& module, std::string_view pipeline,
                                          ChangeLog* log) {
  log_ = log;
  target_machine(module);
  if (!pb_ || module_ != &module) build(module);
  ::llvm::ModulePassManager mpm;
  if (auto err = pb_->parsePassPipeline(mpm, ::llvm::StringRef(pipeline.data(), pipeline.size()))) {
    ::llvm::report_fatal_error(::llvm::Twine("invalid pass pipeline '") +
                               ::llvm::StringRef(pipeline.data(), pipeline.size()) +
                               "': " + ::llvm::toString(std::move(err)));
  }
  auto preserved = mpm.run(module, *mam_);
  log_ = nullptr;
  return preserved;
}

// ---- code generation ---------------------------------------------------------

std::string host_triple() { return ::llvm::sys::getDefaultTargetTriple(); }

CodeGenerator::CodeGenerator() = default;
CodeGenerator::~CodeGenerator() { release_tm(triple_, TmKind::kCodegen, std::move(tm_)); }

void CodeGenerator::forget_target_machine() {
  internal::leak_on_purpose(tm_);  // possibly corrupt: leaked on purpose
  triple_.clear();
}

std::string CodeGenerator::emit_object(::llvm::Module& module) {
  std::string triple = module.getTargetTriple();
  if (triple.empty()) {
    triple = host_triple();
    module.setTargetTriple(triple);
  }
  if (!tm_ || triple != triple_) {
    release_tm(triple_, TmKind::kCodegen, std::move(tm_));
    triple_ = triple;
    tm_ = acquire_tm(triple, TmKind::kCodegen);
    if (!tm_) {
      triple_.clear();
      throw SessionError("no LLVM target for triple '" + triple + "'; cannot generate code");
    }
  }
  if (module.getDataLayoutStr().empty()) module.setDataLayout(tm_->createDataLayout());
  ::llvm::SmallVector<char, 0> buffer;
  ::llvm::raw_svector_ostream os(buffer);
  ::llvm::legacy::PassManager pm;
  ::llvm::TargetLibraryInfoImpl tlii(::llvm::Triple(module.getTargetTriple()));
  pm.add(new ::llvm::TargetLibraryInfoWrapperPass(tlii));
  if (tm_->addPassesToEmitFile(pm, os, nullptr, ::llvm::CodeGenFileType::ObjectFile)) {
    throw SessionError("the target '" + triple + "' cannot emit object files");
  }
  pm.run(module);
  return std::string(buffer.data(), buffer.size());
}

int64_t text_section_size(std::string_view object_file, bool only_dot_text) {
  auto object = ::llvm::object::ObjectFile::createObjectFile(
      ::llvm::MemoryBufferRef(::llvm::StringRef(object_file.data(), object_file.size()), "object"));
  if (!object) {
    throw SessionError("cannot read the object file: " + ::llvm::toString(object.takeError()));
  }
  int64_t size = 0;
  for (const auto& section : (*object)->sections()) {
    auto name = section.getName();
    if (!name) {
      ::llvm::consumeError(name.takeError());
      continue;
    }
    if (*name == ".text" || (!only_dot_text && name->starts_with(".text."))) {
      size += static_cast<int64_t>(section.getSize());
    }
  }
  return size;
}

}  // namespace cgym::llvm
