// The search library (cgym/search.h) on the toy backend, whose optimum is
// known: from benchmark://toy-v0/1 (target 10) the best reachable state is
// value 10, and DistanceOz pays delta / max(9 - 4, 1), so the best episode
// reward is 9 / 5 = 1.8. From toy-v0/8 it is 2 / max(2 - 1, 1) = 2, two
// "inc" away: random episodes find it quickly (crash and end stop an episode
// with probability 1/4 per step, so long sequences are rare).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <thread>

#include "cgym/errors.h"
#include "cgym/search.h"
#include "toy/toy_backend.h"

namespace cgym {
namespace {

constexpr double kBest = 1.8;

EnvPtr toy_env(const std::string& benchmark = "benchmark://toy-v0/1") {
  toy::register_toy_envs();
  auto env = make("toy-reward-v0");
  env->reset({.benchmark = benchmark});
  return env;
}

// The reward and final value of replaying `names` from a fresh reset.
std::pair<double, int64_t> replay(const std::vector<std::string>& names,
                                  const std::string& benchmark = "benchmark://toy-v0/1") {
  auto env = toy_env(benchmark);
  double total = 0;
  for (const auto& n : names) total += env->step(env->action_space().index(n)).reward;
  return {total, env->observation("value").as<int64_t>()};
}

TEST(TryAllActions, ScoresEveryActionOnForksSortedBestFirst) {
  auto env = toy_env();
  auto scores = try_all_actions(*env);
  ASSERT_EQ(scores.size(), 8u);
  // At value 1: inc and double both reach 2 (distance 9 -> 8): 1/5.
  EXPECT_EQ(scores[0].name, "inc");
  EXPECT_NEAR(scores[0].reward, 0.2, 1e-12);
  EXPECT_EQ(scores[1].name, "double");
  EXPECT_NEAR(scores[1].reward, 0.2, 1e-12);
  EXPECT_TRUE(scores.back().failed);
  EXPECT_EQ(scores.back().name, "crash");
  EXPECT_NE(scores.back().error.find("crashed on purpose"), std::string::npos);
  // The env itself did not move.
  EXPECT_TRUE(env->actions().empty());
  EXPECT_EQ(env->observation("value").as<int64_t>(), 1);
}

TEST(TryAllActions, NeedsAnEpisodeAndAReward) {
  toy::register_toy_envs();
  auto env = make("toy-reward-v0");
  EXPECT_THROW(try_all_actions(*env), StateError);
  auto plain = make("toy-v0");
  plain->reset();
  try {
    try_all_actions(*plain);
    FAIL() << "expected StateError";
  } catch (const StateError& e) {
    EXPECT_NE(std::string(e.what()).find("DistanceOz"), std::string::npos) << e.what();
  }
}

TEST(GreedySearch, ReachesTheOptimumAndStops) {
  auto env = toy_env();
  std::vector<std::string> stepped;
  auto result = greedy_search(*env, {.on_step = [&](const ActionScore& s, const SearchProgress&) {
    stepped.push_back(s.name);
  }});
  EXPECT_NEAR(result.best_reward, kBest, 1e-9);
  EXPECT_EQ(env->observation("value").as<int64_t>(), 10);
  EXPECT_EQ(result.best_action_names, stepped);
  // 1 -> 2 -> 4 -> 8 -> 9 -> 10: ties go to the lower index (inc before double).
  EXPECT_EQ(stepped, (std::vector<std::string>{"inc", "double", "double", "inc", "inc"}));
  EXPECT_EQ(result.best_commandline, env->commandline());
  EXPECT_EQ(result.best_commandline, "toyc --inc --double --double --inc --inc prog.toy");
  // Five applied rounds plus the one that found no improvement, 8 tries each.
  EXPECT_EQ(result.episodes, 6u);
  EXPECT_EQ(result.steps, 6u * 8u + 5u);
  EXPECT_EQ(replay(result.best_action_names).first, result.best_reward);
  EXPECT_EQ(result.state().commandline, result.best_commandline);
  EXPECT_EQ(result.state().benchmark, "benchmark://toy-v0/1");
}

TEST(GreedySearch, TriesEachRoundInThePreviousRoundsOrderBestFirst) {
  // What try_all_actions says of the start state is round 1's ranking.
  std::vector<std::string> ranking;
  for (const auto& s : try_all_actions(*toy_env())) ranking.push_back(s.name);
  auto env = toy_env();
  std::vector<std::string> tried;
  auto result = greedy_search(
      *env, {.steps = 2, .on_try = [&](const ActionScore& s) { tried.push_back(s.name); }});
  ASSERT_EQ(tried.size(), 16u);
  // Round 1 in index order, round 2 in round 1's order of reward.
  const std::vector<std::string> first(tried.begin(), tried.begin() + 8);
  const std::vector<std::string> second(tried.begin() + 8, tried.end());
  EXPECT_EQ(first, env->action_space().names());
  EXPECT_EQ(second, ranking);
  EXPECT_NE(second, first);
  // The order changes which actions are tried first, not what a complete
  // round chooses: the same result as ReachesTheOptimumAndStops' first two.
  EXPECT_EQ(result.best_action_names, (std::vector<std::string>{"inc", "double"}));
}

// GreedySearchOptions::prepare hears each round's candidates in batches,
// each batch before any of its actions is tried, on the state the round
// starts from; what the search chooses does not change.
TEST(GreedySearch, PrepareHearsEachRoundsCandidatesInBatchesBeforeTheyAreTried) {
  auto env = toy_env();
  std::vector<std::string> tried, prepared;
  std::vector<size_t> sizes;
  auto result = greedy_search(
      *env, {.steps = 2,
             .on_try = [&](const ActionScore& s) { tried.push_back(s.name); },
             .prepare =
                 [&](Env& state, const std::vector<Action>& next) {
                   EXPECT_EQ(&state, env.get());
                   EXPECT_EQ(prepared.size(), tried.size());  // none of these tried yet
                   sizes.push_back(next.size());
                   for (Action a : next) prepared.push_back(state.action_space().action_name(a));
                 },
             .prepare_batch = 3});
  ASSERT_EQ(tried.size(), 16u);
  EXPECT_EQ(prepared, tried);
  EXPECT_EQ(sizes, (std::vector<size_t>{3, 3, 2, 3, 3, 2}));
  EXPECT_EQ(result.best_action_names, (std::vector<std::string>{"inc", "double"}));
  try {
    greedy_search(*toy_env(), {.prepare_batch = 0});
    FAIL() << "expected InvalidArgument";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("prepare_batch must be >= 1, got 0"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(prebuild_candidates(""), InvalidArgument);
  // The toy env knows no loopnest.prebuild: the env's error, nothing applied.
  auto toy = toy_env();
  EXPECT_THROW(greedy_search(*toy, {.steps = 1, .prepare = prebuild_candidates()}), LookupError);
  EXPECT_TRUE(toy->actions().empty());
}

TEST(GreedySearch, TryFirstOrdersTheFirstRoundOnly) {
  auto env = toy_env();
  const Action dbl = env->action_space().index("double");
  const Action zero = env->action_space().index("zero");
  std::vector<std::string> tried;
  auto result =
      greedy_search(*env, {.steps = 2,
                           .on_try = [&](const ActionScore& s) { tried.push_back(s.name); },
                           .try_first = {zero, dbl}});
  ASSERT_EQ(tried.size(), 16u);
  EXPECT_EQ(
      std::vector<std::string>(tried.begin(), tried.begin() + 8),
      (std::vector<std::string>{"zero", "double", "inc", "dec", "noop", "crash", "end", "more"}));
  // The same choice as index order (a tie goes to the lower index), and
  // round 2 follows round 1's rewards.
  EXPECT_EQ(result.best_action_names, (std::vector<std::string>{"inc", "double"}));
  EXPECT_EQ(tried[8], "inc");
  for (const std::vector<Action>& bad :
       {std::vector<Action>{99}, std::vector<Action>{-1}, std::vector<Action>{dbl, zero, dbl}}) {
    try {
      greedy_search(*env, {.try_first = bad});
      FAIL() << "expected InvalidArgument";
    } catch (const InvalidArgument& e) {
      const std::string what = e.what();
      EXPECT_TRUE(what.find("out of range for action space 'toy' (valid: 0 to 7)") !=
                      std::string::npos ||
                  what.find("('double') twice") != std::string::npos)
          << what;
    }
  }
  EXPECT_EQ(env->actions().size(), 2u);  // the bad calls applied nothing
}

TEST(GreedySearch, HonoursTheStepLimit) {
  auto env = toy_env();
  auto result = greedy_search(*env, {.steps = 2});
  EXPECT_EQ(result.best_actions.size(), 2u);
  EXPECT_NEAR(result.best_reward, 0.6, 1e-9);  // 1 -> 2 -> 4
  EXPECT_EQ(env->observation("value").as<int64_t>(), 4);
}

// confirm sees the env unmoved and a fork that took the candidate, judges
// the improving candidates best first, and the first it accepts is applied.
TEST(GreedySearch, ConfirmJudgesCandidatesBestFirstAndAppliesTheFirstAccepted) {
  auto env = toy_env();
  std::vector<std::string> judged;
  auto result =
      greedy_search(*env, {.steps = 1, .confirm = [&](Env& current, Env& candidate) {
                             EXPECT_EQ(&current, env.get());
                             EXPECT_TRUE(current.actions().empty());
                             EXPECT_EQ(current.observation("value").as<int64_t>(), 1);
                             EXPECT_EQ(candidate.actions().size(), 1u);
                             const std::string name =
                                 candidate.action_space().action_name(candidate.actions().back());
                             judged.push_back(name);
                             return name == "double";
                           }});
  // inc and double tie at 0.2 (inc first, the lower index); inc is refused.
  EXPECT_EQ(judged, (std::vector<std::string>{"inc", "double"}));
  EXPECT_EQ(result.best_action_names, (std::vector<std::string>{"double"}));
  EXPECT_EQ(env->observation("value").as<int64_t>(), 2);
  EXPECT_EQ(result.steps, 8u + 2u + 1u);  // the round, two judged forks, the step
}

TEST(GreedySearch, ConfirmThatRefusesEndsTheSearchAfterConfirmCandidates) {
  auto env = toy_env();
  int calls = 0;
  auto result = greedy_search(*env, {.confirm =
                                         [&](Env&, Env&) {
                                           ++calls;
                                           return false;
                                         },
                                     .confirm_candidates = 1});
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(result.best_actions.empty());
  EXPECT_TRUE(env->actions().empty());
  // Whatever their reward, but only those that change something: from
  // value 1, inc and double (+0.2), dec and zero (-0.2); not noop, end and
  // more (0), nor crash (fails).
  std::vector<double> rewards;
  greedy_search(*env,
                {.confirm =
                     [&](Env& current, Env& candidate) {
                       rewards.push_back(candidate.episode_reward() - current.episode_reward());
                       return false;
                     },
                 .confirm_candidates = 20});
  EXPECT_EQ(rewards, (std::vector<double>{0.2, 0.2, -0.2, -0.2}));
}

// confirm_pick_best judges every candidate up to confirm_candidates, and
// an accepted one replaces the choice when confirm(choice, it) accepts it.
TEST(GreedySearch, ConfirmPickBestAppliesTheBestOfTheAccepted) {
  std::vector<std::pair<std::string, std::string>> calls;  // (current, candidate) last actions
  auto at_least_as_good = [&](Env& current, Env& candidate) {
    auto last = [](Env& e) {
      return e.actions().empty() ? std::string("start")
                                 : e.action_space().action_name(e.actions().back());
    };
    calls.emplace_back(last(current), last(candidate));
    return candidate.episode_reward() >= current.episode_reward();
  };
  auto env = toy_env();
  auto result = greedy_search(*env, {.steps = 1,
                                     .confirm = at_least_as_good,
                                     .confirm_candidates = 20,
                                     .confirm_pick_best = true});
  // inc and double tie (+0.2), and this confirm takes a tie: double replaces
  // inc; dec and zero (-0.2) are refused.
  EXPECT_EQ(result.best_action_names, (std::vector<std::string>{"double"}));
  using P = std::pair<std::string, std::string>;
  EXPECT_EQ(calls, (std::vector<P>{{"start", "inc"},
                                   {"start", "double"},
                                   {"inc", "double"},
                                   {"start", "dec"},
                                   {"start", "zero"}}));
  // Without it, the first accepted is applied and nothing more is judged.
  calls.clear();
  auto first = toy_env();
  result =
      greedy_search(*first, {.steps = 1, .confirm = at_least_as_good, .confirm_candidates = 20});
  EXPECT_EQ(result.best_action_names, (std::vector<std::string>{"inc"}));
  EXPECT_EQ(calls, (std::vector<P>{{"start", "inc"}}));
}

// From value 1 only inc and double pay (+0.2): two branches, whatever
// `branches` allows. Both reach 10 (1.8); a later branch must be strictly
// better, so the first (inc) is applied, and on_step sees its steps.
TEST(GreedySearch, BranchesRunGreedyFromEachOfTheBestFirstSteps) {
  auto env = toy_env();
  std::vector<std::string> stepped;
  int tried = 0;
  auto result = greedy_search(
      *env,
      {.on_step = [&](const ActionScore& s, const SearchProgress&) { stepped.push_back(s.name); },
       .on_try = [&](const ActionScore&) { ++tried; },
       .branches = 3});
  EXPECT_EQ(result.best_action_names,
            (std::vector<std::string>{"inc", "double", "double", "inc", "inc"}));
  EXPECT_EQ(stepped, result.best_action_names);
  EXPECT_NEAR(result.best_reward, kBest, 1e-9);
  EXPECT_EQ(env->observation("value").as<int64_t>(), 10);
  EXPECT_EQ(replay(result.best_action_names).first, result.best_reward);
  // Round 1, then each branch's four applied rounds and a last one.
  EXPECT_EQ(result.episodes, 1u + 5u + 5u);
  EXPECT_EQ(tried, 8 * 11);
  // The step limit counts a branch's first step: 1 -> 2 -> 4 -> 8.
  auto three = toy_env();
  result = greedy_search(*three, {.steps = 3, .branches = 2});
  EXPECT_EQ(result.best_action_names, (std::vector<std::string>{"inc", "double", "double"}));
  EXPECT_EQ(three->observation("value").as<int64_t>(), 8);
  // steps = 1: the branches are their first steps alone.
  auto one = toy_env();
  result = greedy_search(*one, {.steps = 1, .branches = 2});
  EXPECT_EQ(result.best_action_names, (std::vector<std::string>{"inc"}));
  EXPECT_EQ(result.episodes, 1u);
}

// With confirm, confirm compares the branches (best so far, branch), and
// the winner must beat the start state too.
TEST(GreedySearch, ConfirmDecidesBetweenBranches) {
  auto env = toy_env();
  std::vector<std::pair<size_t, size_t>> compared;  // the two envs' action counts
  auto at_least_as_good = [&](Env& current, Env& candidate) {
    compared.emplace_back(current.actions().size(), candidate.actions().size());
    return candidate.episode_reward() >= current.episode_reward();
  };
  auto result = greedy_search(*env, {.confirm = at_least_as_good, .branches = 2});
  // The double branch (double, double, double, inc, inc) ties the inc
  // branch, and this confirm takes a tie.
  EXPECT_EQ(result.best_action_names,
            (std::vector<std::string>{"double", "double", "double", "inc", "inc"}));
  EXPECT_NEAR(result.best_reward, kBest, 1e-9);
  EXPECT_EQ(env->observation("value").as<int64_t>(), 10);
  // The last two judgements: branch against branch, then the start against
  // the winner.
  ASSERT_GE(compared.size(), 2u);
  EXPECT_EQ(compared[compared.size() - 2], std::make_pair(size_t{5}, size_t{5}));
  EXPECT_EQ(compared.back(), std::make_pair(size_t{0}, size_t{5}));

  // A confirm that refuses everything: each branch is its first step, the
  // start state beats both, nothing is applied.
  auto refused = toy_env();
  int calls = 0;
  result = greedy_search(*refused, {.confirm =
                                        [&](Env&, Env&) {
                                          ++calls;
                                          return false;
                                        },
                                    .confirm_candidates = 1,
                                    .branches = 2});
  EXPECT_TRUE(result.best_actions.empty());
  EXPECT_TRUE(refused->actions().empty());
  EXPECT_EQ(refused->observation("value").as<int64_t>(), 1);
  EXPECT_EQ(calls, 1 + 1 + 1 + 1);  // a step in each branch, branch 2, the start
  EXPECT_THROW(greedy_search(*refused, {.branches = 0}), InvalidArgument);
}

// confirm_by_remeasuring on the toy's "toy.value", which answers the
// counter: the answers, their order and the threshold are exact.
// prune hears, before each candidate of a round, the reward it must beat:
// without confirm the best so far and at least min_improvement; with
// confirm the confirm_candidates-th best of those confirm could judge; in a
// branched first round at least the branches-th best. From value 1, in
// index order: inc +0.2, dec -0.2, double +0.2, noop 0 (no effect), zero
// -0.2, crash (fails), end 0, more 0.
TEST(GreedySearch, PruneHearsTheRewardToBeatBeforeEachCandidate) {
  auto run = [](GreedySearchOptions options) {
    auto env = toy_env();
    std::vector<double> bars;
    options.prune = [&](Env& candidate, double bar) {
      EXPECT_NE(&candidate, env.get());
      EXPECT_EQ(candidate.actions(), env->actions());  // before its step
      bars.push_back(bar);
    };
    const auto result = greedy_search(*env, options);
    return std::make_pair(bars, result.best_action_names);
  };
  auto [bars, names] = run({.steps = 1});
  EXPECT_EQ(bars, (std::vector<double>{0, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2}));
  EXPECT_EQ(names, (std::vector<std::string>{"inc"}));
  std::tie(bars, names) = run({.steps = 1, .min_improvement = 0.5});
  EXPECT_EQ(bars, std::vector<double>(8, 0.5));
  EXPECT_TRUE(names.empty());
  std::tie(bars, names) =
      run({.steps = 1, .confirm = [](Env&, Env&) { return true; }, .confirm_candidates = 2});
  EXPECT_EQ(bars, (std::vector<double>{-0.2, 0.2, 0.2, 0.2, 0.2, 0.2}));
  EXPECT_EQ(names, (std::vector<std::string>{"inc"}));
  std::tie(bars, names) = run({.steps = 1, .branches = 2});
  EXPECT_EQ(bars, (std::vector<double>{0, 0, 0, 0.2, 0.2, 0.2, 0.2, 0.2}));
  EXPECT_EQ(names, (std::vector<std::string>{"inc"}));
  // Round 2 starts afresh: the best so far is round 2's.
  std::tie(bars, names) = run({.steps = 2});
  ASSERT_EQ(bars.size(), 16u);
  EXPECT_EQ(bars[8], 0.0);
  EXPECT_EQ(names, (std::vector<std::string>{"inc", "double"}));
}

TEST(GreedySearch, PruneErrorsPropagateAndPruneBelowBestChecksTheReward) {
  auto env = toy_env();
  EXPECT_THROW(prune_below_best("", "toy.value"), InvalidArgument);
  EXPECT_THROW(prune_below_best("value", ""), InvalidArgument);
  try {
    greedy_search(*env, {.prune = prune_below_best("value", "toy.value")});
    FAIL() << "expected InvalidArgument";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("the env's reward space is 'DistanceOz'"),
              std::string::npos)
        << e.what();
  }
  // The env's errors too (toy-reward-v0 knows no such parameter).
  try {
    greedy_search(*env, {.prune = [](Env& candidate, double) {
      candidate.send_session_parameter("toy.nope", "1");
    }});
    FAIL() << "expected LookupError";
  } catch (const LookupError& e) {
    EXPECT_NE(std::string(e.what()).find("toy.nope"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(env->actions().empty());
}

TEST(ConfirmByRemeasuring, ComparesMediansOfAlternateMeasurements) {
  std::vector<Remeasured> seen;
  auto env = toy_env();
  auto result = greedy_search(
      *env,
      {.steps = 5, .confirm = confirm_by_remeasuring("toy.value", 3, 0.0, [&](const Remeasured& m) {
                     seen.push_back(m);
                   })});
  // Every step of 1 -> 2 -> 4 -> 8 -> 9 -> 10 raises the value: all accepted.
  EXPECT_EQ(result.best_action_names,
            (std::vector<std::string>{"inc", "double", "double", "inc", "inc"}));
  EXPECT_NEAR(result.best_reward, kBest, 1e-9);
  ASSERT_EQ(seen.size(), 5u);
  EXPECT_EQ(seen[0].current, (std::vector<double>{1, 1, 1}));
  EXPECT_EQ(seen[0].candidate, (std::vector<double>{2, 2, 2}));
  EXPECT_EQ(seen[3].current_median, 8.0);
  EXPECT_EQ(seen[3].candidate_median, 9.0);
  EXPECT_TRUE(seen[3].accepted);

  // A gain of 100% needs more than 2 from 1: inc and double (2), then dec
  // (0), are refused.
  seen.clear();
  auto strict = toy_env();
  result = greedy_search(
      *strict, {.confirm = confirm_by_remeasuring(
                    "toy.value", 1, 1.0, [&](const Remeasured& m) { seen.push_back(m); })});
  EXPECT_TRUE(result.best_actions.empty());
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_FALSE(seen[0].accepted);
  EXPECT_EQ(seen[0].candidate_median, 2.0);
  EXPECT_EQ(seen[2].candidate_median, 0.0);
}

TEST(ConfirmByRemeasuring, BadOptionsAndAnswersAreClearErrors) {
  EXPECT_THROW(confirm_by_remeasuring("toy.value", 0), InvalidArgument);
  EXPECT_THROW(confirm_by_remeasuring("toy.value", 3, -0.1), InvalidArgument);
  auto env = toy_env();
  EXPECT_THROW(greedy_search(
                   *env, {.confirm = confirm_by_remeasuring("toy.value"), .confirm_candidates = 0}),
               InvalidArgument);
  try {
    greedy_search(*env, {.confirm = confirm_by_remeasuring("toy.nope")});
    FAIL() << "expected LookupError";
  } catch (const LookupError& e) {
    EXPECT_NE(std::string(e.what()).find("toy.nope"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("such as loopnest-v0's loopnest.remeasure"),
              std::string::npos)
        << e.what();
  }
  try {
    greedy_search(*env, {.confirm = confirm_by_remeasuring("toy.word")});
    FAIL() << "expected InvalidArgument";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("'seven', not a number"), std::string::npos) << e.what();
  }
  // Nothing was applied by the searches that failed.
  EXPECT_TRUE(env->actions().empty());
}

TEST(HillClimb, KeepsOnlyImprovingActions) {
  auto env = toy_env();
  int kept = 0;
  auto result = hill_climb(
      *env, {.steps = 200, .seed = 3, .on_step = [&](const ActionScore& s, const SearchProgress&) {
               EXPECT_GT(s.reward, 0);
               ++kept;
             }});
  EXPECT_EQ(static_cast<int>(result.best_actions.size()), kept);
  EXPECT_EQ(result.steps, 200u + static_cast<uint64_t>(kept));
  const int64_t value = env->observation("value").as<int64_t>();
  EXPECT_NEAR(result.best_reward, (9.0 - std::abs(10 - value)) / 5.0, 1e-9);
  // 200 tries find 10 from 1 (inc alone gets there).
  EXPECT_EQ(value, 10);
  EXPECT_EQ(replay(result.best_action_names).second, 10);
}

TEST(RandomSearch, FindsTheOptimumWithinAStepBudget) {
  toy::register_toy_envs();
  std::vector<std::thread::id> callback_threads;
  auto result = random_search(
      [] { return make("toy-reward-v0"); },
      {.benchmark = "benchmark://toy-v0/8",
       .steps = 3000,
       .patience = 6,
       .nproc = 2,
       .seed = 1,
       .on_progress =
           [&](const SearchProgress&) { callback_threads.push_back(std::this_thread::get_id()); },
       .progress_interval_seconds = 0.01});
  EXPECT_EQ(result.steps, 3000u);
  EXPECT_GT(result.episodes, 10u);
  EXPECT_NEAR(result.best_reward, 2.0, 1e-9);
  auto [reward, value] = replay(result.best_action_names, "benchmark://toy-v0/8");
  EXPECT_NEAR(reward, result.best_reward, 1e-9);
  EXPECT_EQ(value, 10);
  EXPECT_EQ(result.env_id, "toy-reward-v0");
  EXPECT_EQ(result.reward_space, "DistanceOz");
  EXPECT_EQ(result.benchmark, "benchmark://toy-v0/8");
  // The command line is the replayed episode's.
  auto env = toy_env("benchmark://toy-v0/8");
  for (Action a : result.best_actions) env->step(a);
  EXPECT_EQ(result.best_commandline, env->commandline());
  // Progress: increasing best rewards, a final record, all on this thread.
  ASSERT_GE(result.progress.size(), 2u);
  for (size_t i = 1; i + 1 < result.progress.size(); ++i) {
    EXPECT_GT(result.progress[i].best_reward, result.progress[i - 1].best_reward);
  }
  EXPECT_EQ(result.progress.back().steps, 3000u);
  ASSERT_FALSE(callback_threads.empty());
  for (auto id : callback_threads) EXPECT_EQ(id, std::this_thread::get_id());
}

TEST(RandomSearch, IsReproducibleWithOneAgentAndASeed) {
  toy::register_toy_envs();
  RandomSearchOptions o{.benchmark = "benchmark://toy-v0/3", .steps = 200, .seed = 42};
  auto factory = [] { return make("toy-reward-v0"); };
  auto a = random_search(factory, o);
  auto b = random_search(factory, o);
  EXPECT_EQ(a.best_actions, b.best_actions);
  EXPECT_EQ(a.best_reward, b.best_reward);
  EXPECT_EQ(a.episodes, b.episodes);
  o.seed = 43;
  auto c = random_search(factory, o);
  EXPECT_EQ(c.steps, 200u);
}

TEST(RandomSearch, ForksTheCallersEnvAndLeavesItAlone) {
  auto env = toy_env();
  env->step(env->action_space().index("inc"));  // value 2: the search starts here
  auto result = random_search(*env, {.steps = 500, .nproc = 2, .seed = 5});
  EXPECT_EQ(env->actions().size(), 1u);
  EXPECT_EQ(env->observation("value").as<int64_t>(), 2);
  // From 2 the best is 8 more: 8 / 5.
  EXPECT_LE(result.best_reward, 1.6 + 1e-9);
  EXPECT_GT(result.best_reward, 0);
  EXPECT_TRUE(result.best_commandline.starts_with("toyc --inc"));
}

TEST(RandomSearch, StopsOnTheTimeBudget) {
  toy::register_toy_envs();
  auto result =
      random_search([] { return make("toy-reward-v0"); }, {.runtime_seconds = 0.3, .nproc = 2});
  EXPECT_GE(result.seconds, 0.3);
  EXPECT_LT(result.seconds, 5.0);
  EXPECT_GT(result.steps, 0u);
}

TEST(RandomSearch, RejectsBadOptionsWithClearMessages) {
  toy::register_toy_envs();
  auto factory = [] { return make("toy-reward-v0"); };
  auto message = [&](const RandomSearchOptions& o) -> std::string {
    try {
      random_search(factory, o);
    } catch (const Error& e) {
      return std::string(e.type_name()) + ": " + e.what();
    }
    return "no error";
  };
  EXPECT_NE(message({}).find("InvalidArgument: random_search: give a budget"), std::string::npos);
  EXPECT_NE(message({.steps = 10, .patience = 0}).find("patience must be >= 1"), std::string::npos);
  EXPECT_NE(message({.steps = 10, .nproc = 0}).find("nproc must be >= 1"), std::string::npos);
  EXPECT_NE(message({.benchmark = "benchmark://nope-v0/1", .steps = 10}).find("LookupError"),
            std::string::npos);
  EXPECT_NE(message({.reward_space = "Nope", .steps = 10}).find("LookupError"), std::string::npos);
  // An env without a default reward: the message names the valid ones.
  std::string m;
  try {
    random_search([] { return make("toy-v0"); }, {.steps = 10});
  } catch (const LookupError& e) {
    m = e.what();
  }
  EXPECT_NE(m.find("Distance, DistanceNorm, DistanceOz"), std::string::npos) << m;
  // ... and with one named, it runs.
  auto r = random_search([] { return make("toy-v0"); }, {.reward_space = "Distance", .steps = 50});
  EXPECT_EQ(r.reward_space, "Distance");
}

TEST(Geomean, FollowsCompilerGym) {
  EXPECT_DOUBLE_EQ(geomean({1.0, 4.0}), 2.0);
  EXPECT_DOUBLE_EQ(geomean({2.0}), 2.0);
  EXPECT_NEAR(geomean({1.01, 1.05, 0.98}), std::cbrt(1.01 * 1.05 * 0.98), 1e-12);
  EXPECT_EQ(geomean({}), 0.0);
  EXPECT_EQ(geomean({1.0, 0.0}), 0.0);
  EXPECT_EQ(geomean({1.0, -2.0}), 0.0);
}

TEST(SearchOutputs, WritesFourFiles) {
  auto env = toy_env();
  auto result = greedy_search(*env, {.steps = 2});
  TempDir dir("search-test");
  auto out = dir.path() / "nested" / "out";
  write_search_outputs(out, result, {{"note", "hello"}});
  EXPECT_EQ(read_file(out / "best_actions.txt"), "inc\ndouble\n");
  EXPECT_EQ(read_file(out / "best_commandline.txt"), "toyc --inc --double prog.toy\n");
  auto csv = read_file(out / "progress.csv");
  EXPECT_TRUE(csv.starts_with("seconds,episodes,steps,best_reward\n")) << csv;
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 3);  // header, 2 steps, final
  auto json = nlohmann::json::parse(read_file(out / "results.json"));
  EXPECT_EQ(json["note"], "hello");
  EXPECT_EQ(json["benchmark"], "benchmark://toy-v0/1");
  EXPECT_EQ(json["best_actions"], (std::vector<std::string>{"inc", "double"}));
  EXPECT_NEAR(json["best_reward"].get<double>(), 0.6, 1e-9);
  EXPECT_EQ(json["progress"].size(), 3u);
}

}  // namespace
}  // namespace cgym
