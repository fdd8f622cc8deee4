// Random search over LLVM pass orderings on one bundled program, the demo
// of the README quick start.
//
//   random_search [--benchmark URI] [--seconds S] [--episode-length N] [--seed S]
//
// Each episode starts from a fork of the freshly reset env (no reparse),
// takes random passes, and remembers the best point of every episode. The
// reward is IrInstructionCountOz: 1.0 means as many instructions removed as
// -Oz removes.
#include <cgym/cgym.h>

#include <chrono>
#include <cstdlib>
#include <iomanip>
#include <iostream>

int main(int argc, char** argv) {
  std::string benchmark = "benchmark://cgym-v0/qsort";
  double seconds = 10;
  int episode_length = 40;
  uint64_t seed = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--benchmark") {
      benchmark = value;
    } else if (flag == "--seconds") {
      seconds = std::atof(value.c_str());
    } else if (flag == "--episode-length") {
      episode_length = std::atoi(value.c_str());
    } else if (flag == "--seed") {
      seed = std::strtoull(value.c_str(), nullptr, 10);
    } else {
      std::cerr << "unknown option " << flag
                << "; valid: --benchmark --seconds --episode-length --seed\n";
      return 2;
    }
  }
  try {
    auto env = cgym::make("llvm-ic-v0");
    env->reset({.benchmark = benchmark});
    const auto start = std::chrono::steady_clock::now();
    auto elapsed = [&] {
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    cgym::Rng rng(seed);
    double best_reward = 0;
    std::vector<cgym::Action> best;
    int episodes = 0;
    long steps = 0;
    while (elapsed() < seconds) {
      auto episode = env->fork();
      for (int t = 0; t < episode_length; ++t) {
        auto r = episode->step(episode->action_space().sample(rng));
        ++steps;
        if (r.done) break;
        if (episode->episode_reward() > best_reward + 1e-9) {
          best_reward = episode->episode_reward();
          best = episode->actions();
        }
      }
      ++episodes;
    }
    // Replay the best actions to report the exact instruction counts.
    env->reset();
    if (!best.empty()) env->multistep(best);
    const auto ic = env->observation("IrInstructionCount").as<int64_t>();
    const auto o0 = env->observation("IrInstructionCountO0").as<int64_t>();
    const auto oz = env->observation("IrInstructionCountOz").as<int64_t>();
    std::cout << std::fixed << std::setprecision(3);
    std::cout << "benchmark:        " << benchmark << "\n"
              << "search:           " << episodes << " episodes, " << steps << " steps in "
              << elapsed() << " s\n"
              << "instructions:     " << o0 << " at -O0, " << oz << " at -Oz, " << ic << " found\n"
              << "best reward:      " << env->episode_reward() << "\n"
              << "relative to -Oz:  " << env->episode_reward() << "x (1.000x = as good as -Oz)\n"
              << "command line:     " << env->commandline() << "\n";
  } catch (const cgym::Error& e) {
    std::cerr << "random_search: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
