// cgym random-search, cgym greedy, cgym eval: thin front ends over the search
// library (cgym/search.h). They add what a person at a terminal needs:
// progress, the comparison with -Oz, and result files.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>

#include "cgym/cgym.h"
#include "cgym/remote_datasets.h"
#include "cgym/search.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/distributed.h"

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
                      const std::string& reward, const std::string& command,
                      const std::string& action_space) {
  EnvPtr env = make(env_id);
  ResetOptions r;
  if (!benchmark.empty()) r.benchmark = benchmark;
  if (!reward.empty()) r.reward_space = reward;
  if (!action_space.empty()) r.action_space = action_space;
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

// The name of an action space of `env` whose actions are all deterministic,
// or "" when it has none.
std::string deterministic_space_name(const Env& env) {
  for (const auto& space : env.action_spaces()) {
    if (std::all_of(space.actions().begin(), space.actions().end(),
                    [](const ActionInfo& a) { return a.deterministic; })) {
      return space.name();
    }
  }
  return "";
}

// --action-space and --replays, shared by random-search and greedy.
void add_reproducibility_options(CLI::App* cmd, std::string& action_space, int& replays) {
  cmd->add_option("--action-space", action_space,
                  "Search in this action space, e.g. PassesLlvm19Deterministic (the LLVM passes "
                  "whose output is a function of their input; see 'cgym spaces')");
  cmd->add_option("--replays", replays,
                  "Replay each best result in a fresh session; when the reward differs, replay "
                  "this many times in all and report NONDET with the spread when the replays "
                  "disagree (default 3; 0: do not replay)")
      ->check(non_negative_integer());
}

// Replays `result` (when replays > 0) and says what the replays found: a
// non-deterministic result is named as such with its spread; a replay that
// agrees with itself but not with the search is an error (exit status 1).
void check_and_report_reproducibility(Env& env, SearchResult& result, int replays) {
  if (replays <= 0) return;
  check_reproducibility(env, result, replays);
  const std::string verdict = result.reproducibility();
  if (verdict == "reproducible") {
    std::cout << "Replay: the best result replays to its reward in a fresh session\n";
  } else if (verdict == "non-deterministic") {
    const auto& nd = *result.validation->non_deterministic;
    std::cout << "NONDET: " << nd.rewards.size() << " replays gave " << format_reward(nd.min_reward)
              << " to " << format_reward(nd.max_reward) << " (spread " << format_reward(nd.spread())
              << ")";
    if (!nd.actions.empty()) {
      std::cout << "; non-deterministic actions:";
      for (const auto& a : nd.actions) std::cout << " " << a;
    }
    const std::string space = deterministic_space_name(env);
    if (!space.empty()) std::cout << "; search with --action-space " << space << " to avoid them";
    std::cout << "\n";
  } else if (verdict == "mismatch") {
    std::cerr << "cgym: error: REPLAY MISMATCH: "
              << (result.validation->errors.empty() ? std::string()
                                                    : result.validation->errors.front().details)
              << "\n";
    set_exit_code(1);
  } else if (verdict == "failed") {
    std::cerr << "cgym: the best result was not checked by a replay: "
              << (result.validation->errors.empty() ? std::string()
                                                    : result.validation->errors.front().details)
              << "\n";
  }
}

void print_written(const std::string& dir) {
  std::cout << "Wrote best_actions.txt, best_commandline.txt, progress.csv and results.json to "
            << dir << "\n";
}

nlohmann::json result_to_wire(const SearchResult& r) {
  auto progress = nlohmann::json::array();
  for (const auto& p : r.progress) {
    progress.push_back(
        {p.seconds, p.episodes, p.steps, p.best_reward, p.fraction_done ? *p.fraction_done : -1.0});
  }
  return {{"env_id", r.env_id},
          {"benchmark", r.benchmark},
          {"reward_space", r.reward_space},
          {"best_actions", r.best_actions},
          {"best_action_names", r.best_action_names},
          {"best_reward", r.best_reward},
          {"best_commandline", r.best_commandline},
          {"episodes", r.episodes},
          {"steps", r.steps},
          {"seconds", r.seconds},
          {"progress", progress}};
}

SearchResult result_from_wire(const nlohmann::json& j) {
  SearchResult r;
  r.env_id = j["env_id"];
  r.benchmark = j["benchmark"];
  r.reward_space = j["reward_space"];
  r.best_actions = j["best_actions"].get<std::vector<Action>>();
  r.best_action_names = j["best_action_names"].get<std::vector<std::string>>();
  r.best_reward = j["best_reward"];
  r.best_commandline = j["best_commandline"];
  r.episodes = j["episodes"];
  r.steps = j["steps"];
  r.seconds = j["seconds"];
  for (const auto& p : j["progress"]) {
    SearchProgress s{.seconds = p[0], .episodes = p[1], .steps = p[2], .best_reward = p[3]};
    if (p[4].get<double>() >= 0) s.fraction_done = p[4].get<double>();
    r.progress.push_back(s);
  }
  return r;
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
    int patience = 5, nproc = 1, episode_length = 0, searches = 0;
    uint64_t seed = 0;
    std::string action_space;
    int replays = 3;
    bool resume = false;
    DistributedOptions dist;
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
  cmd->add_option("--searches", o->searches,
                  "Independent searches, each with the whole budget; search k's agents use "
                  "seeds S+k*nproc+i, and the best result is kept (default 1, or one per MPI "
                  "rank); they are handed out to the MPI ranks")
      ->check(positive_integer());
  add_reproducibility_options(cmd, o->action_space, o->replays);
  add_distributed_options(cmd, o->dist);
  cmd->footer(
      "Give --runtime, --steps or both (the search stops at the first limit reached).\n"
      "Examples:\n"
      "  cgym random-search --env llvm-ic-v0 --benchmark cgym-v0/crc32 --runtime 60 --nproc 2 "
      "--output-dir crc32-search\n"
      "  cgym random-search --env llvm-codesize-v0 --benchmark cgym-v0/qsort --steps 5000 "
      "--seed 7 --output-dir out\n"
      "  mpirun -n 8 cgym random-search --env llvm-ic-v0 --benchmark cgym-v0/qsort --steps 5000 "
      "--searches 32 --output-dir out\n"
      "  mpirun -n 8 cgym random-search --env llvm-ic-v0 --benchmark cgym-v0/qsort --steps 5000 "
      "--searches 32 --output-dir out --resume");
  cmd->add_flag("--resume", o->resume,
                "Keep the searches already finished in --output-dir (searches.json, written as "
                "each search ends) and run only the others (after an interrupted run; the other "
                "options must be the same)");
  cmd->callback([o] {
    if (o->runtime <= 0 && o->steps == 0) {
      throw InvalidArgument("random-search needs a budget: --runtime SECONDS, --steps N, or both");
    }
    Distributed dist(o->dist, "random-search");
    dist.guard([&] {
      if (dist.root()) prepare_output_dir(o->output_dir);
      EnvPtr env =
          make_and_reset(o->env_id, o->benchmark, o->reward, "random-search", o->action_space);
      const int searches = o->searches > 0 ? o->searches : dist.size();
      auto seed_of = [&](size_t k) { return o->seed + k * static_cast<uint64_t>(o->nproc); };
      auto options_for = [&](size_t k, std::function<void(const SearchProgress&)> on_progress) {
        return RandomSearchOptions{.runtime_seconds = o->runtime,
                                   .steps = o->steps,
                                   .patience = o->patience,
                                   .episode_length = o->episode_length,
                                   .nproc = o->nproc,
                                   .seed = seed_of(k),
                                   .on_progress = std::move(on_progress),
                                   .progress_interval_seconds = stderr_is_terminal() ? 0.25 : 1.0};
      };
      // Every finished search, by index, kept in searches.json so that
      // --resume can skip them. The options that decide a search's result
      // are stored with them: a resumed run must use the same.
      const nlohmann::json search_options = {{"env", o->env_id},
                                             {"benchmark", env->benchmark()->uri()},
                                             {"reward", env->reward_space().value_or("")},
                                             {"action_space", env->action_space().name()},
                                             {"runtime", o->runtime},
                                             {"steps", o->steps},
                                             {"patience", o->patience},
                                             {"nproc", o->nproc},
                                             {"seed", o->seed},
                                             {"episode_length", o->episode_length},
                                             {"searches", searches}};
      const fs::path record = fs::path(o->output_dir) / "searches.json";
      std::map<size_t, SearchResult> finished;
      if (o->resume && dist.root() && fs::exists(record)) {
        nlohmann::json j;
        try {
          j = nlohmann::json::parse(read_file(record));
        } catch (const nlohmann::json::exception& e) {
          throw InvalidArgument("cannot resume: " + record.string() +
                                " is not a searches file of cgym random-search (" + e.what() +
                                "); remove it to start again");
        }
        if (!j.contains("options") || j["options"] != search_options) {
          throw InvalidArgument(
              "cannot resume: " + record.string() + " was written by a search with options " +
              j.value("options", nlohmann::json::object()).dump() + ", not " +
              search_options.dump() + "; give the same options, or leave out --resume");
        }
        for (const auto& [key, value] : j["finished"].items()) {
          finished.emplace(std::stoul(key), result_from_wire(value));
        }
      }
      auto save = [&] {
        nlohmann::json f = nlohmann::json::object();
        for (const auto& [k, r] : finished) f[std::to_string(k)] = result_to_wire(r);
        write_file_atomic(record,
                          nlohmann::json{{"options", search_options}, {"finished", f}}.dump(1));
      };
      const size_t resumed = finished.size();
      if (dist.root()) {
        save();  // a run without --resume starts a new record
        if (o->resume) {
          std::cout << "Resuming: " << resumed << " of " << searches << " searches already in "
                    << record.string() << "\n";
        }
      }
      dist.set_stop_note("the finished searches are in " + record.string() +
                         "; rerun the same command with --resume to run only the others");
      uint64_t episodes = 0, steps = 0;
      int failed = 0;
      std::string first_error;
      const auto start = std::chrono::steady_clock::now();
      if (searches == 1 && !dist.active()) {
        if (!finished.count(0)) {
          ProgressReporter progress("random-search");
          finished[0] = random_search(
              *env, options_for(0, [&](const SearchProgress& p) { progress.update(p); }));
          progress.clear();
          save();
        }
      } else {
        // One search per item; each item's result depends only on its seed.
        std::vector<size_t> items;
        std::vector<std::string> labels;
        for (int k = 0; k < searches; ++k) {
          labels.push_back("search " + std::to_string(k) + " (seed " +
                           std::to_string(seed_of(static_cast<size_t>(k))) + ")");
          if (!finished.count(static_cast<size_t>(k))) items.push_back(static_cast<size_t>(k));
        }
        dist.run(
            items, labels,
            [&](size_t k) {
              EnvPtr e = env->fork();
              return result_to_wire(random_search(*e, options_for(k, {}))).dump();
            },
            [&](size_t k, int rank, bool ok, const std::string& payload) {
              if (!ok) {
                ++failed;
                if (first_error.empty()) first_error = labels[k] + ": " + payload;
                return;
              }
              SearchResult r = result_from_wire(nlohmann::json::parse(payload));
              std::cout << "search " << k << " (rank " << rank << "): best reward "
                        << format_reward(r.best_reward) << " after " << r.best_actions.size()
                        << " actions, " << r.episodes << " episodes" << std::endl;
              finished[k] = std::move(r);
              save();
            });
      }
      if (!dist.root()) return;
      if (finished.empty()) throw Error("every search failed; the first: " + first_error);
      if (failed) {
        std::cerr << "cgym: error: " << failed << " of " << searches
                  << " searches failed; the first: " << first_error << "\n";
        set_exit_code(1);
      }
      // The best result, the lowest search index among equals (as one
      // process would pick it, whatever order they finished in).
      const SearchResult* best = nullptr;
      for (const auto& [k, r] : finished) {
        episodes += r.episodes;
        steps += r.steps;
        if (!best || r.best_reward > best->best_reward) best = &r;
      }
      SearchResult result = *best;
      if (finished.size() > 1 || resumed > 0) {
        result.episodes = episodes;
        result.steps = steps;
        result.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      }
      auto comparisons = baselines_after(*env, result);
      check_and_report_reproducibility(*env, result, o->replays);
      nlohmann::json extra = {{"baselines", to_json(comparisons)},
                              {"options",
                               {{"runtime", o->runtime},
                                {"steps", o->steps},
                                {"patience", o->patience},
                                {"nproc", o->nproc},
                                {"seed", o->seed},
                                {"searches", searches},
                                {"action_space", env->action_space().name()},
                                {"replays", o->replays},
                                {"ranks", dist.size()},
                                {"episode_length", o->episode_length}}}};
      write_search_outputs(o->output_dir, result, extra);
      std::cout << "Searched " << result.benchmark << " with " << o->nproc << " agent"
                << (o->nproc == 1 ? "" : "s");
      if (searches > 1 || dist.active()) {
        std::cout << " in each of " << searches << " searches on " << dist.size() << " rank"
                  << (dist.size() == 1 ? "" : "s");
      }
      std::cout << ": " << result.episodes << " episodes, " << result.steps << " steps in "
                << format_seconds(result.seconds) << "\n";
      print_summary(result, comparisons);
      print_written(o->output_dir);
    });
  });
}

namespace {

// Options whose value names a session parameter: not empty.
CLI::Validator session_parameter_name(const std::string& example) {
  return CLI::Validator(
      [example](const std::string& v) {
        return v.empty() ? "needs a session parameter name, such as " + example : std::string();
      },
      "PARAM");
}

}  // namespace

void add_greedy_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "greedy", "Repeatedly apply the single action that improves the reward most (using fork)");
  struct Options {
    std::string env_id, benchmark, reward, output_dir;
    int steps = 0;
    double runtime = 0;
    std::string action_space;
    int replays = 3;
    int branches = 1;
    std::string confirm;
    bool pick_best = false;
    std::string prune;
    std::vector<std::string> try_first;
    std::string prebuild;
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
  cmd->add_option("--branches", o->branches,
                  "Run greedy from each of the first round's N best actions and keep the best "
                  "branch (default 1: plain greedy)")
      ->check(positive_integer());
  auto* confirm =
      cmd->add_option(
             "--confirm", o->confirm,
             "For timed rewards: before a step is applied, measure the state and the candidate "
             "again, alternately, 3 times each, through this session parameter, and take the step "
             "only if its median is more than 1% higher (loopnest-v0, loop_tool-v0: "
             "loopnest.remeasure)")
          ->check(session_parameter_name("loopnest.remeasure"));
  cmd->add_flag("--pick-best", o->pick_best,
                "With --confirm: judge a round's 3 best candidates and apply the best of those "
                "accepted, not the first")
      ->needs(confirm);
  cmd->add_option("--prune", o->prune,
                  "For timed rewards that are the change of the observation of the same name "
                  "(loopnest-v0's flops): tell each candidate, through this session parameter, "
                  "the value it must beat to matter, so that a slower one is given up early "
                  "(loopnest-v0, loop_tool-v0: loopnest.flops_floor)")
      ->check(session_parameter_name("loopnest.flops_floor"));
  cmd->add_option("--prebuild", o->prebuild,
                  "For envs that compile each candidate: before each 8 candidates of a round are "
                  "tried, send their action indices to a fork of the state through this session "
                  "parameter, which builds their programs on all cores at once (loopnest-v0: "
                  "loopnest.prebuild)")
      ->check(session_parameter_name("loopnest.prebuild"));
  cmd->add_option("--try-first", o->try_first,
                  "Action names the first round tries first, in this order (comma-separated); "
                  "with --runtime or --prune, put the likeliest first")
      ->delimiter(',');
  add_reproducibility_options(cmd, o->action_space, o->replays);
  cmd->footer(
      "Each step tries every action on a fork of the current state, then applies the best.\n"
      "Examples:\n"
      "  cgym greedy --env llvm-ic-v0 --benchmark cgym-v0/crc32\n"
      "  cgym greedy --env llvm-ic-v0 --benchmark cgym-v0/qsort --steps 5 --output-dir out\n"
      "  cgym greedy --env loopnest-v0 --benchmark 'loopnest-v0/matmul?m=256&n=256&k=256' \\\n"
      "      --action-space direct --runtime 60 --branches 3 --confirm loopnest.remeasure "
      "--pick-best --prune loopnest.flops_floor \\\n"
      "      --try-first tile2d_8x32,tile2d_16x32,cachetile_64 --prebuild loopnest.prebuild");
  cmd->callback([o] {
    if (!o->output_dir.empty()) prepare_output_dir(o->output_dir);
    EnvPtr env = make_and_reset(o->env_id, o->benchmark, o->reward, "greedy", o->action_space);
    int applied = 0;
    GreedySearchOptions options{.steps = o->steps,
                                .runtime_seconds = o->runtime,
                                .on_step = [&](const ActionScore& s, const SearchProgress& p) {
                                  std::cout << "step " << ++applied << ": " << s.name << "  reward "
                                            << format_reward(s.reward) << "  episode "
                                            << format_reward(p.best_reward) << "  (" << p.steps
                                            << " env steps, " << format_seconds(p.seconds) << ")"
                                            << std::endl;
                                }};
    options.branches = o->branches;
    if (!o->confirm.empty()) {
      options.confirm = confirm_by_remeasuring(o->confirm);
      options.confirm_pick_best = o->pick_best;
    }
    if (!o->prune.empty()) {
      // The observation named like the reward (loopnest-v0: flops).
      const std::string reward = env->reward_space().value_or("");
      const auto& spaces = env->observation_spaces();
      if (std::none_of(spaces.begin(), spaces.end(),
                       [&](const ObservationSpaceSpec& s) { return s.name == reward; })) {
        throw InvalidArgument(
            "--prune needs a reward that is the change of the observation of "
            "the same name (loopnest-v0's flops); env " +
            env->env_id() + " has no observation named like its reward '" + reward + "'");
      }
      options.prune = prune_below_best(reward, o->prune);
    }
    for (const auto& name : o->try_first)
      options.try_first.push_back(env->action_space().index(name));
    if (!o->prebuild.empty()) options.prepare = prebuild_candidates(o->prebuild);
    SearchResult result = greedy_search(*env, options);
    std::cout << "No action improves the reward further"
              << (o->steps > 0 && static_cast<int>(result.best_actions.size()) >= o->steps
                      ? std::string(" (or --steps reached)")
                      : std::string())
              << "; stopped after " << result.best_actions.size() << " actions, " << result.steps
              << " env steps, " << format_seconds(result.seconds) << "\n";
    auto comparisons = compare_to_baselines(*env);
    print_summary(result, comparisons);
    check_and_report_reproducibility(*env, result, o->replays);
    if (!o->output_dir.empty()) {
      write_search_outputs(o->output_dir, result, {{"baselines", to_json(comparisons)}});
      print_written(o->output_dir);
    }
  });
}

namespace {

struct EvalOptions {
  std::string policy, dataset, env_id = "llvm-ic-v0", output = "states.csv", action_space;
  int replays = 3;
  int64_t limit = -1;
  double budget = 0;
  uint64_t steps = 0;
  int nproc = 1, patience = 5;
  uint64_t seed = 0;
  bool resume = false;
  DistributedOptions dist;
};

void run_eval(EvalOptions& o, Distributed& dist);

}  // namespace

void add_eval_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "eval", "Run a search on every benchmark of a dataset and report the geomean reward");
  auto o = std::make_shared<EvalOptions>();
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
  add_reproducibility_options(cmd, o->action_space, o->replays);
  cmd->footer(
      "Like CompilerGym's leaderboard harness: the score is the geometric mean over the\n"
      "benchmarks of the episode reward (IrInstructionCountOz for llvm-ic-v0,\n"
      "ObjectTextSizeOz for llvm-codesize-v0). Check the states with 'cgym validate'.\n"
      "Examples:\n"
      "  cgym eval --policy greedy --dataset cgym-v0 --output greedy.csv\n"
      "  cgym eval --policy random --dataset cgym-v0 --budget 10 --nproc 2 --output random.csv\n"
      "  cgym eval --policy hill_climb --env llvm-codesize-v0 --dataset cgym-v0 --limit 5\n"
      "  mpirun -n 8 cgym eval --policy greedy --dataset cgym-v0 --output greedy.csv\n"
      "  cgym eval --policy greedy --dataset cgym-v0 --output greedy.csv --resume");
  cmd->add_flag("--resume", o->resume,
                "Keep the rows already in --output and evaluate only the benchmarks missing "
                "from it (after an interrupted run)");
  add_distributed_options(cmd, o->dist);
  cmd->callback([o] {
    Distributed dist(o->dist, "eval");
    dist.guard([&] { run_eval(*o, dist); });
  });
}

namespace {

// One benchmark's search, as a JSON payload (it may cross ranks).
std::string eval_one(const EvalOptions& o, Env& env, const std::string& uri, const std::string& tag,
                     bool show_progress) {
  try {
    env.reset({.benchmark = uri});
    SearchResult result;
    ProgressReporter progress(tag + uri, o.policy == "random", /*min_interval_seconds=*/5);
    auto update = [&](const SearchProgress& p) {
      if (show_progress) progress.update(p);
    };
    auto on_step = [&](const ActionScore&, const SearchProgress& p) { update(p); };
    if (o.policy == "random") {
      result = random_search(env, {.runtime_seconds = o.budget,
                                   .steps = o.steps,
                                   .patience = o.patience,
                                   .nproc = o.nproc,
                                   .seed = o.seed,
                                   .on_progress = update,
                                   .progress_interval_seconds = stderr_is_terminal() ? 0.25 : 1.0});
    } else if (o.policy == "greedy") {
      result = greedy_search(
          env,
          {.steps = static_cast<int>(o.steps), .runtime_seconds = o.budget, .on_step = on_step});
    } else {
      result = hill_climb(env, {.steps = o.steps ? static_cast<int>(o.steps) : 100,
                                .runtime_seconds = o.budget,
                                .seed = o.seed,
                                .on_step = on_step});
    }
    progress.clear();
    if (o.replays > 0) check_reproducibility(env, result, o.replays);
    EnvState state = result.state();
    nlohmann::json j = {{"ok", true},
                        {"benchmark", state.benchmark},
                        {"walltime", state.walltime},
                        {"commandline", state.commandline},
                        {"best_reward", result.best_reward},
                        {"actions", result.best_actions.size()},
                        {"steps", result.steps},
                        {"seconds", result.seconds}};
    if (state.reward) j["reward"] = *state.reward;
    // What the replays found, for rank 0 to print and count.
    const std::string verdict = result.reproducibility();
    j["reproducibility"] = verdict;
    if (verdict == "non-deterministic") {
      const auto& nd = *result.validation->non_deterministic;
      j["non_deterministic"] = {{"replays", nd.rewards.size()},
                                {"min_reward", nd.min_reward},
                                {"max_reward", nd.max_reward},
                                {"spread", nd.spread()},
                                {"actions", nd.actions}};
    } else if (verdict == "mismatch" || verdict == "failed") {
      j["mismatch"] = result.validation->errors.empty() ? std::string()
                                                        : result.validation->errors.front().details;
    }
    return j.dump();
  } catch (const std::exception& e) {
    return nlohmann::json{{"ok", false}, {"error", e.what()}}.dump();
  }
}

void run_eval(EvalOptions& opt, Distributed& dist) {
  const EvalOptions& o = opt;
  EnvPtr env = make(o.env_id);
  if (!o.action_space.empty()) env->reset({.action_space = o.action_space});
  const std::string reward = require_reward_space(*env, "eval");
  DatasetPtr dataset = env->datasets().dataset(o.dataset);
  if (!dataset->enumerable()) {
    throw InvalidArgument("dataset " + dataset->name() +
                          " cannot list its benchmarks, so it cannot be evaluated");
  }
  uint64_t n = dataset->size();
  const bool infinite = is_infinite(*dataset);
  if (infinite && o.limit < 0) {
    throw InvalidArgument("dataset " + dataset->name() +
                          " is a generator with infinitely many benchmarks; give --limit N");
  }
  if (!infinite && n == 0) {
    throw InvalidArgument("dataset " + dataset->name() + " has no benchmarks");
  }
  if (infinite || (o.limit >= 0 && static_cast<uint64_t>(o.limit) < n)) {
    n = static_cast<uint64_t>(o.limit);
  }
  if (opt.policy == "random" && opt.budget <= 0 && opt.steps == 0) opt.budget = 10;

  std::vector<std::string> uris;
  for (uint64_t i = 0; i < n; ++i) uris.push_back(dataset->benchmark_uri(i));

  // The CSV is rows in benchmark order (resumed and new alike), rewritten
  // atomically after each result, so that it is valid at every moment.
  std::vector<std::optional<EnvState>> rows(n);
  std::vector<EnvState> extra;  // rows of --resume for benchmarks not in this run
  size_t resumed = 0;
  if (o.resume && dist.root() && std::filesystem::exists(o.output)) {
    std::map<std::string, size_t> index;
    for (size_t i = 0; i < uris.size(); ++i) index.emplace(uris[i], i);
    for (auto& s : read_state_csv_file(o.output)) {
      auto it = index.find(s.benchmark);
      if (it == index.end()) {
        extra.push_back(std::move(s));
      } else if (!rows[it->second]) {
        rows[it->second] = std::move(s);
        ++resumed;
      }
    }
  }
  std::vector<size_t> todo;
  for (size_t i = 0; i < n; ++i) {
    if (!rows[i]) todo.push_back(i);
  }
  if (dist.active() && dist.root() && !infinite && todo.size() <= 10000 &&
      !dynamic_cast<const DownloadableDataset*>(dataset.get())) {
    // Longest first: the queue hands out the biggest programs (a proxy for
    // the slowest searches) first, so that none of them starts last and
    // holds up the end of the run. The CSV stays in benchmark order.
    std::vector<size_t> bytes(n, 0);
    for (size_t i : todo) {
      try {
        bytes[i] = dataset->benchmark(uris[i])->data().program.size();
      } catch (const std::exception&) {
        // Its search will report the error; its place in the queue does not matter.
      }
    }
    std::stable_sort(todo.begin(), todo.end(),
                     [&](size_t a, size_t b) { return bytes[a] > bytes[b]; });
  }
  auto write_rows = [&] {
    std::vector<EnvState> out;
    for (const auto& r : rows) {
      if (r) out.push_back(*r);
    }
    out.insert(out.end(), extra.begin(), extra.end());
    write_state_csv_file(o.output, out);
  };

  int failures = 0, non_deterministic = 0, mismatches = 0;
  double walltime = 0;
  size_t finished = 0;
  std::unique_ptr<ProgressReporter> overall;
  if (dist.root()) {
    std::cout << "Evaluating policy " << o.policy << " on " << n << " benchmarks of "
              << dataset->name() << " with " << o.env_id << " (reward " << reward << ")";
    if (dist.active()) std::cout << " on " << dist.size() << " MPI ranks";
    std::cout << "\n";
    if (o.resume) {
      std::cout << "Resuming: " << resumed << " benchmarks already in " << o.output << ", "
                << todo.size() << " to go\n";
    }
    write_rows();
    if (dist.active()) overall = std::make_unique<ProgressReporter>("eval", false, 5.0);
  }
  dist.set_stop_note("the results so far are in " + o.output +
                     "; rerun the same command with "
                     "--resume to evaluate only the missing benchmarks");

  EnvPtr work_env = make(o.env_id);  // used by one item at a time
  if (!o.action_space.empty()) work_env->reset({.action_space = o.action_space});
  SearchProgress p;
  const auto start = std::chrono::steady_clock::now();
  dist.run(
      todo, uris,
      [&](size_t i) {
        const std::string tag = "[" + std::to_string(i + 1) + "/" + std::to_string(n) + "] ";
        return eval_one(o, *work_env, uris[i], tag, !dist.active());
      },
      [&](size_t i, int rank, bool ok, const std::string& payload) {
        const std::string tag = "[" + std::to_string(i + 1) + "/" + std::to_string(n) + "] ";
        const std::string where = dist.active() ? "  (rank " + std::to_string(rank) + ")" : "";
        nlohmann::json j;
        if (ok) j = nlohmann::json::parse(payload);
        if (overall) overall->clear();
        ++finished;
        if (!ok || !j.value("ok", false)) {
          ++failures;
          std::cout << tag << uris[i]
                    << "  error: " << (ok ? j.value("error", std::string("?")) : payload) << where
                    << std::endl;
        } else {
          EnvState state;
          state.benchmark = j["benchmark"].get<std::string>();
          if (j.contains("reward")) state.reward = j["reward"].get<double>();
          state.walltime = j["walltime"].get<double>();
          state.commandline = j["commandline"].get<std::string>();
          rows[i] = state;
          walltime += j["seconds"].get<double>();
          write_rows();
          std::cout << tag << uris[i] << "  reward "
                    << format_reward(j["best_reward"].get<double>()) << "  "
                    << j["actions"].get<size_t>() << " actions  "
                    << format_seconds(j["seconds"].get<double>());
          const std::string verdict = j.value("reproducibility", std::string());
          if (verdict == "non-deterministic") {
            ++non_deterministic;
            const auto& nd = j["non_deterministic"];
            std::cout << "  NONDET: " << nd["replays"].get<size_t>() << " replays gave "
                      << format_reward(nd["min_reward"].get<double>()) << " to "
                      << format_reward(nd["max_reward"].get<double>()) << " (spread "
                      << format_reward(nd["spread"].get<double>()) << ")";
            const auto actions = nd["actions"].get<std::vector<std::string>>();
            if (!actions.empty()) {
              std::cout << "; non-deterministic actions:";
              for (const auto& a : actions) std::cout << " " << a;
            }
          } else if (verdict == "mismatch") {
            ++mismatches;
            std::cout << "  REPLAY MISMATCH: " << j.value("mismatch", std::string());
          }
          std::cout << where << std::endl;
          if (verdict == "failed") {
            // E.g. a command line of a space the episode switched to: the
            // result stands, it just could not be checked this way.
            std::cerr << tag << uris[i]
                      << ": not checked by a replay: " << j.value("mismatch", std::string())
                      << std::endl;
          }
          p.steps += j["steps"].get<uint64_t>();
          p.best_reward = std::max(p.best_reward, j["best_reward"].get<double>());
        }
        if (overall) {
          p.seconds =
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
          p.episodes = finished;
          p.fraction_done = static_cast<double>(finished) / static_cast<double>(todo.size());
          overall->update(p);
        }
      });
  if (!dist.root()) return;
  if (overall) overall->clear();
  std::vector<double> rewards;
  size_t written = extra.size();
  for (const auto& r : rows) {
    if (!r) continue;
    ++written;
    rewards.push_back(r->reward.value_or(0.0));
  }
  std::cout << "Geomean " << reward << ": " << format_reward(geomean(rewards)) << " over "
            << rewards.size() << " benchmarks";
  const size_t computed = rewards.size() - resumed;
  if (computed > 0) {
    std::cout << " (mean walltime " << format_seconds(walltime / static_cast<double>(computed))
              << ")";
  }
  std::cout << "\n";
  if (std::any_of(rewards.begin(), rewards.end(), [](double r) { return !(r > 0); })) {
    std::cout << "(the geomean is 0 because some rewards are <= 0, as CompilerGym "
                 "computes it)\n";
  }
  if (non_deterministic) {
    std::cout << non_deterministic << " of " << computed
              << " results are non-deterministic (their replays gave different rewards)";
    const std::string space = deterministic_space_name(*env);
    if (!space.empty()) {
      std::cout << "; search with --action-space " << space << " for results that replay exactly";
    }
    std::cout << "\n";
  }
  std::cout << "Wrote " << written << " states to " << o.output << "\n";
  if (mismatches > 0) {
    std::cerr << "cgym: error: " << mismatches << " of " << todo.size()
              << " results did not replay to their reward\n";
    set_exit_code(1);
  }
  if (failures > 0) {
    std::cerr << "cgym: error: " << failures << " of " << todo.size() << " benchmarks failed\n";
    set_exit_code(1);
  }
}

}  // namespace

}  // namespace cgym::cli
