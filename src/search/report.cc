// Reporting helpers shared by the cgym tool and the examples: the formats
// here (progress.csv, results.json) are what users load into notebooks, so
// their columns and keys are part of the documented interface.
#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

#include "cgym/search.h"
#include "cgym/util.h"

namespace cgym {

EnvState SearchResult::state() const {
  EnvState s;
  s.benchmark = benchmark;
  s.reward = best_reward;
  s.walltime = seconds;
  s.commandline = best_commandline;
  return s;
}

namespace {

nlohmann::json reproducibility_json(const SearchResult& r) {
  nlohmann::json j = {{"verdict", r.reproducibility()}};
  if (r.validation) {
    j["replays"] = r.validation->replays;
    if (const auto& n = r.validation->non_deterministic) {
      j["rewards"] = n->rewards;
      j["min_reward"] = n->min_reward;
      j["max_reward"] = n->max_reward;
      j["spread"] = n->spread();
      j["actions"] = n->actions;
    }
    auto errors = nlohmann::json::array();
    for (const auto& e : r.validation->errors) {
      errors.push_back({{"type", e.type}, {"details", e.details}});
    }
    j["errors"] = errors;
  }
  return j;
}

}  // namespace

nlohmann::json SearchResult::to_json() const {
  nlohmann::json progress_json = nlohmann::json::array();
  for (const auto& p : progress) {
    progress_json.push_back({{"seconds", p.seconds},
                             {"episodes", p.episodes},
                             {"steps", p.steps},
                             {"best_reward", p.best_reward}});
  }
  return {{"env", env_id},
          {"benchmark", benchmark},
          {"reward_space", reward_space},
          {"best_reward", best_reward},
          {"best_actions", best_action_names},
          {"best_action_indices", best_actions},
          {"best_commandline", best_commandline},
          {"episodes", episodes},
          {"steps", steps},
          {"seconds", seconds},
          {"progress", progress_json},
          {"nondeterministic_actions", nondeterministic_actions},
          {"reproducibility", reproducibility_json(*this)}};
}

std::string SearchResult::reproducibility() const {
  if (!validation) return "not checked";
  if (validation->non_deterministic) return "non-deterministic";
  for (const auto& e : validation->errors) {
    if (e.type == "Reward mismatch") return "mismatch";
  }
  return validation->okay() ? "reproducible" : "failed";
}

std::vector<std::string> nondeterministic_action_names(const ActionSpace& space,
                                                       std::span<const Action> actions) {
  std::vector<std::string> out;
  for (Action a : actions) {
    if (!space.contains(a) || space.info(a).deterministic) continue;
    if (std::find(out.begin(), out.end(), space.action_name(a)) == out.end()) {
      out.push_back(space.action_name(a));
    }
  }
  return out;
}

void check_reproducibility(Env& env, SearchResult& result, int replays) {
  ValidationOptions options;
  options.check_semantics = false;
  options.replays = replays;
  result.validation = env.validate(result.state(), options);
}

double geomean(const std::vector<double>& values) {
  if (values.empty()) return 0.0;
  double log_sum = 0.0;
  for (double v : values) {
    if (!(v > 0)) return 0.0;
    log_sum += std::log(v);
  }
  return std::exp(log_sum / static_cast<double>(values.size()));
}

std::string progress_csv(const std::vector<SearchProgress>& progress) {
  std::ostringstream out;
  out << "seconds,episodes,steps,best_reward\n";
  out << std::setprecision(10);
  for (const auto& p : progress) {
    out << p.seconds << "," << p.episodes << "," << p.steps << "," << p.best_reward << "\n";
  }
  return out.str();
}

void write_search_outputs(const std::filesystem::path& dir, const SearchResult& result,
                          const nlohmann::json& extra) {
  std::string actions;
  for (const auto& name : result.best_action_names) actions += name + "\n";
  write_file_atomic(dir / "best_actions.txt", actions);
  write_file_atomic(dir / "best_commandline.txt", result.best_commandline + "\n");
  write_file_atomic(dir / "progress.csv", progress_csv(result.progress));
  nlohmann::json json = result.to_json();
  if (extra.is_object()) json.update(extra);
  write_file_atomic(dir / "results.json", json.dump(2) + "\n");
}

}  // namespace cgym
