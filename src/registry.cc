#include "cgym/registry.h"

#include "cgym/compiler_env.h"
#include "cgym/errors.h"
#include "cgym/util.h"
#include "cgym/worker.h"

namespace cgym {

void Registry::register_env(EnvSpec spec, bool replace) {
  if (spec.id.empty()) throw InvalidArgument("register_env: the env id is empty");
  if (!spec.factory && !spec.config) {
    throw InvalidArgument("register_env: env '" + spec.id + "' has neither a config nor a factory");
  }
  std::lock_guard lock(mu_);
  if (!replace && specs_.count(spec.id)) {
    throw InvalidArgument("env '" + spec.id +
                          "' is already registered; pass replace = true to replace it");
  }
  specs_[spec.id] = std::move(spec);
}

EnvPtr Registry::make(const std::string& id, const MakeOptions& options) const {
  EnvSpec spec;
  {
    std::lock_guard lock(mu_);
    auto it = specs_.find(id);
    if (it == specs_.end()) {
      std::vector<std::string> ids;
      for (const auto& [k, v] : specs_) ids.push_back(k);
      throw LookupError("unknown env id '" + id +
                        "'; registered envs: " + closest_matches(id, ids, ids.size()));
    }
    spec = it->second;
  }
  if (options.isolation == Isolation::kProcess) {
    if (!spec.config) {
      throw EnvironmentNotSupported("env '" + id +
                                    "' cannot run in a worker process: it is not built on "
                                    "CompilerEnv (its spec has a factory but no config)");
    }
    return make_worker_env(id, spec.config(options), options);
  }
  if (spec.config) return std::make_unique<CompilerEnv>(spec.config(options), options);
  return spec.factory(options);
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

EnvDefaults env_defaults(const EnvSpec& spec) {
  EnvDefaults d;
  if (!spec.config) return d;
  try {
    const CompilerEnvConfig c = spec.config(MakeOptions{});
    d.observation_space = c.default_observation_space;
    d.reward_space = c.default_reward_space;
    d.benchmark = c.default_benchmark;
  } catch (const std::exception& e) {
    d.error = e.what();
  }
  return d;
}

Registry& global_registry() {
  static Registry registry;
  return registry;
}

}  // namespace cgym
