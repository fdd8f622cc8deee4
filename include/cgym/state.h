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

struct EnvState {
  std::string benchmark;
  std::optional<double> reward;
  double walltime = 0.0;
  std::string commandline;

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
std::vector<EnvState> read_state_csv_file(const std::string& path);

/// The result of Env::validate().
struct ValidationResult {
  EnvState state;
  bool reward_validated = false;
  bool semantics_validated = false;
  std::vector<ValidationIssue> errors;
  double walltime = 0.0;

  bool okay() const { return errors.empty(); }
  /// One line: "✅ uri  reward" or the errors.
  std::string to_string() const;
};

}  // namespace cgym
