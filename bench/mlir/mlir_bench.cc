// mlir-v0's matmul against OpenBLAS in the same run, at 64^3, 256^3 and
// 1024^3:
//   naive:   the benchmark lowered as it is (linalg to scalar loops, -O3);
//   random:  the best schedule a random search finds in 60 s (each candidate
//            a whole random schedule set through "mlir.schedule", timed once;
//            the best timed again with 5 runs);
//   OpenBLAS cblas_sgemm on one thread (the JIT's kernels are single
//            threaded), in a child process started without this machine's
//            OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, so OpenBLAS picks its own
//            kernel (the table names it).
// Every kernel the env runs is checked against its C++ reference.
//
//   mlir_bench [--quick]       --quick: 64^3 and 256^3, 15 s searches
//   mlir_bench --sgemm N       (child) one line of JSON: core, GFLOP/s
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench_util.h"
#include "cgym/cgym.h"
#include "cgym/subprocess.h"

#ifdef CGYM_HAVE_OPENBLAS
#include <cblas.h>
extern "C" char* openblas_get_corename();
#endif

namespace {

using cgym::bench::Clock;
using cgym::bench::median;
using cgym::bench::seconds_since;

double gflops(int64_t n, double seconds) { return 2.0 * n * n * n / seconds / 1e9; }

int sgemm_child(int64_t n) {
#ifdef CGYM_HAVE_OPENBLAS
  std::vector<float> a(n * n, 1.0f), b(n * n, 0.5f), c(n * n, 0.0f);
  std::vector<double> t;
  const int reps = n <= 256 ? 50 : 7;
  for (int i = 0; i < reps + 2; ++i) {
    const auto start = Clock::now();
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a.data(), n, b.data(), n,
                1.0f, c.data(), n);
    if (i >= 2) t.push_back(seconds_since(start));
  }
  std::cout
      << nlohmann::json{{"core", openblas_get_corename()}, {"gflops", gflops(n, median(t))}}.dump()
      << "\n";
  return 0;
#else
  (void)n;
  std::cout << "{\"error\": \"built without OpenBLAS\"}\n";
  return 1;
#endif
}

struct Blas {
  std::string core, problem;
  double gflops = 0;
};

Blas sgemm(const char* self, int64_t n) {
  Blas b;
  try {
    const auto r =
        cgym::run_process({.argv = {"env", "-u", "OPENBLAS_CORETYPE", "-u", "OPENBLAS_L2_SIZE",
                                    "OPENBLAS_NUM_THREADS=1", self, "--sgemm", std::to_string(n)},
                           .timeout_seconds = 300});
    const auto j = nlohmann::json::parse(r.stdout_data);
    if (j.contains("error")) throw std::runtime_error(j["error"].get<std::string>());
    b.core = j.at("core");
    b.gflops = j.at("gflops");
  } catch (const std::exception& e) {
    b.problem = e.what();
  }
  return b;
}

nlohmann::json random_schedule(std::mt19937_64& rng) {
  auto pick = [&](std::initializer_list<int64_t> v) {
    return *(v.begin() + std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng));
  };
  auto coin = [&] { return std::uniform_int_distribution<int>(0, 1)(rng) == 1; };
  std::vector<int64_t> perm = {0, 1, 2};
  std::shuffle(perm.begin(), perm.end(), rng);
  return {{"tile_options",
           {{"tile_sizes",
             {pick({0, 4, 8, 16, 32, 64, 128, 256}), pick({0, 4, 8, 16, 32, 64, 128, 256}),
              pick({0, 1, 2, 4, 8, 16, 32, 64, 128, 256})}},
            {"interchange_vector", perm},
            {"promote", coin()},
            {"promote_full_tile", coin()},
            {"loop_type", coin() ? "loops" : "affine_loops"}}},
          {"vectorize_options",
           {{"vectorize", pick({0, 1, 1, 1}) == 1},
            {"vectorize_to", coin() ? "dot" : "outer_product"},
            {"vector_transfer_split", pick({0, 1, 2})},
            {"unroll_vector_transfers", coin()}}}};
}

double runtime(cgym::Env& env) {
  return median(env.observation("Runtime").as<std::vector<double>>());
}

struct Row {
  int64_t n = 0;
  double naive = 0, best = 0;
  std::string best_schedule;
  int tried = 0, refused = 0;
  double search_seconds = 0;
  Blas blas;
};

Row measure(const char* self, int64_t n, double budget) {
  Row row;
  row.n = n;
  const std::string uri = "generator://matmul-v0?k=" + std::to_string(n) +
                          "&m=" + std::to_string(n) + "&n=" + std::to_string(n);
  auto env = cgym::make(
      "mlir-v0", {.params = {{"runtime_runs", n <= 256 ? "5" : "3"}, {"runtime_cache", "0"}}});
  env->reset({.benchmark = uri});
  row.naive = runtime(*env);
  // The search: whole random schedules, one timed run each.
  auto search = cgym::make("mlir-v0", {.params = {{"runtime_runs", "1"}}});
  search->reset({.benchmark = uri});
  std::mt19937_64 rng(2026);
  const auto start = Clock::now();
  double best = 1e30;
  nlohmann::json best_schedule;
  while (seconds_since(start) < budget) {
    const auto s = random_schedule(rng);
    ++row.tried;
    try {
      search->send_session_parameter("mlir.schedule", s.dump());
      const double t = runtime(*search);
      if (t < best) {
        best = t;
        best_schedule = s;
      }
    } catch (const std::exception&) {
      ++row.refused;  // refused by mlir-v0 or MLIR (too large a vector, ...)
      if (!search->in_episode()) search->reset({.benchmark = uri});
    }
  }
  row.search_seconds = seconds_since(start);
  // The best again, measured like the naive one.
  env->send_session_parameter("mlir.schedule", best_schedule.dump());
  row.best = runtime(*env);
  row.best_schedule = env->send_session_parameter("mlir.get_schedule", "");
  row.blas = sgemm(self, n);
  return row;
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--sgemm" && i + 1 < argc) return sgemm_child(std::stoll(argv[i + 1]));
    if (a == "--quick") {
      quick = true;
    } else {
      std::cerr << "usage: mlir_bench [--quick]\n";
      return 2;
    }
  }
  std::vector<int64_t> sizes =
      quick ? std::vector<int64_t>{64, 256} : std::vector<int64_t>{64, 256, 1024};
  const double budget = quick ? 15.0 : 60.0;
  std::vector<Row> rows;
  for (int64_t n : sizes) {
    std::cerr << "matmul " << n << "^3 ..." << std::endl;
    rows.push_back(measure(argv[0], n, budget));
  }
  std::cout << "mlir-v0's matmul (f32, one thread, JIT-compiled by MLIR 19 at -O3) against "
               "OpenBLAS `cblas_sgemm` on one thread in the same run. The random search sets "
               "whole random schedules through `mlir.schedule` for "
            << budget
            << " s, timing each once; its best and the naive lowering are timed again with 5 "
               "runs (3 at 1024^3), medians. OpenBLAS runs in a child process without this "
               "machine's OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, so it uses its own kernel.\n\n";
  std::cout << "| matmul | naive | best of random search | OpenBLAS sgemm (1 thread) | best / "
               "naive | best / OpenBLAS | candidates (refused) |\n|---|---|---|---|---|---|---|\n";
  for (const auto& r : rows) {
    const double naive = gflops(r.n, r.naive), best = gflops(r.n, r.best);
    std::cout << "| " << r.n << "³ | " << naive << " GFLOP/s | " << best << " GFLOP/s | ";
    if (r.blas.problem.empty()) {
      std::cout << r.blas.gflops << " GFLOP/s (" << r.blas.core << ") | ";
    } else {
      std::cout << "not measured: " << r.blas.problem << " | ";
    }
    std::cout << best / naive << "× | "
              << (r.blas.problem.empty() ? std::to_string(100.0 * best / r.blas.gflops) + "%"
                                         : std::string("-"))
              << " | " << r.tried << " (" << r.refused << ") in " << r.search_seconds << " s |\n";
  }
  std::cout << "\nBest schedules found:\n\n";
  for (const auto& r : rows) std::cout << "- " << r.n << "³: `" << r.best_schedule << "`\n";
  return 0;
}
