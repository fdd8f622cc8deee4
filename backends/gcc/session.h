// The gcc-v0 compilation session: a choice vector, and gcc run lazily to
// turn it into assembly, objects, RTL dumps and executables.
//
// Internal to the backend (tests and benches include it); users go through
// cgym::make("gcc-v0") and gcc_env.h.
//
// How a state becomes artifacts:
//  - the benchmark's sources are written once per episode (shared by forks)
//    into a directory of the env's working directory and compiled there by
//    their relative names, so that the objects do not depend on where the
//    env lives;
//  - each artifact kind is one gcc run (per C source, except as below):
//      gcc <compile flags> <choice options> -w -c|-S|-E <file.c> -o <out>
//    (RTL: -S plus -fdump-rtl-dfinish=<out>), with LC_ALL=C, the env's
//    timeout and memory limit, through cgym::check_process;
//  - results go through the process-wide ArtifactCache, keyed by gcc's
//    identity, the benchmark hash, its compile flags, the kind and the exact
//    option list; the session also remembers its current state's artifacts.
// Multi-file programs: every .c source is its own translation unit (headers
// are written next to them); objects and assembly come from one gcc run over
// all the sources (`gcc -c a.c b.c`, in a directory of links to them), RTL
// and preprocessed text from one run per source. Sizes are sums, text
// outputs are concatenated in source order, and `obj` is an ar archive of
// the objects.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backends/gcc/actions.h"
#include "backends/gcc/artifact_cache.h"
#include "backends/gcc/gcc_spec.h"
#include "cgym/session.h"

namespace cgym::gcc {

/// One gcc executable with its spec and the spaces built from it. Shared by
/// every env made with the same gcc; immutable.
struct GccCompiler {
  /// The gcc_bin as the user gave it ("gcc", "gcc-12", "/usr/bin/gcc"):
  /// the first word of printed command lines.
  std::string program;
  /// The executable that runs (as found on PATH).
  std::string path;
  std::shared_ptr<const GccSpec> spec;
  /// Identifies this gcc in cache keys: a hash of its version and path.
  std::string key;
  std::shared_ptr<const GccActionTable> actions;
  ActionSpace action_space;
  std::vector<ObservationSpaceSpec> observation_spaces;
};

/// The compiler for a gcc name on PATH or a path: its spec read from gcc (or
/// from the on-disk spec cache) and its spaces; loaded once per process for
/// each gcc binary (a changed binary is read again). Throws
/// EnvironmentNotSupported when gcc cannot be found or run.
std::shared_ptr<const GccCompiler> load_gcc_compiler(const std::string& gcc_bin);

/// Builds the spaces for a spec.
std::shared_ptr<const GccCompiler> make_gcc_compiler(std::string program, std::string path,
                                                     std::shared_ptr<const GccSpec> spec);

/// Limits on every gcc run of a session and the Runtime settings.
struct GccSessionSettings {
  double timeout_seconds = 60.0;
  size_t memory_limit_bytes = size_t{4} << 30;
  int runtime_runs = 1;
  int runtime_warmup_runs = 0;
};

class GccSession final : public CompilationSession {
 public:
  GccSession(std::shared_ptr<const SessionContext> context,
             std::shared_ptr<const GccCompiler> compiler, GccSessionSettings settings);
  ~GccSession() override;

  std::string compiler_version() const override;
  std::vector<ActionSpace> action_spaces() const override;
  std::vector<ObservationSpaceSpec> observation_spaces() const override;
  void init(const ActionSpace& action_space, BenchmarkPtr benchmark) override;
  ActionResult apply_action(Action action) override;
  Observation compute_observation(const ObservationSpaceSpec& space) override;
  std::unique_ptr<CompilationSession> fork() const override;
  /// Keys: "gcc.choices" (comma-separated choices, one per option: sets
  /// them all), "gcc.timeout" (seconds, for this episode),
  /// "gcc.set_runtimes_per_observation_count",
  /// "gcc.set_warmup_runs_count_per_runtime_observation" (and their get_
  /// forms; they return the value), "gcc.cache_stats" (returns the
  /// ArtifactCache counters as JSON).
  std::optional<std::string> handle_session_parameter(const std::string& key,
                                                      const std::string& value) override;
  std::vector<ValidationIssue> validate_semantics(const ValidationOptions& options) override;

  const std::vector<int64_t>& choices() const { return choices_; }
  /// Throws InvalidArgument for a bad vector (see check_choices()).
  void set_choices(std::vector<int64_t> choices);
  /// The full command line for the current choices, with the benchmark's
  /// file names and compile flags (the `command_line` observation).
  std::string command_line() const;

 private:
  enum Kind { kObj, kAsm, kRtl, kSource, kKinds };
  struct Sources;

  ArtifactPtr artifact(Kind kind);
  ArtifactPtr compile(Kind kind, const std::vector<std::string>& option_args);
  int64_t baseline_obj_size(const std::string& level);
  const Sources& sources();
  std::string build_executable(const std::filesystem::path& dir);
  void forget_artifacts();

  std::shared_ptr<const GccCompiler> gcc_;
  GccSessionSettings settings_;
  BenchmarkPtr benchmark_;
  std::vector<std::string> c_files_;
  bool one_run_ = true;
  std::shared_ptr<Sources> sources_;
  std::vector<int64_t> choices_;
  std::array<ArtifactPtr, kKinds> current_;
};

}  // namespace cgym::gcc
