// Helpers shared by the subcommands of the cgym tool: progress reporting,
// number formatting, comparing a state against the -Oz/-Os baselines, and
// picking the env that a state CSV belongs to. Nothing here is thread-safe;
// the tool calls it from its main thread only.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cgym/cgym.h"
#include "cgym/search.h"

namespace cgym::cli {

/// Option checks with messages that say what was expected, e.g.
/// "--steps: expected a positive integer, got 'abc'".
CLI::Validator positive_integer();
CLI::Validator non_negative_integer();
CLI::Validator positive_number();

/// True when stderr is a terminal (progress bars) rather than a pipe or a
/// file (plain progress lines).
bool stderr_is_terminal();

/// Shows the progress of a long run on stderr: a one-line bar redrawn in
/// place on a terminal; otherwise a plain line per update, at most one per
/// `min_interval_seconds`. `show_episodes` adds the episode count (random
/// search; greedy rounds are not episodes).
class ProgressReporter {
 public:
  explicit ProgressReporter(std::string label, bool show_episodes = true,
                            double min_interval_seconds = 1.0,
                            bool terminal = stderr_is_terminal());
  ~ProgressReporter();
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

  void update(const SearchProgress& progress);
  /// Clears the bar (terminal) so that normal output can follow.
  void clear();

 private:
  std::string label_;
  bool show_episodes_;
  double min_interval_;
  bool terminal_;
  double last_printed_ = -1e9;
  bool bar_shown_ = false;
  bool finished_printed_ = false;
};

/// True for a generator: a dataset whose size() is 0 because it is
/// infinite, not because it is empty (bundled data that was not built).
bool is_infinite(const Dataset& dataset);

/// A reward with 4 decimals; "-" for nullopt.
std::string format_reward(std::optional<double> reward);
/// Seconds with 1 decimal and an "s".
std::string format_seconds(double seconds);

/// A cost observation of the current state next to its size-optimised
/// baseline, e.g. IrInstructionCount vs IrInstructionCountOz or gcc's
/// obj_size vs obj_size_Os.
struct BaselineComparison {
  std::string cost_name;
  std::string baseline_name;
  double cost = 0;
  double baseline = 0;
  /// baseline / cost: > 1 means smaller than the baseline.
  double ratio() const { return cost > 0 ? baseline / cost : 0.0; }
  /// "IrInstructionCount 321 vs 340 for IrInstructionCountOz: 1.059x (5.6% smaller)"
  std::string to_string() const;
  nlohmann::json to_json() const;
};

/// Finds the pairs (cost, baseline) among the env's observation spaces by
/// name: a baseline is named like its cost (optionally without a "Bytes"
/// suffix) followed by "Oz", "_Oz", "Os", "_Os", "_oz" or "_os". The pair behind the
/// default reward comes first. Pairs whose observations cannot be computed
/// for this state (e.g. a program that cannot be linked) are left out.
std::vector<BaselineComparison> compare_to_baselines(Env& env);

/// Chooses the env for a list of states: `env_id` when given; otherwise
/// llvm-ic-v0 if it can replay the first state, else the first registered
/// env whose datasets own the first state's benchmark and whose action space
/// parses its command line. Throws LookupError when none fits. Prints the
/// inferred id on `note`.
EnvPtr make_env_for_states(const std::string& env_id, const std::vector<EnvState>& states,
                           std::ostream& note);

/// Reads a state CSV from a path, or from stdin for "-". Throws IoError or
/// InvalidArgument naming the file and the line.
std::vector<EnvState> read_states(const std::string& path);

/// The default reward of `env` or a LookupError that says how to choose one.
std::string require_reward_space(Env& env, const std::string& command);

}  // namespace cgym::cli
