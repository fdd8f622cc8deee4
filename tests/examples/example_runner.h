// Runs an example binary of this build and picks values out of its output.
#pragma once

#include <gtest/gtest.h>

#include <cgym/env.h>
#include <cgym/state.h>
#include <cgym/subprocess.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace cgym::testing {

/// Runs bin/<name> with `args` in `cwd` (the test's cache variables are
/// inherited) and returns its stdout; fails the test on a non-zero exit.
inline std::string run_example(const std::string& name, const std::vector<std::string>& args,
                               const std::string& cwd = "", double timeout_seconds = 300) {
  ProcessOptions options;
  options.argv = {std::string(CGYM_BINARY_DIR) + "/bin/" + name};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.cwd = cwd;
  options.timeout_seconds = timeout_seconds;
  const auto result = run_process(options);
  EXPECT_TRUE(result.ok()) << join_command_line(options.argv) << " exited with " << result.exit_code
                           << (result.timed_out ? " (timed out)" : "") << "\nstdout:\n"
                           << result.stdout_data << "\nstderr:\n"
                           << result.stderr_data;
  return result.stdout_data;
}

/// The submatches of the first line of `text` matching `pattern` (which is
/// anchored to a whole line); fails the test when no line matches.
inline std::vector<std::string> match_line(const std::string& text, const std::string& pattern) {
  const std::regex re("^" + pattern + "$", std::regex::multiline);
  std::smatch m;
  if (!std::regex_search(text, m, re)) {
    ADD_FAILURE() << "no line matches /" << pattern << "/ in:\n" << text;
    return std::vector<std::string>(re.mark_count() + 1);
  }
  return {m.begin(), m.end()};
}

/// Every match of `pattern` (anchored to a whole line), in order.
inline std::vector<std::vector<std::string>> match_lines(const std::string& text,
                                                         const std::string& pattern) {
  const std::regex re("^" + pattern + "$", std::regex::multiline);
  std::vector<std::vector<std::string>> all;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator();
       ++it) {
    all.emplace_back(it->begin(), it->end());
  }
  return all;
}

/// The rows of a CSV file written by an example, split at commas (the
/// examples' learning curves quote nothing).
inline std::vector<std::vector<std::string>> read_csv(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

/// Replays every state in `env` from a fresh reset and expects its command
/// line to reach its reward. Returns the number of actions of each state.
inline std::vector<size_t> expect_states_replay(Env& env, const std::vector<EnvState>& states) {
  std::vector<size_t> lengths;
  for (const auto& state : states) {
    SCOPED_TRACE(state.benchmark);
    EXPECT_TRUE(state.reward.has_value());
    env.reset({.benchmark = state.benchmark});
    const auto actions = env.from_commandline(state.commandline);
    if (!actions.empty()) env.multistep(actions);
    EXPECT_NEAR(env.episode_reward(), state.reward.value_or(NAN), 1e-6);
    lengths.push_back(actions.size());
  }
  return lengths;
}

}  // namespace cgym::testing
