#include "backends/llvm/llvm_util.h"

#include <csignal>
#include <cstring>
#include <mutex>
#include <vector>

#include <llvm/Bitcode/BitcodeReader.h>
#include <llvm/Bitcode/BitcodeWriter.h>
#include <llvm/Config/llvm-config.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/DiagnosticInfo.h>
#include <llvm/IR/DiagnosticPrinter.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/ValueSymbolTable.h>
#include <llvm/IR/Verifier.h>
#include <llvm/IRReader/IRReader.h>
#include <llvm/Support/CrashRecoveryContext.h>
#include <llvm/Support/ErrorHandling.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/SourceMgr.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>

#include "cgym/errors.h"

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

}  // namespace cgym::llvm
