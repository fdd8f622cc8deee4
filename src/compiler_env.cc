#include "cgym/compiler_env.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>

#include "cgym/errors.h"
#include "cgym/observation_cache.h"
#include "cgym/util.h"
#include "internal/logging.h"

namespace cgym {

// Immutable facts shared by an env and its forks.
struct CompilerEnv::Shared {
  CompilerEnvConfig config;
  std::shared_ptr<const SessionContext> context;
  std::string compiler_version;
  std::vector<ActionSpace> action_spaces;
  std::vector<ObservationSpaceSpec> observation_spaces;
  std::unordered_map<std::string, size_t> observation_index;
  std::vector<std::string> observation_names;
  std::vector<std::shared_ptr<const RewardSpace>> rewards;
  std::vector<std::string> reward_names;
  std::string default_benchmark;
  /// Prefix of shared-cache keys: what besides the state decides a value.
  std::string cache_prefix;

  const ObservationSpaceSpec* find_observation(const std::string& name) const {
    auto it = observation_index.find(name);
    return it == observation_index.end() ? nullptr : &observation_spaces[it->second];
  }
  const RewardSpace* find_reward(const std::string& name) const {
    for (const auto& r : rewards) {
      if (r->name() == name) return r.get();
    }
    return nullptr;
  }
  void check_observation(const std::string& name) const {
    if (!find_observation(name)) {
      throw LookupError("unknown observation space '" + name + "' for env '" + config.env_id +
                        "'; valid observation spaces: " +
                        closest_matches(name, observation_names, observation_names.size()));
    }
  }
  void check_reward(const std::string& name) const {
    if (!find_reward(name)) {
      throw LookupError("unknown reward space '" + name + "' for env '" + config.env_id +
                        "'; valid reward spaces: " +
                        (reward_names.empty()
                             ? std::string("(none)")
                             : closest_matches(name, reward_names, reward_names.size())));
    }
  }
  size_t action_space_index(const std::string& name) const {
    for (size_t i = 0; i < action_spaces.size(); ++i) {
      if (action_spaces[i].name() == name) return i;
    }
    std::string all;
    for (const auto& a : action_spaces) all += (all.empty() ? "" : ", ") + a.name();
    throw LookupError("unknown action space '" + name + "' for env '" + config.env_id +
                      "'; valid action spaces: " + all);
  }
};

namespace {

std::string random_suffix() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::ostringstream s;
  s << std::hex << rng();
  return s.str();
}

std::optional<std::string> non_empty(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

}  // namespace

CompilerEnv::CompilerEnv(CompilerEnvConfig config, const MakeOptions& options) {
  auto shared = std::make_shared<Shared>();
  for (const auto& [key, value] : options.params) {
    if (std::find(config.known_params.begin(), config.known_params.end(), key) ==
        config.known_params.end()) {
      throw LookupError(
          "unknown option '" + key + "' for env '" + config.env_id + "'; valid options: " +
          (config.known_params.empty()
               ? std::string("(none)")
               : closest_matches(key, config.known_params, config.known_params.size())));
    }
  }
  if (!config.make_session) {
    throw InvalidArgument("env '" + config.env_id + "' has no session factory");
  }
  shared->context = std::make_shared<SessionContext>(
      options.params, transient_cache_dir() / ("env-" + config.env_id + "-" + random_suffix()));
  // A probe session reports the spaces; the first reset() reuses it.
  session_ = config.make_session(shared->context);
  if (!session_) {
    throw EnvironmentNotSupported("env '" + config.env_id + "' could not create a session");
  }
  shared->compiler_version = session_->compiler_version();
  shared->action_spaces = session_->action_spaces();
  if (shared->action_spaces.empty()) {
    throw InvalidArgument("env '" + config.env_id + "' declares no action space");
  }
  shared->observation_spaces = session_->observation_spaces();
  for (size_t i = 0; i < shared->observation_spaces.size(); ++i) {
    shared->observation_index[shared->observation_spaces[i].name] = i;
    shared->observation_names.push_back(shared->observation_spaces[i].name);
  }
  shared->rewards = config.reward_spaces;
  for (const auto& r : shared->rewards) shared->reward_names.push_back(r->name());
  shared->default_benchmark = options.benchmark.value_or(config.default_benchmark);
  shared->cache_prefix = shared->compiler_version + "|";
  for (const auto& [k, v] : options.params) shared->cache_prefix += k + "=" + v + ";";
  shared->cache_prefix += "|";
  shared->config = std::move(config);

  const auto& cfg = shared->config;
  action_space_index_ = shared->action_space_index(options.action_space.value_or(
      cfg.default_action_space.empty() ? shared->action_spaces[0].name()
                                       : cfg.default_action_space));
  observation_space_ = non_empty(options.observation_space.value_or(cfg.default_observation_space));
  reward_space_ = non_empty(options.reward_space.value_or(cfg.default_reward_space));
  if (observation_space_) shared->check_observation(*observation_space_);
  if (reward_space_) shared->check_reward(*reward_space_);
  cache_.resize(shared->observation_spaces.size());
  shared_ = std::move(shared);
}

CompilerEnv::CompilerEnv(std::shared_ptr<const Shared> shared) : shared_(std::move(shared)) {
  cache_.resize(shared_->observation_spaces.size());
}

CompilerEnv::~CompilerEnv() { close(); }

void CompilerEnv::close() {
  if (closed_) return;
  closed_ = true;
  in_episode_ = false;
  trackers_.clear();
  session_.reset();
  cache_.clear();
}

void CompilerEnv::check_open(const char* call) const {
  if (closed_) {
    throw StateError(std::string(call) +
                     "() called after close(); make a new env with cgym::make(\"" +
                     shared_->config.env_id + "\")");
  }
}

void CompilerEnv::check_in_episode(const char* call) const {
  check_open(call);
  if (in_episode_) return;
  if (!session_ || !benchmark_) {
    throw StateError(std::string(call) + "() called before reset(); call reset() first");
  }
  if (failed_) {
    throw StateError(std::string(call) +
                     "() called after the episode ended with an error; call reset() to start a "
                     "new episode");
  }
  throw StateError(std::string(call) +
                   "() called after the episode ended (done); call reset() to start a new episode");
}

std::string CompilerEnv::env_id() const { return shared_->config.env_id; }
std::string CompilerEnv::compiler_version() const { return shared_->compiler_version; }

const ActionSpace& CompilerEnv::action_space() const {
  if (dynamic_action_space_) return *dynamic_action_space_;
  return shared_->action_spaces[action_space_index_];
}

const std::vector<ActionSpace>& CompilerEnv::action_spaces() const {
  return shared_->action_spaces;
}

const std::vector<ObservationSpaceSpec>& CompilerEnv::observation_spaces() const {
  return shared_->observation_spaces;
}

const ObservationSpaceSpec& CompilerEnv::observation_space_spec(const std::string& name) const {
  shared_->check_observation(name);
  return *shared_->find_observation(name);
}

namespace {

bool all_deterministic(const ActionSpace& space) {
  return std::all_of(space.actions().begin(), space.actions().end(),
                     [](const ActionInfo& a) { return a.deterministic; });
}

}  // namespace

std::vector<RewardSpaceSpec> CompilerEnv::reward_spaces() const {
  // A reward declared deterministic (a function of the program state) is
  // only reproducible when every action that changes the state is: in an
  // action space with non-deterministic actions it says deterministic =
  // false and names the spaces in which it holds.
  const bool space_deterministic = all_deterministic(action_space());
  std::vector<std::string> deterministic_spaces;
  for (const auto& a : shared_->action_spaces) {
    if (all_deterministic(a)) deterministic_spaces.push_back(a.name());
  }
  std::vector<RewardSpaceSpec> out;
  for (const auto& r : shared_->rewards) {
    out.push_back(r->spec());
    if (out.back().deterministic && !space_deterministic) {
      out.back().deterministic = false;
      out.back().deterministic_in = deterministic_spaces;
    }
  }
  return out;
}

std::optional<std::string> CompilerEnv::observation_space() const { return observation_space_; }
std::optional<std::string> CompilerEnv::reward_space() const { return reward_space_; }

void CompilerEnv::set_observation_space(const std::string& name) {
  check_open("set_observation_space");
  if (name.empty()) {
    observation_space_.reset();
    return;
  }
  shared_->check_observation(name);
  observation_space_ = name;
}

void CompilerEnv::set_reward_space(const std::string& name) {
  check_open("set_reward_space");
  if (name.empty()) {
    reward_space_.reset();
    return;
  }
  shared_->check_reward(name);
  reward_space_ = name;
  if (in_episode_ && !trackers_.count(name)) {
    Tracker t{shared_->find_reward(name)->clone(), 0.0};
    t.space->reset(*this);
    trackers_.emplace(name, std::move(t));
  }
}

const Datasets& CompilerEnv::datasets() const {
  static const Datasets kEmpty;
  return shared_->config.datasets ? *shared_->config.datasets : kEmpty;
}

double CompilerEnv::episode_walltime() const {
  if (!benchmark_) return 0.0;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - episode_start_).count();
}

void CompilerEnv::invalidate_observations() {
  const auto& specs = shared_->observation_spaces;
  for (size_t i = 0; i < cache_.size(); ++i) {
    if (!specs[i].benchmark_constant) cache_[i].reset();
  }
}

Observation CompilerEnv::observation_impl(size_t index) {
  auto& slot = cache_[index];
  if (slot) return *slot;
  const auto& spec = shared_->observation_spaces[index];
  if (spec.shared_cacheable) {
    if (auto* cache = shared_observation_cache()) {
      if (auto state = session_->state_hash()) {
        const std::string key =
            shared_->cache_prefix + spec.name + "|" + benchmark_->hash() + "|" + *state;
        if (auto hit = cache->get(key)) {
          slot = std::move(*hit);
          return *slot;
        }
        slot = session_->compute_observation(spec);
        cache->put(key, *slot);
        return *slot;
      }
    }
  }
  slot = session_->compute_observation(spec);
  return *slot;
}

Observation CompilerEnv::observation(const std::string& name) {
  check_open("observation");
  auto it = shared_->observation_index.find(name);
  if (it == shared_->observation_index.end()) shared_->check_observation(name);
  if (!session_ || !benchmark_) {
    throw StateError("observation() called before reset(); call reset() first");
  }
  if (failed_) {
    throw StateError(
        "observation() called after the episode ended with an error; the compiler state is "
        "gone, call reset()");
  }
  return observation_impl(it->second);
}

double CompilerEnv::reward(const std::string& name) {
  check_open("reward");
  shared_->check_reward(name);
  if (!benchmark_) throw StateError("reward() called before reset(); call reset() first");
  if (!stepped_) return 0.0;
  auto it = trackers_.find(name);
  if (it == trackers_.end()) {
    throw StateError("reward space '" + name +
                     "' was not computed for the last step; ask for it with step(action, "
                     "{.reward_spaces = {\"" +
                     name + "\"}}) or make it the default reward space");
  }
  return it->second.last_reward;
}

StepResult CompilerEnv::reset(const ResetOptions& options) {
  check_open("reset");
  const auto& cfg = shared_->config;

  // Resolve every name before touching the current episode, so that a bad
  // argument leaves the env as it was.
  BenchmarkPtr benchmark;
  if (auto* uri = std::get_if<std::string>(&options.benchmark)) {
    if (!cfg.datasets) {
      throw LookupError("env '" + cfg.env_id + "' has no datasets to resolve '" + *uri + "'");
    }
    benchmark = cfg.datasets->benchmark(*uri);
  } else if (auto* b = std::get_if<BenchmarkPtr>(&options.benchmark)) {
    if (!*b) throw InvalidArgument("reset(): the benchmark pointer is null");
    benchmark = *b;
  } else if (benchmark_) {
    benchmark = benchmark_;
  } else {
    if (shared_->default_benchmark.empty()) {
      throw InvalidArgument("env '" + cfg.env_id +
                            "' has no default benchmark; pass ResetOptions::benchmark");
    }
    if (!cfg.datasets) {
      throw LookupError("env '" + cfg.env_id + "' has no datasets to resolve '" +
                        shared_->default_benchmark + "'");
    }
    benchmark = cfg.datasets->benchmark(shared_->default_benchmark);
  }
  logger().debug("{}: reset on {}", cfg.env_id, benchmark->uri());
  size_t space_index = action_space_index_;
  if (options.action_space) space_index = shared_->action_space_index(*options.action_space);
  auto observation_space = observation_space_;
  auto reward_space = reward_space_;
  if (options.observation_space) {
    observation_space = non_empty(*options.observation_space);
    if (observation_space) shared_->check_observation(*observation_space);
  }
  if (options.reward_space) {
    reward_space = non_empty(*options.reward_space);
    if (reward_space) shared_->check_reward(*reward_space);
  }
  for (const auto& n : options.extra.observation_spaces) shared_->check_observation(n);
  for (const auto& n : options.extra.reward_spaces) shared_->check_reward(n);

  // A fresh session per episode; the probe session made at construction is
  // used for the first one.
  std::unique_ptr<CompilationSession> session;
  if (session_ && !benchmark_) {
    session = std::move(session_);
  } else {
    session = cfg.make_session(shared_->context);
  }
  session_.reset();
  in_episode_ = false;
  failed_ = false;
  trackers_.clear();
  std::fill(cache_.begin(), cache_.end(), std::nullopt);
  try {
    session->init(shared_->action_spaces[space_index], benchmark);
  } catch (const BenchmarkInitError&) {
    throw;
  } catch (const std::exception& e) {
    throw BenchmarkInitError("cannot load benchmark '" + benchmark->uri() +
                             "': " + error_type_name(e) + ": " + e.what());
  }
  session_ = std::move(session);
  benchmark_ = std::move(benchmark);
  action_space_index_ = space_index;
  dynamic_action_space_.reset();
  observation_space_ = observation_space;
  reward_space_ = reward_space;
  actions_.clear();
  episode_reward_ = 0.0;
  stepped_ = false;
  episode_start_ = std::chrono::steady_clock::now();
  in_episode_ = true;

  StepResult result;
  try {
    std::vector<std::string> rewards = options.extra.reward_spaces;
    if (reward_space_) rewards.push_back(*reward_space_);
    for (const auto& name : rewards) {
      if (trackers_.count(name)) continue;
      Tracker t{shared_->find_reward(name)->clone(), 0.0};
      t.space->reset(*this);
      trackers_.emplace(name, std::move(t));
    }
    if (observation_space_) result.observation = observation(*observation_space_);
    for (const auto& n : options.extra.observation_spaces) {
      result.observations.push_back(observation(n));
    }
    result.rewards.assign(options.extra.reward_spaces.size(), 0.0);
  } catch (const std::exception& e) {
    in_episode_ = false;
    failed_ = true;
    throw BenchmarkInitError("benchmark '" + benchmark_->uri() +
                             "' loaded but its initial observations failed: " + error_type_name(e) +
                             ": " + e.what());
  }
  return result;
}

void CompilerEnv::fail_episode(StepResult& result, const std::string& type,
                               const std::string& details) {
  logger().info("episode on '{}' ended with {}: {}", benchmark_ ? benchmark_->uri() : "", type,
                details);
  result.done = true;
  result.info.error_type = type;
  result.info.error_details = details;
  double reward = 0.0;
  if (reward_space_) {
    const auto& spec = shared_->find_reward(*reward_space_)->spec();
    reward = spec.default_negates_returns ? -episode_reward_ : spec.default_value;
  }
  result.reward = reward;
  episode_reward_ += reward;
  result.observation = observation_space_
                           ? shared_->find_observation(*observation_space_)->default_value
                           : Observation();
  result.observations.clear();
  result.rewards.clear();
  in_episode_ = false;
  failed_ = true;
  trackers_.clear();
}

StepResult CompilerEnv::step(Action action, const StepOptions& options) {
  return run_step(std::span<const Action>(&action, 1), options);
}

StepResult CompilerEnv::multistep(std::span<const Action> actions, const StepOptions& options) {
  return run_step(actions, options);
}

StepResult CompilerEnv::run_step(std::span<const Action> actions, const StepOptions& options) {
  check_in_episode(actions.size() == 1 ? "step" : "multistep");
  for (Action a : actions) action_space().check(a);
  for (const auto& n : options.observation_spaces) shared_->check_observation(n);
  for (const auto& n : options.reward_spaces) shared_->check_reward(n);

  StepResult result;
  try {
    // A reward space asked for the first time starts from the state
    // before this step, so its first reward is exact.
    for (const auto& name : options.reward_spaces) {
      if (trackers_.count(name)) continue;
      Tracker t{shared_->find_reward(name)->clone(), 0.0};
      t.space->reset(*this);
      trackers_.emplace(name, std::move(t));
    }
  } catch (const std::exception& e) {
    fail_episode(result, error_type_name(e), e.what());
    return result;
  }

  bool changed = false;
  for (Action a : actions) {
    actions_.push_back(a);
    ActionResult r;
    try {
      r = session_->apply_action(a);
    } catch (const std::exception& e) {
      fail_episode(result, error_type_name(e),
                   "action " + std::to_string(a) + " (" + action_space().action_name(a) +
                       ") failed: " + e.what());
      return result;
    }
    if (logger().should_log(spdlog::level::trace)) {
      logger().trace("{}: action {} ({}){}", shared_->config.env_id, a,
                     action_space().action_name(a), r.action_had_no_effect ? ", no effect" : "");
    }
    if (!r.action_had_no_effect) {
      changed = true;
      invalidate_observations();
    }
    if (r.new_action_space) {
      dynamic_action_space_ = std::move(*r.new_action_space);
      result.info.new_action_space = true;
    }
    if (r.end_of_episode) {
      result.done = true;
      break;
    }
  }
  result.info.action_had_no_effect = !changed;
  stepped_ = true;

  try {
    if (changed) session_->end_of_step(true);
    for (auto it = trackers_.begin(); it != trackers_.end();) {
      const bool wanted = (reward_space_ && it->first == *reward_space_) ||
                          std::find(options.reward_spaces.begin(), options.reward_spaces.end(),
                                    it->first) != options.reward_spaces.end();
      if (!wanted) {
        // Not updated this step, so its previous cost is stale: drop it.
        it = trackers_.erase(it);
        continue;
      }
      it->second.last_reward = it->second.space->update(*this);
      ++it;
    }
    if (reward_space_) result.reward = trackers_.at(*reward_space_).last_reward;
    for (const auto& n : options.reward_spaces) {
      result.rewards.push_back(trackers_.at(n).last_reward);
    }
    if (observation_space_) result.observation = observation(*observation_space_);
    for (const auto& n : options.observation_spaces) {
      result.observations.push_back(observation(n));
    }
  } catch (const std::exception& e) {
    fail_episode(result, error_type_name(e), e.what());
    return result;
  }
  episode_reward_ += result.reward;
  if (result.done) in_episode_ = false;
  return result;
}

std::unique_ptr<Env> CompilerEnv::fork() {
  check_open("fork");
  if (!session_ || !benchmark_)
    throw StateError("fork() called before reset(); call reset() first");
  if (failed_) {
    throw StateError("fork() called after the episode ended with an error; call reset() first");
  }
  std::unique_ptr<CompilerEnv> copy(new CompilerEnv(shared_));
  copy->session_ = session_->fork();
  copy->benchmark_ = benchmark_;
  copy->action_space_index_ = action_space_index_;
  copy->dynamic_action_space_ = dynamic_action_space_;
  copy->observation_space_ = observation_space_;
  copy->reward_space_ = reward_space_;
  copy->actions_ = actions_;
  copy->episode_reward_ = episode_reward_;
  copy->episode_start_ = episode_start_;
  copy->in_episode_ = in_episode_;
  copy->failed_ = failed_;
  copy->stepped_ = stepped_;
  copy->cache_ = cache_;
  for (const auto& [name, t] : trackers_) {
    copy->trackers_.emplace(name, Tracker{t.space->clone(), t.last_reward});
  }
  return copy;
}

EnvState CompilerEnv::state() const {
  check_open("state");
  EnvState s;
  if (benchmark_) s.benchmark = benchmark_->uri();
  if (reward_space_) s.reward = episode_reward_;
  s.walltime = episode_walltime();
  s.commandline = commandline();
  return s;
}

std::string CompilerEnv::commandline() const {
  check_open("commandline");
  return action_space().to_commandline(actions_);
}

std::vector<Action> CompilerEnv::from_commandline(std::string_view commandline) const {
  check_open("from_commandline");
  return action_space().from_commandline(commandline);
}

StepResult CompilerEnv::apply(const EnvState& state) {
  check_open("apply");
  // Parse first: a bad command line must not end the current episode.
  StepResult result = reset(ResetOptions{.benchmark = state.benchmark});
  const auto actions = from_commandline(state.commandline);
  if (actions.empty()) return result;
  return multistep(actions);
}

ValidationResult CompilerEnv::validate(const ValidationOptions& options) {
  return validate(state(), options);
}

ValidationResult CompilerEnv::validate(const EnvState& state, const ValidationOptions& options) {
  check_open("validate");
  if (options.replays < 1) {
    throw InvalidArgument("ValidationOptions::replays must be at least 1 (the first replay), got " +
                          std::to_string(options.replays));
  }
  const auto start = std::chrono::steady_clock::now();
  ValidationResult result;
  result.state = state;
  auto finish = [&] {
    result.walltime =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
  };
  // Replay on a fresh copy of the compiler, so this env's episode is kept.
  CompilerEnv replay(shared_);
  replay.action_space_index_ = action_space_index_;
  replay.reward_space_ = state.reward ? reward_space_ : std::nullopt;
  if (state.reward && !reward_space_) {
    result.errors.push_back({"Reward not checked",
                             "the state has a reward but the env has no reward space to "
                             "reproduce it with; set one with set_reward_space()"});
  }
  try {
    BenchmarkPtr b = (benchmark_ && benchmark_->uri() == state.benchmark)
                         ? benchmark_
                         : datasets().benchmark(state.benchmark);
    replay.reset(ResetOptions{.benchmark = b});
  } catch (const std::exception& e) {
    result.errors.push_back({"Benchmark load failed", e.what()});
    return finish();
  }
  std::vector<Action> actions;
  try {
    actions = replay.from_commandline(state.commandline);
  } catch (const std::exception& e) {
    result.errors.push_back({"Invalid command line", e.what()});
    return finish();
  }
  if (!actions.empty()) {
    StepResult r = replay.multistep(actions);
    if (r.info.failed()) {
      result.errors.push_back({"Replay failed", r.info.error_type + ": " + r.info.error_details});
      return finish();
    }
  }
  result.replays = 1;
  if (options.check_reward && state.reward && replay.reward_space_) {
    const auto& spec = shared_->find_reward(*replay.reward_space_)->spec();
    auto close = [](double a, double b) {
      return std::fabs(a - b) <= std::max(1e-5 * std::max(std::fabs(a), std::fabs(b)), 1e-9);
    };
    const double expected = *state.reward, actual = replay.episode_reward_;
    if (spec.deterministic) {
      result.reward_validated = true;
      if (!close(expected, actual)) {
        // Replay again, each time in a fresh session: replays that disagree
        // among themselves mean a non-deterministic result, not a mismatch.
        std::vector<double> rewards = {actual};
        std::string replay_error;
        for (int i = 1; i < options.replays; ++i) {
          CompilerEnv again(shared_);
          again.action_space_index_ = action_space_index_;
          again.reward_space_ = replay.reward_space_;
          try {
            again.reset(ResetOptions{.benchmark = replay.benchmark_});
            StepResult r = again.multistep(actions);
            if (r.info.failed()) {
              replay_error = r.info.error_type + ": " + r.info.error_details;
              break;
            }
            rewards.push_back(again.episode_reward_);
          } catch (const std::exception& e) {
            replay_error = e.what();
            break;
          }
        }
        result.replays = static_cast<int>(rewards.size());
        const auto [lo, hi] = std::minmax_element(rewards.begin(), rewards.end());
        if (!close(*lo, *hi)) {
          NonDeterminism n;
          n.rewards = rewards;
          n.min_reward = *lo;
          n.max_reward = *hi;
          const ActionSpace& space = replay.action_space();
          for (Action a : actions) {
            if (space.contains(a) && !space.info(a).deterministic &&
                std::find(n.actions.begin(), n.actions.end(), space.action_name(a)) ==
                    n.actions.end()) {
              n.actions.push_back(space.action_name(a));
            }
          }
          result.non_deterministic = std::move(n);
        } else {
          std::ostringstream s;
          s.precision(10);
          s << "expected reward " << expected << " but the replay gave " << actual << " ("
            << spec.name << ")";
          if (rewards.size() > 1) {
            s << "; all " << rewards.size() << " replays gave it, each in a fresh session";
          }
          result.errors.push_back({"Reward mismatch", s.str()});
        }
        if (!replay_error.empty()) {
          result.errors.push_back({"Replay failed", "replay " + std::to_string(rewards.size() + 1) +
                                                        " of " + std::to_string(options.replays) +
                                                        ": " + replay_error});
        }
      }
    }
  }
  if (options.check_semantics && replay.benchmark_->is_runnable()) {
    try {
      auto issues = replay.session_->validate_semantics(options);
      result.semantics_validated = true;
      result.errors.insert(result.errors.end(), issues.begin(), issues.end());
    } catch (const std::exception& e) {
      result.errors.push_back({"Semantics check failed", e.what()});
    }
  }
  return finish();
}

std::string CompilerEnv::send_session_parameter(const std::string& key, const std::string& value) {
  check_in_episode("send_session_parameter");
  auto r = session_->handle_session_parameter(key, value);
  if (!r) {
    throw LookupError("unknown session parameter '" + key + "' for env '" + shared_->config.env_id +
                      "'");
  }
  // A parameter may change the program: recompute what is asked next.
  invalidate_observations();
  return *r;
}

}  // namespace cgym
