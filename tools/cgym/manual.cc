// cgym manual: an interactive shell over one env.
//
// On a terminal it uses readline (history kept in $CGYM_CACHE/manual_history,
// tab completion of commands, action, observation and reward names, and
// benchmark URIs). With stdin from a pipe or a file it reads plain lines and
// echoes each command before its output, so that a script's transcript reads
// like a session. Undo ("back") keeps a fork of the env from before every
// action: forks are cheap compared to replaying the episode.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

#include "cgym/cgym.h"
#include "cgym/search.h"
#include "cli/commands.h"
#include "cli/common.h"

#if CGYM_HAVE_READLINE
#include <readline/history.h>
#include <readline/readline.h>
#endif

namespace cgym::cli {

namespace {

struct CommandInfo {
  std::string name;
  std::string usage;
  std::string help;
};

const std::vector<CommandInfo>& shell_commands() {
  static const std::vector<CommandInfo> kCommands = {
      {"list_benchmarks", "list_benchmarks [DATASET]", "list the benchmark URIs of the datasets"},
      {"set_benchmark", "set_benchmark URI", "start a new episode on a benchmark"},
      {"reset", "reset", "start a new episode on the current benchmark"},
      {"list_actions", "list_actions", "list the actions of the current action space"},
      {"action", "action NAME|INDEX|- ...",
       "apply one or more actions (by name, by index, or - for a random one)"},
      {"list_observations", "list_observations", "list the observation spaces"},
      {"observation", "observation NAME", "print an observation of the current state"},
      {"list_rewards", "list_rewards", "list the reward spaces (* marks the default)"},
      {"reward", "reward [NAME]",
       "print the episode's reward under NAME (default: the env's reward space)"},
      {"commandline", "commandline", "print the actions so far as a compiler command line"},
      {"stack", "stack", "print the actions so far with their rewards"},
      {"back", "back", "undo the last action"},
      {"try_all_actions", "try_all_actions",
       "print the reward of every action from the current state, best first"},
      {"greedy", "greedy [N]", "apply the best single action, N times (default 1)"},
      {"hill_climb", "hill_climb [N]",
       "try N random actions (default 10), keeping those that improve the reward"},
      {"help", "help", "print this help"},
      {"exit", "exit", "leave the shell (also quit, or Ctrl-D)"},
  };
  return kCommands;
}

std::vector<std::string> command_names() {
  std::vector<std::string> names;
  for (const auto& c : shell_commands()) names.push_back(c.name);
  return names;
}

std::vector<std::string> split_words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

int parse_count(const std::vector<std::string>& args, int fallback, const std::string& command) {
  if (args.empty()) return fallback;
  const std::string& text = args.front();
  char* end = nullptr;
  long n = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || n < 1 || n > 1000000) {
    throw InvalidArgument(command + " expects a positive count, got '" + text +
                          "' (usage: " + command + " N)");
  }
  return static_cast<int>(n);
}

class Shell {
 public:
  Shell(EnvPtr env, uint64_t seed) : env_(std::move(env)), rng_(seed) {}

  /// Runs one command line; false when the shell should exit.
  bool execute(const std::string& line) {
    auto words = split_words(line);
    if (words.empty() || words.front().starts_with("#")) return true;
    const std::string command = words.front();
    const std::vector<std::string> args(words.begin() + 1, words.end());
    if (command == "exit" || command == "quit") return false;
    static const std::map<std::string, void (Shell::*)(const std::vector<std::string>&)> kHandlers =
        {
            {"list_benchmarks", &Shell::list_benchmarks},
            {"set_benchmark", &Shell::set_benchmark},
            {"reset", &Shell::reset},
            {"list_actions", &Shell::list_actions},
            {"action", &Shell::action},
            {"list_observations", &Shell::list_observations},
            {"observation", &Shell::observation},
            {"list_rewards", &Shell::list_rewards},
            {"reward", &Shell::reward},
            {"commandline", &Shell::commandline},
            {"stack", &Shell::stack},
            {"back", &Shell::back},
            {"try_all_actions", &Shell::try_all},
            {"greedy", &Shell::greedy},
            {"hill_climb", &Shell::hill_climb_command},
            {"help", &Shell::help},
        };
    auto it = kHandlers.find(command);
    if (it == kHandlers.end()) {
      error("unknown command '" + command + "'. Valid commands: " + join(command_names()) +
            ", quit");
      return true;
    }
    try {
      (this->*(it->second))(args);
    } catch (const std::exception& e) {
      error(e.what());
    }
    return true;
  }

  /// Candidates for the word being completed. `before` is the line up to
  /// the start of that word.
  std::vector<std::string> completions(const std::string& before, const std::string& prefix) {
    auto words = split_words(before);
    std::vector<std::string> pool;
    if (words.empty()) {
      pool = command_names();
      pool.push_back("quit");
    } else {
      const std::string& c = words.front();
      try {
        if (c == "action") {
          pool = env_->action_space().names();
          pool.push_back("-");
        } else if (c == "observation") {
          for (const auto& o : env_->observation_spaces()) pool.push_back(o.name);
        } else if (c == "reward") {
          for (const auto& r : env_->reward_spaces()) pool.push_back(r.name);
        } else if (c == "set_benchmark") {
          pool = env_->datasets().benchmark_uris(2000);
        } else if (c == "list_benchmarks") {
          for (const auto& d : env_->datasets().datasets()) pool.push_back(d->name());
        }
      } catch (const std::exception&) {
        // No completion is better than an error in the middle of a line.
      }
    }
    std::vector<std::string> out;
    for (auto& p : pool) {
      if (p.starts_with(prefix)) out.push_back(std::move(p));
    }
    return out;
  }

  std::string describe() const {
    std::ostringstream s;
    s << "cgym manual shell: env " << env_->env_id();
    if (env_->in_episode() && env_->benchmark()) s << ", benchmark " << env_->benchmark()->uri();
    if (auto r = env_->reward_space(); r && !r->empty()) s << ", reward " << *r;
    s << ". Type help for the commands; exit or Ctrl-D quits.";
    return s.str();
  }

 private:
  struct Frame {
    EnvPtr before;
    std::string action;
    double reward = 0;
    double episode_reward = 0;
  };

  static std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
  }

  void error(const std::string& message) {
    std::cout.flush();
    std::cerr << "error: " << message << std::endl;
  }

  bool has_reward() const {
    auto r = env_->reward_space();
    return r && !r->empty();
  }

  std::optional<double> reward_or_none(double r) const {
    return has_reward() ? std::optional<double>(r) : std::nullopt;
  }

  void require_episode() const {
    if (!env_->in_episode()) {
      throw StateError(
          "no episode in progress (the last action ended it): use back, reset or "
          "set_benchmark URI");
    }
  }

  void list_benchmarks(const std::vector<std::string>& args) {
    bool found = false;
    for (const auto& d : env_->datasets().datasets()) {
      if (!args.empty() && d->name() != args[0] && d->name() != "benchmark://" + args[0] &&
          d->name().substr(d->name().find("://") + 3) != args[0]) {
        continue;
      }
      found = true;
      if (!d->enumerable()) {
        if (!args.empty()) std::cout << d->name() << ": any URI of this form (not listable)\n";
        continue;
      }
      if (is_infinite(*d)) {
        std::cout << d->name() << "/<N>  (a generator: every N from 0 to 4294967295)\n";
        continue;
      }
      for (const auto& uri : d->benchmark_uris()) std::cout << uri << "\n";
    }
    if (!found) {
      std::vector<std::string> names;
      for (const auto& d : env_->datasets().datasets()) names.push_back(d->name());
      throw LookupError("unknown dataset '" + args[0] + "'; valid datasets: " + join(names));
    }
  }

  void start_episode(ResetOptions options) {
    env_->reset(options);
    stack_.clear();
    std::cout << "Episode started on " << env_->benchmark()->uri() << " ("
              << env_->action_space().size() << " actions in space " << env_->action_space().name()
              << ")\n";
  }

  void set_benchmark(const std::vector<std::string>& args) {
    if (args.size() != 1) throw InvalidArgument("usage: set_benchmark URI (see list_benchmarks)");
    start_episode({.benchmark = args[0]});
  }

  void reset(const std::vector<std::string>&) { start_episode({}); }

  void list_actions(const std::vector<std::string>&) {
    const auto& space = env_->action_space();
    std::cout << "Action space " << space.name() << " (" << space.size() << " actions)\n";
    for (int i = 0; i < space.size(); ++i) {
      std::cout << std::setw(6) << i << "  " << std::left << std::setw(36) << space.action_name(i)
                << std::right << space.info(i).description << "\n";
    }
  }

  Action resolve_action(const std::string& word) {
    const auto& space = env_->action_space();
    if (word == "-") return space.sample(rng_);
    if (!word.empty() && std::all_of(word.begin(), word.end(), ::isdigit)) {
      Action a =
          static_cast<Action>(std::min<long>(std::strtol(word.c_str(), nullptr, 10), 1 << 30));
      space.check(a);
      return a;
    }
    return space.index(word);
  }

  // Applies one action, keeping a fork for "back"; prints one line.
  StepResult apply(Action a) {
    Frame frame;
    frame.action = env_->action_space().action_name(a);
    frame.before = env_->fork();
    auto r = env_->step(a);
    frame.reward = r.reward;
    frame.episode_reward = env_->episode_reward();
    std::cout << frame.action << "  reward " << format_reward(reward_or_none(r.reward))
              << "  episode " << format_reward(reward_or_none(env_->episode_reward()));
    if (r.info.action_had_no_effect) std::cout << "  (no effect)";
    if (r.info.failed()) {
      std::cout << "\nThe action failed and ended the episode: " << r.info.error_type << ": "
                << r.info.error_details << "\n(use back to undo it, or reset)";
    } else if (r.done) {
      std::cout << "  (episode done)";
    }
    std::cout << "\n";
    stack_.push_back(std::move(frame));
    return r;
  }

  void action(const std::vector<std::string>& args) {
    if (args.empty()) {
      throw InvalidArgument("usage: action NAME|INDEX|- ... (see list_actions)");
    }
    for (const auto& word : args) {
      require_episode();
      auto r = apply(resolve_action(word));
      if (r.done) break;
    }
  }

  void list_observations(const std::vector<std::string>&) {
    for (const auto& o : env_->observation_spaces()) {
      std::cout << "  " << std::left << std::setw(28) << o.name << std::setw(34)
                << o.space.to_string() << std::right << o.description << "\n";
    }
  }

  void observation(const std::vector<std::string>& args) {
    if (args.size() != 1) throw InvalidArgument("usage: observation NAME (see list_observations)");
    std::cout << env_->observation(args[0]).to_display_string() << "\n";
  }

  void list_rewards(const std::vector<std::string>&) {
    const auto current = env_->reward_space().value_or("");
    for (const auto& r : env_->reward_spaces()) {
      std::cout << (r.name == current ? "* " : "  ") << std::left << std::setw(28) << r.name
                << std::right << r.description << "\n";
    }
  }

  void reward(const std::vector<std::string>& args) {
    if (args.size() > 1) throw InvalidArgument("usage: reward [NAME] (see list_rewards)");
    std::string name = args.empty() ? env_->reward_space().value_or("") : args[0];
    if (name.empty()) {
      throw InvalidArgument("env " + env_->env_id() +
                            " has no default reward space: give a NAME (see list_rewards)");
    }
    if (!env_->benchmark()) throw StateError("no benchmark yet: use set_benchmark URI");
    double episode = 0, last = 0;
    if (name == env_->reward_space().value_or("")) {
      episode = env_->episode_reward();
      last = stack_.empty() ? 0.0 : stack_.back().reward;
    } else {
      // Another space's rewards were never tracked: replay the episode on a
      // fork with that space.
      auto replay = env_->fork();
      replay->reset({.reward_space = name});
      for (Action a : env_->actions()) {
        auto r = replay->step(a);
        last = r.reward;
        episode += r.reward;
        if (r.done) break;
      }
    }
    std::cout << name << ": episode " << format_reward(episode) << ", last action "
              << format_reward(last) << "\n";
  }

  void commandline(const std::vector<std::string>&) { std::cout << env_->commandline() << "\n"; }

  void stack(const std::vector<std::string>&) {
    if (stack_.empty()) {
      std::cout << "(no actions yet)\n";
      return;
    }
    std::cout << std::setw(5) << "#"
              << "  " << std::left << std::setw(36) << "ACTION" << std::right << std::setw(10)
              << "REWARD" << std::setw(12) << "EPISODE"
              << "\n";
    for (size_t i = 0; i < stack_.size(); ++i) {
      const auto& f = stack_[i];
      std::cout << std::setw(5) << i + 1 << "  " << std::left << std::setw(36) << f.action
                << std::right << std::setw(10) << format_reward(reward_or_none(f.reward))
                << std::setw(12) << format_reward(reward_or_none(f.episode_reward)) << "\n";
    }
  }

  void back(const std::vector<std::string>&) {
    if (stack_.empty()) throw StateError("nothing to undo: no actions in this episode");
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    env_ = std::move(f.before);
    std::cout << "Undid " << f.action << "; " << stack_.size() << " actions remain, episode reward "
              << format_reward(reward_or_none(env_->episode_reward())) << "\n";
  }

  void try_all(const std::vector<std::string>&) {
    require_episode();
    auto scores = try_all_actions(*env_);
    for (size_t i = 0; i < scores.size(); ++i) {
      const auto& s = scores[i];
      std::cout << std::setw(5) << i + 1 << "  " << std::left << std::setw(36) << s.name
                << std::right;
      if (s.failed) {
        std::cout << "failed: " << s.error;
      } else {
        std::cout << std::setw(10) << format_reward(s.reward);
        if (s.had_no_effect) std::cout << "  (no effect)";
      }
      std::cout << "\n";
    }
  }

  void greedy(const std::vector<std::string>& args) {
    const int n = parse_count(args, 1, "greedy");
    for (int i = 0; i < n; ++i) {
      require_episode();
      auto scores = try_all_actions(*env_);
      if (scores.empty() || scores.front().failed || !(scores.front().reward > 0)) {
        std::cout << "No action improves the reward; stopped after " << i << " of " << n
                  << " steps\n";
        return;
      }
      if (apply(scores.front().action).done) return;
    }
  }

  void hill_climb_command(const std::vector<std::string>& args) {
    const int n = parse_count(args, 10, "hill_climb");
    require_episode();
    if (!has_reward()) {
      throw StateError("hill_climb needs a reward space; start the shell with --reward NAME");
    }
    int kept = 0;
    for (int i = 0; i < n && env_->in_episode(); ++i) {
      Action a = env_->action_space().sample(rng_);
      auto fork = env_->fork();
      auto r = fork->step(a);
      if (r.info.failed() || !(r.reward > 0)) continue;
      ++kept;
      apply(a);
    }
    std::cout << "Kept " << kept << " of " << n << " random actions; episode reward "
              << format_reward(env_->episode_reward()) << "\n";
  }

  void help(const std::vector<std::string>&) {
    std::cout << "Commands:\n";
    for (const auto& c : shell_commands()) {
      std::cout << "  " << std::left << std::setw(28) << c.usage << std::right << c.help << "\n";
    }
  }

  EnvPtr env_;
  Rng rng_;
  std::vector<Frame> stack_;
};

#if CGYM_HAVE_READLINE
Shell* g_shell = nullptr;

char* completion_generator(const char* text, int state) {
  static std::vector<std::string> matches;
  static size_t next = 0;
  if (state == 0) {
    matches = g_shell->completions(std::string(rl_line_buffer, rl_point - std::strlen(text)), text);
    next = 0;
  }
  if (next < matches.size()) return strdup(matches[next++].c_str());
  return nullptr;
}

char** complete(const char* text, int /*start*/, int /*end*/) {
  rl_attempted_completion_over = 1;  // never fall back to file names
  return rl_completion_matches(text, completion_generator);
}

void run_interactive(Shell& shell) {
  g_shell = &shell;
  rl_attempted_completion_function = complete;
  rl_readline_name = "cgym";
  std::string history_file;
  try {
    history_file = (cache_dir() / "manual_history").string();
    std::filesystem::create_directories(cache_dir());
  } catch (const std::exception&) {
    history_file.clear();
  }
  using_history();
  stifle_history(1000);
  if (!history_file.empty()) read_history(history_file.c_str());
  while (true) {
    char* raw = readline("cgym> ");
    if (!raw) {
      std::cout << "\n";
      break;
    }
    std::string line(raw);
    std::free(raw);
    if (line.find_first_not_of(" \t") != std::string::npos) add_history(line.c_str());
    if (!shell.execute(line)) break;
  }
  if (!history_file.empty()) write_history(history_file.c_str());
  g_shell = nullptr;
}
#else
void run_interactive(Shell& shell) {
  std::string line;
  while (true) {
    std::cout << "cgym> " << std::flush;
    if (!std::getline(std::cin, line)) {
      std::cout << "\n";
      break;
    }
    if (!shell.execute(line)) break;
  }
}
#endif

void run_script(Shell& shell) {
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::cout << "cgym> " << line << std::endl;
    if (!shell.execute(line)) break;
  }
}

}  // namespace

void add_manual_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("manual", "Explore an environment in an interactive shell");
  struct Options {
    std::string env_id, benchmark, reward;
    uint64_t seed = 0;
  };
  auto o = std::make_shared<Options>();
  cmd->add_option("--env", o->env_id, "The env id (see 'cgym envs')")->required();
  cmd->add_option("--benchmark", o->benchmark, "The benchmark to start with (default: the env's)");
  cmd->add_option("--reward", o->reward, "The reward space for actions (default: the env's)");
  cmd->add_option("--seed", o->seed, "Seed for random actions (action -, hill_climb)")
      ->check(non_negative_integer());
  cmd->footer(
      "Commands: list_benchmarks, set_benchmark URI, reset, list_actions,\n"
      "action NAME|INDEX|-, list_observations, observation NAME, list_rewards, reward [NAME],\n"
      "commandline, stack, back, try_all_actions, greedy [N], hill_climb [N], help, exit.\n"
      "On a terminal it has history and tab completion; with commands piped to stdin it\n"
      "runs them in order and echoes each one (lines starting with # are comments).\n"
      "Examples:\n"
      "  cgym manual --env llvm-ic-v0 --benchmark benchmark://cgym-v0/crc32\n"
      "  printf 'action -mem2reg\\nobservation IrInstructionCount\\nstack\\n' | "
      "cgym manual --env llvm-ic-v0");
  cmd->callback([o] {
    EnvPtr env = make(o->env_id);
    ResetOptions options;
    if (!o->reward.empty()) options.reward_space = o->reward;
    if (!o->benchmark.empty()) {
      options.benchmark = o->benchmark;
      env->reset(options);  // a bad --benchmark is a usage error: let it exit non-zero
    } else {
      try {
        env->reset(options);
      } catch (const BenchmarkInitError& e) {
        std::cerr << "warning: the default benchmark could not be loaded (" << e.what()
                  << "); use set_benchmark URI\n";
      }
    }
    Shell shell(std::move(env), o->seed);
    std::cout << shell.describe() << std::endl;
    if (isatty(STDIN_FILENO)) {
      run_interactive(shell);
    } else {
      run_script(shell);
    }
  });
}

}  // namespace cgym::cli
