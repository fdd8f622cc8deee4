// cgym replay, cgym validate: reading CompilerGym state CSVs back.
#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

#include "cgym/cgym.h"
#include "cgym/search.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/distributed.h"

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

// --output and --resume of replay and validate: the rows that reproduced,
// in input order, rewritten atomically after each result. --resume keeps
// the rows already there and skips the input rows they match (same
// benchmark and command line).
struct StateOutput {
  std::string path;
  bool resume = false;
  std::vector<std::optional<EnvState>> rows;
  std::vector<size_t> todo;
  size_t resumed = 0;

  void prepare(const std::vector<EnvState>& states, bool root, const std::string& command) {
    if (resume && path.empty()) {
      throw InvalidArgument(command + " --resume needs --output CSV (the file to resume)");
    }
    rows.assign(states.size(), std::nullopt);
    if (resume && root && std::filesystem::exists(path)) {
      std::multimap<std::pair<std::string, std::string>, EnvState> done;
      for (auto& d : read_state_csv_file(path))
        done.emplace(std::pair{d.benchmark, d.commandline}, d);
      for (size_t i = 0; i < states.size(); ++i) {
        auto it = done.find({states[i].benchmark, states[i].commandline});
        if (it == done.end()) continue;
        rows[i] = it->second;
        done.erase(it);
        ++resumed;
      }
    }
    todo.clear();
    for (size_t i = 0; i < states.size(); ++i) {
      if (!rows[i]) todo.push_back(i);
    }
    if (root) write();
  }
  void write() const {
    if (path.empty()) return;
    std::vector<EnvState> out;
    for (const auto& r : rows) {
      if (r) out.push_back(*r);
    }
    write_state_csv_file(path, out);
  }
};

nlohmann::json state_json(const EnvState& s) {
  nlohmann::json j = {
      {"benchmark", s.benchmark}, {"walltime", s.walltime}, {"commandline", s.commandline}};
  if (s.reward) j["reward"] = *s.reward;
  return j;
}

EnvState state_from_json(const nlohmann::json& j) {
  EnvState s;
  s.benchmark = j["benchmark"].get<std::string>();
  if (j.contains("reward")) s.reward = j["reward"].get<double>();
  s.walltime = j["walltime"].get<double>();
  s.commandline = j["commandline"].get<std::string>();
  return s;
}

std::vector<std::string> benchmark_labels(const std::vector<EnvState>& states) {
  std::vector<std::string> labels;
  for (const auto& s : states) labels.push_back(s.benchmark);
  return labels;
}

}  // namespace

void add_replay_command(CLI::App& app) {
  auto* cmd =
      app.add_subcommand("replay", "Replay the states of a state CSV and print the reward of each");
  struct Options {
    std::string path, env_id, reward;
    StateOutput output;
    DistributedOptions dist;
  };
  auto o = std::make_shared<Options>();
  cmd->add_option("STATES", o->path,
                  "A state CSV (benchmark,reward,walltime,commandline), or - for stdin")
      ->required();
  cmd->add_option("--env", o->env_id,
                  "The env to replay in (default: llvm-ic-v0, or the env that fits the states)");
  cmd->add_option("--reward", o->reward, "The reward to report (default: the env's)");
  cmd->add_option("--output", o->output.path,
                  "Also write the replayed states, with the rewards reproduced, to this CSV");
  cmd->add_flag("--resume", o->output.resume,
                "Keep the rows already in --output and replay only the states missing from it");
  add_distributed_options(cmd, o->dist);
  cmd->footer(
      "Prints one line per state: the reward reproduced, the reward recorded in the file, and\n"
      "MISMATCH when they differ. Exits non-zero when a state cannot be replayed.\n"
      "Examples:\n"
      "  cgym replay states.csv\n"
      "  cgym replay --env llvm-codesize-v0 states.csv\n"
      "  cat states.csv | cgym replay -\n"
      "  mpirun -n 4 cgym replay states.csv --output replayed.csv");
  cmd->callback([o] {
    if (o->output.resume && o->output.path.empty()) {
      throw InvalidArgument("replay --resume needs --output CSV (the file to resume)");
    }
    Distributed dist(o->dist, "replay");
    dist.guard([&] {
      if (dist.active() && o->path == "-") {
        throw InvalidArgument(
            "replay: under MPI only rank 0 sees stdin; give the states as a file "
            "that every rank can read");
      }
      auto states = read_nonempty_states(o->path);
      std::ostringstream silent;
      EnvPtr env = make_env_for_states(o->env_id, states, dist.root() ? std::cerr : silent);
      if (!o->reward.empty()) env->reset({.reward_space = o->reward});
      o->output.prepare(states, dist.root(), "replay");
      int failures = 0, mismatches = 0;
      const size_t n = states.size();
      dist.run(
          o->output.todo, benchmark_labels(states),
          [&](size_t i) -> std::string {
            const auto& s = states[i];
            std::ostringstream line;
            line << "[" << i + 1 << "/" << n << "] " << s.benchmark << "  ";
            nlohmann::json j;
            try {
              auto result = env->apply(s);
              if (result.info.failed()) {
                line << "FAILED  " << result.info.error_type << ": " << result.info.error_details;
                return nlohmann::json{{"line", line.str()}, {"failed", true}}.dump();
              }
              std::optional<double> reward;
              if (env->reward_space() && !env->reward_space()->empty()) {
                reward = env->episode_reward();
              }
              line << "reward " << format_reward(reward) << "  (recorded "
                   << format_reward(s.reward) << ")  " << env->actions().size() << " actions";
              const bool mismatch = reward && s.reward && !same_reward(*reward, *s.reward);
              if (mismatch) line << "  MISMATCH";
              EnvState replayed = s;
              replayed.reward = reward;
              return nlohmann::json{{"line", line.str()},
                                    {"failed", false},
                                    {"mismatch", mismatch},
                                    {"state", state_json(replayed)}}
                  .dump();
            } catch (const std::exception& e) {
              line << "FAILED  " << e.what();
              return nlohmann::json{{"line", line.str()}, {"failed", true}}.dump();
            }
          },
          [&](size_t i, int, bool ok, const std::string& payload) {
            if (!ok) {
              ++failures;
              std::cout << "[" << i + 1 << "/" << n << "] " << states[i].benchmark << "  FAILED  "
                        << payload << std::endl;
              return;
            }
            auto j = nlohmann::json::parse(payload);
            std::cout << j["line"].get<std::string>() << std::endl;
            if (j["failed"].get<bool>()) {
              ++failures;
              return;
            }
            if (j["mismatch"].get<bool>()) ++mismatches;
            o->output.rows[i] = state_from_json(j["state"]);
            o->output.write();
          });
      if (!dist.root()) return;
      const size_t ran = o->output.todo.size();
      std::cout << "Replayed " << ran - failures << " of " << ran << " states";
      if (o->output.resumed) std::cout << " (" << o->output.resumed << " already in the output)";
      if (mismatches) std::cout << ", " << mismatches << " with a different reward";
      std::cout << "\n";
      if (failures) {
        std::cerr << "cgym: error: " << failures << " of " << ran << " states failed to replay\n";
        set_exit_code(1);
      }
    });
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
    StateOutput output;
    DistributedOptions dist;
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
  cmd->add_option("--output", o->output.path,
                  "Also write the states that validated, with the rewards reproduced, to this CSV");
  cmd->add_flag("--resume", o->output.resume,
                "Keep the rows already in --output and validate only the states missing from it");
  add_distributed_options(cmd, o->dist);
  cmd->footer(
      "Prints one line per state (OK, NONDET with the replays' rewards and the state's\n"
      "non-deterministic actions, or FAILED with the errors) and a summary with the\n"
      "geomean reward. Exits non-zero when any state fails; a NONDET state is not a\n"
      "failure.\n"
      "Examples:\n"
      "  cgym validate states.csv\n"
      "  cgym validate --no-semantics states.csv\n"
      "  cat states.csv | cgym validate -\n"
      "  mpirun -n 4 cgym validate states.csv --output valid.csv");
  cmd->callback([o] {
    if (o->output.resume && o->output.path.empty()) {
      throw InvalidArgument("validate --resume needs --output CSV (the file to resume)");
    }
    Distributed dist(o->dist, "validate");
    dist.guard([&] {
      if (dist.active() && o->path == "-") {
        throw InvalidArgument(
            "validate: under MPI only rank 0 sees stdin; give the states as a file "
            "that every rank can read");
      }
      auto states = read_nonempty_states(o->path);
      std::ostringstream silent;
      EnvPtr env = make_env_for_states(o->env_id, states, dist.root() ? std::cerr : silent);
      ValidationOptions options;
      options.check_semantics = !o->no_semantics;
      options.replays = o->replays;
      o->output.prepare(states, dist.root(), "validate");
      int failures = 0, non_deterministic = 0;
      std::vector<double> rewards;
      for (const auto& r : o->output.rows) {
        if (r && r->reward) rewards.push_back(*r->reward);
      }
      dist.run(
          o->output.todo, benchmark_labels(states),
          [&](size_t i) -> std::string {
            const auto& s = states[i];
            try {
              auto result = env->validate(s, options);
              nlohmann::json j = {{"line", result.to_string()},
                                  {"okay", result.okay()},
                                  {"non_deterministic", result.non_deterministic.has_value()}};
              EnvState validated = result.state;
              if (!validated.reward) validated.reward = s.reward;
              j["state"] = state_json(validated);
              return j.dump();
            } catch (const std::exception& e) {
              return nlohmann::json{{"line", "FAILED  " + s.benchmark + "\n  " +
                                                 error_type_name(e) + ": " + e.what()},
                                    {"okay", false}}
                  .dump();
            }
          },
          [&](size_t i, int, bool ok, const std::string& payload) {
            if (!ok) {
              ++failures;
              std::cout << "FAILED  " << states[i].benchmark << "\n  " << payload << std::endl;
              return;
            }
            auto j = nlohmann::json::parse(payload);
            std::cout << j["line"].get<std::string>() << std::endl;
            if (j.value("non_deterministic", false)) ++non_deterministic;
            if (!j["okay"].get<bool>()) {
              ++failures;
              return;
            }
            EnvState v = state_from_json(j["state"]);
            if (v.reward) rewards.push_back(*v.reward);
            o->output.rows[i] = v;
            o->output.write();
          });
      if (!dist.root()) return;
      const size_t total = states.size();
      std::cout << "Validated " << total - failures << " of " << total << " states; geomean reward "
                << format_reward(geomean(rewards));
      if (o->output.resumed) std::cout << " (" << o->output.resumed << " already in the output)";
      if (non_deterministic) {
        std::cout << "; " << non_deterministic << " non-deterministic (their replays disagreed)";
      }
      std::cout << "\n";
      if (failures) {
        std::cerr << "cgym: error: " << failures << " of " << total
                  << " states failed validation\n";
        set_exit_code(1);
      }
    });
  });
}

}  // namespace cgym::cli
