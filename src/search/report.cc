// Reporting helpers shared by the cgym tool and the examples: the formats
// here (progress.csv, results.json) are what users load into notebooks, so
// their columns and keys are part of the documented interface.
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
          {"progress", progress_json}};
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
