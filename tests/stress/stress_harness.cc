#include "stress/stress_harness.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <sstream>

#include "internal/logging.h"

namespace cgym::stress {

namespace {

std::string csv_field(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string first_line(const std::string& text, size_t max = 200) {
  std::string line = text.substr(0, text.find('\n'));
  if (line.size() > max) line = line.substr(0, max) + "...";
  return line;
}

bool is_misuse(const std::exception& e) {
  // Misuse errors mean the harness or the env broke the call contract; every
  // other cgym::Error is a failure the API is allowed to report.
  return dynamic_cast<const InvalidArgument*>(&e) || dynamic_cast<const StateError*>(&e);
}

// What one episode produced, to compare the isolation modes.
struct Outcome {
  std::vector<double> rewards;
  std::string error_type;
  bool comparable = true;
};

const char* mode_name(Isolation iso) {
  return iso == Isolation::kProcess ? "worker" : "in-process";
}

class Runner {
 public:
  Runner(const Config& config, Stats& stats, FailureLog& log)
      : config_(config), stats_(stats), log_(log) {}

  Outcome episode(Env& env, Isolation iso, const BenchmarkPtr& benchmark, uint64_t program_seed) {
    Outcome out;
    ++stats_.episodes;
    const std::string uri = benchmark->uri();
    // The same stream in every mode, so both modes see the same actions.
    Rng rng(program_seed * 0x9E3779B97F4A7C15ull ^ config_.seed);
    std::vector<Action> actions;
    ActionSpace space;
    auto repro = [&] { return space.to_commandline(actions); };
    auto caught = [&](const std::string& phase, int step, const std::string& type,
                      const std::string& details) {
      ++stats_.failures;
      ++stats_.distinct[failure_key(type, details)];
      log_.record(config_, iso, uri, phase, step, type, details, repro());
    };
    auto violation = [&](const std::string& what) {
      ++stats_.violations;
      out.comparable = false;
      log_.record(config_, iso, uri, "violation", static_cast<int>(actions.size()), "violation",
                  what, repro());
      ADD_FAILURE() << config_.env_id << " (" << mode_name(iso) << ") on " << uri << " after '"
                    << repro() << "': " << what;
    };

    ResetOptions reset;
    reset.benchmark = benchmark;
    reset.reward_space = config_.reward_space;
    try {
      env.reset(reset);
      space = env.action_space();
    } catch (const Error& e) {
      if (is_misuse(e)) {
        violation(std::string("reset threw ") + e.type_name() + ": " + e.what());
      } else {
        caught("reset", 0, e.type_name(), e.what());
        out.error_type = e.type_name();
      }
      return out;
    } catch (const std::exception& e) {
      violation(std::string("reset threw a non-cgym exception: ") + e.what());
      return out;
    }

    std::vector<Action> allowed;
    for (Action a = 0; a < space.size(); ++a) {
      const auto& excluded = config_.excluded_actions;
      if (std::find(excluded.begin(), excluded.end(), space.action_name(a)) == excluded.end()) {
        allowed.push_back(a);
      }
    }
    auto draw = [&] { return allowed[rng() % allowed.size()]; };
    for (int s = 0; s < config_.steps; ++s) {
      // Draw everything up front so that both modes stay in step.
      const Action action = draw();
      const Action fork_action = draw();
      const bool fork_now =
          config_.fork_every > 0 && rng() % static_cast<uint64_t>(config_.fork_every) == 0;
      if (fork_now) fork_and_step(env, iso, fork_action, out, caught, violation);

      actions.push_back(action);
      StepResult r;
      try {
        r = env.step(action);
      } catch (const std::exception& e) {
        violation(std::string("step threw ") + error_type_name(e) + ": " + e.what());
        return out;
      }
      ++stats_.steps;
      if (r.info.failed()) {
        if (!r.done) violation("a failed step did not set done: " + r.info.error_type);
        if (r.info.error_details.empty()) violation("a failed step has no error details");
        caught("step", s, r.info.error_type, r.info.error_details);
        out.error_type = r.info.error_type;
        try {
          env.step(action);
          violation("a step after a failed step did not throw StateError");
        } catch (const StateError&) {
        } catch (const std::exception& e) {
          violation(std::string("a step after a failed step threw ") + error_type_name(e));
        }
        return out;
      }
      if (!std::isfinite(r.reward)) violation("a reward that is not finite");
      out.rewards.push_back(r.reward);
      if (r.done) return out;
    }
    if (!config_.final_observation.empty()) {
      try {
        env.observation(config_.final_observation);
      } catch (const Error& e) {
        if (is_misuse(e)) {
          violation(std::string("observation threw ") + e.type_name() + ": " + e.what());
        } else {
          caught("observation", static_cast<int>(actions.size()), e.type_name(), e.what());
          out.error_type = e.type_name();
        }
      }
    }
    return out;
  }

 private:
  template <typename Caught, typename Violation>
  void fork_and_step(Env& env, Isolation iso, Action action, Outcome& out, Caught& caught,
                     Violation& violation) {
    (void)iso;
    const int step = static_cast<int>(env.actions().size());
    try {
      auto fork = env.fork();
      auto r = fork->step(action);
      ++stats_.steps;
      if (r.info.failed()) {
        if (!r.done) violation("a failed step of a fork did not set done");
        caught("fork-step", step, r.info.error_type, r.info.error_details);
        // A worker shared by the env and its fork may now be gone: the two
        // modes can legitimately differ from here on.
        out.comparable = false;
      }
    } catch (const Error& e) {
      if (is_misuse(e)) {
        violation(std::string("fork threw ") + e.type_name() + ": " + e.what());
      } else {
        caught("fork", step, e.type_name(), e.what());
        out.comparable = false;
      }
    } catch (const std::exception& e) {
      violation(std::string("fork threw a non-cgym exception: ") + e.what());
    }
  }

  const Config& config_;
  Stats& stats_;
  FailureLog& log_;
};

bool same_rewards(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::abs(a[i] - b[i]) > 1e-9 * std::max(1.0, std::abs(a[i]))) return false;
  }
  return true;
}

}  // namespace

int64_t env_int(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  const long long n = std::strtoll(v, &end, 10);
  return (*end == '\0' && n >= 0) ? n : fallback;
}

void Stats::add(const Stats& o) {
  programs += o.programs;
  episodes += o.episodes;
  steps += o.steps;
  failures += o.failures;
  violations += o.violations;
  for (const auto& [k, n] : o.distinct) distinct[k] += n;
}

std::string Stats::summary(const std::string& label) const {
  std::ostringstream s;
  s << "cgym-stress " << label << ": programs=" << programs << " episodes=" << episodes
    << " steps=" << steps << " failures_caught=" << failures
    << " distinct_failures=" << distinct.size() << " contract_violations=" << violations
    << " host_crashes=0";
  return s.str();
}

std::string failure_key(const std::string& error_type, const std::string& details) {
  std::string line = first_line(details, 400), key;
  bool in_digits = false;
  for (char c : line) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      if (!in_digits) key += '#';
      in_digits = true;
    } else {
      key += c;
      in_digits = false;
    }
  }
  if (key.size() > 160) key = key.substr(0, 160);
  return error_type + ": " + key;
}

FailureLog::FailureLog(const std::string& name) {
  std::filesystem::path dir;
  if (const char* d = std::getenv("CGYM_STRESS_LOG_DIR"); d && *d) {
    dir = d;
  } else {
    dir = std::filesystem::path(CGYM_BINARY_DIR) / "Testing" / "stress";
  }
  std::filesystem::create_directories(dir);
  path_ = dir / (name + ".csv");
  std::ofstream out(path_, std::ios::trunc);
  out << "env,isolation,benchmark,phase,step,error_type,error_details,commandline\n";
}

void FailureLog::record(const Config& config, Isolation iso, const std::string& benchmark,
                        const std::string& phase, int step, const std::string& error_type,
                        const std::string& details, const std::string& commandline) {
  std::lock_guard lock(mu_);
  std::string d = details.size() > 4000 ? details.substr(0, 4000) + "..." : details;
  std::ofstream out(path_, std::ios::app);
  out << csv_field(config.env_id) << ',' << mode_name(iso) << ',' << csv_field(benchmark) << ','
      << phase << ',' << step << ',' << csv_field(error_type) << ',' << csv_field(d) << ','
      << csv_field(commandline) << '\n';
  logger().warn("stress: {} ({}) {} {} at step {}: {}: {} [actions: {}]", config.env_id,
                mode_name(iso), benchmark, phase, step, error_type, first_line(details),
                commandline);
}

Stats run(const Config& config) {
  Stats stats;
  FailureLog log(config.name);
  std::vector<EnvPtr> envs;
  for (Isolation iso : config.isolations) {
    MakeOptions o;
    o.isolation = iso;
    o.worker.step_timeout_seconds = config.step_timeout_seconds;
    o.worker.reset_timeout_seconds = std::max(60.0, config.step_timeout_seconds);
    envs.push_back(make(config.env_id, o));
  }
  Runner runner(config, stats, log);
  for (const auto& generator : config.generators) {
    Rng pick(config.seed ^ std::hash<std::string>{}(config.env_id + generator));
    for (int i = 0; i < config.programs; ++i) {
      const uint32_t seed = static_cast<uint32_t>(pick() >> 32);
      const std::string uri = generator + "/" + std::to_string(seed);
      ++stats.programs;
      BenchmarkPtr benchmark;
      try {
        // Loaded once and shared by the modes: the load is the slow part.
        benchmark = envs.front()->datasets().benchmark(uri);
      } catch (const Error& e) {
        if (is_misuse(e)) {
          ++stats.violations;
          ADD_FAILURE() << "loading " << uri << " threw " << e.type_name() << ": " << e.what();
        } else {
          ++stats.failures;
          ++stats.distinct[failure_key(e.type_name(), e.what())];
          log.record(config, config.isolations.front(), uri, "load", 0, e.type_name(), e.what(),
                     "");
        }
        continue;
      }
      std::vector<Outcome> outcomes;
      for (size_t m = 0; m < envs.size(); ++m) {
        outcomes.push_back(runner.episode(*envs[m], config.isolations[m], benchmark, seed));
      }
      // Both modes run the same session code on the same actions: when
      // neither failed, they must agree. After a failure they may differ:
      // some LLVM crashes read freed or uninitialised memory, so whether
      // and when they strike depends on the process (see reliability.md).
      for (size_t m = 1; m < outcomes.size(); ++m) {
        const auto& a = outcomes[0];
        const auto& b = outcomes[m];
        if (!a.comparable || !b.comparable || !a.error_type.empty() || !b.error_type.empty()) {
          continue;
        }
        if (a.error_type != b.error_type || !same_rewards(a.rewards, b.rewards)) {
          ++stats.violations;
          ADD_FAILURE() << config.env_id << " on " << uri << ": in-process and worker differ ("
                        << a.rewards.size() << " rewards, error '" << a.error_type << "' vs "
                        << b.rewards.size() << " rewards, error '" << b.error_type << "')";
        }
      }
    }
  }
  std::cout << stats.summary(config.name) << "\n";
  for (const auto& [key, n] : stats.distinct) std::cout << "  " << n << " x " << key << "\n";
  std::cout << "  failures logged to " << log.path().string() << std::endl;
  return stats;
}

}  // namespace cgym::stress
