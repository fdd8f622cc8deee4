// The compilation sessions of the two loop-nest envs.
//
// loopnest-v0 (LoopNestSession): any computation of loopnest.h; the agent
//   edits the schedule through a cursor. Action space "loopnest":
//     cursor_up, cursor_down      move the cursor to the enclosing / inner loop
//     swap_down                   swap the loop under the cursor with the next
//                                 one; the cursor follows the moved loop
//     split_2 .. split_32         split the loop under the cursor by 2..32
//                                 (the cursor stays on the outer half)
//     merge                       merge the loop under the cursor with the next
//                                 loop, when that is the inner half of its split
//     toggle_parallel             CPU threads / GPU grid (not on reductions)
//     toggle_unroll
//     toggle_vectorize            CPU only (no effect on cuda)
//     end_of_episode
//   An action that is invalid in the current state (cursor at the edge,
//   split by a factor >= the extent, merge of loops that are not two halves
//   of a split, parallel on a reduction, vectorise on cuda) changes nothing
//   and reports action_had_no_effect; it never fails the step.
//   A second action space, "direct", has no cursor: edit@p applies one of
//   the ten edits above to the loop at position p (0..9, 0 = outermost),
//   e.g. "split_32@2"; plus end_of_episode. One-step searches (greedy, hill
//   climbing) need it: in the cursor space, moving the cursor earns nothing,
//   so they would only ever edit the outermost loop.
//   Observations: flops (GFLOP/s of the current schedule), flops_naive
//   (of the naive schedule; benchmark-constant), loop_tree (text), action_state
//   (int64[9]: cursor, loop count, and the cursor loop's dimension, level,
//   extent, parallel, unroll, vectorise, is-reduction), source (the generated
//   program), ptxas_info (JSON; cuda only, {"backend": "cpu"} on the cpu),
//   compile_time (seconds), schedule (JSON).
//
// loop_tool-v0 (LoopToolSession): CompilerGym's loop_tool env, a pointwise
//   add of N elements as a nest of loops over one dimension, each with a size
//   and a tail. Action spaces "simple" (toggle_mode, up, down, toggle_thread)
//   and "split" (the same plus split). In "size" mode (the initial mode) up
//   and down grow or shrink the loop under the cursor, taking iterations from
//   or giving them to the loop above it; in "select" mode they move the
//   cursor (wrapping around). toggle_thread marks the loop parallel; split
//   inserts a loop of size 1 under the cursor (at most 16 loops).
//   Observations: flops, loop_tree, action_state (int64[3]: cursor, size and
//   tail of the loop under the cursor).
//
// Both: flops compiles the schedule's program (cached by source hash),
// checks its output against the reference and times it (median of the
// timed runs). A wrong output, a missing CUDA device, a crash or a timeout
// raise SessionError, which ends the step with done and the error. Make
// options / session parameters: see Settings.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backends/cuda/build.h"
#include "backends/cuda/codegen.h"
#include "backends/cuda/loopnest.h"
#include "cgym/session.h"

namespace cgym::cuda {

/// Options of the loop-nest envs, from MakeOptions::params and session
/// parameters (same names, string values):
///   backend            cpu | cuda   (a backend named in the URI wins)
///   warmup_runs        int >= 0     warm-up runs before timing (default 1)
///   timed_runs         int >= 1     timed runs; flops uses their median (5)
///   min_batch_seconds  double >= 0  each timed run repeats the kernel at
///                                   least this long (0.001)
///   max_run_seconds    double > 0   budget for warm-up + timed runs (2)
///   run_timeout        double > 0   limit on one program run (60)
///   build_timeout      double > 0   limit on one compiler run (300)
///   threads            int >= 0     OMP_NUM_THREADS on the cpu, 0 = default
///   cxx                host compiler (g++)
///   nvcc               nvcc path (found automatically)
///   cuda_arch          nvcc -arch value (native)
/// Session parameters only: test_drop_tail = 0|1 (wrong code on purpose);
/// loopnest.remeasure = "" (answers the current schedule's GFLOP/s timed
/// afresh); loopnest.flops_floor = GFLOP/s > 0, or "" to drop it (the next
/// flops measurement may stop early once it is known to fall below it:
/// Evaluator::flops_within_floor; for searches that only need to know
/// whether a candidate beats the best so far).
struct Settings {
  std::optional<Target> target;
  Toolchain toolchain;
  RunOptions run;
  bool drop_tail = false;

  /// Throws InvalidArgument for a malformed value, LookupError for an
  /// unknown key.
  void set(const std::string& key, const std::string& value, bool session_parameter);
  /// Applies every make option. Throws as set().
  static Settings from_params(const std::map<std::string, std::string>& params);
  /// The make option names.
  static const std::vector<std::string>& known_params();
};

/// Builds, checks and times schedules of one computation on one target.
/// Copyable; forks share nothing mutable (the caches are process-wide).
class Evaluator {
 public:
  Evaluator() = default;
  Evaluator(Computation computation, Target target, Settings settings,
            std::filesystem::path fallback_dir);

  const Computation& computation() const { return computation_; }
  Target target() const { return target_; }
  Settings& settings() { return settings_; }
  const Settings& settings() const { return settings_; }

  GeneratedProgram program(const Schedule& schedule) const;
  BuildResult build(const Schedule& schedule) const;
  /// GFLOP/s of the schedule: flop_count / median seconds / 1e9.
  double flops(const Schedule& schedule) const;
  /// GFLOP/s of the schedule timed again now: its program runs anew (the
  /// build is reused, the output checked again) and the run cache is
  /// neither read nor filled, so flops() and replayed rewards keep their
  /// value. For searches that must tell a real gain from timing noise.
  double remeasure(const Schedule& schedule) const;
  /// Sets (or, with nullopt, drops) the floor for the next
  /// flops_within_floor() call: session parameter loopnest.flops_floor.
  void set_flops_floor(std::optional<double> gflops) { floor_ = gflops; }
  /// flops(), except that the floor set by set_flops_floor() applies to
  /// this one call and is then dropped: a schedule not measured before is
  /// given up on once its first (checked) kernel call has run kFloorSlack
  /// times as long as a call at the floor would, plus kFloorMargin seconds,
  /// and the answer is the GFLOP/s that time implies, below the floor (an
  /// upper bound; the output is not checked and the result not cached). A
  /// schedule that is faster, or was measured in full before, is measured
  /// as by flops().
  double flops_within_floor(const Schedule& schedule);
  static constexpr double kFloorSlack = 1.25;
  static constexpr double kFloorMargin = 0.002;
  /// The full measurement (the program's report); the same object for a
  /// schedule measured before in this process (see run_program()).
  std::shared_ptr<const Measurement> measure(const Schedule& schedule) const;
  /// Runs the output check only. Throws SessionError when it fails.
  void check(const Schedule& schedule) const;
  nlohmann::json ptxas_info(const Schedule& schedule) const;

 private:
  std::shared_ptr<const Measurement> run(const Schedule& schedule, bool use_run_cache,
                                         double give_up_seconds = 0) const;
  double gflops(const Measurement& m) const;

  Computation computation_;
  Target target_ = Target::kCpu;
  Settings settings_;
  std::filesystem::path fallback_dir_;
  std::optional<double> floor_;
};

/// The naive schedule a loopnest-v0 episode starts from: the computation's
/// loops in order; on cuda, every spatial loop parallel (mapped to the grid).
Schedule initial_schedule(const Computation& computation, Target target);

class LoopNestSession final : public CompilationSession {
 public:
  LoopNestSession(std::shared_ptr<const SessionContext> context, Settings settings);

  std::string compiler_version() const override;
  std::vector<ActionSpace> action_spaces() const override;
  std::vector<ObservationSpaceSpec> observation_spaces() const override;
  void init(const ActionSpace& action_space, BenchmarkPtr benchmark) override;
  ActionResult apply_action(Action action) override;
  Observation compute_observation(const ObservationSpaceSpec& space) override;
  std::unique_ptr<CompilationSession> fork() const override;
  std::optional<std::string> handle_session_parameter(const std::string& key,
                                                      const std::string& value) override;
  std::vector<ValidationIssue> validate_semantics(const ValidationOptions& options) override;

  const Schedule& schedule() const { return schedule_; }
  size_t cursor() const { return cursor_; }
  const Evaluator& evaluator() const { return evaluator_; }

 private:
  void edit(int action);
  // Session parameter loopnest.prebuild: builds the programs of the
  // schedules the actions (indices, separated by spaces) lead to from the
  // current state, concurrently, and leaves the state as it was. Answers
  // how many it built (not cached before).
  std::string prebuild(const std::string& value);

  Settings settings_;
  Evaluator evaluator_;
  Schedule schedule_;
  size_t cursor_ = 0;
  bool direct_ = false;
};

class LoopToolSession final : public CompilationSession {
 public:
  /// One loop of CompilerGym's loop_tool schedule.
  struct Level {
    int64_t size = 1;
    int64_t tail = 0;
    bool thread = false;
    bool operator==(const Level&) const = default;
  };

  LoopToolSession(std::shared_ptr<const SessionContext> context, Settings settings);

  std::string compiler_version() const override;
  std::vector<ActionSpace> action_spaces() const override;
  std::vector<ObservationSpaceSpec> observation_spaces() const override;
  void init(const ActionSpace& action_space, BenchmarkPtr benchmark) override;
  ActionResult apply_action(Action action) override;
  Observation compute_observation(const ObservationSpaceSpec& space) override;
  std::unique_ptr<CompilationSession> fork() const override;
  std::optional<std::string> handle_session_parameter(const std::string& key,
                                                      const std::string& value) override;
  std::vector<ValidationIssue> validate_semantics(const ValidationOptions& options) override;

  const std::vector<Level>& levels() const { return levels_; }
  /// The loop_tool schedule in the loopnest IR (one dimension, one loop per
  /// level, a guard per tail).
  Schedule schedule() const;
  /// The loop_tree text.
  std::string loop_tree() const;

 private:
  bool resize(bool grow);

  Settings settings_;
  Evaluator evaluator_;
  std::string space_;
  std::vector<Level> levels_;
  size_t cursor_ = 0;
  bool size_mode_ = true;
};

}  // namespace cgym::cuda
