// Greedy search and hill climbing. Both probe candidate actions on forks so
// that the caller's env only ever takes the actions that are kept; a kept
// action is then re-applied to the env itself, because an Env held by
// reference cannot be swapped for the fork that already took it.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <numeric>
#include <optional>
#include <sstream>

#include "cgym/errors.h"
#include "cgym/search.h"

namespace cgym {

namespace {

using Clock = std::chrono::steady_clock;

void check_searchable(Env& env, const char* who) {
  if (env.is_closed()) throw StateError(std::string(who) + ": the env is closed");
  if (!env.in_episode()) {
    throw StateError(std::string(who) + ": the env is not in an episode; call reset() first");
  }
  if (!env.reward_space() || env.reward_space()->empty()) {
    std::string valid;
    for (const auto& r : env.reward_spaces()) valid += (valid.empty() ? "" : ", ") + r.name;
    throw StateError(std::string(who) + ": env " + env.env_id() +
                     " has no default reward space; set one with set_reward_space() (valid: " +
                     (valid.empty() ? std::string("none") : valid) + ")");
  }
}

ActionScore score_of(const std::string& name, Action a, const StepResult& r) {
  ActionScore s;
  s.action = a;
  s.name = name;
  s.reward = r.reward;
  s.failed = r.info.failed();
  s.done = r.done;
  s.had_no_effect = r.info.action_had_no_effect;
  if (s.failed) s.error = r.info.error_type + ": " + r.info.error_details;
  return s;
}

// A local search starts its result from the env's current state: only the
// actions it applies count.
struct LocalRun {
  Env& env;
  Clock::time_point start = Clock::now();
  size_t first_action;
  SearchResult result;
  double total = 0.0;

  explicit LocalRun(Env& e) : env(e), first_action(e.actions().size()) {
    result.env_id = env.env_id();
    result.benchmark = env.benchmark() ? env.benchmark()->uri() : "";
    result.reward_space = env.reward_space().value_or("");
  }
  double seconds() const { return std::chrono::duration<double>(Clock::now() - start).count(); }
  SearchProgress progress(std::optional<double> fraction) const {
    return {.seconds = seconds(),
            .episodes = result.episodes,
            .steps = result.steps,
            .best_reward = total,
            .fraction_done = fraction};
  }
  // Applies a probed action to the env; false when the real step failed
  // (possible only for nondeterministic compilers), which ends the search.
  bool apply(ActionScore& score) {
    const std::string name = score.name;
    auto r = env.step(score.action);
    ++result.steps;
    if (r.info.failed()) return false;
    score.reward = r.reward;
    total += r.reward;
    result.best_actions.push_back(score.action);
    result.best_action_names.push_back(name);
    result.progress.push_back(progress(std::nullopt));
    return !r.done;
  }
  SearchResult finish() {
    result.best_reward = total;
    result.best_commandline = env.commandline();
    result.nondeterministic_actions =
        nondeterministic_action_names(env.action_space(), result.best_actions);
    result.seconds = seconds();
    auto last = progress(1.0);
    result.progress.push_back(last);
    return std::move(result);
  }
};

}  // namespace

namespace {

// A candidate greedy search could apply: with confirm, one that changed
// something (no effect, or exactly the state's reward, which for a timed
// reward means the same program, is no step), for confirm to decide;
// without, one that beats min_improvement. Never a failed one.
bool eligible(const ActionScore& s, const GreedySearchOptions& options) {
  if (s.failed) return false;
  if (options.confirm) return !s.had_no_effect && s.reward != 0.0;
  return s.reward > options.min_improvement;
}

// GreedySearchOptions::prune within one round: the search may go on with
// the round's `keep` best eligible candidates, so a candidate matters only
// if it beats the keep-th best so far.
class RoundBar {
 public:
  RoundBar(const GreedySearchOptions& options, size_t keep) : options_(options), keep_(keep) {}

  // The reward a candidate must beat, or nullopt while any would do.
  std::optional<double> bar() const {
    if (best_.size() < keep_) {
      if (options_.confirm) return std::nullopt;
      return options_.min_improvement;
    }
    return options_.confirm ? best_.front() : std::max(best_.front(), options_.min_improvement);
  }

  void add(const ActionScore& s) {
    if (!eligible(s, options_)) return;
    auto smallest_first = std::greater<double>();
    best_.push_back(s.reward);
    std::push_heap(best_.begin(), best_.end(), smallest_first);
    if (best_.size() > keep_) {
      std::pop_heap(best_.begin(), best_.end(), smallest_first);
      best_.pop_back();
    }
  }

 private:
  const GreedySearchOptions& options_;
  size_t keep_;
  std::vector<double> best_;  // a heap, smallest on top
};

// Tries the actions in `order`, each on its own fork, until all are tried
// or `deadline` passes; `complete` says which. Sorted best first, so a
// complete round's result does not depend on the order. With `pruning`,
// each fork first hears the round's bar (GreedySearchOptions::prune).
std::vector<ActionScore> score_actions(Env& env, const std::vector<Action>& order,
                                       std::optional<Clock::time_point> deadline, bool& complete,
                                       const std::function<void(const ActionScore&)>& on_try,
                                       const std::function<void(Env&, double)>& prune = nullptr,
                                       RoundBar* pruning = nullptr,
                                       const GreedySearchOptions* preparing = nullptr) {
  std::vector<ActionScore> scores;
  scores.reserve(order.size());
  complete = true;
  for (size_t i = 0; i < order.size(); ++i) {
    const Action a = order[i];
    if (deadline && Clock::now() >= *deadline) {
      complete = false;
      break;
    }
    if (preparing && preparing->prepare && i % static_cast<size_t>(preparing->prepare_batch) == 0) {
      const size_t end = std::min(order.size(), i + static_cast<size_t>(preparing->prepare_batch));
      preparing->prepare(env, std::vector<Action>(order.begin() + static_cast<ptrdiff_t>(i),
                                                  order.begin() + static_cast<ptrdiff_t>(end)));
    }
    auto fork = env.fork();
    if (prune && pruning) {
      if (auto bar = pruning->bar()) prune(*fork, *bar);
    }
    auto r = fork->step(a);
    scores.push_back(score_of(env.action_space().action_name(a), a, r));
    if (pruning) pruning->add(scores.back());
    if (on_try) on_try(scores.back());
  }
  // Ties go to the lower action index, so that results are reproducible.
  // (std::sort with an explicit tie-break: libstdc++'s stable_sort uses
  // get_temporary_buffer, which clang flags as deprecated in C++20.)
  std::sort(scores.begin(), scores.end(), [](const ActionScore& x, const ActionScore& y) {
    if (x.failed != y.failed) return !x.failed;
    if (x.reward != y.reward) return x.reward > y.reward;
    return x.action < y.action;
  });
  return scores;
}

std::vector<Action> index_order(const Env& env) {
  std::vector<Action> order(static_cast<size_t>(env.action_space().size()));
  std::iota(order.begin(), order.end(), Action{0});
  return order;
}

// GreedySearchOptions::try_first, then the other actions in index order.
std::vector<Action> first_round_order(const Env& env, const std::vector<Action>& first) {
  const auto n = static_cast<size_t>(env.action_space().size());
  std::vector<Action> order;
  order.reserve(n);
  std::vector<bool> seen(n, false);
  for (Action a : first) {
    if (a < 0 || static_cast<size_t>(a) >= n) {
      throw InvalidArgument("greedy_search: try_first names action " + std::to_string(a) +
                            ", out of range for action space '" + env.action_space().name() +
                            "' (valid: 0 to " + std::to_string(n - 1) + ")");
    }
    if (seen[static_cast<size_t>(a)]) {
      throw InvalidArgument("greedy_search: try_first names action " + std::to_string(a) + " ('" +
                            env.action_space().action_name(a) + "') twice");
    }
    seen[static_cast<size_t>(a)] = true;
    order.push_back(a);
  }
  for (size_t a = 0; a < n; ++a) {
    if (!seen[a]) order.push_back(static_cast<Action>(a));
  }
  return order;
}

// The order of the next round: this round's actions best first (failures
// last), then any it did not reach, in index order. An action that paid
// well on the previous state tends to pay on the next, so a round cut
// short by the time limit has tried the likeliest candidates.
std::vector<Action> next_round_order(const std::vector<ActionScore>& scores, size_t n) {
  std::vector<Action> order;
  order.reserve(n);
  std::vector<bool> seen(n, false);
  for (const auto& s : scores) {
    order.push_back(s.action);
    seen[static_cast<size_t>(s.action)] = true;
  }
  for (size_t a = 0; a < n; ++a) {
    if (!seen[a]) order.push_back(static_cast<Action>(a));
  }
  return order;
}

}  // namespace

std::vector<ActionScore> try_all_actions(Env& env) {
  check_searchable(env, "try_all_actions");
  bool complete = true;
  return score_actions(env, index_order(env), std::nullopt, complete, nullptr);
}

namespace {

std::optional<double> step_fraction(const LocalRun& run, const GreedySearchOptions& options) {
  if (options.steps <= 0) return std::nullopt;
  return static_cast<double>(run.result.best_actions.size()) / options.steps;
}

// The rounds of greedy search on run.env, the first in `order`, until a
// limit is reached or no candidate is applied.
void greedy_rounds(LocalRun& run, const GreedySearchOptions& options,
                   std::optional<Clock::time_point> deadline, std::vector<Action> order) {
  Env& env = run.env;
  while (options.steps == 0 || static_cast<int>(run.result.best_actions.size()) < options.steps) {
    if (deadline && Clock::now() >= *deadline) break;
    // A round cut short by the time limit still applies the best action it
    // found, then the search stops.
    bool complete = true;
    RoundBar bar(options, options.confirm ? static_cast<size_t>(options.confirm_candidates) : 1);
    auto scores = score_actions(env, order, deadline, complete, options.on_try, options.prune, &bar,
                                &options);
    order = next_round_order(scores, order.size());
    ++run.result.episodes;
    run.result.steps += scores.size();
    // Failures sort last.
    if (scores.empty() || (!options.confirm && !eligible(scores.front(), options))) break;
    const ActionScore* chosen = &scores.front();
    if (options.confirm) {
      chosen = nullptr;
      EnvPtr chosen_env;
      size_t judged = 0;
      for (size_t i = 0;
           i < scores.size() && judged < static_cast<size_t>(options.confirm_candidates); ++i) {
        if (!eligible(scores[i], options)) continue;
        if (judged > 0 && deadline && Clock::now() >= *deadline) break;
        ++judged;
        auto candidate = env.fork();
        ++run.result.steps;
        if (candidate->step(scores[i].action).info.failed()) continue;
        if (!options.confirm(env, *candidate)) continue;
        if (!chosen || options.confirm(*chosen_env, *candidate)) {
          chosen = &scores[i];
          chosen_env = std::move(candidate);
        }
        if (!options.confirm_pick_best) break;
      }
      if (!chosen) break;
    }
    ActionScore best = *chosen;
    bool go_on = run.apply(best) && complete;
    if (options.on_step) options.on_step(best, run.progress(step_fraction(run, options)));
    if (!go_on) break;
  }
}

// GreedySearchOptions::branches > 1: the first round on run.env, then a
// greedy search from each of its best candidates on a fork, and the best
// branch's actions applied to run.env.
void greedy_branches(LocalRun& run, const GreedySearchOptions& options,
                     std::optional<Clock::time_point> deadline, const std::vector<Action>& first) {
  Env& env = run.env;
  bool complete = true;
  RoundBar bar(options, static_cast<size_t>(std::max(
                            options.branches, options.confirm ? options.confirm_candidates : 1)));
  auto scores =
      score_actions(env, first, deadline, complete, options.on_try, options.prune, &bar, &options);
  ++run.result.episodes;
  run.result.steps += scores.size();
  const std::vector<Action> order =
      next_round_order(scores, static_cast<size_t>(env.action_space().size()));
  std::vector<ActionScore> firsts;
  for (const auto& s : scores) {
    if (static_cast<int>(firsts.size()) < options.branches && eligible(s, options)) {
      firsts.push_back(s);
    }
  }
  // The rest of each branch: plain greedy, its steps reported at the end.
  // (A branch's run counts its first step, as `steps` does.)
  GreedySearchOptions rest = options;
  rest.branches = 1;
  rest.on_step = nullptr;
  EnvPtr best;
  SearchResult best_result;  // its actions, from env's state
  double best_total = 0.0;
  for (size_t i = 0; i < firsts.size(); ++i) {
    if (i > 0 && deadline && Clock::now() >= *deadline) break;
    auto fork = env.fork();
    LocalRun branch(*fork);
    ActionScore first = firsts[i];
    const bool go_on = branch.apply(first);
    run.result.steps += branch.result.steps;
    if (branch.result.best_actions.empty()) continue;  // the step failed
    if (go_on && (options.steps == 0 || options.steps > 1)) {
      std::optional<Clock::time_point> share;
      if (deadline) {
        const auto left = *deadline - Clock::now();
        share = Clock::now() + left / static_cast<int>(firsts.size() - i);
      }
      const uint64_t before = branch.result.steps;
      greedy_rounds(branch, rest, share, order);
      run.result.steps += branch.result.steps - before;
      run.result.episodes += branch.result.episodes;
    }
    const bool better =
        !best || (options.confirm ? options.confirm(*best, *fork) : branch.total > best_total);
    if (better) {
      best = std::move(fork);
      best_total = branch.total;
      best_result = std::move(branch.result);
    }
  }
  if (!best || (options.confirm && !options.confirm(env, *best))) return;
  for (size_t k = 0; k < best_result.best_actions.size(); ++k) {
    ActionScore s{.action = best_result.best_actions[k], .name = best_result.best_action_names[k]};
    const bool go_on = run.apply(s);
    if (options.on_step) options.on_step(s, run.progress(step_fraction(run, options)));
    if (!go_on) break;
  }
}

}  // namespace

SearchResult greedy_search(Env& env, const GreedySearchOptions& options) {
  check_searchable(env, "greedy_search");
  if (options.steps < 0) {
    throw InvalidArgument("greedy_search: steps must be >= 0 (0 = until no action improves), got " +
                          std::to_string(options.steps));
  }
  if (options.runtime_seconds < 0) {
    throw InvalidArgument("greedy_search: runtime_seconds must be >= 0 (0 = no limit)");
  }
  if (options.confirm && options.confirm_candidates < 1) {
    throw InvalidArgument("greedy_search: confirm_candidates must be >= 1, got " +
                          std::to_string(options.confirm_candidates));
  }
  if (options.prepare_batch < 1) {
    throw InvalidArgument("greedy_search: prepare_batch must be >= 1, got " +
                          std::to_string(options.prepare_batch));
  }
  if (options.branches < 1) {
    throw InvalidArgument("greedy_search: branches must be >= 1 (1 = plain greedy), got " +
                          std::to_string(options.branches));
  }
  const std::vector<Action> first = first_round_order(env, options.try_first);  // checks it
  LocalRun run(env);
  std::optional<Clock::time_point> deadline;
  if (options.runtime_seconds > 0) {
    deadline = run.start + std::chrono::duration_cast<Clock::duration>(
                               std::chrono::duration<double>(options.runtime_seconds));
  }
  if (options.branches > 1) {
    greedy_branches(run, options, deadline, first);
  } else {
    greedy_rounds(run, options, deadline, first);
  }
  return run.finish();
}

namespace {
// What confirm_by_remeasuring's errors say would be valid.
constexpr const char* kNeedsMeasuringParameter =
    "; it needs a parameter that measures the state afresh, such as loopnest-v0's "
    "loopnest.remeasure";
}  // namespace

std::function<void(Env&, double)> prune_below_best(std::string observation, std::string parameter) {
  if (observation.empty() || parameter.empty()) {
    throw InvalidArgument(
        "prune_below_best: the observation and the parameter must not be empty (for "
        "loopnest-v0: observation flops, parameter loopnest.flops_floor)");
  }
  return [observation = std::move(observation), parameter = std::move(parameter)](
             Env& candidate, double reward_to_beat) {
    const auto reward = candidate.reward_space();
    if (reward.value_or("") != observation) {
      throw InvalidArgument("prune_below_best: the reward must be the change of observation '" +
                            observation + "', but the env's reward space is '" +
                            reward.value_or("") + "'; use reward space '" + observation +
                            "' or no prune");
    }
    const double floor = candidate.observation(observation).as<double>() + reward_to_beat;
    if (!(floor > 0) || !std::isfinite(floor)) return;
    std::ostringstream value;
    value.precision(17);
    value << floor;
    candidate.send_session_parameter(parameter, value.str());
  };
}

std::function<void(Env&, const std::vector<Action>&)> prebuild_candidates(std::string parameter) {
  if (parameter.empty()) {
    throw InvalidArgument(
        "prebuild_candidates: the parameter must not be empty (for loopnest-v0: "
        "loopnest.prebuild)");
  }
  return [parameter = std::move(parameter)](Env& state, const std::vector<Action>& next) {
    std::string value;
    for (Action a : next) value += (value.empty() ? "" : " ") + std::to_string(a);
    // Sent to a scratch fork of the state, which builds into the same
    // caches: a session parameter drops the receiving env's observations,
    // and the state's must survive for the candidates forked from it.
    if (!value.empty()) state.fork()->send_session_parameter(parameter, value);
  };
}

std::function<bool(Env&, Env&)> confirm_by_remeasuring(
    std::string parameter, int rounds, double min_relative_gain,
    std::function<void(const Remeasured&)> on_result) {
  if (rounds < 1) {
    throw InvalidArgument("confirm_by_remeasuring: rounds must be >= 1, got " +
                          std::to_string(rounds));
  }
  if (!(min_relative_gain >= 0)) {
    throw InvalidArgument("confirm_by_remeasuring: min_relative_gain must be >= 0 (0.01 = 1%)");
  }
  return [parameter = std::move(parameter), rounds, min_relative_gain,
          on_result = std::move(on_result)](Env& current, Env& candidate) {
    auto measure = [&](Env& e, std::vector<double>& into) {
      std::string answer;
      try {
        answer = e.send_session_parameter(parameter, "");
      } catch (const LookupError& error) {
        throw LookupError(std::string("confirm_by_remeasuring: ") + error.what() +
                          kNeedsMeasuringParameter);
      }
      size_t used = 0;
      double v = 0;
      try {
        v = std::stod(answer, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used == 0 || used != answer.size() || !std::isfinite(v)) {
        throw InvalidArgument("confirm_by_remeasuring: env " + e.env_id() +
                              " answered session parameter '" + parameter + "' with '" + answer +
                              "', not a number" + kNeedsMeasuringParameter);
      }
      into.push_back(v);
    };
    Remeasured m;
    for (int i = 0; i < rounds; ++i) {
      // current, candidate, candidate, current, ...
      if (i % 2 == 0) {
        measure(current, m.current);
        measure(candidate, m.candidate);
      } else {
        measure(candidate, m.candidate);
        measure(current, m.current);
      }
    }
    auto median = [](std::vector<double> v) {
      std::sort(v.begin(), v.end());
      const size_t n = v.size();
      return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    };
    m.current_median = median(m.current);
    m.candidate_median = median(m.candidate);
    m.accepted =
        m.candidate_median > m.current_median + min_relative_gain * std::fabs(m.current_median);
    if (on_result) on_result(m);
    return m.accepted;
  };
}

SearchResult hill_climb(Env& env, const HillClimbOptions& options) {
  check_searchable(env, "hill_climb");
  if (options.steps < 0) {
    throw InvalidArgument("hill_climb: steps must be >= 0, got " + std::to_string(options.steps));
  }
  if (options.runtime_seconds < 0) {
    throw InvalidArgument("hill_climb: runtime_seconds must be >= 0 (0 = no limit)");
  }
  LocalRun run(env);
  Rng rng(options.seed);
  for (int i = 0; i < options.steps; ++i) {
    if (options.runtime_seconds > 0 && run.seconds() >= options.runtime_seconds) break;
    Action a = env.action_space().sample(rng);
    auto fork = env.fork();
    auto r = fork->step(a);
    ++run.result.steps;
    ++run.result.episodes;
    if (r.info.failed() || !(r.reward > 0)) continue;
    ActionScore score = score_of(env.action_space().action_name(a), a, r);
    bool go_on = run.apply(score);
    if (options.on_step) {
      options.on_step(score, run.progress(static_cast<double>(i + 1) / options.steps));
    }
    if (!go_on) break;
  }
  return run.finish();
}

}  // namespace cgym
