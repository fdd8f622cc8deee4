// A complete new compiler environment in one file: a CompilationSession, its
// spaces, a dataset and a registration, used through cgym::make().
//
// The "compiler" optimises straight-line arithmetic programs such as
// "+3 +0 *2 *1 +4 +5": its passes fold adjacent additions or
// multiplications and drop identities. The reward is the number of
// instructions removed. Run: custom_backend [--steps N] [--seed S]
#include <cgym/cgym.h>

#include <iostream>
#include <sstream>

namespace {

using Program = std::vector<std::pair<char, long>>;  // ('+', 3), ('*', 2), ...

Program parse(const std::string& text) {
  Program p;
  std::istringstream in(text);
  std::string tok;
  while (in >> tok) {
    if (tok.size() < 2 || (tok[0] != '+' && tok[0] != '*')) {
      throw cgym::BenchmarkInitError("bad instruction '" + tok + "': expected +N or *N");
    }
    p.emplace_back(tok[0], std::stol(tok.substr(1)));
  }
  return p;
}

class ArithSession : public cgym::CompilationSession {
 public:
  using CompilationSession::CompilationSession;
  std::string compiler_version() const override { return "arithc 1.0"; }
  std::vector<cgym::ActionSpace> action_spaces() const override {
    return {cgym::ActionSpace("passes",
                              {{"-fold-add", "-fold-add", "merge adjacent +a +b"},
                               {"-fold-mul", "-fold-mul", "merge adjacent *a *b"},
                               {"-drop-identity", "-drop-identity", "remove +0 and *1"}},
                              {.prefix = "arithc", .suffix = "prog.txt"})};
  }
  std::vector<cgym::ObservationSpaceSpec> observation_spaces() const override {
    return {{.name = "InstructionCount",
             .space = cgym::Space::scalar_int(0),
             .default_value = cgym::Observation(int64_t{0})},
            {.name = "Program",
             .space = cgym::Space::string(),
             .default_value = cgym::Observation("")}};
  }
  void init(const cgym::ActionSpace&, cgym::BenchmarkPtr b) override {
    prog_ = parse(b->program());
  }
  cgym::ActionResult apply_action(cgym::Action a) override {
    const Program before = prog_;
    Program out;
    for (const auto& ins : prog_) {
      const char op = a == 0 ? '+' : '*';
      if (a < 2 && !out.empty() && out.back().first == op && ins.first == op) {
        out.back().second =
            op == '+' ? out.back().second + ins.second : out.back().second * ins.second;
      } else if (a == 2 &&
                 ((ins.first == '+' && ins.second == 0) || (ins.first == '*' && ins.second == 1))) {
        continue;
      } else {
        out.push_back(ins);
      }
    }
    prog_ = std::move(out);
    return {.action_had_no_effect = prog_ == before};
  }
  cgym::Observation compute_observation(const cgym::ObservationSpaceSpec& s) override {
    if (s.name == "InstructionCount") return static_cast<int64_t>(prog_.size());
    std::string text;
    for (const auto& [op, n] : prog_)
      text += (text.empty() ? "" : " ") + std::string(1, op) + std::to_string(n);
    return text;
  }
  std::unique_ptr<cgym::CompilationSession> fork() const override {
    return std::make_unique<ArithSession>(*this);
  }

 private:
  Program prog_;
};

// Ten generated programs: benchmark://arith-v0/0 .. /9.
class ArithDataset : public cgym::Dataset {
 public:
  std::string name() const override { return "benchmark://arith-v0"; }
  std::string description() const override { return "straight-line arithmetic programs"; }
  uint64_t size() const override { return 10; }
  std::string benchmark_uri(uint64_t i) const override { return name() + "/" + std::to_string(i); }
  cgym::BenchmarkPtr benchmark(const std::string& uri) const override {
    const auto u = cgym::BenchmarkUri::parse(uri);
    if (u.path.empty() || u.path.find_first_not_of("0123456789") != std::string::npos) {
      throw cgym::LookupError("'" + uri + "' is not in " + name() + "; valid: " + name() +
                              "/0 .. /9");
    }
    cgym::Rng rng(std::stoul(u.path));
    std::string text;
    for (int i = 0; i < 30; ++i) {
      const bool add = rng() % 2;
      const long n = static_cast<long>(rng() % 3) + (add ? 0 : 1);
      text += (add ? " +" : " *") + std::to_string(n);
    }
    return cgym::Benchmark::make({.uri = uri, .program = text});
  }
};

void register_arith_env() {
  auto datasets = std::make_shared<cgym::Datasets>(
      std::vector<cgym::DatasetPtr>{std::make_shared<ArithDataset>()});
  cgym::register_env(
      {.id = "arith-v0",
       .description = "fold arithmetic (the custom_backend example)",
       .config = [datasets](const cgym::MakeOptions&) {
         return cgym::CompilerEnvConfig{
             .env_id = "arith-v0",
             .make_session = [](auto ctx) { return std::make_unique<ArithSession>(ctx); },
             .reward_spaces = {cgym::make_cost_delta_reward({.name = "InstructionCount"},
                                                            "InstructionCount")},
             .datasets = datasets,
             .default_benchmark = "benchmark://arith-v0/0",
             .default_observation_space = "InstructionCount",
             .default_reward_space = "InstructionCount"};
       }});
}

}  // namespace

int main(int argc, char** argv) {
  int steps = 20;
  uint64_t seed = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--steps")
      steps = std::atoi(argv[i + 1]);
    else if (std::string(argv[i]) == "--seed")
      seed = std::strtoull(argv[i + 1], nullptr, 10);
  }
  register_arith_env();
  auto env = cgym::make("arith-v0");
  cgym::Rng rng(seed);
  for (uint64_t b = 0; b < 3; ++b) {
    auto r = env->reset({.benchmark = "benchmark://arith-v0/" + std::to_string(b)});
    const auto start = r.observation.as<int64_t>();
    for (int t = 0; t < steps; ++t) env->step(env->action_space().sample(rng));
    std::cout << env->benchmark()->uri() << ": " << start << " -> "
              << env->observation("InstructionCount").as<int64_t>() << " instructions, reward "
              << env->episode_reward() << "\n  " << env->commandline() << "\n";
  }
  return 0;
}
