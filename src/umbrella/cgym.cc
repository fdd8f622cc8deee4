// make(), register_env() and list_envs(): the process-wide registry with the
// built-in backends registered on first use (std::call_once, not static
// initialisers, so that linking order never matters). The backends come
// from the generated table (umbrella/builtins.h).
#include "cgym/cgym.h"

#include <mutex>

#include "umbrella/builtins.h"

namespace cgym {

namespace {

Registry& registry_with_builtins() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (const auto& b : internal::builtin_backend_table()) b.register_envs(global_registry());
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
  for (const auto& b : internal::builtin_backend_table()) out.push_back(b.name);
  return out;
}

}  // namespace cgym
