// scale_bench: how cgym behaves with many envs and revisited states.
//
//   scale_bench [--quick] [--markdown FILE]
//
// Measures, each against a baseline taken in the same run:
//  1. VectorEnv throughput with 2 worker threads vs 1 (random walks on a
//     dijkstra-sized bundled program, llvm-v0);
//  2. resident memory of 1,000 live llvm-v0 envs on crc32;
//  3. an ObjectTextSizeBytes hit in the shared observation cache vs
//     computing it;
//  4. the same seeded random search run twice with the on-disk cache: cold,
//     then warm.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <numeric>
#include <sstream>

#include "cgym/cgym.h"

using namespace cgym;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

double rss_mb() {
  std::ifstream in("/proc/self/statm");
  long pages = 0, resident = 0;
  in >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1 << 20);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Steps per second of `num_envs` random walks on `threads` workers.
double vector_throughput(int threads, int num_envs, double budget_seconds) {
  VectorEnv venv(
      [](int) { return make("llvm-v0", {.benchmark = "benchmark://cgym-v0/dijkstra"}); },
      {.num_envs = num_envs, .num_threads = threads, .auto_reset = true, .seed_base = 1});
  venv.reset();
  std::vector<Action> actions(num_envs);
  int64_t steps = 0;
  const auto start = Clock::now();
  while (seconds_since(start) < budget_seconds) {
    for (int i = 0; i < num_envs; ++i) {
      actions[i] = venv.env(i).action_space().sample(venv.rng(i));
      // Long episodes grow nothing but time: restart every 100 steps.
      if (venv.env(i).actions().size() >= 100) venv.env(i).reset();
    }
    venv.step(actions);
    steps += num_envs;
  }
  return static_cast<double>(steps) / seconds_since(start);
}

struct Row {
  std::string measure, ours, baseline, ratio, target;
};

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  std::string markdown;
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

  // 1. VectorEnv scaling.
  {
    const double budget = quick ? 3.0 : 15.0;
    const double one = vector_throughput(1, 4, budget);
    const double two = vector_throughput(2, 4, budget);
    std::snprintf(buf, sizeof buf, "%.0f steps/s", two);
    std::string ours = buf;
    std::snprintf(buf, sizeof buf, "%.0f steps/s (1 thread)", one);
    rows.push_back({"VectorEnv, 4 envs on 2 threads vs 1 (dijkstra, random actions)", ours, buf,
                    std::to_string(two / one).substr(0, 4) + "x", ">= 1.8x"});
    std::cerr << "vector: 1 thread " << one << " steps/s, 2 threads " << two << " steps/s\n";
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
