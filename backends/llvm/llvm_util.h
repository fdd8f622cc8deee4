// LLVM plumbing shared by the LLVM backend: one-time initialisation, crash
// recovery, contexts, and reading, writing, verifying and copying modules.
// Beside it, by topic: fingerprint.h (the change fingerprint),
// pass_runner.h (running passes with kept analysis managers), codegen.h
// (in-memory code generation) and target_machines.h (their shared pool).
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

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

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

}  // namespace cgym::llvm
