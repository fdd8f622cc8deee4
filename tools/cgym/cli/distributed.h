// Distributed runs of the cgym tool (eval, random-search, validate, replay):
// under an MPI launcher, or with --mpi, rank 0 hands out the work items from
// a queue (cgym::mpi::run_work_queue) and alone prints and writes results.
// Without MPI (or with one rank) the same items run in order in this
// process, so both paths give the same per-item results.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace cgym::cli {

/// The options every distributed command takes.
struct DistributedOptions {
  bool mpi = false;
  double timeout_seconds = 60;
};

/// Adds --mpi and --mpi-timeout to `cmd`.
void add_distributed_options(CLI::App* cmd, DistributedOptions& options);

/// True when this tool was built with cgym::mpi.
bool built_with_mpi();

/// One distributed (or local) run of a command.
class Distributed {
 public:
  /// Starts MPI when launched by an MPI launcher or when options.mpi is set.
  /// Throws InvalidArgument saying how to launch when --mpi is given outside
  /// a launcher, or when the tool was built without MPI.
  Distributed(const DistributedOptions& options, const std::string& command);
  ~Distributed();
  Distributed(const Distributed&) = delete;
  Distributed& operator=(const Distributed&) = delete;

  /// More than one rank.
  bool active() const { return size_ > 1; }
  /// This rank (0 without MPI).
  int rank() const { return rank_; }
  /// The number of ranks (1 without MPI).
  int size() const { return size_; }
  /// Rank 0 prints and writes.
  bool root() const { return rank_ == 0; }

  /// What rank 0 adds to its message when the job is stopped from outside.
  void set_stop_note(const std::string& note);

  /// Runs `work(item)` for every item (on any rank, on a thread of its own
  /// under MPI) and gives each payload to `on_result(item, rank, ok,
  /// payload)` on rank 0, as results arrive. A lost rank or an error on
  /// rank 0 prints a message naming it and ends the whole job (exit 1).
  void run(const std::vector<size_t>& items, const std::vector<std::string>& labels,
           const std::function<std::string(size_t)>& work,
           const std::function<void(size_t, int, bool, const std::string&)>& on_result);

  /// Runs `body`; on a rank other than 0 or when an exception escapes it
  /// while several ranks run, ends the job after printing the error (rank
  /// 0 only), so that no rank waits forever for one that gave up.
  void guard(const std::function<void()>& body);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int rank_ = 0;
  int size_ = 1;
  double timeout_ = 60;
  std::string note_;
};

/// Set on ranks other than 0: app.cc does not print their errors (rank 0
/// prints the job's).
bool quiet_rank();

}  // namespace cgym::cli
