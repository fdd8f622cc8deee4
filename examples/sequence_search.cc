// Greedy search, then local search over the whole pass sequence, on
// llvm-ic-v0, with a time budget per program: the leaderboard's strongest
// entry (docs/leaderboard.md).
//
//   sequence_search [--benchmarks a,b,...] [--seconds S] [--greedy-share F]
//                   [--seed N] [--states FILE] [--deterministic]
//
// 1. Greedy search (cgym::greedy_search) from the reset state, for at most
//    F * S seconds.
// 2. Until S seconds have passed, the sequence found is mutated: a random
//    pass (or two) inserted, one deleted or replaced, or two neighbours
//    swapped. A mutant
//    is evaluated from a fork of the state just before the first changed
//    position (the forks along the current sequence are kept), so the
//    unchanged prefix is not run again. A mutant is kept when it removes
//    more instructions, or as many with no more passes (sideways moves
//    cross plateaus). Greedy search
//    resumes from the end of the sequence each time a mutant is kept, to
//    extend it.
// 3. The best sequence is replayed in a fresh env and validated
//    (Env::validate(): the reward replays, and the program still prints
//    what it printed at -O0). When it does not validate, the greedy
//    sequence is reported instead, and the output says so.
//
// Mutations draw from the passes that are deterministic and that validation
// has never caught miscompiling in our runs (the list below leaves out
// -newgvn, -attributor, -flattencfg, -unify-loop-exits, -scalarizer and
// -vector-combine; see docs/llvm-actions.md). Greedy search uses every pass.
//
// A result whose validation replays disagree among themselves is reported
// as non-deterministic, with the spread of the replays' rewards and the
// non-deterministic passes it holds (docs/llvm-actions.md); --deterministic
// searches in the action space PassesLlvm19Deterministic instead, whose
// results always replay exactly.
//
// Prints one line per program and the geomean; --states writes the results
// as a state CSV for `cgym validate`.
#include <cgym/cgym.h>
#include <cgym/search.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <iomanip>
#include <iostream>
#include <set>
#include <sstream>

namespace {

using Clock = std::chrono::steady_clock;

const std::set<std::string> kRisky = {"-newgvn",     "-attributor",       "-flattencfg",
                                      "-scalarizer", "-unify-loop-exits", "-vector-combine"};

struct Outcome {
  std::vector<cgym::Action> actions;
  double reward = 0.0;
  double greedy_reward = 0.0;
  uint64_t evaluations = 0, kept = 0;
};

class SequenceSearch {
 public:
  SequenceSearch(cgym::Env& env, std::vector<cgym::Action> pool, uint64_t seed)
      : env_(env), pool_(std::move(pool)), rng_(seed) {}

  Outcome run(double seconds, double greedy_share) {
    const auto start = Clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
    Outcome out;
    root_ = env_.fork();
    auto greedy = cgym::greedy_search(env_, {.runtime_seconds = seconds * greedy_share});
    out.greedy_reward = greedy.best_reward;
    set_current(greedy.best_actions, greedy.best_reward, 0);
    while (elapsed() < seconds) {
      std::vector<cgym::Action> mutant = seq_;
      const size_t first = mutate(mutant);
      if (mutant == seq_) continue;
      auto e = snaps_[first]->fork();
      ++out.evaluations;
      std::span<const cgym::Action> rest(mutant.data() + first, mutant.size() - first);
      if (!rest.empty()) {
        const auto r = e->multistep(rest);
        if (r.info.failed()) continue;
      }
      const double reward = e->episode_reward();
      // Better, or as good and no longer: sideways moves let the search
      // cross plateaus.
      const bool better = reward > reward_ + 1e-9;
      const bool sideways = reward > reward_ - 1e-9 && mutant.size() <= seq_.size();
      if (!better && !sideways) continue;
      ++out.kept;
      set_current(std::move(mutant), reward, first + 1);
      if (better) extend(std::max(0.0, std::min(2.0, seconds - elapsed())));
    }
    out.actions = seq_;
    out.reward = reward_;
    return out;
  }

 private:
  // Makes `actions` the current sequence; the forks before position
  // `valid_until` are still those of its prefix.
  void set_current(std::vector<cgym::Action> actions, double reward, size_t valid_until) {
    seq_ = std::move(actions);
    reward_ = reward;
    snaps_.resize(std::min(valid_until, snaps_.size()));
    if (snaps_.empty()) snaps_.push_back(root_->fork());
    while (snaps_.size() <= seq_.size()) {
      auto next = snaps_.back()->fork();
      next->step(seq_[snaps_.size() - 1]);
      snaps_.push_back(std::move(next));
    }
  }

  // Greedy search from the end of the current sequence, for a little while.
  void extend(double seconds) {
    if (seconds <= 0) return;
    auto e = snaps_.back()->fork();
    auto more = cgym::greedy_search(*e, {.runtime_seconds = seconds});
    if (more.best_actions.empty() || !(more.best_reward > 1e-9)) return;
    std::vector<cgym::Action> longer = seq_;
    longer.insert(longer.end(), more.best_actions.begin(), more.best_actions.end());
    set_current(std::move(longer), reward_ + more.best_reward, seq_.size() + 1);
  }

  // Mutates `s` in place; returns the first position that changed.
  size_t mutate(std::vector<cgym::Action>& s) {
    auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); };
    auto random_pass = [&] { return pool_[pick(pool_.size())]; };
    const int op = s.empty() ? static_cast<int>(pick(2)) : static_cast<int>(pick(5));
    if (op <= 1) {  // insert one pass, or two (an enabling pass and its user)
      const size_t i = pick(s.size() + 1);
      s.insert(s.begin() + static_cast<std::ptrdiff_t>(i), random_pass());
      if (op == 1) s.insert(s.begin() + static_cast<std::ptrdiff_t>(i) + 1, random_pass());
      return i;
    }
    const size_t i = pick(s.size());
    if (op == 2) {  // delete
      s.erase(s.begin() + static_cast<std::ptrdiff_t>(i));
    } else if (op == 3) {  // replace
      s[i] = random_pass();
    } else if (i + 1 < s.size()) {  // swap with the next
      std::swap(s[i], s[i + 1]);
    }
    return i;
  }

  cgym::Env& env_;
  std::vector<cgym::Action> pool_;
  cgym::Rng rng_;
  cgym::EnvPtr root_;
  std::vector<cgym::Action> seq_;
  double reward_ = 0.0;
  std::vector<cgym::EnvPtr> snaps_;  // snaps_[i]: the state after seq_[0..i)
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Greedy search, then local search over the pass sequence, on llvm-ic-v0"};
  std::vector<std::string> benchmarks;
  double seconds = 60, greedy_share = 0.5;
  uint64_t seed = 0;
  std::string states_csv;
  app.add_option("--benchmarks", benchmarks, "programs (default: every program of cgym-v0)")
      ->delimiter(',');
  app.add_option("--seconds", seconds, "budget per program, validation not included")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--greedy-share", greedy_share, "the most of the budget greedy search may use")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--seed", seed, "seed of the mutations")->capture_default_str();
  app.add_option("--states", states_csv, "write the results as a state CSV");
  bool deterministic = false;
  app.add_flag("--deterministic", deterministic,
               "search in the action space PassesLlvm19Deterministic, without the passes whose "
               "output varies from run to run, so that every result replays exactly");
  CLI11_PARSE(app, argc, argv);

  try {
    cgym::MakeOptions make_options;
    if (deterministic) make_options.action_space = "PassesLlvm19Deterministic";
    auto env = cgym::make("llvm-ic-v0", make_options);
    if (benchmarks.empty()) {
      for (const auto& uri : env->datasets().benchmark_uris()) {
        if (uri.starts_with("benchmark://cgym-v0/")) benchmarks.push_back(uri);
      }
    }
    std::vector<cgym::Action> pool;
    for (cgym::Action a = 0; a < env->action_space().size(); ++a) {
      if (!kRisky.contains(env->action_space().action_name(a))) pool.push_back(a);
    }
    std::vector<double> rewards;
    std::vector<cgym::EnvState> states;
    double total_seconds = 0;
    std::cout << std::fixed << std::setprecision(4);
    for (const auto& uri : benchmarks) {
      const auto started = Clock::now();
      env->reset({.benchmark = uri});
      SequenceSearch search(*env, pool, seed);
      Outcome out = search.run(seconds, greedy_share);
      const double search_seconds = std::chrono::duration<double>(Clock::now() - started).count();

      // Replay in a fresh episode and validate. A result whose replays
      // disagree among themselves (non-deterministic passes) is reported as
      // such, with the spread of its rewards; one that fails validation
      // otherwise (a real mismatch, or a program that no longer prints its
      // reference output) falls back to greedy's result.
      std::string note;
      auto check = [&](const std::vector<cgym::Action>& actions) {
        env->reset({.benchmark = uri});
        if (!actions.empty()) env->multistep(actions);
        const auto v = env->validate();
        if (v.non_deterministic) {
          const auto& n = *v.non_deterministic;
          std::ostringstream s;
          s << std::setprecision(6) << "non-deterministic: " << n.rewards.size() << " replays gave "
            << n.min_reward << " to " << n.max_reward << ", spread " << n.spread() << "; passes:";
          for (const auto& a : n.actions) s << " " << a;
          if (n.actions.empty()) s << " none marked";
          note = s.str();
        }
        return v.okay();
      };
      bool valid = check(out.actions);
      if (note.empty()) note = valid ? "validated" : "did not validate";
      if (!valid) {
        env->reset({.benchmark = uri});
        cgym::greedy_search(*env, {.runtime_seconds = seconds * greedy_share});
        valid = env->validate().okay();
        note += valid ? ", greedy's result reported" : ", greedy's result does not validate either";
      }
      cgym::EnvState state = env->state();
      state.walltime = std::chrono::duration<double>(Clock::now() - started).count();
      total_seconds += search_seconds;
      rewards.push_back(env->episode_reward());
      states.push_back(state);
      std::cout << uri << ": greedy " << out.greedy_reward << ", final " << env->episode_reward()
                << " (" << out.evaluations << " mutants, " << out.kept << " kept, "
                << env->actions().size() << " passes, " << std::setprecision(1) << search_seconds
                << " s, " << note << ")" << std::setprecision(4) << std::endl;
    }
    std::cout << "geomean IrInstructionCountOz over " << rewards.size()
              << " programs: " << cgym::geomean(rewards) << ", mean search time "
              << std::setprecision(1) << total_seconds / rewards.size() << " s\n";
    if (!states_csv.empty()) {
      cgym::write_state_csv_file(states_csv, states);
      std::cout << "states: " << states_csv << "\n";
    }
  } catch (const cgym::Error& e) {
    std::cerr << "sequence_search: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
