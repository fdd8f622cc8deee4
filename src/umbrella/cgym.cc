// make(), register_env() and list_envs(): the process-wide registry with the
// built-in backends registered on first use (std::call_once, not static
// initialisers, so that linking order never matters).
#include "cgym/cgym.h"

#include <mutex>

#include "cgym_builtins_config.h"
#if CGYM_WITH_LLVM
#include "llvm/register_llvm.h"
#endif
#if CGYM_WITH_GCC
#include "gcc/register_gcc.h"
#endif
#if CGYM_WITH_CUDA
#include "cuda/register_cuda.h"
#endif

namespace cgym {

namespace {

Registry& registry_with_builtins() {
  static std::once_flag once;
  std::call_once(once, [] {
    [[maybe_unused]] Registry& r = global_registry();
#if CGYM_WITH_LLVM
    cgym::llvm::register_envs(r);
#endif
#if CGYM_WITH_GCC
    cgym::gcc::register_envs(r);
#endif
#if CGYM_WITH_CUDA
    cgym::cuda::register_envs(r);
#endif
  });
  return global_registry();
}

}  // namespace

EnvPtr make(const std::string& id, const MakeOptions& options) {
  return registry_with_builtins().make(id, options);
}

void register_env(EnvSpec spec, bool replace) {
  registry_with_builtins().register_env(std::move(spec), replace);
}

std::vector<EnvSpec> list_envs() { return registry_with_builtins().list(); }

std::vector<std::string> builtin_backends() {
  std::vector<std::string> out;
#if CGYM_WITH_LLVM
  out.push_back("llvm");
#endif
#if CGYM_WITH_GCC
  out.push_back("gcc");
#endif
#if CGYM_WITH_CUDA
  out.push_back("cuda");
#endif
  return out;
}

}  // namespace cgym
