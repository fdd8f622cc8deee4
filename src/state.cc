#include "cgym/state.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "cgym/errors.h"
#include "cgym/util.h"

namespace cgym {

bool EnvState::operator==(const EnvState& other) const {
  if (benchmark != other.benchmark || commandline != other.commandline) return false;
  if (reward.has_value() != other.reward.has_value()) return false;
  if (!reward) return true;
  const double a = *reward, b = *other.reward;
  if (a == b) return true;
  // Relative tolerance 1e-5, as CompilerGym; an absolute floor near zero.
  return std::fabs(a - b) <= 1e-5 * std::max(std::fabs(a), std::fabs(b)) ||
         std::fabs(a - b) <= 1e-12;
}

namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string format_double(double v) {
  std::ostringstream s;
  s << std::setprecision(17) << v;
  return s.str();
}

// Reads one CSV record (which may span lines inside quotes). Returns false
// at end of input.
bool read_record(std::istream& in, std::vector<std::string>& fields, size_t& line_no) {
  fields.clear();
  std::string line;
  if (!std::getline(in, line)) return false;
  ++line_no;
  std::string field;
  bool quoted = false, was_quoted = false;
  size_t i = 0;
  while (true) {
    if (i >= line.size()) {
      if (quoted) {
        std::string next;
        if (!std::getline(in, next)) {
          throw InvalidArgument("state CSV line " + std::to_string(line_no) +
                                ": unterminated quoted field");
        }
        ++line_no;
        field += '\n';
        line = std::move(next);
        i = 0;
        continue;
      }
      break;
    }
    char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
    } else if (c == '"' && field.empty() && !was_quoted) {
      quoted = was_quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else if (c == '\r' && i + 1 == line.size()) {
      // Windows line ending.
    } else {
      field += c;
    }
    ++i;
  }
  fields.push_back(std::move(field));
  return true;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

double parse_number(const std::string& text, const char* column, size_t line_no) {
  const std::string t = trim(text);
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(t, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (t.empty() || used != t.size()) {
    throw InvalidArgument("state CSV line " + std::to_string(line_no) + ": " + column + " '" +
                          text + "' is not a number");
  }
  return v;
}

}  // namespace

void write_state_csv_header(std::ostream& out) { out << "benchmark,reward,walltime,commandline\n"; }

void write_state_csv_row(std::ostream& out, const EnvState& s) {
  out << csv_field(s.benchmark) << ',' << (s.reward ? format_double(*s.reward) : "") << ','
      << format_double(s.walltime) << ',' << csv_field(s.commandline) << '\n';
}

void write_state_csv(std::ostream& out, const std::vector<EnvState>& states) {
  write_state_csv_header(out);
  for (const auto& s : states) write_state_csv_row(out, s);
}

std::vector<EnvState> read_state_csv(std::istream& in) {
  static const std::array<std::string, 4> kColumns = {"benchmark", "reward", "walltime",
                                                      "commandline"};
  std::vector<EnvState> out;
  std::vector<std::string> fields;
  size_t line_no = 0;
  // Column index for benchmark, reward, walltime, commandline (-1: absent).
  std::array<int, 4> col = {0, 1, 2, 3};
  size_t width = 4;
  bool first = true;
  while (read_record(in, fields, line_no)) {
    if (fields.size() == 1 && trim(fields[0]).empty()) continue;  // blank line
    if (first) {
      first = false;
      bool is_header = true;
      for (const auto& f : fields) {
        if (std::find(kColumns.begin(), kColumns.end(), lower(trim(f))) == kColumns.end()) {
          is_header = false;
        }
      }
      if (is_header) {
        col = {-1, -1, -1, -1};
        for (size_t i = 0; i < fields.size(); ++i) {
          auto it = std::find(kColumns.begin(), kColumns.end(), lower(trim(fields[i])));
          const auto k = static_cast<size_t>(it - kColumns.begin());
          if (col[k] != -1) {
            throw InvalidArgument("state CSV header repeats the column '" + kColumns[k] + "'");
          }
          col[k] = static_cast<int>(i);
        }
        if (col[0] == -1) {
          throw InvalidArgument(
              "state CSV header has no 'benchmark' column; expected "
              "benchmark,reward,walltime,commandline in any order");
        }
        width = fields.size();
        continue;
      }
    }
    if (fields.size() != width) {
      throw InvalidArgument("state CSV line " + std::to_string(line_no) + " has " +
                            std::to_string(fields.size()) + " fields, expected " +
                            std::to_string(width) + " (benchmark,reward,walltime,commandline)");
    }
    EnvState s;
    s.benchmark = trim(fields[col[0]]);
    if (s.benchmark.empty()) {
      throw InvalidArgument("state CSV line " + std::to_string(line_no) +
                            " has an empty benchmark");
    }
    if (col[1] >= 0 && !trim(fields[col[1]]).empty()) {
      s.reward = parse_number(fields[col[1]], "reward", line_no);
    }
    if (col[2] >= 0 && !trim(fields[col[2]]).empty()) {
      s.walltime = parse_number(fields[col[2]], "walltime", line_no);
    }
    if (col[3] >= 0) s.commandline = trim(fields[col[3]]);
    out.push_back(std::move(s));
  }
  return out;
}

void write_state_csv_file(const std::string& path, const std::vector<EnvState>& states) {
  std::ostringstream s;
  write_state_csv(s, states);
  write_file_atomic(path, s.str());
}

std::vector<EnvState> read_state_csv_file(const std::string& path) {
  std::istringstream in(read_file(path));
  return read_state_csv(in);
}

std::string ValidationResult::to_string() const {
  std::ostringstream s;
  if (okay() && non_deterministic) {
    const auto& n = *non_deterministic;
    s << "NONDET  " << state.benchmark;
    if (state.reward) s << "  reward " << std::setprecision(6) << *state.reward;
    s << "\n  Non-deterministic: " << n.rewards.size() << " replays gave rewards from "
      << std::setprecision(10) << n.min_reward << " to " << n.max_reward << " (spread "
      << std::setprecision(4) << n.spread() << "; ";
    for (size_t i = 0; i < n.rewards.size(); ++i) {
      s << (i ? ", " : "") << std::setprecision(10) << n.rewards[i];
    }
    s << "); ";
    if (n.actions.empty()) {
      s << "none of the state's actions is marked non-deterministic";
    } else {
      s << "non-deterministic actions in the sequence:";
      for (const auto& a : n.actions) s << " " << a;
    }
  } else if (okay()) {
    s << "OK      " << state.benchmark;
    if (state.reward) s << "  reward " << std::setprecision(6) << *state.reward;
  } else {
    s << "FAILED  " << state.benchmark;
    for (const auto& e : errors) s << "\n  " << e.type << ": " << e.details;
  }
  return s.str();
}

}  // namespace cgym
