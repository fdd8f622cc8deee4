#include "backends/llvm/pass_runner.h"

#include <llvm/Analysis/LoopInfo.h>
#include <llvm/Analysis/TargetLibraryInfo.h>
#include <llvm/Support/ErrorHandling.h>
#include <llvm/TargetParser/Triple.h>

#include "backends/llvm/target_machines.h"
#include "internal/leak.h"

namespace cgym::llvm {

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

}  // namespace cgym::llvm
