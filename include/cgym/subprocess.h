// Running child processes: the one utility that every caller of gcc, nvcc,
// clang, csmith and user programs shares.
//
// Every child has a timeout, gets its own process group (so a compiler
// driver and the tools it starts are killed together), has stdout and stderr
// captured, and is always reaped, even when the caller throws. Children are
// started from argument vectors, never through a shell. Thread-safe.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cgym {

/// What child process to run, and its limits.
struct ProcessOptions {
  /// argv[0] is the program: a path, or a name looked up on PATH.
  std::vector<std::string> argv;
  /// Working directory; empty = the caller's.
  std::filesystem::path cwd;
  /// Written to the child's stdin, which is then closed.
  std::string stdin_data;
  /// Seconds before the child (and its process group) is killed. Must be
  /// positive.
  double timeout_seconds = 60.0;
  /// Extra environment variables (added to or replacing the caller's).
  std::map<std::string, std::string> env;
  /// Output beyond this many bytes per stream is dropped (the count of
  /// dropped bytes is kept).
  size_t max_output_bytes = size_t{256} << 20;
  /// Address-space limit for the child in bytes (setrlimit); 0 = none.
  size_t memory_limit_bytes = 0;
};

/// How a child process ended and what it wrote.
struct ProcessResult {
  /// The exit status; -signal when killed by a signal.
  int exit_code = 0;
  /// The child ran past ProcessOptions::timeout_seconds and was killed.
  bool timed_out = false;
  /// What the child wrote to stdout (up to max_output_bytes).
  std::string stdout_data;
  /// What the child wrote to stderr (up to max_output_bytes).
  std::string stderr_data;
  /// Wall time of the child, in seconds.
  double seconds = 0.0;

  /// True when the child exited with status 0 within its timeout.
  bool ok() const { return exit_code == 0 && !timed_out; }
};

/// Runs a child to completion. Throws ProcessError (exit_code -1) only when
/// it cannot be started; a non-zero exit or a timeout is reported in the
/// result.
ProcessResult run_process(const ProcessOptions& options);

/// Like run_process(), but throws TimeoutError on timeout and ProcessError
/// on a non-zero exit or a signal, with the command line and the tail of
/// stderr in the message.
ProcessResult check_process(const ProcessOptions& options);

/// Looks a program up on PATH (or checks a path). nullopt when absent.
std::optional<std::filesystem::path> find_program(const std::string& name);

/// The argv as a shell would need it typed (for messages and logs).
std::string join_command_line(const std::vector<std::string>& argv);

/// The last `max_lines` lines of `text`.
std::string tail_lines(const std::string& text, size_t max_lines = 20);

}  // namespace cgym
