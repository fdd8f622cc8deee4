// Running LLVM passes the way one opt-19 pipeline does: one PassBuilder and
// one set of analysis managers kept for the module, and a log of what each
// pass reported changed. Private to backends/llvm.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <llvm/ADT/SmallPtrSet.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/PassInstrumentation.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Passes/StandardInstrumentations.h>
#include <llvm/Target/TargetMachine.h>

namespace cgym::llvm {

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

}  // namespace cgym::llvm
