// EnvState: the result of an episode, written and read as CompilerGym's CSV.
//
// Header: benchmark,reward,walltime,commandline. Readers accept the columns
// in any order and any case, no header at all (then that order), and an
// empty reward. Equality ignores walltime and compares rewards with a
// relative tolerance of 1e-5.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "cgym/session.h"

namespace cgym {

/// The result of an episode: one row of CompilerGym's state CSV.
struct EnvState {
  /// The benchmark URI.
  std::string benchmark;
  /// The episode's cumulative reward; unset when the env had no reward space.
  std::optional<double> reward;
  /// Seconds the episode took.
  double walltime = 0.0;
  /// The episode's actions as the compiler's command line.
  std::string commandline;

  /// Same benchmark and command line, and rewards equal within a relative
  /// tolerance of 1e-5 (or both unset); walltime is ignored.
  bool operator==(const EnvState& other) const;
};

/// Writes the header line.
void write_state_csv_header(std::ostream& out);
/// Writes one row (quoting fields where CSV needs it).
void write_state_csv_row(std::ostream& out, const EnvState& state);
/// Writes a header and all rows.
void write_state_csv(std::ostream& out, const std::vector<EnvState>& states);
/// Reads every row. Throws InvalidArgument naming the line for malformed
/// rows (wrong number of fields, a reward or walltime that is not a number).
std::vector<EnvState> read_state_csv(std::istream& in);
/// Writes `states` to `path` atomically (temporary file, then rename).
void write_state_csv_file(const std::string& path, const std::vector<EnvState>& states);
/// Reads every row of the file at `path`. Throws IoError when it cannot be
/// read, InvalidArgument as read_state_csv().
std::vector<EnvState> read_state_csv_file(const std::string& path);

/// What validation found when replays of one state disagreed among
/// themselves: the state's result is not a function of its actions.
struct NonDeterminism {
  /// The reward of each replay, first replay first (each in a fresh session).
  std::vector<double> rewards;
  /// The smallest of them.
  double min_reward = 0.0;
  /// The largest of them.
  double max_reward = 0.0;
  /// The names of the state's actions that the action space marks
  /// non-deterministic (ActionInfo::deterministic false), each once, in the
  /// order they first occur; empty when none is marked (then an action not
  /// yet known to be non-deterministic is the cause).
  std::vector<std::string> actions;

  /// max_reward - min_reward.
  double spread() const { return max_reward - min_reward; }
};

/// The result of Env::validate().
struct ValidationResult {
  /// The state that was validated.
  EnvState state;
  /// The reward was replayed and compared (a deterministic reward space).
  bool reward_validated = false;
  /// The program was built, run and compared with its reference output.
  bool semantics_validated = false;
  /// Every problem found; empty when the state validated.
  std::vector<ValidationIssue> errors;
  /// Set when the first replay's reward differed from the state's and the
  /// replays disagreed among themselves: the reward is not reproducible,
  /// which is not counted as an error (a real mismatch, where every replay
  /// gives the same reward and the state another, is the error "Reward
  /// mismatch").
  std::optional<NonDeterminism> non_deterministic;
  /// How many times the state was replayed (0 when it was not replayed).
  int replays = 0;
  /// Seconds the validation took.
  double walltime = 0.0;

  /// True when no problem was found (a non-deterministic reward is not a
  /// problem: see non_deterministic).
  bool okay() const { return errors.empty(); }
  /// "OK      <uri>  reward <r>", "NONDET  <uri>  reward <r>" followed by a
  /// line with the replays' rewards, their spread and the non-deterministic
  /// actions, or "FAILED  <uri>" followed by one line per error.
  std::string to_string() const;
};

}  // namespace cgym
