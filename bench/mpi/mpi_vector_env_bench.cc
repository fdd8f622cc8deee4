// mpi_vector_env_bench: cgym::mpi::VectorEnv against cgym::VectorEnv at the
// same env count and threads. Start with `mpiexec -n 2` (bench/mpi/mpi_bench
// does): the distributed envs live on rank 1, the local ones in rank 0.
//
//   mpi_vector_env_bench [--quick] [--envs N] [--threads T]
//
// Prints markdown: steps/s of both, the overhead per batch (the difference
// of their seconds per batch), and messages and bytes per batch. The two are
// measured alternately, several times, and the medians are reported.
#include <algorithm>
#include <chrono>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "../bench_util.h"
#include "cgym/cgym.h"
#include "cgym/mpi.h"

using namespace cgym;
using cgym::bench::Clock;
using cgym::bench::median;
using cgym::bench::seconds_since;

namespace {

struct Workload {
  std::string name;    // for the table
  std::string env_id;  // made by the factory
  std::string benchmark;
  int num_actions = 0;  // actions are drawn from [0, num_actions)
  int reset_every = 0;  // batches between resets (0: never)
};

EnvPtr make_env(const Workload& w) { return make(w.env_id, {.benchmark = w.benchmark}); }

struct Run {
  double batches_per_second = 0;
  double messages_per_batch = 0;
  double bytes_per_batch = 0;
};

// Steps `venv` (either kind) for `seconds`, batch after batch.
template <typename V>
Run drive(V& venv, const Workload& w, int envs, double seconds) {
  venv.reset();
  std::vector<Action> actions(static_cast<size_t>(envs));
  int64_t batches = 0;
  const auto start = Clock::now();
  while (seconds_since(start) < seconds) {
    for (int i = 0; i < envs; ++i) {
      actions[static_cast<size_t>(i)] =
          std::uniform_int_distribution<int>(0, w.num_actions - 1)(venv.rng(i));
    }
    venv.step(actions);
    ++batches;
    if (w.reset_every > 0 && batches % w.reset_every == 0) venv.reset();
  }
  Run r;
  r.batches_per_second = static_cast<double>(batches) / seconds_since(start);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  mpi::Runtime runtime(&argc, &argv);
  bool quick = false;
  int envs = 4, threads = 2;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--quick")) quick = true;
    if (!std::strcmp(argv[i], "--envs") && i + 1 < argc) envs = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) threads = std::atoi(argv[++i]);
  }
  const bool root = runtime.rank() == 0;
  if (runtime.size() < 2) {
    if (root) std::cerr << "mpi_vector_env_bench: start it with mpiexec -n 2 (or more)\n";
    return 1;
  }
  const int reps = quick ? 3 : 5;
  const double seconds = quick ? 1.0 : 2.0;

  std::vector<Workload> workloads;
  {
    // The cheapest step there is (the overhead dominates) and a real one.
    auto noop = make("llvm-v0", {.benchmark = "benchmark://cgym-v0/crc32"});
    const int n = static_cast<int>(noop->action_space().size());
    workloads.push_back(
        {"llvm-v0 on crc32, no observation", "llvm-v0", "benchmark://cgym-v0/crc32", n, 20});
    workloads.push_back({"llvm-autophase-ic-v0 on crc32 (Autophase + reward)",
                         "llvm-autophase-ic-v0", "benchmark://cgym-v0/crc32", n, 20});
  }

  std::ostringstream md;
  md << "`mpi_vector_env_bench` under `mpiexec -n " << runtime.size()
     << " --oversubscribe`: " << envs << " envs, " << threads
     << " threads for them, random actions, reset every 20 batches; the local VectorEnv runs "
        "in rank 0, the distributed one keeps the envs on rank"
     << (runtime.size() > 2 ? "s 1.." + std::to_string(runtime.size() - 1) : std::string(" 1"))
     << ". Median of " << reps << " alternating runs of " << seconds
     << " s each, on a machine shared with other agents.\n\n";
  md << "| workload | local VectorEnv steps/s | mpi::VectorEnv steps/s | ratio | overhead per "
        "batch | messages per batch | bytes per batch |\n";
  md << "|---|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& w : workloads) {
    std::vector<double> local_bps, dist_bps, msgs, bytes;
    for (int rep = 0; rep < reps; ++rep) {
      if (root) {
        VectorEnv local([&](int) { return make_env(w); },
                        {.num_envs = envs, .num_threads = threads, .seed_base = 1});
        local_bps.push_back(drive(local, w, envs, seconds).batches_per_second);
      }
      mpi::VectorEnv dist([&](int) { return make_env(w); },
                          {.num_envs = envs, .threads_per_rank = threads, .seed_base = 1});
      if (!dist.is_controller()) continue;
      const auto before = dist.traffic();
      auto r = drive(dist, w, envs, seconds);
      const auto after = dist.traffic();
      dist_bps.push_back(r.batches_per_second);
      const double batches = r.batches_per_second * seconds;
      msgs.push_back(static_cast<double>(after.messages_sent + after.messages_received -
                                         before.messages_sent - before.messages_received) /
                     batches);
      bytes.push_back(static_cast<double>(after.bytes_sent + after.bytes_received -
                                          before.bytes_sent - before.bytes_received) /
                      batches);
    }
    if (!root) continue;
    const double l = median(local_bps), d = median(dist_bps);
    md << std::fixed << "| " << w.name << " | " << std::setprecision(0) << l * envs << " | "
       << d * envs << " | " << std::setprecision(2) << d / l << "x | " << std::setprecision(1)
       << (1.0 / d - 1.0 / l) * 1e6 << " µs | " << std::setprecision(2) << median(msgs) << " | "
       << std::setprecision(0) << median(bytes) << " |\n";
  }
  if (root) {
    md << "\nMessages and bytes count both directions and include resets (one batch of "
          "requests and one of results per rank). Heartbeats are sent only by a rank busy for "
          "more than a second.\n";
    std::cout << md.str();
  }
  return 0;
}
