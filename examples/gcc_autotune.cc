// Autotuning gcc's options on gcc-v0: random search, hill climbing and a
// genetic algorithm over the choice vector, after CompilerGym's gcc
// autotuning experiment (which compared the three on 12 CHStone programs
// with 1,000 compilations each).
//
//   gcc_autotune [--benchmarks a,b,...] [--compilations N] [--seed S]
//                [--population P] [--mutation-rate R]
//
// The state of gcc-v0 is one choice per gcc option (-1 = absent); the
// searches set whole vectors with cgym::gcc::set_choices() and read the
// obj_size observation. Each search gets N compilations per program (a
// state met before costs no compilation: gcc-v0 caches its artifacts).
// Results are object sizes relative to -Os: -Os size / best size, so above
// 1.0 means smaller than -Os.
#include <cgym/cgym.h>
#include <cgym/search.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <iomanip>
#include <iostream>
#include <limits>
#include <map>

#include "backends/gcc/gcc_env.h"

namespace {

using Choices = std::vector<int64_t>;
constexpr int64_t kFailed = std::numeric_limits<int64_t>::max();

struct Tuner {
  cgym::Env& env;
  const cgym::gcc::GccSpec& spec;
  cgym::Rng rng;
  double mutation_rate;
  int budget;
  int used = 0;
  Choices best;
  int64_t best_size = kFailed;

  // obj_size of a choice vector; kFailed when gcc rejects the combination.
  int64_t evaluate(const Choices& c) {
    ++used;
    cgym::gcc::set_choices(env, c);
    int64_t size = kFailed;
    try {
      size = env.observation("obj_size").as<int64_t>();
    } catch (const cgym::SessionError&) {
      // gcc rejected the options or timed out: this vector is not a candidate.
    }
    if (size < best_size) {
      best_size = size;
      best = c;
    }
    return size;
  }
  bool done() const { return used >= budget; }

  Choices random_choices() { return cgym::gcc::sample_choices(spec, rng, 0.9); }

  // Gives each option, with probability mutation_rate, a fresh random value
  // (sample_choices() keeps huge integer ranges near their defaults).
  Choices mutate(Choices c) {
    const Choices fresh = cgym::gcc::sample_choices(spec, rng, 0.5);
    std::uniform_real_distribution<double> coin(0, 1);
    for (size_t i = 0; i < c.size(); ++i) {
      if (coin(rng) < mutation_rate) c[i] = fresh[i];
    }
    return c;
  }

  void random_search() {
    while (!done()) evaluate(random_choices());
  }

  void hill_climb() {
    Choices current(spec.options.size(), -1);
    int64_t current_size = evaluate(current);
    while (!done()) {
      Choices next = mutate(current);
      if (const int64_t size = evaluate(next); size < current_size) {
        current = std::move(next);
        current_size = size;
      }
    }
  }

  // Steady state: each child of two tournament winners (uniform crossover,
  // then mutation) replaces the worst member when it is better.
  void genetic(int population_size) {
    std::vector<std::pair<int64_t, Choices>> population;
    while (!done() && static_cast<int>(population.size()) < population_size) {
      Choices c = random_choices();
      const int64_t size = evaluate(c);
      population.emplace_back(size, std::move(c));
    }
    std::uniform_int_distribution<size_t> pick(0, population.size() - 1);
    auto tournament = [&]() -> const Choices& {
      const auto& a = population[pick(rng)];
      const auto& b = population[pick(rng)];
      return a.first <= b.first ? a.second : b.second;
    };
    while (!done()) {
      const Choices& mother = tournament();
      const Choices& father = tournament();
      Choices child(mother.size());
      for (size_t i = 0; i < child.size(); ++i) child[i] = (rng() & 1) ? mother[i] : father[i];
      child = mutate(std::move(child));
      const int64_t size = evaluate(child);
      auto worst = std::max_element(population.begin(), population.end());
      if (size < worst->first) *worst = {size, std::move(child)};
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Random search, hill climbing and a genetic algorithm on gcc-v0"};
  std::vector<std::string> benchmarks = {"benchmark://cgym-v0/crc32", "benchmark://cgym-v0/qsort",
                                         "benchmark://cgym-v0/adpcm"};
  int compilations = 100, population = 10;
  uint64_t seed = 0;
  double mutation_rate = 0.02;
  app.add_option("--benchmarks", benchmarks, "programs to tune")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--compilations", compilations, "compilations per search and program")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--seed", seed, "random seed")->capture_default_str();
  app.add_option("--population", population, "genetic algorithm population")
      ->check(CLI::Range(2, 1000))
      ->capture_default_str();
  app.add_option("--mutation-rate", mutation_rate, "probability that an option mutates")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  try {
    auto env = cgym::make("gcc-v0");
    const auto spec = cgym::gcc::load_gcc_spec();
    const std::vector<std::string> searches = {"random", "hillclimb", "genetic"};
    std::map<std::string, std::vector<double>> ratios;
    std::cout << std::fixed << std::setprecision(3);
    for (const auto& uri : benchmarks) {
      env->reset({.benchmark = uri});
      const auto os_size = env->observation("obj_size_Os").as<int64_t>();
      std::cout << uri << ": -Os " << os_size << " bytes, -O0 "
                << env->observation("obj_size_O0").as<int64_t>() << " bytes\n";
      for (size_t s = 0; s < searches.size(); ++s) {
        const auto start = std::chrono::steady_clock::now();
        Tuner tuner{*env, *spec, cgym::Rng(seed + s), mutation_rate, compilations};
        if (searches[s] == "random") tuner.random_search();
        if (searches[s] == "hillclimb") tuner.hill_climb();
        if (searches[s] == "genetic") tuner.genetic(population);
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (tuner.best_size == kFailed) {
          std::cout << "  " << searches[s] << ": every compilation failed\n";
          ratios[searches[s]].push_back(0.0);
          continue;
        }
        const double ratio = static_cast<double>(os_size) / tuner.best_size;
        ratios[searches[s]].push_back(ratio);
        // The best state's gcc command line, read from the env.
        cgym::gcc::set_choices(*env, tuner.best);
        std::cout << "  " << std::left << std::setw(10) << searches[s] << std::right << " best "
                  << tuner.best_size << " bytes, " << ratio << "x -Os (" << tuner.used
                  << " compilations, " << std::setprecision(1) << seconds << " s)"
                  << std::setprecision(3) << "\n"
                  << "    command line: " << env->observation("command_line").as<std::string>()
                  << "\n";
      }
    }
    std::cout << "geomean size relative to -Os over " << benchmarks.size() << " programs:";
    for (const auto& s : searches) std::cout << " " << s << " " << cgym::geomean(ratios[s]) << "x";
    std::cout << "\n";
  } catch (const cgym::Error& e) {
    std::cerr << "gcc_autotune: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
