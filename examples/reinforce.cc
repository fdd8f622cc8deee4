// REINFORCE (Williams, 1992) on llvm-autophase-ic-v0, in plain C++.
//
//   reinforce [--episodes N] [--steps T] [--seed S] [--lr X]
//             [--benchmarks a,b,...] [--all-actions] [--csv FILE] [--png FILE]
//             [--states FILE]
//
// The policy is a linear softmax over a small set of passes (or all of
// them with --all-actions). Its input is the 56 Autophase features divided
// by the module's instruction count, so that programs of every size look
// alike, plus the fraction of the episode used, the previous action (one
// hot) and a bias. Each episode
// runs on a random program of the bundled suite (RandomOrderBenchmarks) for
// T passes (TimeLimit); the gradient of log pi(a|x) for a linear softmax
// is (onehot(a) - pi) x^T, scaled by the return-to-go minus a per-step
// baseline (a moving average of past returns-to-go).
//
// Writes the learning curve as CSV (episode,benchmark,return,moving_average)
// and, when gnuplot is on PATH, as a PNG. Then runs the greedy (argmax)
// policy once on every training program, skipping actions that just had no
// effect, and with --states writes those episodes as a state CSV (for `cgym
// validate` and the leaderboard).
#include <cgym/cgym.h>
#include <cgym/search.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <numeric>

namespace {

// The position of TotalInsts in the Autophase vector (CompilerGym's order).
constexpr size_t kTotalInsts = 51;

const std::vector<std::string> kDefaultPasses = {
    "-mem2reg", "-sroa",           "-instcombine", "-simplifycfg", "-early-cse",
    "-gvn",     "-newgvn",         "-dce",         "-adce",        "-dse",
    "-sccp",    "-jump-threading", "-reassociate", "-licm",        "-loop-rotate",
    "-indvars", "-loop-deletion",  "-inline",      "-globaldce",   "-deadargelim"};

std::vector<double> features(const cgym::Observation& obs, int t, int max_steps, int previous,
                             int num_actions) {
  const auto& v = obs.as<std::vector<int64_t>>();
  const double total = std::max<double>(1.0, static_cast<double>(v.at(kTotalInsts)));
  std::vector<double> x;
  for (int64_t f : v) x.push_back(static_cast<double>(f) / total);
  x.push_back(static_cast<double>(t) / max_steps);
  for (int a = 0; a < num_actions; ++a) x.push_back(a == previous ? 1.0 : 0.0);
  x.push_back(1.0);
  return x;
}

// A linear softmax policy: logits = W x, W has one row per action.
struct Policy {
  int num_actions, dim;
  std::vector<double> w;

  Policy(int a, int d) : num_actions(a), dim(d), w(static_cast<size_t>(a) * d, 0.0) {}

  std::vector<double> probs(const std::vector<double>& x) const {
    std::vector<double> p(num_actions);
    for (int a = 0; a < num_actions; ++a)
      p[a] = std::inner_product(x.begin(), x.end(), w.begin() + a * dim, 0.0);
    const double top = *std::max_element(p.begin(), p.end());
    double sum = 0;
    for (double& v : p) sum += (v = std::exp(v - top));
    for (double& v : p) v /= sum;
    return p;
  }
  // w += scale * grad log pi(a | x)
  void update(const std::vector<double>& x, int action, double scale) {
    const auto p = probs(x);
    for (int a = 0; a < num_actions; ++a) {
      const double g = scale * ((a == action ? 1.0 : 0.0) - p[a]);
      for (int i = 0; i < dim; ++i) w[a * dim + i] += g * x[i];
    }
  }
};

int sample(const std::vector<double>& p, cgym::Rng& rng) {
  double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  for (size_t a = 0; a + 1 < p.size(); ++a) {
    if ((u -= p[a]) < 0) return static_cast<int>(a);
  }
  return static_cast<int>(p.size()) - 1;
}

int argmax(const std::vector<double>& p) {
  return static_cast<int>(std::max_element(p.begin(), p.end()) - p.begin());
}

// Writes a PNG of the learning curve with gnuplot (reading the script on stdin).
void plot(const std::string& csv, const std::string& png) {
  const std::string script =
      "set terminal png size 800,500\nset output '" + png +
      "'\nset datafile separator ','\nset key autotitle columnhead noenhanced\n"
      "set xlabel 'episode'\nset ylabel 'return (IrInstructionCountOz)'\n"
      "plot '" +
      csv +
      "' using 1:3 with points pt 7 ps 0.5 title 'return', '' using 1:4 "
      "with lines lw 2 title 'moving average of 20'\n";
  cgym::check_process({.argv = {"gnuplot"}, .stdin_data = script, .timeout_seconds = 60});
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"REINFORCE with a linear softmax policy on llvm-autophase-ic-v0"};
  int episodes = 1000, steps = 20;
  uint64_t seed = 0;
  double lr = 0.05;
  std::vector<std::string> benchmarks;
  bool all_actions = false;
  std::string csv = "reinforce.csv", png = "reinforce.png", states_csv;
  app.add_option("--episodes", episodes, "training episodes")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--steps", steps, "passes per episode")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--seed", seed, "seed of the benchmark order and the policy")
      ->capture_default_str();
  app.add_option("--lr", lr, "learning rate")->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--benchmarks", benchmarks, "training programs (default: all of cgym-v0)")
      ->delimiter(',');
  app.add_flag("--all-actions", all_actions, "use every pass, not the 20 default ones");
  app.add_option("--csv", csv, "learning curve output")->capture_default_str();
  app.add_option("--png", png, "plot output (written when gnuplot is on PATH)")
      ->capture_default_str();
  app.add_option("--states", states_csv,
                 "write the greedy policy's episodes as a state CSV (cgym validate reads it)");
  CLI11_PARSE(app, argc, argv);

  try {
    auto base = cgym::make("llvm-autophase-ic-v0");
    if (benchmarks.empty()) {
      for (const auto& uri : base->datasets().benchmark_uris()) {
        if (uri.starts_with("benchmark://cgym-v0/")) benchmarks.push_back(uri);
      }
    }
    std::vector<cgym::Action> actions;
    if (all_actions) {
      for (int a = 0; a < base->action_space().size(); ++a) actions.push_back(a);
    } else {
      for (const auto& name : kDefaultPasses) actions.push_back(base->action_space().index(name));
    }
    auto env =
        cgym::RandomOrderBenchmarks(cgym::TimeLimit(std::move(base), steps), benchmarks, seed);

    const int num_actions = static_cast<int>(actions.size());
    Policy policy(num_actions, 56 + 1 + num_actions + 1);
    cgym::Rng rng(seed);
    std::vector<double> baseline(steps, 0.0);
    std::deque<double> window;
    std::ofstream out(csv);
    out << "episode,benchmark,return,moving_average\n" << std::setprecision(6);
    for (int episode = 1; episode <= episodes; ++episode) {
      auto result = env->reset();
      std::vector<std::vector<double>> xs;
      std::vector<int> chosen;
      std::vector<double> rewards;
      while (env->in_episode()) {
        xs.push_back(features(result.observation, static_cast<int>(xs.size()), steps,
                              chosen.empty() ? -1 : chosen.back(), num_actions));
        chosen.push_back(sample(policy.probs(xs.back()), rng));
        result = env->step(actions[chosen.back()]);
        rewards.push_back(result.reward);
        // A failed step leaves no observation to learn from.
        if (result.info.failed()) break;
      }
      double ret_to_go = 0;
      for (int t = static_cast<int>(rewards.size()) - 1; t >= 0; --t) {
        ret_to_go += rewards[t];
        if (episode == 1) baseline[t] = ret_to_go;
        const double advantage = ret_to_go - baseline[t];
        baseline[t] = 0.9 * baseline[t] + 0.1 * ret_to_go;
        policy.update(xs[t], chosen[t], lr * advantage);
      }
      const double ret = std::accumulate(rewards.begin(), rewards.end(), 0.0);
      window.push_back(ret);
      if (window.size() > 20) window.pop_front();
      const double average = std::accumulate(window.begin(), window.end(), 0.0) / window.size();
      out << episode << "," << env->benchmark()->uri() << "," << ret << "," << average << "\n";
      if (episode % std::max(1, episodes / 10) == 0 || episode == episodes) {
        std::cout << "episode " << episode << ": moving average return " << std::fixed
                  << std::setprecision(4) << average << "\n";
      }
    }
    out.close();
    std::cout << "learning curve:   " << csv << " (" << episodes << " episodes)\n";
    if (cgym::find_program("gnuplot")) {
      plot(csv, png);
      std::cout << "plot:             " << png << "\n";
    } else {
      std::cout << "plot:             skipped (gnuplot is not on PATH)\n";
    }

    // The greedy policy, once per training program.
    std::vector<double> final_rewards;
    std::vector<cgym::EnvState> states;
    for (const auto& uri : benchmarks) {
      const auto started = std::chrono::steady_clock::now();
      auto result = env->reset({.benchmark = uri});
      // Argmax over the actions not yet found useless in this state: an
      // action that changed nothing would otherwise be chosen again forever.
      std::vector<char> useless(num_actions, 0);
      for (int t = 0, previous = -1; env->in_episode(); ++t) {
        auto p = policy.probs(features(result.observation, t, steps, previous, num_actions));
        for (int a = 0; a < num_actions; ++a) {
          if (useless[a]) p[a] = -1;
        }
        previous = argmax(p);
        result = env->step(actions[previous]);
        if (result.info.action_had_no_effect) {
          useless[previous] = 1;
        } else {
          std::fill(useless.begin(), useless.end(), 0);
        }
        if (std::count(useless.begin(), useless.end(), 1) == num_actions) break;
      }
      final_rewards.push_back(env->episode_reward());
      states.push_back(env->state());
      states.back().walltime =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      std::cout << "greedy policy:    " << uri << " " << env->episode_reward() << " "
                << env->commandline() << "\n";
    }
    const double mean =
        std::accumulate(final_rewards.begin(), final_rewards.end(), 0.0) / final_rewards.size();
    std::cout << "greedy policy mean reward: " << mean << " (geomean "
              << cgym::geomean(final_rewards) << ") over " << final_rewards.size() << " programs\n";
    if (!states_csv.empty()) {
      cgym::write_state_csv_file(states_csv, states);
      std::cout << "states:           " << states_csv << "\n";
    }
  } catch (const cgym::Error& e) {
    std::cerr << "reinforce: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
