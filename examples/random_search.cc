// Random search over LLVM pass orderings on one bundled program, the demo
// of the README quick start.
//
//   random_search [--benchmark URI] [--seconds S] [--episode-length N] [--seed S]
//
// Each episode starts from a fork of the freshly reset env (no reparse),
// takes random passes, and remembers every improvement. The reward is
// IrInstructionCountOz: 1.0 means as many instructions removed as -Oz
// removes. The result reported is the best one whose program still prints
// what the unoptimised program prints (env->validate()).
#include <cgym/cgym.h>

#include <chrono>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

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
    // Every improvement, in increasing order of reward.
    std::vector<std::vector<cgym::Action>> improvements;
    double best_reward = 0;
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
          improvements.push_back(episode->actions());
        }
      }
      ++episodes;
    }
    const double search_seconds = elapsed();
    // A lower count proves nothing if the program no longer works: some pass
    // orders miscompile. validate() rebuilds the program from the command
    // line on a fresh compiler, runs it and compares its output with the
    // unoptimised program's. Report the best result that passes.
    int rejected = 0;
    std::string first_failure;
    bool validated = false;
    for (auto it = improvements.rbegin(); it != improvements.rend() && !validated; ++it) {
      env->reset();
      env->multistep(*it);
      const auto check = env->validate();
      if (check.okay()) {
        validated = true;
      } else {
        if (first_failure.empty() && !check.errors.empty()) {
          first_failure = check.errors[0].type + ": " + check.errors[0].details;
        }
        ++rejected;
      }
    }
    if (!validated) env->reset();  // nothing improved, or nothing validated
    const auto ic = env->observation("IrInstructionCount").as<int64_t>();
    const auto o0 = env->observation("IrInstructionCountO0").as<int64_t>();
    const auto oz = env->observation("IrInstructionCountOz").as<int64_t>();
    std::cout << std::fixed << std::setprecision(3);
    std::cout << "benchmark:        " << benchmark << "\n"
              << "search:           " << episodes << " episodes, " << steps << " steps in "
              << search_seconds << " s\n"
              << "validation:       " << rejected
              << " better results rejected by validation (the program misbehaved)"
              << (first_failure.empty() ? "" : "; first: " + first_failure) << "\n"
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
