// PPO (Schulman et al., 2017) with LibTorch on llvm-autophase-ic-v0.
//
//   ppo_libtorch [--iterations N] [--envs E] [--steps S] [--episode-length T]
//                [--seed X] [--csv FILE] [--eval-every K] [--states FILE] [--trace FILE]
//                [--deterministic]
//
// The whole loop of an RL user linking cgym: each iteration collects S steps
// from each of E environments of a VectorEnv (each one
// TimeLimit(RandomOrderBenchmarks(env, training programs, seed + i), T)),
// computes advantages with GAE, and updates a small actor-critic MLP with
// PPO's clipped objective over a few epochs of minibatches. Every K
// iterations (and after the last) the greedy policy runs on held-out
// programs (every 5th program of cgym-v0, never trained on). With --states,
// the final greedy policy also runs on every program of cgym-v0 (training
// and held-out), and its episodes are written as a state CSV for `cgym
// validate` and the leaderboard.
//
// Same-seed runs: the weights, the sampling, the benchmark order and the
// order of the VectorEnv's results are all seeded or fixed, but a few LLVM 19
// passes give a different module from run to run (heap addresses; see
// docs/llvm-actions.md), so two runs over all 132 passes can drift apart once
// a policy samples one of them where it varies. With --deterministic (the
// action space PassesLlvm19Deterministic) two runs with the same seed write
// the same curve.
//
// The reward is IrInstructionCountOz, so an episode's return is the
// instruction count reduction relative to -Oz's: 1.0 matches -Oz.
// Writes the learning curve as CSV: iteration,steps,train_mean_return,
// eval_mean_return (train: episodes that ended in that iteration; eval: empty
// when not evaluated).
#include <cgym/cgym.h>
#include <cgym/search.h>
#include <torch/torch.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <numeric>

namespace {

// --deterministic: the action space without the passes whose output varies
// from run to run (docs/llvm-actions.md).
std::string g_action_space;

cgym::EnvPtr make_env() {
  cgym::MakeOptions options;
  if (!g_action_space.empty()) options.action_space = g_action_space;
  return cgym::make("llvm-autophase-ic-v0", options);
}

// The position of TotalInsts in the Autophase vector (CompilerGym's order).
constexpr size_t kTotalInsts = 51;
constexpr int kAutophase = 56;

// The policy's input: Autophase counts divided by the instruction count (so
// programs of every size look alike), the log size, the fraction of the
// episode used (the horizon is part of the state, so a TimeLimit end is a
// true terminal state), and how often each pass ran so far (so the policy
// can tell what it already tried: Autophase alone often does not change).
struct Features {
  int num_actions, horizon;
  int dim() const { return kAutophase + 2 + num_actions; }

  void write(const cgym::Observation& obs, int t, const std::vector<int>& counts, float* x) const {
    const auto& v = obs.as<std::vector<int64_t>>();
    const double total = std::max<double>(1.0, static_cast<double>(v.at(kTotalInsts)));
    for (int i = 0; i < kAutophase; ++i) x[i] = static_cast<float>(v.at(i) / total);
    x[kAutophase] = static_cast<float>(std::log1p(total) / 10.0);
    x[kAutophase + 1] = static_cast<float>(t) / horizon;
    for (int a = 0; a < num_actions; ++a) x[kAutophase + 2 + a] = counts[a] / 4.0f;
  }
};

// Actor and critic share a trunk: the features that predict a good pass
// also predict how much is left to gain.
struct ActorCriticImpl : torch::nn::Module {
  torch::nn::Sequential trunk;
  torch::nn::Linear actor{nullptr}, critic{nullptr};

  ActorCriticImpl(int in, int hidden, int actions)
      : trunk(torch::nn::Linear(in, hidden), torch::nn::Tanh(), torch::nn::Linear(hidden, hidden),
              torch::nn::Tanh()),
        actor(hidden, actions),
        critic(hidden, 1) {
    register_module("trunk", trunk);
    register_module("actor", actor);
    register_module("critic", critic);
    // Near-uniform initial policy, so early rollouts explore every pass.
    torch::NoGradGuard no_grad;
    actor->weight.mul_(0.01);
  }
  // Returns (logits, value).
  std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& x) {
    auto h = trunk->forward(x);
    return {actor->forward(h), critic->forward(h).squeeze(-1)};
  }
};
TORCH_MODULE(ActorCritic);

double mean(const std::vector<double>& v) {
  return v.empty() ? NAN : std::accumulate(v.begin(), v.end(), 0.0) / v.size();
}

// Runs the greedy (argmax) policy once on each program, all in parallel, and
// returns each episode's state (return and command line). Passes are deterministic,
// so one that had no effect stays useless until the program changes: the
// argmax skips those instead of repeating one for the rest of the episode.
std::vector<cgym::EnvState> evaluate(ActorCritic& model, const Features& f,
                                     const std::vector<std::string>& programs) {
  cgym::VectorEnv venv(
      [&](int i) {
        // A one-program cycle: every reset() of env i loads programs[i].
        return cgym::TimeLimit(cgym::CycleOverBenchmarks(make_env(), {programs[i]}), f.horizon);
      },
      {.num_envs = static_cast<int>(programs.size())});
  std::vector<cgym::Observation> obs;
  for (auto& r : venv.reset()) obs.push_back(r.reset->observation);
  std::vector<std::vector<int>> counts(programs.size(), std::vector<int>(f.num_actions, 0));
  auto no_effect = torch::zeros({venv.size(), f.num_actions}, torch::kBool);
  std::vector<cgym::Action> last(programs.size());
  std::vector<int> live(programs.size());
  std::iota(live.begin(), live.end(), 0);
  torch::NoGradGuard no_grad;
  for (int t = 0; !live.empty(); ++t) {
    auto x = torch::empty({static_cast<int64_t>(live.size()), f.dim()});
    for (size_t j = 0; j < live.size(); ++j)
      f.write(obs[live[j]], t, counts[live[j]], x[j].data_ptr<float>());
    auto ids = torch::tensor(std::vector<int64_t>(live.begin(), live.end()));
    auto best = std::get<0>(model->forward(x))
                    .masked_fill(no_effect.index_select(0, ids), -INFINITY)
                    .argmax(-1);
    std::vector<cgym::Action> actions;
    for (size_t j = 0; j < live.size(); ++j) {
      actions.push_back(static_cast<cgym::Action>(best[j].item<int64_t>()));
      ++counts[live[j]][actions.back()];
      last[live[j]] = actions.back();
    }
    // Only envs still in their episode are stepped (a failed step ends one early).
    venv.send(actions, live);
    live.clear();
    for (auto& r : venv.recv(static_cast<int>(actions.size()))) {
      if (r.step.done) continue;
      live.push_back(r.env_id);
      obs[r.env_id] = r.step.observation;
      if (r.step.info.action_had_no_effect) {
        no_effect[r.env_id][last[r.env_id]] = true;
      } else {
        no_effect[r.env_id].fill_(false);
      }
    }
    std::sort(live.begin(), live.end());
  }
  std::vector<cgym::EnvState> results;
  for (int i = 0; i < venv.size(); ++i) results.push_back(venv.env(i).state());
  return results;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"PPO with LibTorch on llvm-autophase-ic-v0"};
  int iterations = 3, num_envs = 2, steps = 45, horizon = 45, epochs = 4, minibatch = 64,
      hidden = 64, eval_every = 5;
  uint64_t seed = 0;
  double lr = 1e-3, gamma = 0.99, lambda = 0.95, clip = 0.2, entropy_coef = 0.01;
  std::string csv = "ppo_libtorch.csv", states_csv;
  app.add_option("--iterations", iterations, "rollout + update rounds")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--envs", num_envs, "environments in the VectorEnv")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--steps", steps, "steps per env per rollout")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--episode-length", horizon, "passes per episode (TimeLimit)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--epochs", epochs, "PPO epochs per rollout")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--minibatch", minibatch, "PPO minibatch size")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--hidden", hidden, "hidden units per layer")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--lr", lr, "Adam learning rate")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--eval-every", eval_every, "evaluate on held-out programs every K iterations")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--seed", seed, "seed of the benchmark order, the sampling and the weights")
      ->capture_default_str();
  app.add_option("--csv", csv, "learning curve output")->capture_default_str();
  bool deterministic = false;
  app.add_flag("--deterministic", deterministic,
               "use the action space PassesLlvm19Deterministic (no pass whose output varies "
               "from run to run): two runs with the same seed then write the same curve");
  std::string trace_csv;
  app.add_option("--trace", trace_csv,
                 "write every training step (iteration,step,env,benchmark,action,reward) to "
                 "this CSV, to find where two runs part");
  app.add_option("--states", states_csv,
                 "after training, run the greedy policy on every cgym-v0 program and write "
                 "the episodes as a state CSV");
  CLI11_PARSE(app, argc, argv);

  if (deterministic) g_action_space = "PassesLlvm19Deterministic";
  try {
    torch::manual_seed(seed);
    // The MLP is tiny: the cores are better spent on the VectorEnv's workers.
    torch::set_num_threads(1);

    // Every 5th program of the bundled suite is held out for evaluation.
    std::vector<std::string> train, held_out;
    {
      auto probe = make_env();
      for (const auto& uri : probe->datasets().benchmark_uris()) {
        if (!uri.starts_with("benchmark://cgym-v0/")) continue;
        ((train.size() + held_out.size()) % 5 == 0 ? held_out : train).push_back(uri);
      }
      if (train.empty()) throw cgym::LookupError("no cgym-v0 benchmarks found (set CGYM_DATA_DIR)");
    }
    cgym::VectorEnv venv(
        [&](int i) {
          return cgym::TimeLimit(cgym::RandomOrderBenchmarks(make_env(), train, seed + i), horizon);
        },
        {.num_envs = num_envs, .auto_reset = true, .seed_base = seed});
    const Features f{venv.env(0).action_space().size(), horizon};
    ActorCritic model(f.dim(), hidden, f.num_actions);
    torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(lr));
    std::cout << "training programs: " << train.size() << ", held out: " << held_out.size()
              << ", actions: " << f.num_actions << ", envs: " << num_envs << "\n";

    std::vector<cgym::Observation> obs;
    for (auto& r : venv.reset()) obs.push_back(r.reset->observation);
    std::vector<int> t(num_envs, 0);
    std::vector<double> ret(num_envs, 0.0);
    std::vector<std::vector<int>> counts(num_envs, std::vector<int>(f.num_actions, 0));
    const int64_t n = static_cast<int64_t>(steps) * num_envs;
    std::ofstream out(csv);
    out << "iteration,steps,train_mean_return,eval_mean_return\n" << std::setprecision(6);
    std::ofstream trace;
    if (!trace_csv.empty()) {
      trace.open(trace_csv);
      if (!trace) throw cgym::IoError("cannot write --trace file '" + trace_csv + "'");
      trace << "iteration,step,env,benchmark,action,reward\n" << std::setprecision(17);
    }

    for (int it = 1; it <= iterations; ++it) {
      // Rollout: S lockstep steps of every env. Buffers are [S, E].
      auto xs = torch::empty({steps, num_envs, f.dim()});
      auto acts = torch::empty({steps, num_envs}, torch::kLong);
      auto logps = torch::empty({steps, num_envs}), values = torch::empty({steps + 1, num_envs});
      auto rewards = torch::empty({steps, num_envs}), dones = torch::empty({steps, num_envs});
      std::vector<double> finished;
      for (int s = 0; s < steps; ++s) {
        for (int e = 0; e < num_envs; ++e)
          f.write(obs[e], t[e], counts[e], xs[s][e].data_ptr<float>());
        torch::NoGradGuard no_grad;
        auto [logits, value] = model->forward(xs[s]);
        auto a = torch::multinomial(torch::softmax(logits, -1), 1).squeeze(-1);
        acts[s] = a;
        logps[s] = torch::log_softmax(logits, -1).gather(-1, a.unsqueeze(-1)).squeeze(-1);
        values[s] = value;
        std::vector<cgym::Action> actions(num_envs);
        for (int e = 0; e < num_envs; ++e)
          actions[e] = static_cast<cgym::Action>(a[e].item<int64_t>());
        std::vector<std::string> uris;
        if (trace.is_open()) {
          for (int e = 0; e < num_envs; ++e) uris.push_back(venv.env(e).benchmark()->uri());
        }
        auto results = venv.step(actions);
        for (int e = 0; e < num_envs; ++e) {
          const auto& r = results[e];
          if (trace.is_open()) {
            trace << it << "," << s << "," << e << "," << uris[e] << ","
                  << venv.env(e).action_space().action_name(actions[e]) << "," << r.step.reward
                  << "\n";
          }
          rewards[s][e] = r.step.reward;
          dones[s][e] = r.step.done ? 1.0f : 0.0f;
          ret[e] += r.step.reward;
          ++counts[e][actions[e]];
          ++t[e];
          if (r.step.done) {  // auto_reset started the next episode
            finished.push_back(ret[e]);
            ret[e] = 0, t[e] = 0, counts[e].assign(f.num_actions, 0);
            obs[e] = r.reset->observation;
          } else {
            obs[e] = r.step.observation;
          }
        }
      }
      // GAE(gamma, lambda), bootstrapped from the value of the state each env is in now.
      auto last = torch::empty({num_envs, f.dim()});
      for (int e = 0; e < num_envs; ++e)
        f.write(obs[e], t[e], counts[e], last[e].data_ptr<float>());
      {
        torch::NoGradGuard no_grad;
        values[steps] = std::get<1>(model->forward(last));
      }
      auto adv = torch::zeros({steps, num_envs});
      auto gae = torch::zeros({num_envs});
      for (int s = steps - 1; s >= 0; --s) {
        auto alive = 1.0 - dones[s];
        auto delta = rewards[s] + gamma * values[s + 1] * alive - values[s];
        gae = delta + gamma * lambda * alive * gae;
        adv[s] = gae;
      }
      auto returns = (adv + values.slice(0, 0, steps)).reshape({n});
      auto flat_x = xs.reshape({n, f.dim()}), flat_a = acts.reshape({n});
      auto flat_logp = logps.reshape({n}), flat_adv = adv.reshape({n});
      // Normalised advantages keep the step size independent of the reward scale.
      flat_adv = (flat_adv - flat_adv.mean()) / (flat_adv.std() + 1e-8);

      // PPO: a few epochs of shuffled minibatches on the clipped surrogate.
      for (int epoch = 0; epoch < epochs; ++epoch) {
        auto perm = torch::randperm(n, torch::kLong);
        for (int64_t from = 0; from < n; from += minibatch) {
          auto idx = perm.slice(0, from, std::min<int64_t>(from + minibatch, n));
          auto [logits, value] = model->forward(flat_x.index_select(0, idx));
          auto logp_all = torch::log_softmax(logits, -1);
          auto logp = logp_all.gather(-1, flat_a.index_select(0, idx).unsqueeze(-1)).squeeze(-1);
          auto ratio = torch::exp(logp - flat_logp.index_select(0, idx));
          auto a = flat_adv.index_select(0, idx);
          auto policy_loss =
              -torch::min(ratio * a, torch::clamp(ratio, 1.0 - clip, 1.0 + clip) * a).mean();
          auto value_loss = (value - returns.index_select(0, idx)).pow(2).mean();
          auto entropy = -(logp_all.exp() * logp_all).sum(-1).mean();
          auto loss = policy_loss + 0.5 * value_loss - entropy_coef * entropy;
          optimizer.zero_grad();
          loss.backward();
          torch::nn::utils::clip_grad_norm_(model->parameters(), 0.5);
          optimizer.step();
        }
      }

      const double train_mean = mean(finished);
      std::cout << "iteration " << it << ": " << it * n << " steps, " << finished.size()
                << " episodes, train mean return " << std::fixed << std::setprecision(4)
                << train_mean;
      out << it << "," << it * n << ",";
      if (!finished.empty()) out << train_mean;
      out << ",";
      if (it % eval_every == 0 || it == iterations) {
        const auto results = evaluate(model, f, held_out);
        std::vector<double> returns_eval;
        for (const auto& r : results) returns_eval.push_back(r.reward.value_or(0.0));
        std::cout << ", held-out mean return " << mean(returns_eval);
        out << mean(returns_eval);
        if (it == iterations) {
          std::cout << "\n";
          for (size_t i = 0; i < held_out.size(); ++i)
            std::cout << "held-out: " << held_out[i] << " " << returns_eval[i] << " "
                      << results[i].commandline << "\n";
          std::cout << "held-out mean return (1.0 = -Oz): " << mean(returns_eval) << " over "
                    << held_out.size() << " programs";
        }
      }
      std::cout << std::defaultfloat << std::endl;
      out << "\n" << std::flush;
    }
    std::cout << "learning curve: " << csv << " (" << iterations << " iterations)\n";
    if (!states_csv.empty()) {
      std::vector<std::string> all = train;
      all.insert(all.end(), held_out.begin(), held_out.end());
      std::sort(all.begin(), all.end());
      const auto states = evaluate(model, f, all);
      std::vector<double> rewards;
      for (const auto& s : states) rewards.push_back(s.reward.value_or(0.0));
      cgym::write_state_csv_file(states_csv, states);
      std::cout << "all programs: geomean return " << cgym::geomean(rewards) << " over "
                << all.size() << " programs (" << train.size()
                << " of them trained on); states: " << states_csv << "\n";
    }
  } catch (const cgym::Error& e) {
    std::cerr << "ppo_libtorch: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
