// Parallel random search. Each agent owns one env whose reset state is kept
// as a "base" and forked for every episode: a fork copies the program and the
// reward trackers, so it skips reloading the benchmark and recomputing the
// baselines that reset() would do. The caller's thread only waits, reports
// progress and gathers the result, so callbacks never run concurrently.
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include "cgym/errors.h"
#include "cgym/search.h"

namespace cgym {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Treats two rewards as equal when they differ by rounding only, so that an
// episode that re-derives an equally good state is not counted as progress.
bool improves(double candidate, double best) {
  return candidate > best + 1e-9 * std::max(1.0, std::abs(best));
}

void check_options(const RandomSearchOptions& o) {
  if (o.runtime_seconds < 0 || !std::isfinite(o.runtime_seconds)) {
    throw InvalidArgument("random_search: runtime_seconds must be a finite number >= 0, got " +
                          std::to_string(o.runtime_seconds));
  }
  if (o.runtime_seconds == 0 && o.steps == 0) {
    throw InvalidArgument(
        "random_search: give a budget: runtime_seconds > 0 or steps > 0 (or both)");
  }
  if (o.patience < 1) {
    throw InvalidArgument("random_search: patience must be >= 1, got " +
                          std::to_string(o.patience));
  }
  if (o.episode_length < 0) {
    throw InvalidArgument("random_search: episode_length must be >= 0 (0 = no limit), got " +
                          std::to_string(o.episode_length));
  }
  if (o.nproc < 1) {
    throw InvalidArgument("random_search: nproc must be >= 1, got " + std::to_string(o.nproc));
  }
  if (o.progress_interval_seconds <= 0) {
    throw InvalidArgument("random_search: progress_interval_seconds must be > 0");
  }
}

// Puts a fresh or caller-provided env in the state every episode starts from.
void prepare_base(Env& env, const RandomSearchOptions& o, bool force_reset) {
  if (force_reset || !o.benchmark.empty() || !env.in_episode() ||
      (!o.action_space.empty() && env.action_space().name() != o.action_space)) {
    ResetOptions r;
    if (!o.benchmark.empty()) r.benchmark = o.benchmark;
    if (!o.action_space.empty()) r.action_space = o.action_space;
    if (!o.reward_space.empty()) r.reward_space = o.reward_space;
    env.reset(r);
  } else if (!o.reward_space.empty() && env.reward_space() != o.reward_space) {
    env.set_reward_space(o.reward_space);
  }
  if (!env.reward_space() || env.reward_space()->empty()) {
    std::string valid;
    for (const auto& r : env.reward_spaces()) valid += (valid.empty() ? "" : ", ") + r.name;
    throw LookupError("random_search: env " + env.env_id() +
                      " has no default reward space; name one with reward_space (valid: " +
                      (valid.empty() ? std::string("none") : valid) + ")");
  }
}

struct Shared {
  const RandomSearchOptions* options = nullptr;
  Clock::time_point start;
  std::mutex mu;
  std::condition_variable cv;
  int running = 0;
  std::exception_ptr error;
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> steps{0};
  std::atomic<uint64_t> episodes{0};
  // Read without the lock as a cheap filter; written under it.
  std::atomic<double> best_reward{0.0};
  std::vector<Action> best_actions;
  std::vector<SearchProgress> progress;

  // Reserves one step of the budget; false when the budget is spent.
  bool take_step() {
    if (stop.load(std::memory_order_relaxed)) return false;
    if (options->runtime_seconds > 0 && seconds_since(start) >= options->runtime_seconds) {
      stop = true;
      return false;
    }
    if (options->steps > 0 && steps.fetch_add(1, std::memory_order_relaxed) >= options->steps) {
      stop = true;
      return false;
    }
    if (options->steps == 0) steps.fetch_add(1, std::memory_order_relaxed);
    return true;
  }

  uint64_t steps_taken() const {
    uint64_t n = steps.load();
    return options->steps > 0 ? std::min(n, options->steps) : n;
  }

  std::optional<double> fraction_done() const {
    double f = 0.0;
    if (options->runtime_seconds > 0)
      f = std::max(f, seconds_since(start) / options->runtime_seconds);
    if (options->steps > 0) {
      f = std::max(f, static_cast<double>(steps_taken()) / static_cast<double>(options->steps));
    }
    return std::min(f, 1.0);
  }

  SearchProgress snapshot() const {
    return {.seconds = seconds_since(start),
            .episodes = episodes.load(),
            .steps = steps_taken(),
            .best_reward = best_reward.load(),
            .fraction_done = fraction_done()};
  }

  void offer(double reward, const std::vector<Action>& actions, size_t length) {
    if (!improves(reward, best_reward.load())) return;
    std::lock_guard lock(mu);
    if (!improves(reward, best_reward.load())) return;
    best_reward = reward;
    best_actions.assign(actions.begin(), actions.begin() + static_cast<std::ptrdiff_t>(length));
    auto p = snapshot();
    p.best_reward = reward;
    progress.push_back(p);
  }
};

void run_agent(Shared& shared, EnvPtr base, uint64_t seed) {
  const auto& o = *shared.options;
  Rng rng(seed);
  std::vector<Action> actions;
  while (!shared.stop.load(std::memory_order_relaxed)) {
    auto episode = base->fork();
    actions.clear();
    double total = 0.0, episode_best = 0.0;
    int since_improvement = 0;
    bool budget_left = true;
    while ((budget_left = shared.take_step())) {
      Action a = episode->action_space().sample(rng);
      auto r = episode->step(a);
      actions.push_back(a);
      if (r.info.failed()) break;
      total += r.reward;
      if (improves(total, episode_best)) {
        episode_best = total;
        since_improvement = 0;
        shared.offer(total, actions, actions.size());
      } else if (++since_improvement >= o.patience) {
        break;
      }
      if (r.done) break;
      if (o.episode_length > 0 && static_cast<int>(actions.size()) >= o.episode_length) break;
    }
    if (!budget_left) break;
    ++shared.episodes;
  }
}

SearchResult search(std::vector<std::function<EnvPtr()>> make_bases, EnvPtr replay_base,
                    const RandomSearchOptions& o) {
  Shared shared;
  shared.options = &o;
  shared.start = Clock::now();
  std::vector<std::thread> threads;
  // The replay at the end needs a base of its own: the factory overload asks
  // agent 0 to hand over a fork of its base before it starts.
  std::mutex replay_mu;
  shared.running = static_cast<int>(make_bases.size());
  for (size_t i = 0; i < make_bases.size(); ++i) {
    threads.emplace_back([&, i] {
      try {
        EnvPtr base = make_bases[i]();
        if (i == 0 && !replay_base) {
          auto copy = base->fork();
          std::lock_guard lock(replay_mu);
          replay_base = std::move(copy);
        }
        run_agent(shared, std::move(base), o.seed + i);
      } catch (...) {
        std::lock_guard lock(shared.mu);
        if (!shared.error) shared.error = std::current_exception();
        shared.stop = true;
      }
      std::lock_guard lock(shared.mu);
      --shared.running;
      shared.cv.notify_all();
    });
  }
  {
    const auto interval = std::chrono::duration<double>(o.progress_interval_seconds);
    std::unique_lock lock(shared.mu);
    while (shared.running > 0) {
      shared.cv.wait_for(lock, interval);
      if (shared.running > 0 && o.on_progress) {
        lock.unlock();
        try {
          o.on_progress(shared.snapshot());
        } catch (...) {
          lock.lock();
          if (!shared.error) shared.error = std::current_exception();
          shared.stop = true;
          continue;
        }
        lock.lock();
      }
    }
  }
  for (auto& t : threads) t.join();
  if (shared.error) std::rethrow_exception(shared.error);

  SearchResult result;
  result.seconds = seconds_since(shared.start);
  result.episodes = shared.episodes.load();
  result.steps = shared.steps_taken();
  result.best_reward = shared.best_reward.load();
  result.best_actions = shared.best_actions;
  result.progress = shared.progress;
  auto final_record = shared.snapshot();
  final_record.seconds = result.seconds;
  final_record.fraction_done = 1.0;
  result.progress.push_back(final_record);

  auto replay = replay_base->fork();
  for (Action a : result.best_actions) {
    result.best_action_names.push_back(replay->action_space().action_name(a));
    replay->step(a);
  }
  result.env_id = replay->env_id();
  result.benchmark = replay->benchmark() ? replay->benchmark()->uri() : "";
  result.reward_space = replay->reward_space().value_or("");
  result.best_commandline = replay->commandline();
  result.nondeterministic_actions =
      nondeterministic_action_names(replay->action_space(), result.best_actions);
  if (o.on_progress) o.on_progress(final_record);
  return result;
}

}  // namespace

SearchResult random_search(const EnvFactory& make_env, const RandomSearchOptions& options) {
  check_options(options);
  if (!make_env) throw InvalidArgument("random_search: the env factory is empty");
  std::vector<std::function<EnvPtr()>> bases;
  for (int i = 0; i < options.nproc; ++i) {
    bases.push_back([&make_env, &options] {
      EnvPtr env = make_env();
      if (!env) throw InvalidArgument("random_search: the env factory returned no env");
      prepare_base(*env, options, /*force_reset=*/true);
      return env;
    });
  }
  return search(std::move(bases), nullptr, options);
}

SearchResult random_search(Env& env, const RandomSearchOptions& options) {
  check_options(options);
  prepare_base(env, options, /*force_reset=*/false);
  // Forks are made here because one Env is used by one thread at a time.
  std::vector<std::function<EnvPtr()>> bases;
  for (int i = 0; i < options.nproc; ++i) {
    bases.push_back(
        [holder = std::make_shared<EnvPtr>(env.fork())]() -> EnvPtr { return std::move(*holder); });
  }
  return search(std::move(bases), env.fork(), options);
}

}  // namespace cgym
