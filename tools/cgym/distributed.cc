// Distributed runs of the cgym tool (see cgym/distributed.h).
#include "cli/distributed.h"

#include <chrono>
#include <iostream>
#include <thread>

#include "cgym/cgym.h"
#include "cli/common.h"

#if CGYM_HAVE_MPI
#include "cgym/mpi.h"
#endif

namespace cgym::cli {

namespace {
bool g_quiet = false;
}

bool quiet_rank() { return g_quiet; }

bool built_with_mpi() { return CGYM_HAVE_MPI != 0; }

void add_distributed_options(CLI::App* cmd, DistributedOptions& o) {
  cmd->add_flag("--mpi", o.mpi,
                "Run over MPI (automatic under mpirun/srun): rank 0 hands out the work; see "
                "docs/scale.md");
  cmd->add_option("--mpi-timeout", o.timeout_seconds,
                  "Under MPI: a rank silent this many seconds while it holds work is lost "
                  "(default 60; busy ranks send a heartbeat every second)")
      ->check(positive_number());
}

struct Distributed::Impl {
#if CGYM_HAVE_MPI
  std::unique_ptr<mpi::Runtime> runtime;
#endif
};

Distributed::Distributed(const DistributedOptions& o, const std::string& command)
    : impl_(std::make_unique<Impl>()), timeout_(o.timeout_seconds) {
#if CGYM_HAVE_MPI
  const bool launched = mpi::launched_under_mpi();
  if (o.mpi && !launched) {
    throw InvalidArgument(
        "--mpi: this process was not started by an MPI launcher (no "
        "OMPI_COMM_WORLD_SIZE, PMI_SIZE, PMIX_RANK or srun variables); " +
        mpi::how_to_launch("cgym " + command + " ..."));
  }
  if (!launched) return;
  if (mpi::Runtime::current()) {
    rank_ = mpi::Runtime::current()->rank();
    size_ = mpi::Runtime::current()->size();
    return;
  }
  impl_->runtime = std::make_unique<mpi::Runtime>();
  rank_ = impl_->runtime->rank();
  size_ = impl_->runtime->size();
  g_quiet = rank_ != 0;
#else
  if (o.mpi) {
    throw InvalidArgument(
        "--mpi: this cgym was built without MPI (CGYM_WITH_MPI=OFF or no "
        "libopenmpi-dev at configure time); rebuild with MPI, then start it "
        "with 'mpirun -n 4 cgym " +
        command + " ...' or 'srun -n 4 cgym " + command + " ...'");
  }
  (void)command;
#endif
}

Distributed::~Distributed() = default;

void Distributed::set_stop_note(const std::string& note) {
  note_ = note;
#if CGYM_HAVE_MPI
  if (active() && root()) mpi::set_stop_note(note);
#endif
}

void Distributed::run(const std::vector<size_t>& items, const std::vector<std::string>& labels,
                      const std::function<std::string(size_t)>& work,
                      const std::function<void(size_t, int, bool, const std::string&)>& on_result) {
#if CGYM_HAVE_MPI
  if (active()) {
    mpi::WorkQueueOptions options;
    options.timeout_seconds = timeout_;
    try {
      mpi::run_work_queue(
          items, labels, work,
          [&](const mpi::WorkResult& r) { on_result(r.item, r.rank, r.ok, r.payload); }, options);
    } catch (const mpi::RankLost& e) {
      std::cout.flush();
      std::cerr << "cgym: error: " << e.what() << "; ending the job"
                << (note_.empty() ? "" : "; " + note_) << std::endl;
      impl_->runtime->abort(1);
    }
    return;
  }
#endif
  (void)labels;
  for (size_t item : items) {
    std::string payload;
    bool ok = true;
    try {
      payload = work(item);
    } catch (const std::exception& e) {
      ok = false;
      payload = std::string(error_type_name(e)) + ": " + e.what();
    }
    on_result(item, 0, ok, payload);
  }
}

void Distributed::guard(const std::function<void()>& body) {
  if (!active()) {
    body();
    return;
  }
  try {
    body();
  } catch (const std::exception& e) {
#if CGYM_HAVE_MPI
    if (root()) {
      std::cout.flush();
      std::cerr << "cgym: error: " << e.what() << " (ending the MPI job)" << std::endl;
    } else {
      // An error every rank meets (a bad option) is reported by rank 0, whose
      // abort usually ends this rank first; one met here alone is printed.
      std::this_thread::sleep_for(std::chrono::seconds(2));
      std::cerr << "cgym: error on rank " << rank_ << ": " << e.what() << " (ending the MPI job)"
                << std::endl;
    }
    impl_->runtime->abort(1);
#else
    throw;
#endif
  }
}

}  // namespace cgym::cli
