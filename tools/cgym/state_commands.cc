// cgym replay, cgym validate: reading CompilerGym state CSVs back.
#include <cmath>
#include <iostream>
#include <memory>

#include "cgym/cgym.h"
#include "cgym/commands.h"
#include "cgym/common.h"
#include "cgym/search.h"

namespace cgym::cli {

namespace {

bool same_reward(double a, double b) {
  return std::abs(a - b) <= 1e-5 * std::max({1.0, std::abs(a), std::abs(b)});
}

std::vector<EnvState> read_nonempty_states(const std::string& path) {
  auto states = read_states(path);
  if (states.empty()) {
    throw InvalidArgument("no states in " +
                          (path == "-" ? std::string("stdin") : "'" + path + "'") +
                          ": expected CSV rows benchmark,reward,walltime,commandline");
  }
  return states;
}

}  // namespace

void add_replay_command(CLI::App& app) {
  auto* cmd =
      app.add_subcommand("replay", "Replay the states of a state CSV and print the reward of each");
  struct Options {
    std::string path, env_id, reward;
  };
  auto o = std::make_shared<Options>();
  cmd->add_option("STATES", o->path,
                  "A state CSV (benchmark,reward,walltime,commandline), or - for stdin")
      ->required();
  cmd->add_option("--env", o->env_id,
                  "The env to replay in (default: llvm-ic-v0, or the env that fits the states)");
  cmd->add_option("--reward", o->reward, "The reward to report (default: the env's)");
  cmd->footer(
      "Prints one line per state: the reward reproduced, the reward recorded in the file, and\n"
      "MISMATCH when they differ. Exits non-zero when a state cannot be replayed.\n"
      "Examples:\n"
      "  cgym replay states.csv\n"
      "  cgym replay --env llvm-codesize-v0 states.csv\n"
      "  cat states.csv | cgym replay -");
  cmd->callback([o] {
    auto states = read_nonempty_states(o->path);
    EnvPtr env = make_env_for_states(o->env_id, states, std::cerr);
    if (!o->reward.empty()) env->reset({.reward_space = o->reward});
    int failures = 0, mismatches = 0;
    for (size_t i = 0; i < states.size(); ++i) {
      const auto& s = states[i];
      std::cout << "[" << i + 1 << "/" << states.size() << "] " << s.benchmark << "  ";
      try {
        auto result = env->apply(s);
        if (result.info.failed()) {
          ++failures;
          std::cout << "FAILED  " << result.info.error_type << ": " << result.info.error_details
                    << std::endl;
          continue;
        }
        std::optional<double> reward;
        if (env->reward_space() && !env->reward_space()->empty()) reward = env->episode_reward();
        std::cout << "reward " << format_reward(reward) << "  (recorded " << format_reward(s.reward)
                  << ")  " << env->actions().size() << " actions";
        if (reward && s.reward && !same_reward(*reward, *s.reward)) {
          ++mismatches;
          std::cout << "  MISMATCH";
        }
        std::cout << std::endl;
      } catch (const std::exception& e) {
        ++failures;
        std::cout << "FAILED  " << e.what() << std::endl;
      }
    }
    std::cout << "Replayed " << states.size() - failures << " of " << states.size() << " states";
    if (mismatches) std::cout << ", " << mismatches << " with a different reward";
    std::cout << "\n";
    if (failures) {
      std::cerr << "cgym: error: " << failures << " of " << states.size()
                << " states failed to replay\n";
      set_exit_code(1);
    }
  });
}

void add_validate_command(CLI::App& app) {
  auto* cmd =
      app.add_subcommand("validate",
                         "Check that each state of a state CSV reproduces its reward and keeps the "
                         "program's behaviour");
  struct Options {
    std::string path, env_id;
    bool no_semantics = false;
    int replays = 3;
  };
  auto o = std::make_shared<Options>();
  cmd->add_option("STATES", o->path, "A state CSV, or - for stdin")->required();
  cmd->add_option("--replays", o->replays,
                  "When the first replay's reward differs from the state's, replay this many "
                  "times in all, each in a fresh session: replays that disagree among themselves "
                  "mean a non-deterministic result (NONDET), replays that agree a mismatch "
                  "(default 3)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--env", o->env_id,
                  "The env to validate in (default: llvm-ic-v0, or the env that fits the states)");
  cmd->add_flag("--no-semantics", o->no_semantics,
                "Only check the rewards, not that the optimized program prints the same output");
  cmd->footer(
      "Prints one line per state (OK, NONDET with the replays' rewards and the state's\n"
      "non-deterministic actions, or FAILED with the errors) and a summary with the\n"
      "geomean reward. Exits non-zero when any state fails; a NONDET state is not a\n"
      "failure.\n"
      "Examples:\n"
      "  cgym validate states.csv\n"
      "  cgym validate --no-semantics states.csv\n"
      "  cat states.csv | cgym validate -");
  cmd->callback([o] {
    auto states = read_nonempty_states(o->path);
    EnvPtr env = make_env_for_states(o->env_id, states, std::cerr);
    ValidationOptions options;
    options.check_semantics = !o->no_semantics;
    options.replays = o->replays;
    int failures = 0, non_deterministic = 0;
    std::vector<double> rewards;
    for (const auto& s : states) {
      try {
        auto result = env->validate(s, options);
        std::cout << result.to_string() << std::endl;
        if (result.non_deterministic) ++non_deterministic;
        if (!result.okay()) {
          ++failures;
          continue;
        }
        if (result.state.reward) {
          rewards.push_back(*result.state.reward);
        } else if (s.reward) {
          rewards.push_back(*s.reward);
        }
      } catch (const std::exception& e) {
        ++failures;
        std::cout << "FAILED  " << s.benchmark << "\n  " << error_type_name(e) << ": " << e.what()
                  << std::endl;
      }
    }
    std::cout << "Validated " << states.size() - failures << " of " << states.size()
              << " states; geomean reward " << format_reward(geomean(rewards));
    if (non_deterministic) {
      std::cout << "; " << non_deterministic << " non-deterministic (their replays disagreed)";
    }
    std::cout << "\n";
    if (failures) {
      std::cerr << "cgym: error: " << failures << " of " << states.size()
                << " states failed validation\n";
      set_exit_code(1);
    }
  });
}

}  // namespace cgym::cli
