// cgym envs, cgym spaces.
#include <iomanip>
#include <iostream>

#include "cgym/cgym.h"
#include "cgym/commands.h"

namespace cgym::cli {

namespace {
int g_exit_code = 0;
}

int exit_code() { return g_exit_code; }
void set_exit_code(int code) { g_exit_code = code; }

void add_envs_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("envs", "List the registered environments and their defaults");
  cmd->footer("Example:\n  cgym envs");
  cmd->callback([] {
    auto envs = list_envs();
    std::cout << std::left << std::setw(28) << "ENV" << std::setw(16) << "OBSERVATION"
              << std::setw(24) << "REWARD"
              << "BENCHMARK\n";
    for (const auto& e : envs) {
      auto dash = [](const std::string& s) { return s.empty() ? std::string("-") : s; };
      std::cout << std::left << std::setw(28) << e.id << std::setw(16)
                << dash(e.default_observation_space) << std::setw(24)
                << dash(e.default_reward_space) << dash(e.default_benchmark) << "\n";
    }
    if (envs.empty()) std::cout << "(no environments are built into this cgym)\n";
  });
}

void add_spaces_command(CLI::App& app) {
  auto* cmd =
      app.add_subcommand("spaces", "Print an environment's action, observation and reward spaces");
  static std::string env_id;
  cmd->add_option("--env", env_id, "The env id (see 'cgym envs')")->required();
  cmd->footer("Examples:\n  cgym spaces --env llvm-ic-v0\n  cgym spaces --env gcc-v0");
  cmd->callback([] {
    auto env = make(env_id);
    std::cout << "Environment " << env_id << " (" << env->compiler_version() << ")\n\n";
    for (const auto& space : env->action_spaces()) {
      std::cout << "Action space " << space.name() << " (" << space.size() << " actions)\n";
      for (int i = 0; i < space.size(); ++i) {
        const auto& a = space.actions()[i];
        std::cout << "  " << std::setw(5) << std::right << i << "  " << std::left << std::setw(40)
                  << a.name << " " << a.description << "\n";
      }
      std::cout << "\n";
    }
    std::cout << "Observation spaces (" << env->observation_spaces().size() << ")\n";
    for (const auto& o : env->observation_spaces()) {
      std::cout << "  " << std::left << std::setw(28) << o.name << std::setw(34)
                << o.space.to_string() << (o.deterministic ? "" : " nondeterministic")
                << (o.platform_dependent ? " platform-dependent" : "") << "  " << o.description
                << "\n";
    }
    std::cout << "\nReward spaces (" << env->reward_spaces().size() << ")\n";
    for (const auto& r : env->reward_spaces()) {
      std::cout << "  " << std::left << std::setw(28) << r.name;
      if (r.success_threshold) std::cout << " success at " << *r.success_threshold;
      std::cout << (r.deterministic ? "" : " nondeterministic")
                << (r.platform_dependent ? " platform-dependent" : "") << "  " << r.description
                << "\n";
    }
  });
}

}  // namespace cgym::cli
