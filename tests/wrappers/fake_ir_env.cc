#include "wrappers/fake_ir_env.h"

#include <cstdlib>
#include <mutex>

#include "toy/toy_backend.h"

namespace cgym::wrappers_test {

std::string fake_ir(int64_t value) {
  std::string ir = "; ModuleID = 'fake'\n";
  for (int i = 0; i < 40; ++i) {
    ir += "define i64 @f" + std::to_string(i) + "() {\n  ret i64 " + std::to_string(value + i) +
          "\n}\n";
  }
  return ir;
}

std::string fake_sha1(int64_t value) {
  // 40 hex characters, like a real SHA-1, derived from the IR.
  return hash_bytes(fake_ir(value)) + "00000000";
}

int64_t fake_instruction_count(int64_t value) { return 40 + std::abs(value); }

std::vector<int64_t> fake_autophase(int64_t value) {
  std::vector<int64_t> v(56);
  for (size_t i = 0; i < v.size(); ++i) v[i] = value * static_cast<int64_t>(i);
  return v;
}

std::vector<int64_t> fake_instcount(int64_t value) {
  std::vector<int64_t> v(70);
  for (size_t i = 0; i < v.size(); ++i) v[i] = value + static_cast<int64_t>(i);
  return v;
}

double fake_runtime(int64_t value, int run, int runs) {
  const double base = 1.0 + 0.1 * static_cast<double>(std::abs(10 - value));
  return base * (1.0 + 0.01 * static_cast<double>((run * 7) % runs)) + 0.001 * run;
}

BenchmarkPtr runnable_toy_benchmark(int64_t start) {
  // The toy dataset's own benchmark, made runnable.
  BenchmarkData d = toy::toy_config("toy-v0")
                        .datasets->benchmark("benchmark://toy-v0/" + std::to_string(start))
                        ->data();
  d.reference_output = "";
  return Benchmark::make(std::move(d));
}

namespace {

class FakeIrSession : public CompilationSession {
 public:
  FakeIrSession(std::shared_ptr<const SessionContext> context, bool params)
      : CompilationSession(std::move(context)), params_(params) {}

  std::string compiler_version() const override { return "fakeir 1.0"; }
  std::vector<ActionSpace> action_spaces() const override {
    return {ActionSpace("fakeir",
                        {{"inc", "-inc", "add one"},
                         {"dec", "-dec", "subtract one"},
                         {"double", "-double", "multiply by two"},
                         {"noop", "-noop", "nothing"},
                         {"crash", "-crash", "fail"}},
                        CommandlineFormat{.prefix = "fake-opt", .suffix = "in.ll -o out.ll"})};
  }
  std::vector<ObservationSpaceSpec> observation_spaces() const override {
    return {
        {.name = "IrSha1", .space = Space::string(40, 40), .default_value = Observation("")},
        {.name = "IrInstructionCount",
         .space = Space::scalar_int(0),
         .default_value = Observation(int64_t{0})},
        {.name = "Ir", .space = Space::string(), .default_value = Observation("")},
        {.name = "Autophase",
         .space = Space::box_int({56}, INT64_MIN, INT64_MAX),
         .default_value = Observation(std::vector<int64_t>(56))},
        {.name = "InstCount",
         .space = Space::box_int({70}, INT64_MIN, INT64_MAX),
         .default_value = Observation(std::vector<int64_t>(70))},
        {.name = "Runtime",
         .space = Space::box_double({}, 0, INFINITY),
         .deterministic = false,
         .platform_dependent = true,
         .default_value = Observation(std::vector<double>{})},
    };
  }
  void init(const ActionSpace&, BenchmarkPtr benchmark) override {
    value_ = benchmark->data().metadata.at("start").get<int64_t>();
  }
  ActionResult apply_action(Action a) override {
    const int64_t before = value_;
    switch (a) {
      case 0:
        ++value_;
        break;
      case 1:
        --value_;
        break;
      case 2:
        value_ *= 2;
        break;
      case 3:
        break;
      default:
        throw SessionError("the fake compiler crashed on purpose");
    }
    return ActionResult{.action_had_no_effect = before == value_};
  }
  Observation compute_observation(const ObservationSpaceSpec& s) override {
    if (s.name == "IrSha1") return fake_sha1(value_);
    if (s.name == "IrInstructionCount") return fake_instruction_count(value_);
    if (s.name == "Ir") return fake_ir(value_);
    if (s.name == "Autophase") return fake_autophase(value_);
    if (s.name == "InstCount") return fake_instcount(value_);
    if (s.name == "Runtime") {
      if (value_ == 13) throw SessionError("the program crashed when run");
      std::vector<double> r;
      for (int i = 0; i < runs_; ++i) r.push_back(fake_runtime(value_, i, runs_));
      return r;
    }
    throw SessionError("unknown observation " + s.name);
  }
  std::unique_ptr<CompilationSession> fork() const override {
    return std::make_unique<FakeIrSession>(*this);
  }
  std::optional<std::string> handle_session_parameter(const std::string& key,
                                                      const std::string& value) override {
    if (!params_) return std::nullopt;
    if (key == "llvm.set_runtimes_per_observation_count") {
      runs_ = std::stoi(value);
      return value;
    }
    if (key == "llvm.set_warmup_runs_count_per_runtime_observation") {
      warmup_ = std::stoi(value);
      return value;
    }
    return std::nullopt;
  }

 private:
  bool params_;
  int64_t value_ = 0;
  int runs_ = 5;
  int warmup_ = 0;
};

CompilerEnvConfig fake_config(const std::string& id, bool params) {
  CompilerEnvConfig c;
  c.env_id = id;
  c.make_session = [params](std::shared_ptr<const SessionContext> ctx) {
    return std::make_unique<FakeIrSession>(std::move(ctx), params);
  };
  c.reward_spaces = {
      make_cost_delta_reward({.name = "IrInstructionCount"}, "IrInstructionCount"),
  };
  c.datasets = toy::toy_config("toy-v0").datasets;
  c.default_benchmark = "benchmark://toy-v0/1";
  c.default_reward_space = "IrInstructionCount";
  return c;
}

}  // namespace

void register_test_envs() {
  toy::register_toy_envs();
  static std::once_flag once;
  std::call_once(once, [] {
    for (auto [id, params] : {std::pair<std::string, bool>{"fakeir-v0", true},
                              std::pair<std::string, bool>{"fakeir-noparams-v0", false}}) {
      register_env(
          EnvSpec{.id = id,
                  .description = "test-only env with LLVM-like observations",
                  .config = [id, params](const MakeOptions&) { return fake_config(id, params); }});
    }
  });
}

}  // namespace cgym::wrappers_test
