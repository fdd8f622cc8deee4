// Search: reusable autotuning loops over any Env (random search, greedy
// search, hill climbing) and the helpers that report their results.
//
//   auto result = cgym::random_search(
//       [] { return cgym::make("llvm-ic-v0"); },
//       {.benchmark = "benchmark://cgym-v0/crc32", .runtime_seconds = 10, .nproc = 2});
//   std::cout << result.best_reward << " " << result.best_commandline << "\n";
//
// Every search maximises the env's default reward space (or the one named in
// its options): the reward of an action sequence is the episode's cumulative
// reward after it. Episodes are restarted from a fork() of the freshly reset
// state, which is cheaper than a reset() that reloads the program.
//
// Threads: random_search() runs `nproc` worker threads; each owns its env
// (made by the factory, or forked from the caller's env on the caller's
// thread before the workers start). Callbacks (on_progress, on_step) are
// always called on the caller's thread. Exceptions thrown in a worker stop
// the search and are rethrown to the caller.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cgym/env.h"
#include "cgym/spaces.h"
#include "cgym/state.h"

namespace cgym {

/// Makes a new env. random_search() calls it from several threads at once, so
/// it must be thread-safe (cgym::make() is).
using EnvFactory = std::function<EnvPtr()>;

/// A snapshot of a running search.
struct SearchProgress {
  double seconds = 0.0;      ///< since the search started
  uint64_t episodes = 0;     ///< episodes finished (random search) or rounds (greedy)
  uint64_t steps = 0;        ///< env steps taken, forks tried by greedy included
  double best_reward = 0.0;  ///< the best episode reward found so far
  /// The fraction of the budget used, in [0, 1] (the larger of the time and
  /// step fractions); nullopt when the search has no budget (greedy until no
  /// action improves).
  std::optional<double> fraction_done;
};

/// What a search found.
struct SearchResult {
  std::string env_id;        ///< the env searched
  std::string benchmark;     ///< the benchmark URI searched
  std::string reward_space;  ///< the reward maximised
  /// The best action sequence, as indices replayable from the reset state,
  /// and as action names (same order).
  std::vector<Action> best_actions;
  /// The names of best_actions, in the same order.
  std::vector<std::string> best_action_names;
  /// The episode reward of best_actions (0 when nothing beat the reset state).
  double best_reward = 0.0;
  /// The env's commandline() after best_actions.
  std::string best_commandline;
  /// Episodes finished (random search), rounds (greedy) or actions tried
  /// (hill climbing).
  uint64_t episodes = 0;
  /// Env steps taken in total, steps on forks included.
  uint64_t steps = 0;
  /// Wall time of the search, in seconds.
  double seconds = 0.0;
  /// One record each time the best reward improved, plus a final one.
  std::vector<SearchProgress> progress;
  /// The names of best_actions that the action space marks non-deterministic
  /// (ActionInfo::deterministic false), each once; filled by every search.
  std::vector<std::string> nondeterministic_actions;
  /// Filled by check_reproducibility(): the validation of state() (reward
  /// only). Its non_deterministic is set when replays of the result gave
  /// different rewards; a "Reward mismatch" error means they agreed with
  /// each other but not with best_reward.
  std::optional<ValidationResult> validation;

  /// "reproducible", "non-deterministic", "mismatch" or "not checked".
  std::string reproducibility() const;

  /// The result as a CompilerGym state (walltime = seconds).
  EnvState state() const;
  /// Everything above as JSON (results.json).
  nlohmann::json to_json() const;
};

/// Replays `result` (reward only, ValidationOptions::replays = `replays`)
/// on a fresh copy of `env`'s compiler and stores the validation in
/// result.validation. `env` must be the env the search ran on (same
/// action space and reward space); its episode is not changed.
void check_reproducibility(Env& env, SearchResult& result, int replays = 3);

/// The names of `actions` that `space` marks non-deterministic, each once,
/// in the order they first occur.
std::vector<std::string> nondeterministic_action_names(const ActionSpace& space,
                                                       std::span<const Action> actions);

/// Options of random_search().
struct RandomSearchOptions {
  /// The benchmark to search; empty keeps the env's (the factory's default,
  /// or the caller's env's current benchmark).
  std::string benchmark;
  /// The reward to maximise; empty uses the env's default reward space.
  /// Throws LookupError when neither names a reward space.
  std::string reward_space;
  /// The action space to search (e.g. "PassesLlvm19Deterministic"); empty
  /// keeps the env's. Setting it resets the env.
  std::string action_space;
  /// Budget: stop after this many seconds (0 = no time limit) ...
  double runtime_seconds = 0.0;
  /// ... or after this many steps in total over every agent (0 = no limit).
  /// At least one of the two must be set (InvalidArgument otherwise).
  uint64_t steps = 0;
  /// An episode ends after this many consecutive steps that did not improve
  /// its best reward (CompilerGym's patience). Must be >= 1.
  int patience = 5;
  /// The most steps in one episode (0 = no limit other than patience).
  int episode_length = 0;
  /// Worker threads, each with its own env. Must be >= 1.
  int nproc = 1;
  /// Agent i draws from Rng(seed + i): with nproc = 1 and a step budget a
  /// search is reproducible.
  uint64_t seed = 0;
  /// Called on the caller's thread about every progress_interval_seconds.
  std::function<void(const SearchProgress&)> on_progress;
  /// Seconds between on_progress calls. Must be > 0.
  double progress_interval_seconds = 1.0;
};

/// Random search: `nproc` agents each run random episodes from the reset
/// state (restarting from a fork of it) until the budget runs out; an episode
/// ends on patience, episode_length, done, or a failed step. Returns the best
/// prefix of any episode. The best sequence is replayed once at the end to
/// read its command line.
/// Throws InvalidArgument for bad options, LookupError for an unknown
/// benchmark or reward space, and whatever the factory or env throws.
SearchResult random_search(const EnvFactory& make_env, const RandomSearchOptions& options);
/// The same, with agents forked from `env`'s current state (`env` is reset
/// first when it is not in an episode or options.benchmark is set, and its
/// reward space is set to options.reward_space when given; nothing else
/// changes it). best_actions and best_reward count from that state;
/// best_commandline also holds the actions `env` had taken before.
SearchResult random_search(Env& env, const RandomSearchOptions& options);

/// The reward of one action tried on a fork of the current state.
struct ActionScore {
  Action action = 0;           ///< the action tried
  std::string name;            ///< its name in the action space
  double reward = 0.0;         ///< the reward its step returned
  bool failed = false;         ///< the step failed (error_type set)
  bool done = false;           ///< the step ended the episode
  bool had_no_effect = false;  ///< the step left the program unchanged
  std::string error;           ///< error_type: error_details when failed
};

/// Tries every action of the current action space on its own fork of `env`
/// and returns the scores sorted best first (failed steps last). `env` must
/// be in an episode with a default reward space (StateError otherwise); it is
/// not changed.
std::vector<ActionScore> try_all_actions(Env& env);

/// Options of greedy_search().
struct GreedySearchOptions {
  /// The most actions to apply (0 = until no action improves).
  int steps = 0;
  /// Stop after this many seconds (0 = no limit). The limit holds inside a
  /// round too: a round it cuts short applies the best of the actions it
  /// has tried (if that earns more than min_improvement), and the search
  /// ends. So the search overruns the limit by at most one step's time.
  double runtime_seconds = 0.0;
  /// An action must earn more than this to be applied (unless `confirm`
  /// is set, which then decides).
  double min_improvement = 0.0;
  /// Called on the caller's thread after each applied action.
  std::function<void(const ActionScore&, const SearchProgress&)> on_step;
  /// Called on the caller's thread after each candidate is tried on a fork,
  /// in the order tried.
  std::function<void(const ActionScore&)> on_try;
  /// For rewards that are timings, which a lucky run can inflate: when set,
  /// confirm decides, and min_improvement is not used. A round's best
  /// `confirm_candidates` candidates that changed something (not failed,
  /// not without effect, a reward other than exactly 0) are judged, best
  /// first, by confirm(env, candidate), where `candidate` is a fork of `env`
  /// that took the action, whatever their reward: a reward is measured
  /// against the state's own first timing, which a lucky run may have
  /// inflated, so a real gain can show as a loss. The first candidate it
  /// accepts (true) is applied (the best of those it accepts, with
  /// confirm_pick_best); when it accepts none, the search ends (the
  /// next round would rank the same candidates again). The first candidate
  /// is always judged, later ones only before the time limit. A confirm
  /// that noise can sway may keep accepting steps of no real worth: give
  /// such a search a time or step limit.
  /// confirm_by_remeasuring() makes one for loopnest-v0 and loop_tool-v0.
  std::function<bool(Env& current, Env& candidate)> confirm;
  /// The most candidates of one round that confirm judges (>= 1).
  int confirm_candidates = 3;
  /// With confirm: judge all `confirm_candidates` candidates, not only up
  /// to the first accepted, and apply the best of those accepted: a later
  /// accepted candidate replaces the choice when confirm(choice, it)
  /// accepts it too. For timings, whose quick ranking is noise-prone among
  /// close candidates (loopnest-v0's cache tiles of 64 and 256 k), this
  /// lets the more careful measurement pick among them; it costs one or two
  /// more judgements per candidate.
  bool confirm_pick_best = false;
  /// Greedy search from several first steps, against its myopia (a first
  /// step that pays most alone can rule out a better combination: in
  /// loopnest-v0, a 16x32 register tile beats an 8x32 one on its own, and
  /// loses to it once a cache tile is added). With 1 (the default), plain
  /// greedy. With B > 1, the first round's B best candidates (those it
  /// could apply: see min_improvement and confirm; not judged by confirm)
  /// each start a branch, a fork of `env` that took it and goes on by
  /// greedy search (the steps limit counts the first step) until its share
  /// of the time left: an equal share of what is left when it starts. The
  /// branches are compared by their episode rewards (a later one must be
  /// strictly better), or, with confirm, by confirm(best so far, branch);
  /// with confirm the best must also be accepted by confirm(env, best), or
  /// nothing is applied. The winner's actions are then applied to `env`, and
  /// on_step sees them after the branches have run.
  int branches = 1;
  /// For rewards that are costly to measure (timings): called on each
  /// candidate's fork just before it takes its action, once the round has
  /// a bar, with the reward the candidate must beat to matter: without
  /// confirm, the best reward of the round so far, and at least
  /// min_improvement; with confirm, the confirm_candidates-th best of the
  /// candidates confirm could judge (none before there are that many); in
  /// a branched first round, at least the branches-th best. The env may
  /// then stop measuring a candidate once it knows the candidate falls
  /// short, and report any reward below the bar, so a pruned candidate's
  /// reward (and the order of the next round, which follows the rewards) is
  /// an upper bound. The bar only rises within a round, so the candidates
  /// the search goes on with are never pruned ones. Exceptions propagate.
  /// prune_below_best() makes one for loopnest-v0 and loop_tool-v0.
  std::function<void(Env& candidate, double reward_to_beat)> prune;
  /// Actions the first round tries first, in this order, before the others
  /// in index order (later rounds follow the previous round's rewards, best
  /// first). A complete round chooses the same whatever the order (ties go
  /// to the lower index); the order decides which candidates a time limit
  /// leaves untried and, with prune, how soon the bar rises. For a prior
  /// such as "loopnest-v0's structured actions pay most from the naive
  /// schedule". Throws InvalidArgument for an action out of range or named
  /// twice.
  std::vector<Action> try_first;
  /// For envs whose steps cost most in work that can be done ahead and
  /// together (loopnest-v0 compiles each candidate's program): called on
  /// the caller's thread with the state a round starts from and the next
  /// `prepare_batch` actions of the round (fewer at its end), before they
  /// are tried; not called once the time limit has passed, so a limit
  /// overruns by at most one batch's preparation. It must not change the
  /// state's observations or rewards, only make the candidates' steps
  /// cheaper. Exceptions propagate. prebuild_candidates() makes one for
  /// loopnest-v0.
  std::function<void(Env& state, const std::vector<Action>& next)> prepare;
  /// How many actions one prepare call covers (>= 1).
  int prepare_batch = 8;
};

/// A GreedySearchOptions::prepare that sends session parameter `parameter`,
/// with the actions' indices separated by spaces, to a fork of the state
/// (the state itself keeps its observations): for
/// loopnest-v0 (loopnest.prebuild), which then compiles the programs of the
/// schedules those actions lead to, as many at once as there are cores, so
/// that the candidates' steps find them built. Passes on the env's errors
/// (LookupError for a parameter the env does not know).
std::function<void(Env& state, const std::vector<Action>& next)> prebuild_candidates(
    std::string parameter = "loopnest.prebuild");

/// A GreedySearchOptions::prune for a reward that is the change of a
/// higher-is-better observation (loopnest-v0's and loop_tool-v0's reward
/// "flops", the change of their observation "flops"): sends session
/// parameter `parameter` to the candidate with its current value of
/// `observation` plus the reward to beat, when that sum is > 0 (the value
/// the candidate's observation must exceed; loopnest.flops_floor then lets
/// the env give up on a slower schedule after its first call). The prune
/// throws InvalidArgument when the env's reward space is not named
/// `observation` (another reward's scale is not known), and passes on the
/// env's errors (LookupError for a parameter the env does not know).
std::function<void(Env& candidate, double reward_to_beat)> prune_below_best(
    std::string observation = "flops", std::string parameter = "loopnest.flops_floor");

/// What confirm_by_remeasuring() measured for one candidate.
struct Remeasured {
  std::vector<double> current;    ///< the current state's fresh values
  std::vector<double> candidate;  ///< the candidate's, taken alternately
  double current_median = 0.0;    ///< the median of `current`
  double candidate_median = 0.0;  ///< the median of `candidate`
  bool accepted = false;          ///< the candidate's median gained enough
};

/// A GreedySearchOptions::confirm for noisy, higher-is-better measurements:
/// sends session parameter `parameter` (value "") `rounds` times to each
/// env, in the order current, candidate, candidate, current, current, ...
/// (so a machine that slows down or speeds up steadily favours neither),
/// reads each answer as a number, and accepts the candidate when its median
/// exceeds the current state's median by more than `min_relative_gain`
/// times the latter. loopnest-v0 and loop_tool-v0 answer
/// "loopnest.remeasure" with the schedule's GFLOP/s timed afresh (the run
/// cache bypassed). `on_result`, when set, sees each judgement. Throws
/// InvalidArgument for rounds < 1 or a negative gain; the confirm throws
/// InvalidArgument when an answer is not a number, and passes on the env's
/// errors (LookupError for a parameter the env does not know).
std::function<bool(Env& current, Env& candidate)> confirm_by_remeasuring(
    std::string parameter = "loopnest.remeasure", int rounds = 3, double min_relative_gain = 0.01,
    std::function<void(const Remeasured&)> on_result = nullptr);

/// Greedy search: repeatedly tries every action on a fork of the current
/// state (try_all_actions) and applies the best one to `env`, stopping when no
/// action earns more than min_improvement (or `confirm` accepts none) or a
/// limit is reached. `env` must
/// be in an episode with a default reward space; it ends in the best state
/// found. best_actions and best_reward count only the actions this call
/// applied (from a freshly reset env, that is the whole episode);
/// best_commandline is env.commandline() at the end. The first round tries
/// the actions in index order; each later round tries them in the order of
/// the previous round's rewards, best first, so that a round the time limit
/// cuts short has tried the likeliest ones (a complete round's choice does
/// not depend on the order: ties go to the lower index).
SearchResult greedy_search(Env& env, const GreedySearchOptions& options = {});

/// Options of hill_climb().
struct HillClimbOptions {
  /// The number of random actions to try.
  int steps = 100;
  /// Stop early after this many seconds (0 = no limit).
  double runtime_seconds = 0.0;
  /// Seeds the Rng that draws the actions: the same seed tries the same actions.
  uint64_t seed = 0;
  /// Called on the caller's thread after each kept action.
  std::function<void(const ActionScore&, const SearchProgress&)> on_step;
};

/// Hill climbing: tries `steps` random actions, each on a fork of the current
/// state, and keeps (applies to `env`) those that earn a positive reward.
/// Same preconditions and result as greedy_search().
SearchResult hill_climb(Env& env, const HillClimbOptions& options = {});

// ---- reporting ----------------------------------------------------------

/// The geometric mean of `values` as CompilerGym computes it: 0 when the list
/// is empty or any value is <= 0.
double geomean(const std::vector<double>& values);

/// progress.csv: the header "seconds,episodes,steps,best_reward" and one row
/// per record.
std::string progress_csv(const std::vector<SearchProgress>& progress);

/// Writes the outputs of a search into `dir` (created when missing), each
/// atomically: best_actions.txt (one action name per line),
/// best_commandline.txt, progress.csv and results.json (to_json() merged with
/// `extra`). Throws IoError.
void write_search_outputs(const std::filesystem::path& dir, const SearchResult& result,
                          const nlohmann::json& extra = nlohmann::json::object());

}  // namespace cgym
