#include "toy/toy_backend.h"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace cgym::toy {

std::atomic<int>& observation_computations() {
  static std::atomic<int> n{0};
  return n;
}

namespace {

// The test-only param toy.nondeterministic_action=<name> makes that action
// add 0 or 1 more, alternately from one application to the next in the
// process (as a pass whose result depends on heap addresses would), and
// marks it deterministic = false in the action spaces.
std::atomic<int>& jitter_counter() {
  static std::atomic<int> n{0};
  return n;
}

ActionSpace make_space(bool more, const std::string& nondeterministic = {}) {
  std::vector<ActionInfo> a = {
      {"inc", "--inc", "add one"},
      {"dec", "--dec", "subtract one"},
      {"double", "--double", "multiply by two"},
      {"noop", "--noop", "do nothing"},
      {"zero", "--zero", "set to zero"},
      {"crash", "--crash", "fail like a crashing compiler"},
      {"end", "--end", "end the episode"},
      {"more", "--more", "switch to the larger action space"},
  };
  if (more) a.push_back({"triple", "--triple", "multiply by three"});
  for (auto& info : a) info.deterministic = info.name != nondeterministic;
  return ActionSpace(more ? "toy-more" : "toy", std::move(a),
                     CommandlineFormat{.prefix = "toyc", .suffix = "prog.toy"});
}

class ToyDataset : public Dataset {
 public:
  std::string name() const override { return "benchmark://toy-v0"; }
  std::string description() const override { return "integers to count towards a target"; }
  std::string license() const override { return "MIT"; }
  uint64_t size() const override { return 10; }
  std::string benchmark_uri(uint64_t i) const override {
    return "benchmark://toy-v0/" + std::to_string(i);
  }
  BenchmarkPtr benchmark(const std::string& text) const override {
    auto uri = BenchmarkUri::parse(text);
    if (!owns(uri)) throw LookupError("'" + text + "' is not in " + name());
    char* end = nullptr;
    long start = std::strtol(uri.path.c_str(), &end, 10);
    if (uri.path.empty() || *end) {
      throw LookupError("toy benchmark '" + text +
                        "' must name an integer, e.g. benchmark://toy-v0/3");
    }
    if (start == 666) throw BenchmarkInitError("benchmark 666 is broken on purpose");
    long target = 10;
    if (auto it = uri.params.find("target"); it != uri.params.end()) {
      target = std::strtol(it->second.c_str(), nullptr, 10);
    }
    BenchmarkData d;
    d.uri = text;
    d.format = ProgramFormat::kOther;
    d.program = std::to_string(start);
    d.metadata = {{"start", start},
                  {"target", target},
                  {"segfault", uri.params.count("segfault") > 0},
                  {"hang", uri.params.count("hang") > 0}};
    return Benchmark::make(std::move(d));
  }
};

class ToySession : public CompilationSession {
 public:
  using CompilationSession::CompilationSession;

  std::string compiler_version() const override { return "toy 1.0"; }
  std::vector<ActionSpace> action_spaces() const override {
    const std::string n = context().param("toy.nondeterministic_action").value_or("");
    return {make_space(false, n), make_space(true, n)};
  }
  std::vector<ObservationSpaceSpec> observation_spaces() const override {
    return {
        {.name = "value", .space = Space::scalar_int(), .default_value = Observation(int64_t{0})},
        {.name = "distance",
         .space = Space::scalar_int(0),
         .default_value = Observation(int64_t{0})},
        {.name = "distance_o0",
         .space = Space::scalar_int(0),
         .default_value = Observation(int64_t{0}),
         .benchmark_constant = true},
        {.name = "distance_oz",
         .space = Space::scalar_int(0),
         .default_value = Observation(int64_t{0}),
         .benchmark_constant = true},
        {.name = "history", .space = Space::string(), .default_value = Observation("")},
        {.name = "features",
         .space = Space::box_int({2}, INT64_MIN, INT64_MAX),
         .default_value = Observation(std::vector<int64_t>{0, 0})},
        {.name = "ratio",
         .space = Space::scalar_double(),
         .deterministic = true,
         .default_value = Observation(0.0)},
        {.name = "expensive",
         .space = Space::string(),
         .default_value = Observation(""),
         .shared_cacheable = true},
    };
  }

  void init(const ActionSpace& space, BenchmarkPtr benchmark) override {
    space_ = space.name();
    space_actions_ = space.names();
    nondeterministic_ = context().param("toy.nondeterministic_action").value_or("");
    value_ = benchmark->data().metadata.at("start").get<int64_t>();
    start_ = value_;
    target_ = benchmark->data().metadata.at("target").get<int64_t>();
    segfault_ = benchmark->data().metadata.at("segfault").get<bool>();
    hang_ = benchmark->data().metadata.at("hang").get<bool>();
  }

  ActionResult apply_action(Action a) override {
    ActionResult r;
    const int64_t before = value_;
    switch (a) {
      case 0:
        // Test-only benchmarks that kill or hang the process, for the
        // worker-isolation tests (never used in-process).
        if (segfault_) std::raise(SIGSEGV);
        if (hang_) std::this_thread::sleep_for(std::chrono::hours(1));
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
      case 4:
        value_ = 0;
        break;
      case 5:
        throw SessionError("the toy compiler crashed on purpose");
      case 6:
        r.end_of_episode = true;
        break;
      case 7:
        if (space_ != "toy-more") {
          space_ = "toy-more";
          r.new_action_space = make_space(true, nondeterministic_);
          space_actions_ = r.new_action_space->names();
        }
        break;
      case 8:
        value_ *= 3;
        break;
      default:
        throw SessionError("unexpected action");
    }
    if (!nondeterministic_.empty() && a >= 0 && a < static_cast<Action>(space_actions_.size()) &&
        space_actions_[a] == nondeterministic_) {
      value_ += jitter_counter()++ % 2;
    }
    if (value_ > (int64_t{1} << 40) || value_ < -(int64_t{1} << 40)) value_ = before;
    ++steps_;
    history_ += std::to_string(a) + ";";
    r.action_had_no_effect = value_ == before;
    return r;
  }

  Observation compute_observation(const ObservationSpaceSpec& s) override {
    ++observation_computations();
    if (s.name == "value") return value_;
    if (s.name == "distance") return std::abs(target_ - value_);
    if (s.name == "distance_o0") return std::abs(target_ - start_);
    if (s.name == "distance_oz") return std::abs(target_ - start_) / 2;
    if (s.name == "history") return history_;
    if (s.name == "features") return std::vector<int64_t>{value_, steps_};
    if (s.name == "expensive") return "cost of " + std::to_string(value_);
    if (s.name == "ratio")
      return static_cast<double>(value_) / static_cast<double>(target_ ? target_ : 1);
    throw SessionError("unknown observation " + s.name);
  }

  std::unique_ptr<CompilationSession> fork() const override {
    return std::make_unique<ToySession>(*this);
  }

  std::optional<std::string> state_hash() override { return std::to_string(value_); }

  std::optional<std::string> handle_session_parameter(const std::string& key,
                                                      const std::string& value) override {
    if (key == "toy.set") {
      value_ = std::stoll(value);
      return std::to_string(value_);
    }
    if (key == "toy.value") return std::to_string(value_);  // reads, changes nothing
    if (key == "toy.word") return "seven";                  // a reply that is not a number
    return std::nullopt;
  }

  std::vector<ValidationIssue> validate_semantics(const ValidationOptions&) override {
    if (value_ < 0)
      return {{"Wrong output", "the counter went negative: " + std::to_string(value_)}};
    return {};
  }

 private:
  std::string space_;
  std::vector<std::string> space_actions_;
  std::string nondeterministic_;
  int64_t value_ = 0, start_ = 0, target_ = 10, steps_ = 0;
  bool segfault_ = false, hang_ = false;
  std::string history_;
};

std::shared_ptr<const Datasets> toy_datasets() {
  static auto ds =
      std::make_shared<const Datasets>(std::vector<DatasetPtr>{std::make_shared<ToyDataset>()});
  return ds;
}

}  // namespace

CompilerEnvConfig toy_config(const std::string& id) {
  CompilerEnvConfig c;
  c.env_id = id;
  c.make_session = [](std::shared_ptr<const SessionContext> ctx) {
    return std::make_unique<ToySession>(std::move(ctx));
  };
  c.reward_spaces = {
      make_cost_delta_reward({.name = "Distance"}, "distance"),
      make_normalized_reward({.name = "DistanceNorm"}, "distance", "distance_o0"),
      make_baseline_reward({.name = "DistanceOz"}, "distance", "distance_oz", "distance_o0"),
  };
  c.datasets = toy_datasets();
  c.default_benchmark = "benchmark://toy-v0/1";
  c.known_params = {"toy.flavour", "toy.nondeterministic_action"};
  if (id == "toy-reward-v0") {
    c.default_observation_space = "features";
    c.default_reward_space = "DistanceOz";
  }
  return c;
}

void register_toy_envs() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (std::string id : {"toy-v0", "toy-reward-v0"}) {
      register_env(EnvSpec{.id = id,
                           .description = "test-only counter env",
                           .config = [id](const MakeOptions&) { return toy_config(id); }});
    }
  });
}

}  // namespace cgym::toy
