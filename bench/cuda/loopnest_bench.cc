// loopnest_bench: how good do the schedules found by the bundled searches
// get? Runs cgym::random_search and cgym::greedy_search on loopnest-v0
// (matmul, then pointwise and transpose) and compares, in the same run, with
//   - cpu:  OpenBLAS sgemm, and a STREAM-like copy for memory bandwidth,
//           both measured in a child process started without
//           OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, so that OpenBLAS runs
//           the kernel it picks for this processor (the figure with the
//           variables, as this process has them, is printed beside it);
//   - cuda: cuBLAS sgemm and cudaMemcpy device-to-device bandwidth
//           (bench/cuda/cuda_baselines.cu, built with nvcc now).
// Every schedule is checked against the reference by the env itself; the
// best ones are measured again with more runs before they are reported.
// The searches start cold: builds go to a fresh cache directory (CGYM_CACHE)
// for this run, so a search never reuses what an earlier run compiled.
// Then the cost of one step is taken apart (code generation, compile, run)
// on the first candidates a search tries, again with a cold cache.
//
//   loopnest_bench [--backend cpu|cuda] [--size N] [--random-seconds S]
//                  [--greedy-seconds S] [--long-seconds S]
//                  [--bandwidth-seconds S] [--threads N]
//                  [--only matmul|bandwidth] [--compare-unconfirmed]
//                  [--long-branches B] [--compare-unbranched]
//                  [--compare-unpruned] [--greedy-branches B]
//                  [--compare-unprebuilt]
//                  [--quick] [--json FILE]
//   loopnest_bench --measure "ACTION ..." [--size N] [--threads N] ...
// --threads N (cpu) runs the generated programs, OpenBLAS and the copy on N
// threads (default: all cores). --long-seconds (default 300, 0 skips) is the
// budget of the long greedy search. The greedy searches confirm each step
// by timing it again (confirm_by_remeasuring); --compare-unconfirmed adds
// the long search without that, as a baseline in the same run. The long
// search branches from its B best first steps (--long-branches, default 3;
// GreedySearchOptions::branches) and applies the best of each round's
// confirmed candidates (confirm_pick_best); --compare-unconfirmed's search
// and --compare-unbranched's (confirmed, one branch, the first confirmed
// candidate) are its baselines. The greedy searches are pruned
// (GreedySearchOptions::prune with cgym::prune_below_best: a candidate's
// first call is given up once it is slower than the round's bar allows) and
// try loopnest-v0's structured actions first in their first round
// (try_first), so that the bar rises early; --compare-unpruned adds the
// 60-s and the long matmul searches without either, as baselines in the
// same run (the 60-s one with one branch, as before). The 60-s search
// branches from its B best first steps (--greedy-branches, default 2):
// round 1's ranking of the 8x32 and 16x32 register tiles is noise, and the
// 16x32 one leads to a worse schedule. The 60-s bandwidth searches
// (pointwise, transpose, reduction) branch the same way: on the machine of
// 2026-12-04 evening, round 1 on transpose ranked 16x16 blocks first
// (single-threaded); 8x8 blocks are 1.3-1.5x faster once parallel. The
// greedy searches build each round's candidates ahead, 8 at a time, on all
// cores (GreedySearchOptions::prepare with cgym::prebuild_candidates:
// session parameter loopnest.prebuild); --compare-unprebuilt adds the
// 60-s matmul search without that, as a baseline in the same run. --measure
// only measures one schedule of matmul N^3 (direct-space action names, as
// the bench prints them) the way the bench measures its results.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/mman.h>

#include "backends/cuda/build.h"
#include "backends/cuda/session.h"
#include "backends/cuda/structured.h"
#include "cgym/cgym.h"
#include "cgym/search.h"

#ifdef CGYM_HAVE_OPENBLAS
#include <cblas.h>
#endif
#ifdef _OPENMP
#include <omp.h>
#endif

namespace {

using Clock = std::chrono::steady_clock;

double now() { return std::chrono::duration<double>(Clock::now().time_since_epoch()).count(); }

struct Args {
  std::string backend = "cpu";
  int64_t size = 1024;
  double random_seconds = 60;
  double greedy_seconds = 60;
  double long_seconds = 300;
  double bandwidth_seconds = 60;
  int threads = 0;   // 0 = all cores
  std::string only;  // "", "matmul" or "bandwidth"
  bool compare_unconfirmed = false;
  bool compare_unbranched = false;
  bool compare_unpruned = false;
  bool compare_unprebuilt = false;
  int long_branches = 3;
  int greedy_branches = 2;
  std::string measure;  // --measure: only this schedule
  std::string json;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(
      stderr,
      "loopnest_bench: %s\nusage: loopnest_bench [--backend cpu|cuda] [--size N] "
      "[--random-seconds S] [--greedy-seconds S] [--long-seconds S] [--bandwidth-seconds S] "
      "[--threads N] [--only matmul|bandwidth] [--compare-unconfirmed] [--long-branches B] "
      "[--greedy-branches B] "
      "[--compare-unbranched] [--compare-unpruned] [--compare-unprebuilt] [--quick] "
      "[--json FILE] [--measure \"ACTION ...\"]\n",
      why);
  std::exit(2);
}

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string s = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(("missing value after " + s).c_str());
      return argv[++i];
    };
    if (s == "--backend") {
      a.backend = value();
      if (a.backend != "cpu" && a.backend != "cuda") usage("--backend must be cpu or cuda");
    } else if (s == "--size") {
      a.size = std::atoll(value().c_str());
      if (a.size < 16) usage("--size must be >= 16");
    } else if (s == "--random-seconds") {
      a.random_seconds = std::atof(value().c_str());
    } else if (s == "--greedy-seconds") {
      a.greedy_seconds = std::atof(value().c_str());
    } else if (s == "--long-seconds") {
      a.long_seconds = std::atof(value().c_str());
    } else if (s == "--bandwidth-seconds") {
      a.bandwidth_seconds = std::atof(value().c_str());
    } else if (s == "--threads") {
      a.threads = std::atoi(value().c_str());
      if (a.threads < 0) usage("--threads must be >= 0");
    } else if (s == "--quick") {
      a.random_seconds = 30;
      a.greedy_seconds = 60;
      a.long_seconds = 0;
      a.bandwidth_seconds = 30;
    } else if (s == "--only") {
      a.only = value();
      if (a.only != "matmul" && a.only != "bandwidth") usage("--only must be matmul or bandwidth");
    } else if (s == "--measure") {
      a.measure = value();
    } else if (s == "--compare-unconfirmed") {
      a.compare_unconfirmed = true;
    } else if (s == "--compare-unbranched") {
      a.compare_unbranched = true;
    } else if (s == "--compare-unpruned") {
      a.compare_unpruned = true;
    } else if (s == "--compare-unprebuilt") {
      a.compare_unprebuilt = true;
    } else if (s == "--greedy-branches") {
      a.greedy_branches = std::atoi(value().c_str());
      if (a.greedy_branches < 1) usage("--greedy-branches must be >= 1");
    } else if (s == "--long-branches") {
      a.long_branches = std::atoi(value().c_str());
      if (a.long_branches < 1) usage("--long-branches must be >= 1");
    } else if (s == "--json") {
      a.json = value();
    } else {
      usage(("unknown argument " + s).c_str());
    }
  }
  return a;
}

// ---- baselines measured in this process ------------------------------------

// A buffer allocated as the generated programs allocate theirs: aligned to
// 2 MiB and advised to use transparent huge pages.
struct HugeBuffer {
  explicit HugeBuffer(size_t n) {
    const size_t huge = size_t{2} << 20, bytes = (n * sizeof(float) + huge - 1) / huge * huge;
    p_ = static_cast<float*>(std::aligned_alloc(huge, bytes));
    if (!p_) throw std::bad_alloc();
    ::madvise(p_, bytes, MADV_HUGEPAGE);
  }
  ~HugeBuffer() { std::free(p_); }
  HugeBuffer(const HugeBuffer&) = delete;
  HugeBuffer& operator=(const HugeBuffer&) = delete;
  float& operator[](size_t i) { return p_[i]; }
  float* data() { return p_; }

 private:
  float* p_ = nullptr;
};

// STREAM-like copy over arrays far larger than the caches, all threads;
// bytes read + bytes written per second. The arrays get huge pages, as the
// generated programs' do (codegen.cc, lnv_alloc).
double cpu_copy_gbps(int threads) {
  const size_t n = size_t{32} << 20;  // 128 MiB per array
  HugeBuffer a(n), b(n);
  for (size_t i = 0; i < n; ++i) {
    a[i] = 1.0f;
    b[i] = 0.0f;
  }
  double best = 0;
  int nt = threads;
#ifdef _OPENMP
  if (nt == 0) nt = omp_get_max_threads();
#else
  nt = 1;
#endif
  const float* src = a.data();
  float* dst = b.data();
  for (int r = 0; r < 6; ++r) {
    const double t0 = now();
#pragma omp parallel for schedule(static) num_threads(nt)
    for (size_t i = 0; i < n; ++i) dst[i] = src[i];
    const double t = now() - t0;
    if (r > 0) best = std::max(best, 2.0 * sizeof(float) * n / t / 1e9);
  }
  if (b[n / 2] != 1.0f) std::abort();
  return best;
}

double openblas_sgemm_gflops(int64_t n, int threads) {
#ifdef CGYM_HAVE_OPENBLAS
  if (threads > 0) openblas_set_num_threads(threads);
  std::vector<float> a(n * n), b(n * n), c(n * n);
  for (int64_t i = 0; i < n * n; ++i) {
    a[i] = static_cast<float>(i % 7) * 0.1f;
    b[i] = static_cast<float>(i % 5) * 0.1f;
  }
  const int ni = static_cast<int>(n);
  auto run = [&] {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, ni, ni, ni, 1.0f, a.data(), ni, b.data(),
                ni, 0.0f, c.data(), ni);
  };
  run();
  run();
  std::vector<double> times;
  for (int r = 0; r < 9; ++r) {
    const double t0 = now();
    run();
    times.push_back(now() - t0);
  }
  std::sort(times.begin(), times.end());
  return 2.0 * n * n * n / times[times.size() / 2] / 1e9;
#else
  (void)n;
  (void)threads;
  return 0;
#endif
}

// The kernel OpenBLAS chose when it was loaded ("" without OpenBLAS).
std::string openblas_core() {
#ifdef CGYM_HAVE_OPENBLAS
  if (const char* c = openblas_get_corename()) return c;
#endif
  return "";
}

// The variables that force OpenBLAS onto one kernel and cache size. This
// machine sets them (the AVX2 "Haswell" kernel on an AVX-512 processor);
// OpenBLAS reads them when it is loaded, so the real kernel can only be
// measured in a process started without them.
constexpr const char* kOpenblasForcing[] = {"OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"};

struct CpuBaseline {
  std::string core, problem;
  double sgemm_gflops = 0, copy_gbps = 0;
};

// This program again, as `--cpu-baseline N THREADS`, with the forcing
// variables removed for that process only (never for tests or CI): what
// OpenBLAS reaches with the kernel it picks itself, and the copy bandwidth
// measured the same way.
CpuBaseline unforced_cpu_baseline(const char* self, int64_t n, int threads) {
  CpuBaseline b;
  try {
    std::vector<std::string> argv = {"env"};
    for (const char* v : kOpenblasForcing) argv.insert(argv.end(), {"-u", v});
    argv.insert(argv.end(), {self, "--cpu-baseline", std::to_string(n), std::to_string(threads)});
    const auto r = cgym::run_process({.argv = argv, .timeout_seconds = 600});
    if (r.exit_code != 0) {
      throw std::runtime_error("exit status " + std::to_string(r.exit_code) + ": " +
                               r.stderr_data.substr(0, 500));
    }
    const auto j = nlohmann::json::parse(r.stdout_data);
    b.core = j.at("core");
    b.sgemm_gflops = j.at("sgemm_gflops");
    b.copy_gbps = j.at("copy_gbps");
  } catch (const std::exception& e) {
    b.problem = e.what();
  }
  return b;
}

struct GpuBaselines {
  bool ok = false;
  std::string device, problem;
  double sgemm_gflops = 0, copy_gbps = 0;
};

GpuBaselines cuda_baselines(int64_t n) {
  GpuBaselines g;
  const auto nvcc = cgym::cuda::find_nvcc(cgym::cuda::Toolchain{});
  if (!nvcc) {
    g.problem = "nvcc not found";
    return g;
  }
  cgym::TempDir dir("loopnest-bench");
  const auto exe = dir.path() / "cuda_baselines";
  try {
    cgym::check_process({.argv = {nvcc->string(), "-O3", "-arch=native", "-o", exe.string(),
                                  CGYM_CUDA_BASELINES_SOURCE, "-lcublas"},
                         .timeout_seconds = 300});
    const auto r = cgym::run_process(
        {.argv = {exe.string(), std::to_string(n), std::to_string(n), std::to_string(n)},
         .timeout_seconds = 120});
    const auto j = nlohmann::json::parse(r.stdout_data.substr(r.stdout_data.find('{')));
    if (!j.value("ok", false)) {
      g.problem = j.value("error", std::string("?")) + ": " + j.value("detail", std::string());
      return g;
    }
    g.ok = true;
    g.device = j.at("device");
    g.sgemm_gflops = j.at("sgemm_gflops");
    g.copy_gbps = j.at("copy_gbps");
  } catch (const std::exception& e) {
    g.problem = e.what();
  }
  return g;
}

// ---- searches through the env ------------------------------------------------

// Search settings: quick measurements; the checked run is the warm-up, bad
// schedules are measured by their checked run alone (max_run_seconds), and
// a schedule whose one call takes 10x the naive 1024^3 matmul's (2 s) fails
// its step (run_timeout), so the search moves on. Measured on the first
// greedy round from the naive 1024^3 matmul: 52 s with warm-up 1, 0.5 s
// and 10 s; 31 s with these.
cgym::MakeOptions search_options(const Args& a) {
  cgym::MakeOptions o;
  o.action_space = "direct";
  o.reward_space = "flops";
  o.params = {{"backend", a.backend},     {"threads", std::to_string(a.threads)},
              {"warmup_runs", "0"},       {"timed_runs", "3"},
              {"max_run_seconds", "0.2"}, {"run_timeout", "2"}};
  return o;
}

// The long search's settings: the same, but each timed run repeats the
// kernel for at least 50 ms, which fast schedules (a 1024^3 matmul at 300
// GFLOP/s takes 7 ms a call) need for a steady median. With three single
// calls, a greedy search accepted steps that were noise: in the run of
// 2026-12-03 the 300-s search believed 321 GFLOP/s and ended at 274 when
// measured again, below the first two steps it had taken. Slow candidates
// cost no more (max_run_seconds still bounds them). In three runs with it
// the long search did not do visibly better (docs/performance.md, "Loop
// nests"): the machine's own swings are larger than what it removes.
cgym::MakeOptions careful_search_options(const Args& a) {
  cgym::MakeOptions o = search_options(a);
  o.params["min_batch_seconds"] = "0.05";
  return o;
}

struct Found {
  std::string name;
  std::vector<std::string> actions;
  double search_seconds = 0;
  uint64_t steps = 0;
  double gflops = 0;  // measured again with more runs
  std::string error;  // when the final measurement failed
  std::string loop_tree;
  int judged = 0, refused = 0;  // confirmations of greedy steps
};

// Measures a schedule (an action sequence of the "direct" space) carefully.
void remeasure(const Args& a, const std::string& uri, Found& f) {
  cgym::MakeOptions o;
  o.action_space = "direct";
  o.params = {{"backend", a.backend},        {"threads", std::to_string(a.threads)},
              {"warmup_runs", "3"},          {"timed_runs", "11"},
              {"min_batch_seconds", "0.01"}, {"max_run_seconds", "10"},
              {"run_timeout", "120"}};
  auto env = cgym::make("loopnest-v0", o);
  env->reset({.benchmark = uri});
  std::vector<cgym::Action> actions;
  for (const auto& n : f.actions) actions.push_back(env->action_space().index(n));
  if (!actions.empty()) {
    auto r = env->multistep(actions);
    if (r.info.failed()) {
      f.error = r.info.error_type + ": " + r.info.error_details;
      return;
    }
  }
  try {
    f.gflops = env->observation("flops").as<double>();
    f.loop_tree = env->observation("loop_tree").as<std::string>();
  } catch (const std::exception& e) {
    f.error = e.what();
  }
}

Found run_random(const Args& a, const std::string& uri, double seconds, uint64_t seed) {
  const auto options = search_options(a);
  auto result = cgym::random_search([&] { return cgym::make("loopnest-v0", options); },
                                    {.benchmark = uri,
                                     .reward_space = "flops",
                                     .runtime_seconds = seconds,
                                     .patience = 15,
                                     .episode_length = 25,
                                     .nproc = 1,
                                     .seed = seed});
  return {.name = "random search",
          .actions = result.best_action_names,
          .search_seconds = result.seconds,
          .steps = result.steps};
}

// A greedy search on a fresh env. With `confirm`, a round's best
// candidates are timed again, alternately with the current state, three
// times each (cgym::confirm_by_remeasuring, loopnest.remeasure), and a step
// is taken only when the candidate's median beats the state's by more than
// 1%: the quick timings that rank a round are single runs, and on this
// shared machine the best of 60 of them is often a lucky one.
// With branches > 1, it runs from that many first steps
// (GreedySearchOptions::branches), and the branches are compared the same
// way.
// With `pruned`, candidates slower than the round's bar are given up after
// their first call (cgym::prune_below_best), and the first round tries the
// structured actions (after end_of_episode in the direct space) first.
Found run_greedy(const cgym::MakeOptions& options, const std::string& uri, double seconds,
                 bool confirm, const std::string& name = "greedy search", int branches = 1,
                 bool pick_best = false, bool pruned = true, bool prebuilt = true) {
  auto env = cgym::make("loopnest-v0", options);
  env->reset({.benchmark = uri});
  Found found{.name = name};
  std::vector<cgym::Action> structured;
  const cgym::Action end = env->action_space().index("end_of_episode");
  for (cgym::Action i = end + 1; i < env->action_space().size(); ++i) structured.push_back(i);
  cgym::GreedySearchOptions greedy{
      .runtime_seconds = seconds,
      .on_step = [](const cgym::ActionScore& s, const cgym::SearchProgress& p) {
        std::printf("    greedy %6.1fs: %-22s %+9.3f GFLOP/s (total %+.3f)\n", p.seconds,
                    s.name.c_str(), s.reward, p.best_reward);
        std::fflush(stdout);
      }};
  greedy.branches = branches;
  greedy.confirm_pick_best = pick_best;
  if (pruned) {
    greedy.prune = cgym::prune_below_best();
    greedy.try_first = structured;
  }
  if (prebuilt && pruned) greedy.prepare = cgym::prebuild_candidates();
  if (confirm) {
    cgym::Remeasured last;
    auto judge = cgym::confirm_by_remeasuring("loopnest.remeasure", 3, 0.01,
                                              [&](const cgym::Remeasured& m) { last = m; });
    greedy.confirm = [&, judge](cgym::Env& current, cgym::Env& candidate) {
      const bool accepted = judge(current, candidate);
      ++found.judged;
      if (!accepted) ++found.refused;
      // A step, or one candidate or branch against another (the choice so
      // far).
      const bool step = candidate.actions().size() == current.actions().size() + 1;
      std::printf("      timed again: %s%-22s %8.2f against %8.2f GFLOP/s now: %s\n",
                  step ? "" : "rival ending in ",
                  candidate.action_space().action_name(candidate.actions().back()).c_str(),
                  last.candidate_median, last.current_median, accepted ? "taken" : "refused");
      std::fflush(stdout);
      return accepted;
    };
  }
  const auto result = cgym::greedy_search(*env, greedy);
  found.actions = result.best_action_names;
  found.search_seconds = result.seconds;
  found.steps = result.steps;
  return found;
}

// Points CGYM_CACHE at a fresh directory and empties the process caches
// for as long as it lives, so that a search starts cold: it compiles every
// schedule it tries and computes the reference, as a first search of a
// benchmark does. The previous directory comes back afterwards.
class ColdCache {
 public:
  ColdCache() : dir_("loopnest-bench-cache") {
    if (const char* v = std::getenv("CGYM_CACHE")) previous_ = v;
    ::setenv("CGYM_CACHE", dir_.path().c_str(), 1);
    cgym::cuda::clear_process_caches();
  }
  ~ColdCache() {
    if (previous_.empty()) {
      ::unsetenv("CGYM_CACHE");
    } else {
      ::setenv("CGYM_CACHE", previous_.c_str(), 1);
    }
    cgym::cuda::clear_process_caches();
  }
  ColdCache(const ColdCache&) = delete;
  ColdCache& operator=(const ColdCache&) = delete;
  const std::filesystem::path& path() const { return dir_.path(); }

 private:
  cgym::TempDir dir_;
  std::string previous_;
};

// What one search step costs, taken apart: code generation, the compiler,
// and the checked, timed run, each timed on its own for the schedules one
// edit away from the naive one (the first round of a greedy search), with
// builds in a fresh cache directory (cold, as in a search).
struct StepCost {
  int samples = 0;
  double codegen = 0, compile = 0, run = 0;  // medians, seconds
};

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

StepCost measure_step_cost(const Args& a, const std::string& uri, int max_samples) {
  namespace lc = cgym::cuda;
  const ColdCache cache;
  auto probe = cgym::make("loopnest-v0", search_options(a));
  probe->reset({.benchmark = uri});
  const auto c = lc::Computation::from_json(nlohmann::json::parse(probe->benchmark()->program()));
  const lc::Target t = a.backend == "cuda" ? lc::Target::kCuda : lc::Target::kCpu;
  const lc::Settings settings = lc::Settings::from_params(search_options(a).params);
  const lc::Schedule naive = lc::initial_schedule(c, t);
  std::vector<lc::Schedule> candidates;
  for (size_t pos = 0; pos < naive.size(); ++pos) {
    for (int e = 0; e < static_cast<int>(lc::primitive_edits().size()); ++e) {
      lc::Schedule s = naive;
      if (lc::apply_edit(e, pos, c, t, s)) candidates.push_back(s);
    }
  }
  for (size_t i = 0; i < lc::structured_actions().size(); ++i) {
    lc::Schedule s = naive;
    for (const auto& e : lc::expand_structured(i, c, t, naive))
      lc::apply_edit(e.edit, e.pos, c, t, s);
    if (!(s == naive)) candidates.push_back(s);
  }
  std::vector<double> codegen, compile, run;
  for (const auto& s : candidates) {
    if (static_cast<int>(codegen.size()) >= max_samples) break;
    try {
      const double t0 = now();
      const auto program = lc::generate_program(c, s, {.target = t});
      const double t1 = now();
      const auto build = lc::build_program(program, t, settings.toolchain, cache.path());
      const double t2 = now();
      lc::RunOptions o = settings.run;
      o.reference_file = lc::reference_file(c, t);
      lc::run_program(build, o);
      const double t3 = now();
      codegen.push_back(t1 - t0);
      compile.push_back(t2 - t1);
      run.push_back(t3 - t2);
    } catch (const std::exception&) {
      // A schedule too slow for run_timeout: not a typical step.
    }
  }
  return {static_cast<int>(codegen.size()), median(codegen), median(compile), median(run)};
}

std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " ") + s;
  return out.empty() ? "(none)" : out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::strcmp(argv[1], "--cpu-baseline") == 0) {
    const int64_t n = std::atoll(argv[2]);
    const int threads = std::atoi(argv[3]);
    if (n <= 0 || threads < 0) {
      std::fprintf(stderr,
                   "--cpu-baseline N THREADS: N must be a positive size and THREADS >= 0 "
                   "(0 = all cores), got '%s' '%s'\n",
                   argv[2], argv[3]);
      return 2;
    }
    const double gflops = openblas_sgemm_gflops(n, threads);
    std::printf("%s\n", nlohmann::json({{"core", openblas_core()},
                                        {"sgemm_gflops", gflops},
                                        {"copy_gbps", cpu_copy_gbps(threads)}})
                            .dump()
                            .c_str());
    return 0;
  }
  const Args a = parse(argc, argv);
  if (!a.measure.empty()) {
    const std::string n = std::to_string(a.size);
    Found f{.name = "schedule", .actions = words(a.measure)};
    try {
      remeasure(
          a,
          "benchmark://loopnest-v0/matmul?m=" + n + "&n=" + n + "&k=" + n + "&backend=" + a.backend,
          f);
    } catch (const std::exception& e) {
      f.error = e.what();
    }
    if (!f.error.empty()) {
      std::fprintf(stderr, "loopnest_bench --measure: %s\n", f.error.c_str());
      return 1;
    }
    std::printf("%.2f GFLOP/s\n%s", f.gflops, f.loop_tree.c_str());
    return 0;
  }
  const double start = now();
  // This run's builds and references only, never an earlier run's.
  const ColdCache run_cache;
  nlohmann::json report = {{"backend", a.backend}, {"size", a.size}, {"threads", a.threads}};
  std::printf("loopnest_bench: backend %s, matmul %lld^3, threads %s\n", a.backend.c_str(),
              static_cast<long long>(a.size),
              a.threads ? std::to_string(a.threads).c_str() : "all");
  if (std::FILE* f = std::fopen("/proc/loadavg", "r")) {
    char line[128] = {};
    if (std::fgets(line, sizeof line, f)) {
      std::printf("load average: %s", line);
      report["loadavg"] = std::string(line, strcspn(line, "\n"));
    }
    std::fclose(f);
  }

  // Baselines first, on a quiet machine.
  double vendor_gflops = 0, bandwidth_gbps = 0;
  bool unforced_ok = false;  // the cpu baseline came from the child
  std::string vendor = a.backend == "cuda" ? "cuBLAS sgemm" : "OpenBLAS sgemm";
  if (a.backend == "cuda") {
    const auto g = cuda_baselines(a.size);
    if (!g.ok) {
      std::printf("no usable CUDA device for the baselines: %s\n", g.problem.c_str());
      report["error"] = g.problem;
      if (!a.json.empty()) std::ofstream(a.json) << report.dump(2) << "\n";
      return 3;
    }
    std::printf("device: %s\n", g.device.c_str());
    report["device"] = g.device;
    vendor_gflops = g.sgemm_gflops;
    bandwidth_gbps = g.copy_gbps;
  } else {
    // The real baseline: OpenBLAS with the kernel it picks itself, in a
    // child without the forcing variables. Beside it, what this process
    // (with the variables, if set) gets.
    std::string forced_by;
    for (const char* v : kOpenblasForcing) {
      if (const char* val = std::getenv(v))
        forced_by += std::string(forced_by.empty() ? "" : " ") + v + "=" + val;
    }
    const double forced_gflops = openblas_sgemm_gflops(a.size, a.threads);
    const double forced_copy = cpu_copy_gbps(a.threads);
    const CpuBaseline real = unforced_cpu_baseline(argv[0], a.size, a.threads);
    if (!real.problem.empty()) {
      std::printf("the unforced OpenBLAS baseline failed (%s); using this process's\n",
                  real.problem.c_str());
      vendor_gflops = forced_gflops;
      bandwidth_gbps = forced_copy;
    } else {
      vendor_gflops = real.sgemm_gflops;
      bandwidth_gbps = real.copy_gbps;
      unforced_ok = true;
      vendor += " (" + real.core + " kernel)";
    }
    std::printf("OpenBLAS in this process (%s): kernel %s, %.1f GFLOP/s; copy %.1f GB/s\n",
                forced_by.empty() ? "no forcing variables" : forced_by.c_str(),
                openblas_core().c_str(), forced_gflops, forced_copy);
    report["vendor_in_process"] = {{"kernel", openblas_core()},
                                   {"forced_by", forced_by},
                                   {"gflops", forced_gflops},
                                   {"copy_gbps", forced_copy}};
    report["vendor_kernel"] = real.core;
  }
  std::printf("%s: %.1f GFLOP/s; copy bandwidth: %.1f GB/s\n", vendor.c_str(), vendor_gflops,
              bandwidth_gbps);
  report["vendor"] = {{"name", vendor}, {"gflops", vendor_gflops}};
  report["copy_gbps"] = bandwidth_gbps;

  if (a.only != "bandwidth") {
    // ---- matmul ----
    const std::string n = std::to_string(a.size);
    const std::string mm =
        "benchmark://loopnest-v0/matmul?m=" + n + "&n=" + n + "&k=" + n + "&backend=" + a.backend;
    std::vector<Found> found;
    found.push_back({.name = "naive schedule"});
    std::printf("random search (%.0f s)...\n", a.random_seconds);
    std::fflush(stdout);
    {
      const ColdCache cold;
      found.push_back(run_random(a, mm, a.random_seconds, 1));
    }
    std::string greedy_name = "greedy search";
    if (a.greedy_branches > 1)
      greedy_name += ", " + std::to_string(a.greedy_branches) + " branches";
    std::printf("%s (%.0f s)...\n", greedy_name.c_str(), a.greedy_seconds);
    std::fflush(stdout);
    {
      const ColdCache cold;
      found.push_back(run_greedy(search_options(a), mm, a.greedy_seconds, true, greedy_name,
                                 a.greedy_branches));
    }
    if (a.compare_unpruned) {
      std::printf("greedy search (%.0f s), unpruned...\n", a.greedy_seconds);
      std::fflush(stdout);
      const ColdCache cold;
      found.push_back(run_greedy(search_options(a), mm, a.greedy_seconds, true,
                                 "greedy search, unpruned", 1, false, false));
    }
    if (a.compare_unprebuilt) {
      std::printf("greedy search (%.0f s), not built ahead...\n", a.greedy_seconds);
      std::fflush(stdout);
      const ColdCache cold;
      found.push_back(run_greedy(search_options(a), mm, a.greedy_seconds, true,
                                 greedy_name + ", not built ahead", a.greedy_branches, false, true,
                                 false));
    }
    // The long search (confirmed, branched, the best of each round's
    // confirmed candidates applied: confirm_pick_best), then its baselines:
    // the same without confirmed steps (one branch, as before branches
    // existed), and confirmed with one branch, the first confirmed
    // candidate applied.
    struct Long {
      bool confirm;
      int branches;
      bool pick_best;
      bool pruned;
      bool wanted;
    };
    for (const Long& l : {Long{true, a.long_branches, true, true, true},
                          Long{true, a.long_branches, true, false, a.compare_unpruned},
                          Long{false, 1, false, true, a.compare_unconfirmed},
                          Long{true, 1, false, true, a.compare_unbranched}}) {
      if (a.long_seconds <= 0 || !l.wanted) continue;
      const ColdCache cold;
      std::string name =
          "greedy search, " + std::to_string(static_cast<int>(a.long_seconds)) + " s";
      if (!l.confirm) name += ", unconfirmed";
      if (l.branches > 1) name += ", " + std::to_string(l.branches) + " branches";
      if (l.pick_best) name += ", best confirmed";
      if (!l.pruned) name += ", unpruned";
      std::printf("%s...\n", name.c_str());
      std::fflush(stdout);
      found.push_back(run_greedy(careful_search_options(a), mm, a.long_seconds, l.confirm, name,
                                 l.branches, l.pick_best, l.pruned));
    }
    // Not a search result: what the code generator reaches with a schedule
    // written by hand, to separate the quality of the search from the
    // quality of the generated code.
    Found expert{.name = "hand-written schedule (not searched)"};
    if (a.backend == "cuda") {
      expert.actions = {"split_8@0",   "toggle_parallel@1", "split_32@2",     "swap_down@1",
                        "swap_down@2", "swap_down@3",       "toggle_unroll@4"};
    } else {
      // An 8x32 register tile, parallel rows, then a cache tile: blocks of
      // 64 k (k.0 outermost), the best of the block sizes tried by hand on
      // 2026-12-03 (32: 170, 64: 183, 128: 169, 256: 157 GFLOP/s; without
      // one: 98).
      expert.actions = {"split_8@0",   "split_32@2",        "swap_down@1",     "swap_down@3",
                        "swap_down@2", "toggle_parallel@0", "toggle_unroll@3", "toggle_vectorize@4",
                        "split_32@2",  "split_2@2",         "swap_down@1",     "swap_down@0"};
    }
    found.push_back(expert);
    for (auto& f : found) remeasure(a, mm, f);
    if (unforced_ok) {
      // The baseline again, after the searches: on this shared machine one
      // measurement can be far off (2026-12-03: 398, 320 and 179 GFLOP/s in
      // three runs). The higher of the two counts, which can only make the
      // searches' percentages smaller.
      const CpuBaseline again = unforced_cpu_baseline(argv[0], a.size, a.threads);
      if (again.problem.empty()) {
        std::printf(
            "%s again, after the searches: %.1f GFLOP/s; copy bandwidth %.1f GB/s (the "
            "higher of each counts)\n",
            vendor.c_str(), again.sgemm_gflops, again.copy_gbps);
        report["vendor_after"] = {{"gflops", again.sgemm_gflops}, {"copy_gbps", again.copy_gbps}};
        vendor_gflops = std::max(vendor_gflops, again.sgemm_gflops);
        bandwidth_gbps = std::max(bandwidth_gbps, again.copy_gbps);
        report["vendor"]["gflops"] = vendor_gflops;
        report["copy_gbps"] = bandwidth_gbps;
      }
    }
    nlohmann::json rows = nlohmann::json::array();
    for (auto& f : found) {
      const double pct = vendor_gflops > 0 ? 100.0 * f.gflops / vendor_gflops : 0;
      std::printf("  %-38s %9.2f GFLOP/s  %6.1f%% of %s  (%llu steps, %.0f s)\n", f.name.c_str(),
                  f.gflops, pct, vendor.c_str(), static_cast<unsigned long long>(f.steps),
                  f.search_seconds);
      std::printf("    actions: %s\n", join(f.actions).c_str());
      if (f.judged > 0) {
        std::printf("    steps timed again: %d, refused: %d\n", f.judged, f.refused);
      }
      if (!f.error.empty()) std::printf("    error: %s\n", f.error.c_str());
      std::istringstream tree(f.loop_tree);
      for (std::string line; std::getline(tree, line);) std::printf("    | %s\n", line.c_str());
      rows.push_back({{"name", f.name},
                      {"gflops", f.gflops},
                      {"percent_of_vendor", pct},
                      {"actions", f.actions},
                      {"steps", f.steps},
                      {"search_seconds", f.search_seconds},
                      {"confirmations", f.judged},
                      {"refused", f.refused},
                      {"error", f.error}});
    }
    report["matmul"] = rows;

    // ---- what one step costs ----
    const StepCost cost = measure_step_cost(a, mm, a.backend == "cuda" ? 8 : 16);
    const double step = cost.codegen + cost.compile + cost.run;
    std::printf(
        "  one step (median of %d schedules one edit from naive, cold builds): codegen %.2f ms, "
        "compile %.0f ms (%.0f%%), checked timed run %.0f ms (%.0f%%)\n",
        cost.samples, 1e3 * cost.codegen, 1e3 * cost.compile,
        step > 0 ? 100 * cost.compile / step : 0.0, 1e3 * cost.run,
        step > 0 ? 100 * cost.run / step : 0.0);
    report["step_cost"] = {{"samples", cost.samples},
                           {"codegen_seconds", cost.codegen},
                           {"compile_seconds", cost.compile},
                           {"run_seconds", cost.run}};
  }

  if (a.only != "matmul") {
    // ---- pointwise, transpose, reduction: fraction of the copy bandwidth ----
    const int64_t pw = a.backend == "cuda" ? int64_t{1} << 26 : int64_t{1} << 24;
    const int64_t tr = a.backend == "cuda" ? 8192 : 4096;
    struct Bw {
      std::string name, uri;
      std::vector<std::string> hand;  // a hand-written schedule, for scale
    };
    const std::vector<Bw> bws = {
        {"pointwise n=" + std::to_string(pw),
         "benchmark://loopnest-v0/pointwise?n=" + std::to_string(pw) + "&backend=" + a.backend,
         a.backend == "cuda" ? std::vector<std::string>{"split_32@0", "split_32@0"}
                             : std::vector<std::string>{"toggle_parallel@0", "toggle_vectorize@0"}},
        {"transpose " + std::to_string(tr) + "x" + std::to_string(tr),
         "benchmark://loopnest-v0/transpose?m=" + std::to_string(tr) + "&n=" + std::to_string(tr) +
             "&backend=" + a.backend,
         // cuda: 32x32 tiles, i.0 j.0 i.1 j.1. cpu: 8x8 blocks, i.0 j.0 j.1 i.1,
         // both unrolled (contiguous stores), parallel.
         a.backend == "cuda"
             ? std::vector<std::string>{"split_32@0", "split_32@2", "swap_down@1"}
             : std::vector<std::string>{"split_8@0", "split_8@2", "swap_down@1", "swap_down@2",
                                        "toggle_unroll@2", "toggle_unroll@3", "toggle_parallel@0"}},
        // Row sums: reads m*n floats, writes m.
        {"reduction " + std::to_string(tr) + "x" + std::to_string(tr),
         "benchmark://loopnest-v0/reduction?m=" + std::to_string(tr) + "&n=" + std::to_string(tr) +
             "&backend=" + a.backend,
         a.backend == "cuda" ? std::vector<std::string>{"split_32@0"}
                             : std::vector<std::string>{"toggle_parallel@0", "toggle_vectorize@1"}},
    };
    nlohmann::json bw_rows = nlohmann::json::array();
    for (const auto& b : bws) {
      auto probe = cgym::make("loopnest-v0", search_options(a));
      probe->reset({.benchmark = b.uri});
      const auto c =
          cgym::cuda::Computation::from_json(nlohmann::json::parse(probe->benchmark()->program()));
      Found naive{.name = "naive"};
      Found greedy;
      {
        const ColdCache cold;
        // Branched like the 60-s matmul search (--greedy-branches).
        greedy = run_greedy(search_options(a), b.uri, a.bandwidth_seconds, true, "greedy search",
                            a.greedy_branches);
      }
      Found hand{.name = "hand-written", .actions = b.hand};
      for (Found* f : {&naive, &greedy, &hand}) {
        remeasure(a, b.uri, *f);
        const double seconds = f->gflops > 0 ? c.flop_count() / (f->gflops * 1e9) : 0;
        const double gbps = seconds > 0 ? c.min_bytes() / seconds / 1e9 : 0;
        std::printf("  %-22s %-14s %8.1f GB/s  %5.1f%% of copy bandwidth  actions: %s\n",
                    b.name.c_str(), f->name.c_str(), gbps,
                    bandwidth_gbps > 0 ? 100 * gbps / bandwidth_gbps : 0.0,
                    join(f->actions).c_str());
        if (!f->error.empty()) std::printf("    error: %s\n", f->error.c_str());
        bw_rows.push_back(
            {{"computation", b.name},
             {"schedule", f->name},
             {"gbps", gbps},
             {"percent_of_copy", bandwidth_gbps > 0 ? 100 * gbps / bandwidth_gbps : 0},
             {"actions", f->actions},
             {"error", f->error}});
      }
    }
    report["bandwidth"] = bw_rows;
  }
  report["seconds"] = now() - start;
  std::printf("total %.0f s\n", now() - start);
  if (!a.json.empty()) std::ofstream(a.json) << report.dump(2) << "\n";
  return 0;
}
