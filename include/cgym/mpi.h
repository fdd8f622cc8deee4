// cgym::mpi: running cgym over the ranks of an MPI job (OpenMPI's mpirun,
// Slurm's srun, any MPI launcher). Optional component: built when CMake
// finds MPI (CGYM_WITH_MPI); link cgym::mpi. The core never depends on it.
//
//   cgym::mpi::Runtime mpi(argc, argv);          // MPI_Init ... MPI_Finalize
//   cgym::mpi::VectorEnv venv(factory, {.num_envs = 64, .threads_per_rank = 2});
//   if (!venv.is_controller()) return 0;         // worker ranks served until here
//   auto results = venv.step(actions);           // as cgym::VectorEnv
//
// Threading: only the thread that made the Runtime calls MPI
// (MPI_THREAD_FUNNELED); envs run on other threads of each rank.
//
// Failures: a rank that stops answering (killed, hung) is detected by
// heartbeats: rank 0 throws RankLost naming the rank and what it held after
// `timeout_seconds` without a message from it. Under OpenMPI's default
// mpirun a dead rank makes mpirun stop the whole job with SIGTERM first;
// rank 0 then prints what every rank held (see docs/scale.md).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "cgym/env.h"
#include "cgym/vector_env.h"

namespace cgym::mpi {

/// True when this process was started by an MPI launcher: OpenMPI
/// (OMPI_COMM_WORLD_SIZE), MPICH/Intel MPI/PMI (PMI_SIZE, PMI_RANK), PMIx
/// (PMIX_RANK) or Slurm's srun (SLURM_STEP_NUM_TASKS / SLURM_NTASKS with a
/// SLURM_PROCID). Reads the environment only; MPI is not initialised.
bool launched_under_mpi();

/// How to start a job, for error messages: "mpirun -n 4 <command>" and the
/// Slurm form.
std::string how_to_launch(const std::string& command);

/// A rank stopped answering (or the job was cut), with what it held.
class RankLost : public Error {
 public:
  /// Rank `rank` was lost while it held `held` (e.g. a benchmark URI).
  RankLost(int rank, const std::string& held, const std::string& message)
      : Error(message), rank_(rank), held_(held) {}
  /// "RankLost".
  const char* type_name() const noexcept override { return "RankLost"; }
  /// The rank that was lost.
  int rank() const { return rank_; }
  /// What it was working on.
  const std::string& held() const { return held_; }

 private:
  int rank_;
  std::string held_;
};

/// MPI_Init_thread on construction, MPI_Finalize on destruction. One per
/// process, made by the thread that will call MPI. Errors of MPI calls on
/// MPI_COMM_WORLD are returned (MPI_ERRORS_RETURN) and become cgym errors.
class Runtime {
 public:
  /// Initialises MPI (argc/argv may be null).
  Runtime(int* argc = nullptr, char*** argv = nullptr);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;
  /// This process's rank in MPI_COMM_WORLD.
  int rank() const { return rank_; }
  /// The number of ranks.
  int size() const { return size_; }
  /// The Runtime of this process, or null before one was made.
  static Runtime* current();
  /// Ends every rank of the job (MPI_Abort) with `code`.
  [[noreturn]] void abort(int code);

 private:
  int rank_ = 0;
  int size_ = 1;
};

/// Text that rank 0 prints if the job is stopped from outside (SIGTERM from
/// mpirun after a rank died), after the list of what each rank held; e.g.
/// "results so far are in states.csv; rerun with --resume". Rank 0 only.
void set_stop_note(const std::string& note);

/// How a work queue runs.
struct WorkQueueOptions {
  /// Seconds between a busy worker's heartbeats.
  double heartbeat_seconds = 1.0;
  /// A worker rank silent for this long is lost (RankLost on rank 0).
  double timeout_seconds = 60.0;
  /// Rank 0 also works (on a second thread), so N ranks give N workers.
  bool rank0_works = true;
};

/// Counters of a finished work queue or VectorEnv (rank 0's view).
struct TrafficStats {
  /// Messages rank 0 sent.
  uint64_t messages_sent = 0;
  /// Messages rank 0 received (heartbeats included).
  uint64_t messages_received = 0;
  /// Payload bytes rank 0 sent.
  uint64_t bytes_sent = 0;
  /// Payload bytes rank 0 received.
  uint64_t bytes_received = 0;
  /// Of the messages received, heartbeats.
  uint64_t heartbeats = 0;
};

/// A result of run_work_queue().
struct WorkResult {
  /// The item (an index into the caller's list).
  size_t item = 0;
  /// The rank that did it.
  int rank = 0;
  /// False when `work` threw: then `payload` is "<Type>: <message>".
  bool ok = true;
  /// What `work` returned.
  std::string payload;
};

/// A dynamic work queue over all ranks (collective: every rank calls it
/// with the same `items`). Rank 0 hands out one item at a time to whichever
/// rank is free, so a slow item holds up only its rank. `work(item)` runs on
/// a thread that is not the MPI thread and returns a payload; on rank 0,
/// `on_result` gets each result on the calling thread as it arrives.
/// `labels[item]` names an item in messages (rank 0 only; may be empty on
/// others). Returns rank 0's traffic counters (zero elsewhere).
/// Without MPI (no Runtime, or one rank) the items run in order on the
/// calling thread. Throws RankLost on rank 0 when a worker rank is lost.
TrafficStats run_work_queue(const std::vector<size_t>& items,
                            const std::vector<std::string>& labels,
                            const std::function<std::string(size_t item)>& work,
                            const std::function<void(const WorkResult&)>& on_result,
                            const WorkQueueOptions& options = {});

/// How a distributed VectorEnv is laid out.
struct VectorEnvOptions {
  /// The number of envs in all. Must be >= 1.
  int num_envs = 1;
  /// Worker threads of each rank's local VectorEnv (0: the rank's cores).
  int threads_per_rank = 0;
  /// Put envs on rank 0 too (default: only on ranks 1..N-1 when N > 1).
  bool envs_on_rank0 = false;
  /// As cgym::VectorEnvOptions.
  bool auto_reset = false;
  /// Seeds are seed_base + env_id unless `seeds` gives one per env.
  uint64_t seed_base = 0;
  /// One seed per env (empty: use seed_base).
  std::vector<uint64_t> seeds;
  /// Used by reset() and auto-reset.
  ResetOptions reset_options;
  /// A worker rank silent for this long (while it owes results) is lost.
  double timeout_seconds = 60.0;
  /// Seconds between a busy worker's heartbeats.
  double heartbeat_seconds = 1.0;
};

/// cgym::VectorEnv's API with the envs on the ranks of an MPI job. Made
/// collectively on every rank (same factory, same options). Envs are laid
/// out in contiguous blocks, one block per worker rank; each rank steps its
/// block on its own threads. On worker ranks the constructor serves rank 0
/// until rank 0's VectorEnv is destroyed, then returns (is_controller() is
/// false and nothing else may be called). Per batch rank 0 sends one
/// message to each rank involved and gets one back (observations, rewards,
/// infos packed together).
///
/// Errors: an exception inside a worker's env comes back as VectorEnvError
/// naming the env, like cgym::VectorEnv; a compiler failure is a result
/// (done + info.error_type); a lost rank is RankLost.
class VectorEnv {
 public:
  /// `factory(env_id)` makes env `env_id` on the rank that owns it.
  VectorEnv(std::function<EnvPtr(int env_id)> factory, VectorEnvOptions options);
  /// On rank 0: waits for outstanding requests, then releases the workers.
  ~VectorEnv();
  VectorEnv(const VectorEnv&) = delete;
  VectorEnv& operator=(const VectorEnv&) = delete;

  /// True on rank 0 (the only rank where the methods below may be used).
  bool is_controller() const { return controller_; }
  /// The number of envs.
  int size() const { return options_.num_envs; }
  /// The rank that owns env `env_id`.
  int rank_of(int env_id) const;
  /// The seed of env `env_id`.
  uint64_t seed(int env_id) const;
  /// A random engine seeded with seed(env_id), kept on rank 0.
  Rng& rng(int env_id);

  /// Resets every env; results in env order.
  std::vector<BatchResult> reset();
  /// Steps every env with actions[env_id]; results in env order.
  std::vector<BatchResult> step(std::span<const Action> actions);
  /// Queues one step for each env in `env_ids`: one message per rank.
  void send(std::span<const Action> actions, std::span<const int> env_ids);
  /// Waits until at least `min_results` results arrived (capped at the
  /// number outstanding) and returns all that arrived, rank by rank.
  std::vector<BatchResult> recv(int min_results = 1);
  /// Requests sent and not yet received.
  int outstanding() const { return outstanding_; }
  /// Rank 0's message counters since construction.
  const TrafficStats& traffic() const { return traffic_; }

  /// The layout and state of rank 0's side (opaque).
  struct Impl;

 private:
  void check_id(int env_id) const;
  void send_ops(const std::vector<std::vector<std::pair<int, Action>>>& per_rank, bool reset);
  std::vector<BatchResult> collect(int n);

  VectorEnvOptions options_;
  bool controller_ = false;
  int outstanding_ = 0;
  TrafficStats traffic_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cgym::mpi
