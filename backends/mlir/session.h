// The mlir-v0 compilation session: one matmul benchmark, the schedule
// applied to it, and the kernel MLIR compiled for that schedule.
//
// An action edits one option of the schedule (schedule_action_space()); the
// step compiles the new schedule in process (transform dialect, lowering to
// LLVM, MLIR's ExecutionEngine at -O3), runs it once on fixed inputs and
// checks the result against a reference computed in C++. A schedule MLIR
// rejects, a crash inside MLIR, or a wrong result ends the episode with
// the details. The Runtime observation runs the kernel `runtime_runs` times
// (after `runtime_warmup` untimed runs) and checks every run.
//
// Make options and session parameters:
//   runtime_runs      timed runs per Runtime observation (default 1); also
//                     mlir.set_runtimes_per_observation_count /
//                     mlir.get_runtimes_per_observation_count, as in
//                     CompilerGym
//   runtime_warmup    untimed runs before them (default 0)
//   runtime_cache     1 (default): a schedule's runs are measured once per
//                     process and reused (by forks, revisits and other envs
//                     on the same benchmark, with the same runs and warm-up);
//                     0: every Runtime observation times new runs
//   mlir.schedule     session parameter: set the whole schedule at once from
//                     CompilerGym's action dict as JSON (Schedule::to_json());
//                     compiled and checked like a step; returns the schedule
//   mlir.get_schedule session parameter: the current schedule as JSON
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backends/mlir/compile.h"
#include "backends/mlir/schedule.h"
#include "cgym/session.h"

namespace cgym::mlir {

struct Settings {
  int runtime_runs = 1;
  int runtime_warmup = 0;
  bool runtime_cache = true;
  /// Throws InvalidArgument for a malformed value.
  static Settings from_params(const std::map<std::string, std::string>& params);
  static const std::vector<std::string>& known_params();
};

class MlirSession final : public CompilationSession {
 public:
  MlirSession(std::shared_ptr<const SessionContext> context, Settings settings);
  ~MlirSession() override;

  std::string compiler_version() const override;
  std::vector<ActionSpace> action_spaces() const override;
  std::vector<ObservationSpaceSpec> observation_spaces() const override;
  void init(const ActionSpace& action_space, BenchmarkPtr benchmark) override;
  ActionResult apply_action(Action action) override;
  Observation compute_observation(const ObservationSpaceSpec& space) override;
  std::unique_ptr<CompilationSession> fork() const override;
  std::optional<std::string> state_hash() override;
  std::optional<std::string> handle_session_parameter(const std::string& key,
                                                      const std::string& value) override;

 private:
  struct Problem;  // the benchmark's module, inputs and reference result
  // Compiles `s`, runs it once and checks the result; throws SessionError.
  MatmulModule::Kernel compile_checked(const Schedule& s);
  // Runs `kernel` into a zeroed C and compares C with the reference; throws
  // SessionError naming the first wrong element.
  void run_checked(const MatmulModule::Kernel& kernel, const std::string& what);

  Settings settings_;
  BenchmarkPtr benchmark_;
  std::shared_ptr<Problem> problem_;      // shared with forks (read-only data)
  std::unique_ptr<MatmulModule> module_;  // one MLIR context per session
  Schedule schedule_;
  MatmulModule::Kernel kernel_;  // compiled for schedule_; empty until needed
  std::vector<float> c_;
};

}  // namespace cgym::mlir
