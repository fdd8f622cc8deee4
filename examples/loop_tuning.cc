// Tuning a matmul loop nest on loopnest-v0 (CPU backend), against OpenBLAS.
//
//   loop_tuning [--size N] [--evaluations E] [--seconds S] [--threads T]
//               [--seed S]
//
// The search is a stochastic hill climber over the `direct` action space
// (edit@position): each candidate is a fork of the best schedule so far
// with 1 to 3 random edits applied as one multistep, so the env compiles
// and times it once. A candidate that is faster replaces the best. Each
// evaluation is a real build and a checked, timed run (seconds each), so
// the budget is counted in evaluations.
//
// The vendor baseline is OpenBLAS's cblas_sgemm on the same sizes, timed in
// this process with the same thread count.
#include <cblas.h>
#include <cgym/cgym.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <iomanip>
#include <iostream>

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// GFLOP/s of cblas_sgemm on C[m,n] = A[m,k] B[k,n]: the median of 5 timed
// runs, each repeating the call for at least 50 ms, after one warm-up.
double openblas_gflops(int m, int n, int k, int threads) {
  if (threads > 0) openblas_set_num_threads(threads);
  std::vector<float> a(static_cast<size_t>(m) * k, 0.5f), b(static_cast<size_t>(k) * n, 0.25f),
      c(static_cast<size_t>(m) * n);
  auto run = [&] {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a.data(), k, b.data(), n,
                0.0f, c.data(), n);
  };
  run();
  std::vector<double> rates;
  for (int r = 0; r < 5; ++r) {
    const auto start = std::chrono::steady_clock::now();
    int calls = 0;
    do {
      run();
      ++calls;
    } while (seconds_since(start) < 0.05);
    rates.push_back(2.0 * m * n * k * calls / seconds_since(start) / 1e9);
  }
  std::sort(rates.begin(), rates.end());
  return rates[rates.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Hill climbing over loopnest-v0 matmul schedules, against OpenBLAS"};
  int size = 256, evaluations = 30, threads = 0;
  double max_seconds = 0;
  uint64_t seed = 0;
  app.add_option("--size", size, "matmul m = n = k")
      ->check(CLI::Range(16, 4096))
      ->capture_default_str();
  app.add_option("--evaluations", evaluations, "schedules to build and time")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--seconds", max_seconds, "stop after this long (0 = no limit)")
      ->capture_default_str();
  app.add_option("--threads", threads, "CPU threads for schedules and OpenBLAS (0 = all)")
      ->capture_default_str();
  app.add_option("--seed", seed, "random seed")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  try {
    const auto start = std::chrono::steady_clock::now();
    const std::string n = std::to_string(size);
    auto env = cgym::make("loopnest-v0",
                          {.params = {{"backend", "cpu"}, {"threads", std::to_string(threads)}}});
    env->reset(
        {.benchmark = "benchmark://loopnest-v0/matmul?backend=cpu&k=" + n + "&m=" + n + "&n=" + n,
         .action_space = "direct"});
    const double naive = env->observation("flops").as<double>();
    std::cout << std::fixed << std::setprecision(2) << "naive schedule:   " << naive
              << " GFLOP/s\n";

    cgym::EnvPtr best = env->fork();
    double best_flops = naive;
    const int num_actions = env->action_space().size();
    const cgym::Action end = env->action_space().index("end_of_episode");
    cgym::Rng rng(seed);
    int evaluated = 0, failed = 0;
    while (evaluated < evaluations && (max_seconds <= 0 || seconds_since(start) < max_seconds)) {
      std::vector<cgym::Action> edits(std::uniform_int_distribution<int>(1, 3)(rng));
      for (auto& a : edits) {
        do a = std::uniform_int_distribution<int>(0, num_actions - 1)(rng);
        while (a == end);
      }
      auto candidate = best->fork();
      const auto r = candidate->multistep(edits);
      // Edits that change nothing (a position past the last loop, ...) are
      // not a new schedule: nothing was built, so they do not count.
      if (r.info.action_had_no_effect) continue;
      ++evaluated;
      // A failed step (a wrong result, a timeout) ends only this fork.
      if (r.info.failed()) {
        ++failed;
        continue;
      }
      const double flops = candidate->observation("flops").as<double>();
      if (flops > best_flops) {
        best_flops = flops;
        best = std::move(candidate);
        std::cout << "evaluation " << evaluated << ": " << best_flops << " GFLOP/s\n";
      }
    }
    const double blas = openblas_gflops(size, size, size, threads);
    std::cout << "search:           " << evaluated << " schedules evaluated (" << failed
              << " failed) in " << seconds_since(start) << " s\n"
              << "best schedule:    " << best_flops << " GFLOP/s, " << best_flops / naive
              << "x naive\n"
              << "OpenBLAS sgemm:   " << blas << " GFLOP/s\n"
              << "best / OpenBLAS:  " << 100.0 * best_flops / blas << "%\n"
              << "actions:          " << best->commandline() << "\n"
              << best->observation("loop_tree").as<std::string>() << "\n";
  } catch (const cgym::Error& e) {
    std::cerr << "loop_tuning: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
