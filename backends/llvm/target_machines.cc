#include "backends/llvm/target_machines.h"

#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include <llvm/MC/TargetRegistry.h>
#include <llvm/Target/TargetOptions.h>

namespace cgym::llvm {

namespace {

struct TargetMachinePool {
  std::mutex mu;
  std::map<std::string, std::vector<std::unique_ptr<::llvm::TargetMachine>>> free;
};

TargetMachinePool& tm_pool() {
  static auto* pool = new TargetMachinePool;  // leaked: outlives every session
  return *pool;
}

}  // namespace

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

}  // namespace cgym::llvm
