// Beam search over LLVM pass orderings (llvm-ic-v0), on a VectorEnv.
//
//   beam_search [--benchmark URI] [--width W] [--max-depth D] [--patience P]
//               [--threads T]
//
// The beam holds the W best distinct program states found at the current
// depth. Each round expands every beam state by every action: a VectorEnv
// holds one fork() per (state, action) pair and steps them all on T
// threads. The W best children (by episode reward; states with the same IR
// hash count once) form the next beam. The search stops after P rounds that
// did not improve the best state, or at depth D.
//
// The reward is IrInstructionCountOz: the episode total is 1.0 when the
// search removed as many instructions as -Oz, above 1.0 when it beat -Oz.
#include <cgym/cgym.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <iomanip>
#include <iostream>
#include <set>

int main(int argc, char** argv) {
  CLI::App app{"Beam search over LLVM passes on llvm-ic-v0"};
  std::string benchmark = "benchmark://cgym-v0/crc32";
  int width = 4, max_depth = 50, patience = 2, threads = 2;
  app.add_option("--benchmark", benchmark, "program to optimize")->capture_default_str();
  app.add_option("--width", width, "states kept per round")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--max-depth", max_depth, "most passes in a sequence")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--patience", patience, "rounds without improvement before stopping")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--threads", threads, "worker threads stepping the forks")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  try {
    const auto start = std::chrono::steady_clock::now();
    auto root = cgym::make("llvm-ic-v0");
    root->reset({.benchmark = benchmark});
    const int num_actions = root->action_space().size();

    std::vector<cgym::EnvPtr> beam;
    beam.push_back(root->fork());
    cgym::EnvPtr best = root->fork();
    long forks = 0;
    int rounds_without_improvement = 0;
    std::cout << std::fixed << std::setprecision(4);
    for (int depth = 1; depth <= max_depth && rounds_without_improvement < patience; ++depth) {
      // Forks are made here, on this thread; the VectorEnv only steps them.
      const int n = static_cast<int>(beam.size()) * num_actions;
      cgym::VectorEnv children([&](int id) { return beam[id / num_actions]->fork(); },
                               {.num_envs = n, .num_threads = threads});
      std::vector<cgym::Action> actions(n);
      for (int id = 0; id < n; ++id) actions[id] = id % num_actions;
      const auto results = children.step(actions);
      forks += n;

      std::vector<int> order;
      for (int id = 0; id < n; ++id) {
        if (!results[id].step.info.failed()) order.push_back(id);
      }
      std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return children.env(a).episode_reward() > children.env(b).episode_reward();
      });
      std::vector<cgym::EnvPtr> next;
      std::set<std::string> seen;
      for (int id : order) {
        if (static_cast<int>(next.size()) == width) break;
        auto& child = children.env(id);
        if (!seen.insert(child.observation("IrSha1").as<std::string>()).second) continue;
        next.push_back(child.fork());
      }
      if (next.empty()) break;
      beam = std::move(next);
      if (beam.front()->episode_reward() > best->episode_reward() + 1e-12) {
        best = beam.front()->fork();
        rounds_without_improvement = 0;
      } else {
        ++rounds_without_improvement;
      }
      std::cout << "depth " << depth << ": beam best " << beam.front()->episode_reward()
                << ", overall best " << best->episode_reward() << "\n";
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto ic = best->observation("IrInstructionCount").as<int64_t>();
    const auto o0 = best->observation("IrInstructionCountO0").as<int64_t>();
    const auto oz = best->observation("IrInstructionCountOz").as<int64_t>();
    std::cout << std::setprecision(3) << "benchmark:        " << benchmark << "\n"
              << "search:           width " << width << ", " << best->actions().size()
              << " passes chosen, " << forks << " forks tried in " << seconds << " s\n"
              << "instructions:     " << o0 << " at -O0, " << oz << " at -Oz, " << ic << " found\n"
              << "relative to -Oz:  " << best->episode_reward()
              << "x (IrInstructionCountOz reward; 1.000x = as good as -Oz)\n"
              << "command line:     " << best->commandline() << "\n";
  } catch (const cgym::Error& e) {
    std::cerr << "beam_search: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
