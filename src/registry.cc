#include "cgym/registry.h"

#include "cgym/errors.h"
#include "cgym/util.h"

namespace cgym {

void Registry::register_env(EnvSpec spec, bool replace) {
  if (spec.id.empty()) throw InvalidArgument("register_env: the env id is empty");
  if (!spec.factory) throw InvalidArgument("register_env: env '" + spec.id + "' has no factory");
  std::lock_guard lock(mu_);
  if (!replace && specs_.count(spec.id)) {
    throw InvalidArgument("env '" + spec.id +
                          "' is already registered; pass replace = true to replace it");
  }
  specs_[spec.id] = std::move(spec);
}

EnvPtr Registry::make(const std::string& id, const MakeOptions& options) const {
  std::function<EnvPtr(const MakeOptions&)> factory;
  {
    std::lock_guard lock(mu_);
    auto it = specs_.find(id);
    if (it == specs_.end()) {
      std::vector<std::string> ids;
      for (const auto& [k, v] : specs_) ids.push_back(k);
      throw LookupError("unknown env id '" + id + "'; registered envs: " +
                        closest_matches(id, ids, ids.size()));
    }
    factory = it->second.factory;
  }
  return factory(options);
}

std::vector<EnvSpec> Registry::list() const {
  std::lock_guard lock(mu_);
  std::vector<EnvSpec> out;
  for (const auto& [k, v] : specs_) out.push_back(v);
  return out;
}

std::optional<EnvSpec> Registry::find(const std::string& id) const {
  std::lock_guard lock(mu_);
  auto it = specs_.find(id);
  if (it == specs_.end()) return std::nullopt;
  return it->second;
}

Registry& global_registry() {
  static Registry registry;
  return registry;
}

}  // namespace cgym
