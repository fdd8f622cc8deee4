// scale_bench: how cgym behaves with many envs and revisited states.
//
//   scale_bench [--quick] [--markdown FILE]
//
// Measures, each against a baseline taken in the same run:
//  1. VectorEnv throughput with 2 worker threads vs 1, and vs two separate
//     processes doing the same walks (random walks on a dijkstra-sized
//     bundled program, llvm-v0), measured alternately, round by round;
//  2. resident memory of 1,000 live llvm-v0 envs on crc32;
//  3. an ObjectTextSizeBytes hit in the shared observation cache vs
//     computing it;
//  4. the same seeded random search run twice with the on-disk cache: cold,
//     then warm;
//  5. the RSS of one env after 100,000 steps against after 1,000.
//
// `scale_bench --walk-child SECONDS ENVS` is the two-process baseline's
// child: it prints the steps per second of its own walk.
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <numeric>
#include <sstream>

#include "../bench_util.h"
#include "cgym/cgym.h"

using namespace cgym;
using cgym::bench::Clock;
using cgym::bench::median;
using cgym::bench::seconds_since;

namespace {

double rss_mb() {
  std::ifstream in("/proc/self/statm");
  long pages = 0, resident = 0;
  in >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1 << 20);
}

// Steps per second of `num_envs` random walks on `threads` workers. Each env
// is given its next action as soon as its previous step is back (send() /
// recv()), so no env waits for the slowest of a batch, as two separate
// processes do not wait for each other either; `batched` uses step(), which
// waits for all of them every step.
double vector_throughput(int threads, int num_envs, double budget_seconds, bool batched = false) {
  VectorEnv venv(
      [](int) { return make("llvm-v0", {.benchmark = "benchmark://cgym-v0/dijkstra"}); },
      {.num_envs = num_envs, .num_threads = threads, .auto_reset = true, .seed_base = 1});
  venv.reset();
  std::vector<Action> actions(num_envs);
  int64_t steps = 0;
  auto next = [&](int i) {
    // Long episodes grow nothing but time: restart every 100 steps.
    if (venv.env(i).actions().size() >= 100) venv.env(i).reset();
    return venv.env(i).action_space().sample(venv.rng(i));
  };
  const auto start = Clock::now();
  if (batched) {
    while (seconds_since(start) < budget_seconds) {
      for (int i = 0; i < num_envs; ++i) actions[i] = next(i);
      venv.step(actions);
      steps += num_envs;
    }
    return static_cast<double>(steps) / seconds_since(start);
  }
  for (int i = 0; i < num_envs; ++i) {
    const Action a = next(i);
    venv.send(std::span<const Action>(&a, 1), std::span<const int>(&i, 1));
  }
  while (true) {
    for (const auto& r : venv.recv(1)) {
      ++steps;
      if (seconds_since(start) >= budget_seconds) continue;
      const int i = r.env_id;
      const Action a = next(i);
      venv.send(std::span<const Action>(&a, 1), std::span<const int>(&i, 1));
    }
    if (venv.outstanding() == 0) break;
  }
  return static_cast<double>(steps) / seconds_since(start);
}

// Two copies of this program, each walking half of the envs on one thread,
// started together: the sum of their rates.
double two_process_throughput(const std::string& self, int num_envs, double budget_seconds) {
  const std::string cmd =
      self + " --walk-child " + std::to_string(budget_seconds) + " " + std::to_string(num_envs / 2);
  FILE* a = popen(cmd.c_str(), "r");
  FILE* b = popen(cmd.c_str(), "r");
  double total = 0.0;
  for (FILE* f : {a, b}) {
    if (!f) continue;
    double rate = 0.0;
    if (std::fscanf(f, "%lf", &rate) == 1) total += rate;
    pclose(f);
  }
  return total;
}

struct Row {
  std::string measure, ours, baseline, ratio, target;
};

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  std::string markdown;
  if (argc == 4 && std::string(argv[1]) == "--walk-child") {
    std::printf("%f\n", vector_throughput(1, std::atoi(argv[3]), std::atof(argv[2])));
    return 0;
  }
  std::string self = "/proc/self/exe";
  {
    char path[4096];
    const ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
    if (n > 0) self.assign(path, static_cast<size_t>(n));
  }
  const char* preload = std::getenv("LD_PRELOAD");
  const std::string allocator = preload && *preload ? preload : "glibc malloc";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--quick") {
      quick = true;
    } else if (a == "--markdown" && i + 1 < argc) {
      markdown = argv[++i];
    } else {
      std::cerr << "usage: scale_bench [--quick] [--markdown FILE]\n";
      return 2;
    }
  }
  std::vector<Row> rows;
  char buf[256];

  // 1. VectorEnv scaling, against two processes, alternating round by round.
  {
    const double budget = quick ? 3.0 : 8.0;
    const int rounds = quick ? 2 : 3;
    std::vector<double> one, two, procs, two_batched;
    for (int r = 0; r < rounds; ++r) {
      for (int k = 0; k < 4; ++k) {
        switch ((k + r) % 4) {
          case 0:
            one.push_back(vector_throughput(1, 4, budget));
            break;
          case 1:
            two.push_back(vector_throughput(2, 4, budget));
            break;
          case 2:
            procs.push_back(two_process_throughput(self, 4, budget));
            break;
          case 3:
            two_batched.push_back(vector_throughput(2, 4, budget, true));
            break;
        }
      }
    }
    const double o = median(one), t = median(two), p = median(procs), tb = median(two_batched);
    auto rate = [&](double x, const char* what) {
      std::snprintf(buf, sizeof buf, "%.0f steps/s%s", x, what);
      return std::string(buf);
    };
    rows.push_back(
        {"VectorEnv, 4 envs on 2 threads vs 1 (dijkstra, random actions, " + allocator + ")",
         rate(t, ""), rate(o, " (1 thread)"), std::to_string(t / o).substr(0, 4) + "x", ">= 1.8x"});
    rows.push_back({"VectorEnv on 2 threads vs 2 processes (1 thread, 2 envs each), same run",
                    rate(t, ""), rate(p, " (2 processes)"),
                    std::to_string(t / p).substr(0, 4) + "x", ">= 0.95x"});
    rows.push_back({"2 processes vs 1 thread", rate(p, ""), rate(o, " (1 thread)"),
                    std::to_string(p / o).substr(0, 4) + "x", ""});
    rows.push_back({"VectorEnv 2 threads, step() (waits for every env each step) vs send/recv",
                    rate(tb, ""), rate(t, " (send/recv)"),
                    std::to_string(tb / t).substr(0, 4) + "x", ""});
    std::cerr << "vector: 1 thread " << o << ", 2 threads " << t << ", 2 processes " << p
              << ", 2 threads batched " << tb << " steps/s\n";
  }

  // 2. Memory of many live envs.
  {
    const int n = quick ? 200 : 1000;
    std::vector<EnvPtr> envs;
    envs.reserve(n);
    // Warm up everything that is created once per process.
    {
      auto warm = make("llvm-v0", {.benchmark = "benchmark://cgym-v0/crc32"});
      warm->reset();
    }
    const double before = rss_mb();
    for (int i = 0; i < n; ++i) {
      envs.push_back(make("llvm-v0", {.benchmark = "benchmark://cgym-v0/crc32"}));
      envs.back()->reset();
    }
    const double after = rss_mb();
    const double per_env = (after - before) / n;
    std::snprintf(buf, sizeof buf, "%.0f MB for %d envs (%.2f MB per env)", after - before, n,
                  per_env);
    std::string ours = buf;
    std::snprintf(buf, sizeof buf, "%.0f MB for 1,000 envs", per_env * 1000);
    rows.push_back({"RSS of live llvm-v0 envs on crc32", ours,
                    "(process before: " + std::to_string(static_cast<int>(before)) + " MB)", buf,
                    "<= 1 GB for 1,000"});
    std::cerr << "memory: " << per_env << " MB per env\n";
  }

  // 3. A shared-cache hit vs computing ObjectTextSizeBytes.
  {
    TempDir dir("scale-bench");
    enable_shared_observation_cache({.max_bytes = size_t{64} << 20});
    auto env = make("llvm-v0", {.benchmark = "benchmark://cgym-v0/qsort"});
    std::vector<double> compute, hit;
    Rng rng(3);
    const int reps = quick ? 10 : 40;
    for (int i = 0; i < reps; ++i) {
      env->reset();
      for (int k = 0; k < 3; ++k) env->step(env->action_space().sample(rng));
      auto fork = env->fork();  // a fresh observation slot, same state
      disable_shared_observation_cache();
      auto t = Clock::now();
      env->observation("ObjectTextSizeBytes");
      compute.push_back(seconds_since(t));
      enable_shared_observation_cache({.max_bytes = size_t{64} << 20});
      fork->observation("ObjectTextSizeBytes");  // fills the cache
      auto fork2 = env->fork();
      t = Clock::now();
      fork2->observation("ObjectTextSizeBytes");
      hit.push_back(seconds_since(t));
    }
    disable_shared_observation_cache();
    const double c = median(compute) * 1e3, h = median(hit) * 1e3;
    std::snprintf(buf, sizeof buf, "%.3f ms (hit)", h);
    std::string ours = buf;
    std::snprintf(buf, sizeof buf, "%.3f ms (computed)", c);
    rows.push_back({"ObjectTextSizeBytes on qsort: shared-cache hit vs computing it", ours, buf,
                    std::to_string(c / h).substr(0, 6) + "x faster", "report the ratio"});
    std::cerr << "cache: compute " << c << " ms, hit " << h << " ms\n";
  }

  // 4. The same seeded search twice: cold, then with a warm disk cache.
  {
    TempDir dir("scale-bench-disk");
    auto search = [&] {
      auto env = make("llvm-codesize-v0", {.benchmark = "benchmark://cgym-v0/dijkstra"});
      Rng rng(42);
      const auto t = Clock::now();
      const int episodes = quick ? 5 : 20;
      for (int e = 0; e < episodes; ++e) {
        env->reset();
        for (int s = 0; s < 20; ++s) {
          if (env->step(env->action_space().sample(rng)).done) break;
        }
      }
      return seconds_since(t);
    };
    enable_shared_observation_cache({.max_bytes = size_t{64} << 20, .disk_dir = dir.path()});
    const double cold = search();
    // A new process would start with an empty memory cache: emulate it.
    enable_shared_observation_cache({.max_bytes = size_t{64} << 20, .disk_dir = dir.path()});
    const double warm = search();
    const auto stats = shared_observation_cache()->stats();
    disable_shared_observation_cache();
    std::snprintf(buf, sizeof buf, "%.2f s (warm, %.0f%% hits)", warm, 100 * stats.hit_rate());
    std::string ours = buf;
    std::snprintf(buf, sizeof buf, "%.2f s (cold)", cold);
    rows.push_back({"seeded random search, llvm-codesize-v0 on dijkstra, run twice", ours, buf,
                    std::to_string(cold / warm).substr(0, 4) + "x faster", "report the speed-up"});
    std::cerr << "search: cold " << cold << " s, warm " << warm << " s\n";
  }

  // 5. No memory growth: RSS of one env after 100,000 steps vs after 1,000.
  {
    const int total = quick ? 20000 : 100000;
    auto env = make("llvm-v0", {.benchmark = "benchmark://cgym-v0/dijkstra"});
    env->reset();
    Rng rng(5);
    double at_1000 = 0.0;
    const auto t = Clock::now();
    for (int i = 1; i <= total; ++i) {
      const StepResult r = env->step(env->action_space().sample(rng));
      if (r.done || env->actions().size() >= 100) env->reset();
      if (i == 1000) at_1000 = rss_mb();
    }
    const double at_end = rss_mb();
    std::snprintf(buf, sizeof buf, "%.1f MB after %d steps", at_end, total);
    std::string ours = buf;
    std::snprintf(buf, sizeof buf, "%.1f MB after 1,000 steps", at_1000);
    rows.push_back({"RSS of one llvm-v0 env on dijkstra (reset every 100 steps)", ours, buf,
                    std::to_string(at_end / at_1000).substr(0, 4) + "x", "<= 1.10x"});
    std::cerr << "rss: " << at_1000 << " MB at 1000, " << at_end << " MB at " << total << " ("
              << seconds_since(t) << " s)\n";
  }

  std::ostringstream md;
  md << "| Measure | cgym | Baseline (same run) | Ratio | Target |\n|---|---|---|---|---|\n";
  for (const auto& r : rows) {
    md << "| " << r.measure << " | " << r.ours << " | " << r.baseline << " | " << r.ratio << " | "
       << r.target << " |\n";
  }
  std::cout << md.str();
  if (!markdown.empty()) write_file_atomic(markdown, md.str());
  return 0;
}
