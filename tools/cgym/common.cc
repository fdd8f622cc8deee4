// Shared helpers of the cgym tool (see cgym/common.h).
#include "cli/common.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <limits>
#include <sstream>

namespace cgym::cli {

namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

namespace {

CLI::Validator number_check(const std::string& what, bool integer, double minimum) {
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        const std::string error = "expected " + what + ", got '" + text + "'";
        size_t used = 0;
        double value = 0;
        try {
          value = std::stod(text, &used);
        } catch (const std::exception&) {
          return error;
        }
        if (used != text.size() || !std::isfinite(value) || value < minimum) return error;
        if (integer &&
            (value != std::floor(value) || text.find_first_of(".eE") != std::string::npos)) {
          return error;
        }
        return "";
      },
      integer ? (minimum > 0 ? "INT > 0" : "INT >= 0") : "NUMBER > 0");
}

}  // namespace

CLI::Validator positive_integer() { return number_check("a positive integer", true, 1); }
CLI::Validator non_negative_integer() { return number_check("an integer >= 0", true, 0); }
CLI::Validator positive_number() {
  return number_check("a positive number", false, std::numeric_limits<double>::min());
}

bool stderr_is_terminal() { return isatty(STDERR_FILENO) == 1; }

ProgressReporter::ProgressReporter(std::string label, bool show_episodes,
                                   double min_interval_seconds, bool terminal)
    : label_(std::move(label)),
      show_episodes_(show_episodes),
      min_interval_(min_interval_seconds),
      terminal_(terminal) {}

ProgressReporter::~ProgressReporter() { clear(); }

void ProgressReporter::update(const SearchProgress& p) {
  std::ostringstream s;
  s << std::fixed;
  if (terminal_) {
    s << "\r\033[K" << label_ << " ";
    if (p.fraction_done) {
      constexpr int kWidth = 24;
      const int filled = static_cast<int>(std::lround(*p.fraction_done * kWidth));
      s << "[" << std::string(static_cast<size_t>(filled), '#')
        << std::string(static_cast<size_t>(kWidth - filled), '.') << "] " << std::setw(3)
        << std::lround(*p.fraction_done * 100) << "% ";
    }
    s << std::setprecision(1) << p.seconds << "s  ";
    if (show_episodes_) s << "episodes " << p.episodes << "  ";
    s << "steps " << p.steps << "  best " << std::setprecision(4) << p.best_reward;
    std::cerr << s.str() << std::flush;
    bar_shown_ = true;
    return;
  }
  const double now = now_seconds();
  const bool last = p.fraction_done && *p.fraction_done >= 1.0;
  if (last ? finished_printed_ : now - last_printed_ < min_interval_) return;
  last_printed_ = now;
  finished_printed_ = last;
  s << label_ << ": " << std::setprecision(1) << p.seconds << "s";
  if (p.fraction_done) s << " (" << std::lround(*p.fraction_done * 100) << "%)";
  s << ", ";
  if (show_episodes_) s << p.episodes << " episodes, ";
  s << p.steps << " steps, best reward " << std::setprecision(4) << p.best_reward << "\n";
  std::cerr << s.str() << std::flush;
}

void ProgressReporter::clear() {
  if (terminal_ && bar_shown_) {
    std::cerr << "\r\033[K" << std::flush;
    bar_shown_ = false;
  }
}

// Only a generator can name a benchmark past its size().
bool is_infinite(const Dataset& d) {
  if (!d.enumerable() || d.size() != 0) return false;
  try {
    d.benchmark_uri(0);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

std::string format_reward(std::optional<double> reward) {
  if (!reward) return "-";
  std::ostringstream s;
  s << std::fixed << std::setprecision(4) << *reward;
  return s.str();
}

std::string format_seconds(double seconds) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(seconds < 10 ? 2 : 1) << seconds << "s";
  return s.str();
}

std::string BaselineComparison::to_string() const {
  std::ostringstream s;
  s << cost_name << " " << cost << " vs " << baseline << " for " << baseline_name << ": ";
  if (cost > 0) {
    s << std::fixed << std::setprecision(3) << ratio() << "x (" << std::setprecision(1)
      << std::abs(100.0 * (baseline - cost) / (baseline != 0 ? baseline : 1.0)) << "% "
      << (cost <= baseline ? "smaller" : "larger") << ")";
  } else {
    s << "n/a";
  }
  return s.str();
}

nlohmann::json BaselineComparison::to_json() const {
  return {{"cost", cost_name},
          {"value", cost},
          {"baseline", baseline_name},
          {"baseline_value", baseline},
          {"ratio", ratio()}};
}

std::vector<BaselineComparison> compare_to_baselines(Env& env) {
  std::vector<std::string> names;
  for (const auto& o : env.observation_spaces()) names.push_back(o.name);
  auto has = [&](const std::string& n) {
    return std::find(names.begin(), names.end(), n) != names.end();
  };
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& cost : names) {
    std::string stem = ends_with(cost, "Bytes") ? cost.substr(0, cost.size() - 5) : cost;
    for (const auto& base : {cost, stem}) {
      for (const char* suffix : {"Oz", "_Oz", "Os", "_Os", "_oz", "_os"}) {
        std::string baseline = base + suffix;
        if (baseline != cost && has(baseline) &&
            std::find(pairs.begin(), pairs.end(), std::pair{cost, baseline}) == pairs.end()) {
          pairs.emplace_back(cost, baseline);
        }
      }
    }
  }
  // The reward's own pair first: "IrInstructionCountOz" belongs to
  // IrInstructionCount, "ObjectTextSizeOz" to ObjectTextSizeBytes.
  if (auto reward = env.reward_space()) {
    auto own = std::find_if(pairs.begin(), pairs.end(),
                            [&](const auto& p) { return p.second == *reward; });
    if (own != pairs.end()) std::rotate(pairs.begin(), own, own + 1);
  }
  std::vector<BaselineComparison> out;
  for (const auto& [cost, baseline] : pairs) {
    try {
      BaselineComparison c;
      c.cost_name = cost;
      c.baseline_name = baseline;
      c.cost = env.observation(cost).to_double();
      c.baseline = env.observation(baseline).to_double();
      out.push_back(c);
    } catch (const std::exception&) {
      // Not computable for this program (not linkable, not a scalar): skip.
    }
  }
  return out;
}

namespace {

bool env_fits(Env& env, const EnvState& state) {
  try {
    auto uri = BenchmarkUri::parse(state.benchmark);
    bool owned = false;
    for (const auto& d : env.datasets().datasets()) owned = owned || d->owns(uri);
    if (!owned) return false;
    env.from_commandline(state.commandline);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

EnvPtr make_env_for_states(const std::string& env_id, const std::vector<EnvState>& states,
                           std::ostream& note) {
  if (!env_id.empty()) return make(env_id);
  if (states.empty()) return nullptr;
  std::vector<std::string> ids;
  for (const auto& spec : list_envs()) ids.push_back(spec.id);
  auto preferred = std::find(ids.begin(), ids.end(), "llvm-ic-v0");
  if (preferred != ids.end()) std::rotate(ids.begin(), preferred, preferred + 1);
  for (const auto& id : ids) {
    EnvPtr env;
    try {
      env = make(id);
    } catch (const std::exception&) {
      continue;  // cannot run here (missing tool or device)
    }
    if (env_fits(*env, states.front())) {
      note << "(env " << id << ", inferred from " << states.front().benchmark
           << "; choose another with --env)\n";
      return env;
    }
  }
  throw LookupError("no registered env can replay benchmark '" + states.front().benchmark +
                    "' with command line '" + states.front().commandline +
                    "'; name one with --env (see 'cgym envs')");
}

std::vector<EnvState> read_states(const std::string& path) {
  if (path == "-") return read_state_csv(std::cin);
  return read_state_csv_file(path);
}

std::string require_reward_space(Env& env, const std::string& command) {
  if (auto r = env.reward_space(); r && !r->empty()) return *r;
  std::string valid;
  for (const auto& r : env.reward_spaces()) valid += (valid.empty() ? "" : ", ") + r.name;
  throw LookupError(command + " needs a reward, and env " + env.env_id() +
                    " has no default reward space; choose one with --reward NAME (valid: " +
                    (valid.empty() ? std::string("none") : valid) + ")");
}

}  // namespace cgym::cli
