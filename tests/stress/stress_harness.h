// Random episodes on generated programs, for the `stress` ctest label and
// scripts/stress_campaign.sh (the same binary with larger counts). Each
// program runs one episode in each isolation mode with the same actions,
// and the two must agree.
//
// Knobs (environment variables):
//   CGYM_STRESS_PROGRAMS  csmith programs for llvm-v0 (default 4); ten
//                         times as many llvm-stress programs
//   CGYM_STRESS_STEPS     the most steps of one episode (default 40)
//   CGYM_STRESS_GCC_PROGRAMS, CGYM_STRESS_GCC_STEPS  the same for gcc-v0
//                         (default 1 and 5: every gcc step is a compile)
//   CGYM_STRESS_SEED      picks the programs and the actions (default 1)
//   CGYM_STRESS_LOG_DIR   where the failure logs go (default: the build
//                         tree's Testing/stress)
//   CGYM_STRESS_STEP_TIMEOUT  seconds per worker request (default 60)
//
// Every failure the env reports (a failed reset, a step that ends with
// done + error, a failed fork or observation) is a "caught failure": logged
// to <log dir>/<test>.csv with the benchmark URI and the action names that
// reproduce it. Anything else (a step that throws, a failed step without
// done or without details, a non-cgym exception) breaks the API contract
// and fails the test. A crash of the host kills the test binary, which
// ctest and the campaign script both see.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "cgym/cgym.h"

namespace cgym::stress {

/// An integer from the environment, or `fallback` when unset or malformed.
int64_t env_int(const char* name, int64_t fallback);

struct Config {
  /// Names the summary line and the log file (<log dir>/<name>.csv).
  std::string name;
  std::string env_id;
  /// Every program runs one episode in each mode, with the same actions.
  std::vector<Isolation> isolations = {Isolation::kInProcess, Isolation::kProcess};
  /// Generator dataset URIs, e.g. "generator://csmith-v0"; each gets
  /// `programs` seeds.
  std::vector<std::string> generators;
  int programs = 2;
  int steps = 20;
  uint64_t seed = 1;
  /// Action names never drawn (in every mode, so that the modes compare).
  std::vector<std::string> excluded_actions;
  /// Reward space computed on every step ("" = none).
  std::string reward_space;
  /// Observation asked for at the end of every episode ("" = none).
  std::string final_observation;
  /// One step in `fork_every` (on average) also forks the env and steps the
  /// fork; 0 = never.
  int fork_every = 0;
  double step_timeout_seconds = 60.0;
};

struct Stats {
  int programs = 0;
  int episodes = 0;
  int steps = 0;
  /// Failures the env reported the way the API promises.
  int failures = 0;
  /// Contract violations (each also an ADD_FAILURE).
  int violations = 0;
  /// error_type + the normalised first line of the details -> count.
  std::map<std::string, int> distinct;

  void add(const Stats& other);
  std::string summary(const std::string& label) const;
};

/// Writes failures to <log dir>/<name>.csv (truncated when created), one row
/// per failure with what reproduces it: the benchmark URI and the actions
/// as a command line (the failing action last). Also logs a warning.
class FailureLog {
 public:
  explicit FailureLog(const std::string& name);
  const std::filesystem::path& path() const { return path_; }
  void record(const Config& config, Isolation isolation, const std::string& benchmark,
              const std::string& phase, int step, const std::string& error_type,
              const std::string& details, const std::string& commandline);

 private:
  std::mutex mu_;
  std::filesystem::path path_;
};

/// Runs config.programs episodes per generator and returns the counts.
/// Contract violations are reported with ADD_FAILURE().
Stats run(const Config& config);

/// The key under which a failure counts as distinct: the error type and the
/// first line of its details with numbers and quoted names blanked out.
std::string failure_key(const std::string& error_type, const std::string& details);

}  // namespace cgym::stress
