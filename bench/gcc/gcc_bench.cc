// gcc-v0 against running the same gcc command directly, in the same run on
// the same machine, over bundled programs. Prints markdown tables of medians.
//
//   gcc_bench [--quick] [program ...]      (default: crc32 qsort huffman)
//
// 1. Cold step: one env step that changes the command line to one never
//    seen (--param=max-unroll-times[+1] at -O2) plus its obj_size
//    observation, against running that state's `command_line` with
//    cgym::run_process in a directory holding the sources and summing the
//    .o sizes. The two alternate, so that machine load hits both alike.
// 2. Cached step: stepping back to states already compiled (the [-1]
//    actions) plus obj_size: served by the artifact cache.
// 3. Searches: cgym::random_search over actions (as `cgym random-search`
//    runs it, patience 5) and a random search over choice vectors
//    (set_choices with sample_choices), with the obj_size reward: the best
//    size found against -O0 and -Os, and the artifact cache's hit rate.
// 4. make() and reset() times with the spec already cached.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "../bench_util.h"
#include "backends/gcc/gcc_env.h"
#include "cgym/cgym.h"
#include "cgym/datasets.h"
#include "cgym/search.h"

namespace fs = std::filesystem;

namespace {

using cgym::bench::Clock;
using cgym::bench::median;
using cgym::bench::seconds_since;
std::string ms(double seconds) {
  char buf[32];
  if (seconds < 1e-3) {
    std::snprintf(buf, sizeof buf, "%.1f µs", seconds * 1e6);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f ms", seconds * 1e3);
  }
  return buf;
}

// The .o files a multi-file `gcc -c a.c b.c` writes: one per .c source.
int64_t object_bytes(const cgym::Benchmark& b, const fs::path& dir) {
  int64_t total = 0;
  for (const auto& s : b.data().sources) {
    const fs::path p(s.name);
    if (p.extension() == ".c")
      total += static_cast<int64_t>(fs::file_size(dir / (p.stem().string() + ".o")));
  }
  return total;
}

struct Row {
  std::string program;
  double env_cold = 0, direct = 0, env_hot = 0, ratio = 0;
  bool sizes_agree = true;
};

Row time_steps(const std::string& name, int n) {
  Row row{name};
  auto env = cgym::make("gcc-v0");
  env->reset({.benchmark = "benchmark://cgym-v0/" + name});
  auto b = env->benchmark();
  const auto& space = env->action_space();
  const cgym::Action up = space.index("--param=max-unroll-times[+1]");
  const cgym::Action down = space.index("--param=max-unroll-times[-1]");
  // Start from a state no earlier run of this process has compiled.
  env->step(space.index("-O2"));
  for (int i = 0; i < 40; ++i) env->step(space.index("--param=max-unroll-times[+1000]"));
  env->observation("obj_size");  // so that the last step back down is cached too

  cgym::TempDir dir("gcc-bench");
  for (const auto& s : b->data().sources) cgym::write_file_atomic(dir.path() / s.name, s.contents);

  std::vector<double> env_t, direct_t, hot_t;
  for (int i = 0; i < n; ++i) {
    // The state after the step, compiled by hand: its command line.
    auto fork = env->fork();
    fork->step(up);
    const std::string line = fork->observation("command_line").as<std::string>();
    fork.reset();

    auto run_env = [&] {
      const auto t = Clock::now();
      auto r = env->step(up, {.observation_spaces = {"obj_size"}});
      env_t.push_back(seconds_since(t));
      return r.observations.at(0).as<int64_t>();
    };
    auto run_direct = [&] {
      const auto t = Clock::now();
      cgym::check_process({.argv = cgym::ActionSpace::split_commandline(line),
                           .cwd = dir.path(),
                           .timeout_seconds = 120});
      const int64_t size = object_bytes(*b, dir.path());
      direct_t.push_back(seconds_since(t));
      return size;
    };
    int64_t a = 0, d = 0;
    if (i % 2) {
      d = run_direct();
      a = run_env();
    } else {
      a = run_env();
      d = run_direct();
    }
    row.sizes_agree = row.sizes_agree && a == d;
  }
  // Every state back down is in the cache now.
  const auto before = cgym::gcc::artifact_cache_stats();
  for (int i = 0; i < n; ++i) {
    const auto t = Clock::now();
    env->step(down, {.observation_spaces = {"obj_size"}});
    hot_t.push_back(seconds_since(t));
  }
  const auto after = cgym::gcc::artifact_cache_stats();
  if (after.misses != before.misses) std::fprintf(stderr, "warning: cached steps ran gcc\n");
  std::vector<double> ratios;
  for (size_t i = 0; i < env_t.size(); ++i) ratios.push_back(env_t[i] / direct_t[i]);
  row.ratio = median(ratios);
  row.env_cold = median(env_t);
  row.direct = median(direct_t);
  row.env_hot = median(hot_t);
  return row;
}

struct SearchRow {
  std::string program, kind;
  int64_t o0 = 0, os = 0, best = 0;
  uint64_t steps = 0;
  double seconds = 0, hit_rate = 0;
  // The same search run again (a replay, a second agent on the same path).
  double again_seconds = -1, again_hit_rate = 0;
};

SearchRow action_search(const std::string& name, uint64_t steps) {
  SearchRow row{name, "actions (random_search, patience 5)"};
  auto env = cgym::make("gcc-v0");
  env->reset({.benchmark = "benchmark://cgym-v0/" + name, .reward_space = "obj_size"});
  row.o0 = env->observation("obj_size_O0").as<int64_t>();
  row.os = env->observation("obj_size_Os").as<int64_t>();
  cgym::gcc::reset_artifact_cache_stats();
  const auto t = Clock::now();
  auto result = cgym::random_search(*env, {.reward_space = "obj_size", .steps = steps, .seed = 1});
  row.seconds = seconds_since(t);
  row.steps = result.steps;
  row.hit_rate = cgym::gcc::artifact_cache_stats().hit_rate();
  row.best = row.o0 - static_cast<int64_t>(result.best_reward);
  // Again, from a fresh env with the same seed: every state is cached.
  auto again = cgym::make("gcc-v0");
  again->reset({.benchmark = "benchmark://cgym-v0/" + name, .reward_space = "obj_size"});
  cgym::gcc::reset_artifact_cache_stats();
  const auto t2 = Clock::now();
  cgym::random_search(*again, {.reward_space = "obj_size", .steps = steps, .seed = 1});
  row.again_seconds = seconds_since(t2);
  row.again_hit_rate = cgym::gcc::artifact_cache_stats().hit_rate();
  return row;
}

SearchRow choice_search(const std::string& name, int trials) {
  SearchRow row{name, "choice vectors (sample_choices, 90% absent)"};
  auto env = cgym::make("gcc-v0");
  env->reset({.benchmark = "benchmark://cgym-v0/" + name});
  row.o0 = env->observation("obj_size_O0").as<int64_t>();
  row.os = env->observation("obj_size_Os").as<int64_t>();
  row.best = row.o0;
  auto spec = cgym::gcc::load_gcc_spec("gcc");
  std::mt19937_64 rng(1);
  cgym::gcc::reset_artifact_cache_stats();
  const auto t = Clock::now();
  for (int i = 0; i < trials; ++i) {
    cgym::gcc::set_choices(*env, cgym::gcc::sample_choices(*spec, rng, 0.9));
    try {
      row.best = std::min(row.best, env->observation("obj_size").as<int64_t>());
    } catch (const cgym::SessionError&) {
      // gcc rejected the combination: skip it
    }
  }
  row.seconds = seconds_since(t);
  row.steps = static_cast<uint64_t>(trials);
  row.hit_rate = cgym::gcc::artifact_cache_stats().hit_rate();
  return row;
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  std::vector<std::string> programs;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") {
      quick = true;
    } else {
      programs.push_back(a);
    }
  }
  if (programs.empty()) programs = {"crc32", "qsort", "huffman"};
  const int n = quick ? 6 : 30;

  // make() and reset(), the spec already cached (the first make() loads it).
  std::vector<double> make_t, reset_t;
  {
    const auto t0 = Clock::now();
    auto first = cgym::make("gcc-v0");
    std::printf("first make() in this process (spec from the JSON cache or probed): %s\n\n",
                ms(seconds_since(t0)).c_str());
    for (int i = 0; i < 5; ++i) {
      auto t = Clock::now();
      auto env = cgym::make("gcc-v0");
      make_t.push_back(seconds_since(t));
      t = Clock::now();
      env->reset({.benchmark = "benchmark://cgym-v0/crc32"});
      reset_t.push_back(seconds_since(t));
    }
  }
  std::printf("| what | median |\n|---|---|\n| make(\"gcc-v0\") | %s |\n| reset(crc32) | %s |\n\n",
              ms(median(make_t)).c_str(), ms(median(reset_t)).c_str());

  std::printf(
      "| program | env step + obj_size (new state) | same gcc command run directly | ratio "
      "(median of pairs) | "
      "env step + obj_size (cached state) | cached speed-up | sizes agree |\n"
      "|---|---|---|---|---|---|---|\n");
  for (const auto& p : programs) {
    const Row r = time_steps(p, n);
    std::printf("| %s | %s | %s | %.3fx | %s | %.0fx | %s |\n", r.program.c_str(),
                ms(r.env_cold).c_str(), ms(r.direct).c_str(), r.ratio, ms(r.env_hot).c_str(),
                r.env_cold / r.env_hot, r.sizes_agree ? "yes" : "NO");
  }

  std::printf(
      "\n| program | search | steps | seconds | obj_size -O0 | -Os | best found | best vs -O0 "
      "| cache hit rate | same search again: seconds, hit rate |\n"
      "|---|---|---|---|---|---|---|---|---|---|\n");
  for (const auto& p : programs) {
    for (const SearchRow& r :
         {action_search(p, quick ? 100 : 400), choice_search(p, quick ? 20 : 60)}) {
      char again[64] = "-";
      if (r.again_seconds >= 0) {
        std::snprintf(again, sizeof again, "%.2f s, %.1f%%", r.again_seconds,
                      100.0 * r.again_hit_rate);
      }
      std::printf("| %s | %s | %llu | %.1f | %lld | %lld | %lld | %+.1f%% | %.1f%% | %s |\n",
                  r.program.c_str(), r.kind.c_str(), static_cast<unsigned long long>(r.steps),
                  r.seconds, static_cast<long long>(r.o0), static_cast<long long>(r.os),
                  static_cast<long long>(r.best), 100.0 * (r.best - r.o0) / r.o0,
                  100.0 * r.hit_rate, again);
    }
  }
  const auto s = cgym::gcc::artifact_cache_stats();
  std::printf("\nartifact cache at exit: %llu entries, %.1f MiB\n",
              static_cast<unsigned long long>(s.entries), s.bytes / 1048576.0);
  return 0;
}
