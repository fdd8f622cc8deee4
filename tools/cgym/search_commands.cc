// cgym random-search, cgym greedy, cgym eval: thin front ends over the search
// library (cgym/search.h). They add what a person at a terminal needs:
// progress, the comparison with -Oz, and result files.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>

#include "cgym/cgym.h"
#include "cgym/commands.h"
#include "cgym/common.h"
#include "cgym/search.h"

namespace cgym::cli {

namespace {

namespace fs = std::filesystem;

// Fails before a long search rather than after it.
void prepare_output_dir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) {
    throw IoError("cannot create output directory '" + dir +
                  "': " + (ec ? ec.message() : std::string("a file of that name exists")));
  }
}

EnvPtr make_and_reset(const std::string& env_id, const std::string& benchmark,
                      const std::string& reward, const std::string& command) {
  EnvPtr env = make(env_id);
  ResetOptions r;
  if (!benchmark.empty()) r.benchmark = benchmark;
  if (!reward.empty()) r.reward_space = reward;
  env->reset(r);
  require_reward_space(*env, command);
  return env;
}

// Replays a result's actions on a fork of `start` to compare it with the
// baselines.
std::vector<BaselineComparison> baselines_after(Env& start, const SearchResult& result) {
  auto replay = start.fork();
  for (Action a : result.best_actions) {
    if (replay->step(a).info.failed()) return {};
  }
  return compare_to_baselines(*replay);
}

nlohmann::json to_json(const std::vector<BaselineComparison>& comparisons) {
  auto j = nlohmann::json::array();
  for (const auto& c : comparisons) j.push_back(c.to_json());
  return j;
}

void print_summary(const SearchResult& result, const std::vector<BaselineComparison>& comparisons) {
  std::cout << "Best reward (" << result.reward_space << "): " << format_reward(result.best_reward)
            << " after " << result.best_actions.size() << " actions\n";
  for (const auto& c : comparisons) std::cout << c.to_string() << "\n";
  std::cout << "Best command line: " << result.best_commandline << "\n";
}

void print_written(const std::string& dir) {
  std::cout << "Wrote best_actions.txt, best_commandline.txt, progress.csv and results.json to "
            << dir << "\n";
}

}  // namespace

void add_random_search_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("random-search",
                                 "Run parallel random agents on one benchmark and keep the best "
                                 "action sequence");
  struct Options {
    std::string env_id, benchmark, reward, output_dir;
    double runtime = 0;
    uint64_t steps = 0;
    int patience = 5, nproc = 1, episode_length = 0;
    uint64_t seed = 0;
  };
  auto o = std::make_shared<Options>();
  cmd->add_option("--env", o->env_id, "The env id (see 'cgym envs')")->required();
  cmd->add_option("--benchmark", o->benchmark, "The benchmark URI (see 'cgym benchmarks')")
      ->required();
  cmd->add_option("--runtime", o->runtime, "Search for this many seconds")
      ->check(positive_number());
  cmd->add_option("--steps", o->steps, "Search for this many steps in total over all agents")
      ->check(positive_integer());
  cmd->add_option("--patience", o->patience,
                  "End an episode after this many steps without improvement (default 5)")
      ->check(positive_integer());
  cmd->add_option("--nproc", o->nproc, "Parallel agents, each with its own env (default 1)")
      ->check(positive_integer());
  cmd->add_option("--seed", o->seed, "Agent i uses random seed S+i (default 0)")
      ->check(non_negative_integer());
  cmd->add_option("--episode-length", o->episode_length,
                  "The most steps in one episode (default: no limit besides patience)")
      ->check(non_negative_integer());
  cmd->add_option("--reward", o->reward, "The reward to maximise (default: the env's)");
  cmd->add_option("--output-dir", o->output_dir,
                  "Where to write best_actions.txt, best_commandline.txt, progress.csv, "
                  "results.json (created)")
      ->required();
  cmd->footer(
      "Give --runtime, --steps or both (the search stops at the first limit reached).\n"
      "Examples:\n"
      "  cgym random-search --env llvm-ic-v0 --benchmark cgym-v0/crc32 --runtime 60 --nproc 2 "
      "--output-dir crc32-search\n"
      "  cgym random-search --env llvm-codesize-v0 --benchmark cgym-v0/qsort --steps 5000 "
      "--seed 7 --output-dir out");
  cmd->callback([o] {
    if (o->runtime <= 0 && o->steps == 0) {
      throw InvalidArgument("random-search needs a budget: --runtime SECONDS, --steps N, or both");
    }
    prepare_output_dir(o->output_dir);
    EnvPtr env = make_and_reset(o->env_id, o->benchmark, o->reward, "random-search");
    ProgressReporter progress("random-search");
    RandomSearchOptions options{.runtime_seconds = o->runtime,
                                .steps = o->steps,
                                .patience = o->patience,
                                .episode_length = o->episode_length,
                                .nproc = o->nproc,
                                .seed = o->seed,
                                .on_progress = [&](const SearchProgress& p) { progress.update(p); },
                                .progress_interval_seconds = stderr_is_terminal() ? 0.25 : 1.0};
    SearchResult result = random_search(*env, options);
    progress.clear();
    auto comparisons = baselines_after(*env, result);
    nlohmann::json extra = {{"baselines", to_json(comparisons)},
                            {"options",
                             {{"runtime", o->runtime},
                              {"steps", o->steps},
                              {"patience", o->patience},
                              {"nproc", o->nproc},
                              {"seed", o->seed},
                              {"episode_length", o->episode_length}}}};
    write_search_outputs(o->output_dir, result, extra);
    std::cout << "Searched " << result.benchmark << " with " << o->nproc << " agent"
              << (o->nproc == 1 ? "" : "s") << ": " << result.episodes << " episodes, "
              << result.steps << " steps in " << format_seconds(result.seconds) << "\n";
    print_summary(result, comparisons);
    print_written(o->output_dir);
  });
}

void add_greedy_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "greedy", "Repeatedly apply the single action that improves the reward most (using fork)");
  struct Options {
    std::string env_id, benchmark, reward, output_dir;
    int steps = 0;
    double runtime = 0;
  };
  auto o = std::make_shared<Options>();
  cmd->add_option("--env", o->env_id, "The env id (see 'cgym envs')")->required();
  cmd->add_option("--benchmark", o->benchmark, "The benchmark URI (see 'cgym benchmarks')")
      ->required();
  cmd->add_option("--steps", o->steps,
                  "Apply at most N actions (default: until no action improves)")
      ->check(positive_integer());
  cmd->add_option("--runtime", o->runtime, "Stop after this many seconds")
      ->check(positive_number());
  cmd->add_option("--reward", o->reward, "The reward to maximise (default: the env's)");
  cmd->add_option("--output-dir", o->output_dir,
                  "Also write best_actions.txt, best_commandline.txt, progress.csv, "
                  "results.json here");
  cmd->footer(
      "Each step tries every action on a fork of the current state, then applies the best.\n"
      "Examples:\n"
      "  cgym greedy --env llvm-ic-v0 --benchmark cgym-v0/crc32\n"
      "  cgym greedy --env llvm-ic-v0 --benchmark cgym-v0/qsort --steps 5 --output-dir out");
  cmd->callback([o] {
    if (!o->output_dir.empty()) prepare_output_dir(o->output_dir);
    EnvPtr env = make_and_reset(o->env_id, o->benchmark, o->reward, "greedy");
    auto start = env->fork();
    GreedySearchOptions options{.steps = o->steps,
                                .runtime_seconds = o->runtime,
                                .on_step = [&](const ActionScore& s, const SearchProgress& p) {
                                  std::cout << "step " << p.episodes << ": " << s.name
                                            << "  reward " << format_reward(s.reward)
                                            << "  episode " << format_reward(p.best_reward) << "  ("
                                            << p.steps << " env steps, "
                                            << format_seconds(p.seconds) << ")" << std::endl;
                                }};
    SearchResult result = greedy_search(*env, options);
    std::cout << "No action improves the reward further"
              << (o->steps > 0 && static_cast<int>(result.best_actions.size()) >= o->steps
                      ? std::string(" (or --steps reached)")
                      : std::string())
              << "; stopped after " << result.best_actions.size() << " actions, " << result.steps
              << " env steps, " << format_seconds(result.seconds) << "\n";
    auto comparisons = compare_to_baselines(*env);
    print_summary(result, comparisons);
    if (!o->output_dir.empty()) {
      write_search_outputs(o->output_dir, result, {{"baselines", to_json(comparisons)}});
      print_written(o->output_dir);
    }
  });
}

void add_eval_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "eval", "Run a search on every benchmark of a dataset and report the geomean reward");
  struct Options {
    std::string policy, dataset, env_id = "llvm-ic-v0", output = "states.csv", action_space;
    int replays = 3;
    int64_t limit = -1;
    double budget = 0;
    uint64_t steps = 0;
    int nproc = 1, patience = 5;
    uint64_t seed = 0;
  };
  auto o = std::make_shared<Options>();
  cmd->add_option("--policy", o->policy, "random, greedy or hill_climb")
      ->required()
      ->check(CLI::IsMember({"random", "greedy", "hill_climb"}));
  cmd->add_option("--dataset", o->dataset, "The dataset, e.g. cgym-v0 (see 'cgym datasets')")
      ->required();
  cmd->add_option("--env", o->env_id, "The env (default llvm-ic-v0)");
  cmd->add_option("--limit", o->limit, "Only the first N benchmarks (required for generators)")
      ->check(positive_integer());
  cmd->add_option("--budget", o->budget,
                  "Seconds per benchmark (random: default 10 unless --steps; greedy, "
                  "hill_climb: default no limit)")
      ->check(positive_number());
  cmd->add_option("--steps", o->steps,
                  "Steps per benchmark (random: total env steps; greedy: actions applied; "
                  "hill_climb: actions tried, default 100)")
      ->check(positive_integer());
  cmd->add_option("--nproc", o->nproc, "random: parallel agents (default 1)")
      ->check(positive_integer());
  cmd->add_option("--patience", o->patience, "random: patience (default 5)")
      ->check(positive_integer());
  cmd->add_option("--seed", o->seed, "random, hill_climb: the random seed (default 0)")
      ->check(non_negative_integer());
  cmd->add_option("--output", o->output,
                  "The state CSV to write (default states.csv; rewritten after each benchmark)");
  cmd->add_option("--action-space", o->action_space,
                  "Search in this action space, e.g. PassesLlvm19Deterministic (the LLVM passes "
                  "whose output is a function of their input; see 'cgym spaces')");
  cmd->add_option("--replays", o->replays,
                  "Replay each result in a fresh session; when the reward differs, replay this "
                  "many times in all and report NONDET with the spread when the replays "
                  "disagree (default 3; 0: do not replay)")
      ->check(non_negative_integer());
  cmd->footer(
      "Like CompilerGym's leaderboard harness: the score is the geometric mean over the\n"
      "benchmarks of the episode reward (IrInstructionCountOz for llvm-ic-v0,\n"
      "ObjectTextSizeOz for llvm-codesize-v0). Check the states with 'cgym validate'.\n"
      "Examples:\n"
      "  cgym eval --policy greedy --dataset cgym-v0 --output greedy.csv\n"
      "  cgym eval --policy random --dataset cgym-v0 --budget 10 --nproc 2 --output random.csv\n"
      "  cgym eval --policy hill_climb --env llvm-codesize-v0 --dataset cgym-v0 --limit 5");
  cmd->callback([o] {
    EnvPtr env = make(o->env_id);
    if (!o->action_space.empty()) env->reset({.action_space = o->action_space});
    const std::string reward = require_reward_space(*env, "eval");
    DatasetPtr dataset = env->datasets().dataset(o->dataset);
    if (!dataset->enumerable()) {
      throw InvalidArgument("dataset " + dataset->name() +
                            " cannot list its benchmarks, so it cannot be evaluated");
    }
    uint64_t n = dataset->size();
    const bool infinite = is_infinite(*dataset);
    if (infinite && o->limit < 0) {
      throw InvalidArgument("dataset " + dataset->name() +
                            " is a generator with infinitely many benchmarks; give --limit N");
    }
    if (!infinite && n == 0) {
      throw InvalidArgument("dataset " + dataset->name() + " has no benchmarks");
    }
    if (infinite || (o->limit >= 0 && static_cast<uint64_t>(o->limit) < n)) {
      n = static_cast<uint64_t>(o->limit);
    }
    if (o->policy == "random" && o->budget <= 0 && o->steps == 0) o->budget = 10;

    std::vector<EnvState> states;
    std::vector<double> rewards;
    double walltime = 0;
    int failures = 0, non_deterministic = 0, mismatches = 0;
    std::cout << "Evaluating policy " << o->policy << " on " << n << " benchmarks of "
              << dataset->name() << " with " << o->env_id << " (reward " << reward << ")\n";
    for (uint64_t i = 0; i < n; ++i) {
      const std::string uri = dataset->benchmark_uri(i);
      const std::string tag = "[" + std::to_string(i + 1) + "/" + std::to_string(n) + "] ";
      try {
        env->reset({.benchmark = uri});
        SearchResult result;
        ProgressReporter progress(tag + uri, o->policy == "random", /*min_interval_seconds=*/5);
        auto on_step = [&](const ActionScore&, const SearchProgress& p) { progress.update(p); };
        if (o->policy == "random") {
          result = random_search(
              *env, {.runtime_seconds = o->budget,
                     .steps = o->steps,
                     .patience = o->patience,
                     .nproc = o->nproc,
                     .seed = o->seed,
                     .on_progress = [&](const SearchProgress& p) { progress.update(p); },
                     .progress_interval_seconds = stderr_is_terminal() ? 0.25 : 1.0});
        } else if (o->policy == "greedy") {
          result = greedy_search(*env, {.steps = static_cast<int>(o->steps),
                                        .runtime_seconds = o->budget,
                                        .on_step = on_step});
        } else {
          result = hill_climb(*env, {.steps = o->steps ? static_cast<int>(o->steps) : 100,
                                     .runtime_seconds = o->budget,
                                     .seed = o->seed,
                                     .on_step = on_step});
        }
        progress.clear();
        if (o->replays > 0) check_reproducibility(*env, result, o->replays);
        EnvState state = result.state();
        states.push_back(state);
        rewards.push_back(result.best_reward);
        walltime += result.seconds;
        write_state_csv_file(o->output, states);
        std::cout << tag << uri << "  reward " << format_reward(result.best_reward) << "  "
                  << result.best_actions.size() << " actions  " << format_seconds(result.seconds);
        const std::string verdict = result.reproducibility();
        if (verdict == "non-deterministic") {
          ++non_deterministic;
          const auto& nd = *result.validation->non_deterministic;
          std::cout << "  NONDET: " << nd.rewards.size() << " replays gave "
                    << format_reward(nd.min_reward) << " to " << format_reward(nd.max_reward)
                    << " (spread " << format_reward(nd.spread()) << ")";
          if (!nd.actions.empty()) {
            std::cout << "; non-deterministic actions:";
            for (const auto& a : nd.actions) std::cout << " " << a;
          }
        } else if (verdict == "mismatch") {
          ++mismatches;
          std::cout << "  REPLAY MISMATCH: " << result.validation->errors.front().details;
        }
        std::cout << std::endl;
        if (verdict == "failed") {
          // E.g. a command line of a space the episode switched to: the
          // result stands, it just could not be checked this way.
          std::cerr << tag << uri
                    << ": not checked by a replay: " << result.validation->errors.front().type
                    << ": " << result.validation->errors.front().details << std::endl;
        }
      } catch (const std::exception& e) {
        ++failures;
        std::cout << tag << uri << "  error: " << e.what() << std::endl;
      }
    }
    if (states.empty()) write_state_csv_file(o->output, states);
    std::cout << "Geomean " << reward << ": " << format_reward(geomean(rewards)) << " over "
              << rewards.size() << " benchmarks";
    if (!rewards.empty()) {
      std::cout << " (mean walltime " << format_seconds(walltime / rewards.size()) << ")";
    }
    std::cout << "\n";
    if (std::any_of(rewards.begin(), rewards.end(), [](double r) { return !(r > 0); })) {
      std::cout << "(the geomean is 0 because some rewards are <= 0, as CompilerGym "
                   "computes it)\n";
    }
    if (non_deterministic) {
      std::cout << non_deterministic << " of " << rewards.size()
                << " results are non-deterministic (their replays gave different rewards)";
      for (const auto& space : env->action_spaces()) {
        if (std::all_of(space.actions().begin(), space.actions().end(),
                        [](const ActionInfo& a) { return a.deterministic; })) {
          std::cout << "; search with --action-space " << space.name()
                    << " for results that replay exactly";
          break;
        }
      }
      std::cout << "\n";
    }
    std::cout << "Wrote " << states.size() << " states to " << o->output << "\n";
    if (mismatches > 0) {
      std::cerr << "cgym: error: " << mismatches << " of " << n
                << " results did not replay to their reward\n";
      set_exit_code(1);
    }
    if (failures > 0) {
      std::cerr << "cgym: error: " << failures << " of " << n << " benchmarks failed\n";
      set_exit_code(1);
    }
  });
}

}  // namespace cgym::cli
