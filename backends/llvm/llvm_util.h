// LLVM plumbing shared by the LLVM backend: one-time initialisation, crash
// recovery, parsing and writing modules, the change fingerprint, target
// machines and in-memory code generation.
//
// This header includes LLVM headers: it is private to backends/llvm (and its
// tests and benchmarks), never included by cgym's public headers.
//
// Process-wide effects, made once by initialize() (called by every LLVM
// session): all LLVM targets are registered; llvm::CrashRecoveryContext is
// enabled, which installs signal handlers for SIGSEGV, SIGBUS, SIGILL, SIGFPE,
// SIGABRT and SIGTRAP (a signal outside a recovery context is passed on to the
// previous handler); and an LLVM fatal-error handler is installed that turns
// report_fatal_error() inside run_safely() into a recoverable failure (outside
// it, LLVM still prints the error and exits, as without cgym).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <llvm/ADT/DenseMap.h>
#include <llvm/ADT/SmallPtrSet.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/PassInstrumentation.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Passes/StandardInstrumentations.h>
#include <llvm/Target/TargetMachine.h>

#include "cgym/benchmark.h"

namespace cgym::llvm {

/// Registers targets and installs the crash-recovery handlers, once per
/// process. Thread-safe; cheap after the first call.
void initialize();

/// "19.1.7".
std::string llvm_version();

/// Runs `fn` inside an llvm::CrashRecoveryContext. Returns nullopt when it
/// completed, else a description of the crash ("LLVM fatal error: ...",
/// "crashed with signal 11 (Segmentation fault)"). After a crash, everything
/// `fn` touched (module, context, target machine) must be treated as corrupt.
/// `fn` must not throw.
std::optional<std::string> run_safely(const std::function<void()>& fn);

/// A context whose diagnostics are collected instead of printed (LLVM's
/// default handler exits the process on an error diagnostic).
std::unique_ptr<::llvm::LLVMContext> make_context();
/// The error diagnostics reported to a context from make_context() since the
/// last call, then clears them. Empty when none.
std::string take_context_errors(::llvm::LLVMContext& context);

/// Parses bitcode or textual IR (detected from the bytes). Throws
/// BenchmarkInitError with LLVM's diagnostic when it cannot be parsed.
std::unique_ptr<::llvm::Module> parse_module(::llvm::LLVMContext& context, std::string_view data,
                                             const std::string& name);
/// Parses a benchmark's program (bitcode or IR). Throws BenchmarkInitError
/// when the format is not LLVM or the program cannot be parsed.
std::unique_ptr<::llvm::Module> parse_benchmark(::llvm::LLVMContext& context,
                                                const Benchmark& benchmark);
/// Verifies a module; returns the verifier's message, or nullopt when valid.
std::optional<std::string> verify(const ::llvm::Module& module);
/// Verifies one function body (not the module-level rules).
std::optional<std::string> verify(const ::llvm::Function& function);

/// Bitcode with use-list order preserved, so that a module parsed from it is
/// an exact copy (passes depend on use-list order).
std::string write_bitcode(const ::llvm::Module& module);
/// What bitcode does not keep of a module but passes depend on, so that a
/// copy parsed from bitcode behaves exactly like the original:
///  - the counters LLVM keeps to make value names unique, one per symbol
///    table (they decide whether a pass's new value is named "x3" or "x7");
///  - the attributes of intrinsic declarations that differ from the
///    intrinsic's own (passes such as inferattrs add some; the bitcode
///    reader resets every intrinsic declaration to its own attributes).
struct ModuleExtras {
  struct Attr {
    int kind = 0;  // llvm::Attribute::AttrKind; None for string attributes
    std::string key, value;
    uint64_t int_value = 0;
    bool is_int = false, is_range = false;
    unsigned range_bits = 0;
    std::vector<uint64_t> range_lower, range_upper;  // APInt words
  };
  struct FunctionAttrs {
    std::string function;
    /// 0: function, 1: return value, 2 + i: parameter i. nullopt: keep the
    /// parsed set (it holds an attribute that cannot be carried over).
    std::vector<std::optional<std::vector<Attr>>> sets;
  };
  std::vector<uint32_t> name_counters;
  std::vector<FunctionAttrs> intrinsic_attributes;
};
ModuleExtras capture_extras(const ::llvm::Module& module);
/// Applies them to a module parsed from the same module's bitcode.
void apply_extras(::llvm::Module& module, const ModuleExtras& extras);

/// The module as textual IR.
std::string print_module(const ::llvm::Module& module);
/// The number of instructions in the module.
int64_t instruction_count(const ::llvm::Module& module);

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

/// What a pass run changed, as its pass instrumentation reported it.
struct ChangeLog {
  /// A module-level or call-graph-level pass changed something: any
  /// function may be different.
  bool whole_module = false;
  /// Functions whose function-level pass did not preserve all analyses.
  ::llvm::SmallPtrSet<const ::llvm::Function*, 16> functions;
  void clear() {
    whole_module = false;
    functions.clear();
  }
};

/// Everything a pass run needs, configured the way opt-19 configures it: a
/// target machine for the module's triple (none when the module has no
/// triple, as in opt) and the optnone instrumentation. One per session: not
/// thread-safe.
///
/// The PassBuilder and the four analysis managers (with their proxies) live
/// as long as the module they were first used on, as in one opt-19 pipeline:
/// each run() goes through them, and LLVM's own invalidation drops what the
/// pass did not preserve. So a sequence of run() calls does what one
/// `opt -passes='a,b,c'` does. Call clear_analyses() whenever the module is
/// changed outside a pass or about to be destroyed; the destructor clears
/// them too (so destroy the runner before its module). A run() on another
/// module clears them first.
class PassRunner {
 public:
  PassRunner();
  ~PassRunner();
  PassRunner(const PassRunner&) = delete;
  PassRunner& operator=(const PassRunner&) = delete;
  /// Runs `pipeline` on `module` with the kept analysis managers; returns
  /// the preserved analyses and, when `log` is given, adds what changed to
  /// it. The pipeline text is parsed at each call, so every run gets fresh
  /// pass objects, as each element of an opt pipeline has its own (parsing
  /// costs nothing measurable; docs/llvm.md). May crash: call inside run_safely().
  /// Throws nothing; a pipeline that does not parse reports an LLVM fatal
  /// error.
  ::llvm::PreservedAnalyses run(::llvm::Module& module, std::string_view pipeline,
                                ChangeLog* log = nullptr);
  /// Drops every cached analysis result (the module is about to be changed
  /// outside a pass, replaced or destroyed).
  void clear_analyses();
  /// After a crash: the target machine, the PassBuilder and the analysis
  /// managers may be corrupt; they are leaked on purpose and never touched
  /// again. The next run() builds new ones.
  void forget_target_machine();

 private:
  ::llvm::TargetMachine* target_machine(::llvm::Module& module);
  void build(::llvm::Module& module);
  void drop_managers();
  std::string triple_;
  std::unique_ptr<::llvm::TargetMachine> tm_;
  bool tm_known_ = false;
  ::llvm::PassInstrumentationCallbacks pic_;
  ::llvm::OptNoneInstrumentation optnone_{false};
  ChangeLog* log_ = nullptr;
  // Kept for the module (declared in the order opt declares them; destroyed
  // module manager first, as its proxies clear the inner managers).
  const ::llvm::Module* module_ = nullptr;
  std::unique_ptr<::llvm::PassBuilder> pb_;
  std::unique_ptr<::llvm::LoopAnalysisManager> lam_;
  std::unique_ptr<::llvm::FunctionAnalysisManager> fam_;
  std::unique_ptr<::llvm::CGSCCAnalysisManager> cgam_;
  std::unique_ptr<::llvm::ModuleAnalysisManager> mam_;
};

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
