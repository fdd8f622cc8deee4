// Greedy search over LLVM pass orderings (llvm-ic-v0).
//
//   greedy_search [--benchmark URI] [--max-steps N]
//
// At each step every action is tried on its own fork() of the current
// state, and the action that removes the most instructions is applied to
// the env. The search stops when no action earns a positive reward. A fork
// copies the module in memory, so trying all 132 passes costs 132 pass runs
// and no reparse of the program.
//
// The reward is IrInstructionCountOz: the episode total is 1.0 when the
// search removed as many instructions as -Oz, above 1.0 when it beat -Oz.
#include <cgym/cgym.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <iomanip>
#include <iostream>

int main(int argc, char** argv) {
  CLI::App app{"Greedy search over LLVM passes on llvm-ic-v0"};
  std::string benchmark = "benchmark://cgym-v0/crc32";
  int max_steps = 100;
  app.add_option("--benchmark", benchmark, "program to optimize")->capture_default_str();
  app.add_option("--max-steps", max_steps, "most passes to apply")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  try {
    const auto start = std::chrono::steady_clock::now();
    auto env = cgym::make("llvm-ic-v0");
    env->reset({.benchmark = benchmark});
    const int num_actions = env->action_space().size();
    long forks = 0;
    std::cout << std::fixed << std::setprecision(4);
    for (int step = 0; step < max_steps; ++step) {
      double best_reward = 0;
      cgym::Action best_action = -1;
      for (cgym::Action a = 0; a < num_actions; ++a) {
        auto candidate = env->fork();
        ++forks;
        const auto r = candidate->step(a);
        // A failed pass (a crash inside LLVM) ends only the fork's episode.
        if (r.info.failed()) continue;
        if (r.reward > best_reward + 1e-12) {
          best_reward = r.reward;
          best_action = a;
        }
      }
      if (best_action < 0) break;
      env->step(best_action);
      std::cout << "step " << step + 1 << ": " << env->action_space().action_name(best_action)
                << " +" << best_reward << " (total " << env->episode_reward() << ")\n";
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto ic = env->observation("IrInstructionCount").as<int64_t>();
    const auto o0 = env->observation("IrInstructionCountO0").as<int64_t>();
    const auto oz = env->observation("IrInstructionCountOz").as<int64_t>();
    std::cout << std::setprecision(3) << "benchmark:        " << benchmark << "\n"
              << "search:           " << env->actions().size() << " passes chosen, " << forks
              << " forks tried in " << seconds << " s\n"
              << "instructions:     " << o0 << " at -O0, " << oz << " at -Oz, " << ic << " found\n"
              << "relative to -Oz:  " << env->episode_reward()
              << "x (IrInstructionCountOz reward; 1.000x = as good as -Oz)\n"
              << "command line:     " << env->commandline() << "\n";
  } catch (const cgym::Error& e) {
    std::cerr << "greedy_search: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
