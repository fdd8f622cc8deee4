#include "backends/mlir/session.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstring>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "cgym/errors.h"

namespace cgym::mlir {
namespace {

int parse_count(const std::string& key, const std::string& value, int min) {
  int v = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || ptr != value.data() + value.size() || v < min || v > 1000000) {
    throw InvalidArgument("mlir-v0: " + key + " is '" + value + "'; valid: an integer in " +
                          std::to_string(min) + "..1000000");
  }
  return v;
}

// Integer-valued inputs in -2..2: every product and partial sum is an
// integer well below 2^24, so any summation order gives the exact result
// and the check can compare exactly.
std::vector<float> make_input(size_t size, uint64_t seed) {
  std::vector<float> out(size);
  uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (auto& v : out) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    v = static_cast<float>(static_cast<int>(x % 5) - 2);
  }
  return out;
}

// Measured runtimes by (benchmark, schedule, runs, warm-up), for the whole
// process: a schedule measured once is not timed again (forks and revisits
// see the same runs, as the loop-nest backend's run cache does). Bounded: it
// is emptied when it reaches kMaxEntries.
class RuntimeCache {
 public:
  static RuntimeCache& global() {
    static auto* cache = new RuntimeCache;  // leaked: outlives every session
    return *cache;
  }
  std::optional<std::vector<double>> get(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = runs_.find(key);
    if (it == runs_.end()) return std::nullopt;
    return it->second;
  }
  void put(const std::string& key, std::vector<double> runs) {
    std::lock_guard<std::mutex> lock(mu_);
    if (runs_.size() >= kMaxEntries) runs_.clear();
    runs_.emplace(key, std::move(runs));
  }

 private:
  static constexpr size_t kMaxEntries = 100000;
  std::mutex mu_;
  std::unordered_map<std::string, std::vector<double>> runs_;
};

}  // namespace

Settings Settings::from_params(const std::map<std::string, std::string>& params) {
  Settings s;
  for (const auto& [key, value] : params) {
    if (key == "runtime_runs") s.runtime_runs = parse_count(key, value, 1);
    if (key == "runtime_warmup") s.runtime_warmup = parse_count(key, value, 0);
    if (key == "runtime_cache") {
      if (value != "0" && value != "1") {
        throw InvalidArgument("mlir-v0: runtime_cache is '" + value + "'; valid: 1 or 0");
      }
      s.runtime_cache = value == "1";
    }
  }
  return s;
}

const std::vector<std::string>& Settings::known_params() {
  static const std::vector<std::string> params = {"runtime_runs", "runtime_warmup",
                                                  "runtime_cache"};
  return params;
}

struct MlirSession::Problem {
  MatmulShape shape;
  std::vector<float> a, b, reference;
};

MlirSession::MlirSession(std::shared_ptr<const SessionContext> context, Settings settings)
    : CompilationSession(std::move(context)), settings_(settings) {}

MlirSession::~MlirSession() = default;

std::string MlirSession::compiler_version() const { return "MLIR " + mlir_version(); }

std::vector<ActionSpace> MlirSession::action_spaces() const { return {schedule_action_space()}; }

std::vector<ObservationSpaceSpec> MlirSession::observation_spaces() const {
  std::vector<ObservationSpaceSpec> out;
  ObservationSpaceSpec runtime;
  runtime.name = "Runtime";
  runtime.space = Space::box_double({}, 0.0, std::numeric_limits<double>::infinity());
  runtime.deterministic = false;
  runtime.platform_dependent = true;
  runtime.default_value = std::vector<double>{};
  runtime.description =
      "Seconds of each run of the compiled matmul (runtime_runs runs after runtime_warmup); "
      "every run's result is checked";
  out.push_back(runtime);
  ObservationSpaceSpec runnable;
  runnable.name = "IsRunnable";
  runnable.space = Space::boolean();
  runnable.default_value = false;
  runnable.description = "Whether the benchmark can be run (every matmul can)";
  runnable.benchmark_constant = true;
  out.push_back(runnable);
  ObservationSpaceSpec text;
  text.name = "Mlir";
  text.space = Space::string();
  text.default_value = std::string();
  text.description = "The MLIR text of the module after the schedule's transformations";
  out.push_back(text);
  ObservationSpaceSpec schedule;
  schedule.name = "Schedule";
  schedule.space = Space::dict();
  schedule.default_value = Observation::json(nlohmann::json::object());
  schedule.description =
      "The applied schedule, as CompilerGym's mlir-v0 action dict (tile_options, "
      "vectorize_options)";
  out.push_back(schedule);
  return out;
}

void MlirSession::init(const ActionSpace&, BenchmarkPtr benchmark) {
  if (benchmark->format() != ProgramFormat::kOther ||
      benchmark->data().metadata.value("language", "") != "mlir") {
    throw BenchmarkInitError("benchmark '" + benchmark->uri() + "' holds " +
                             to_string(benchmark->format()) +
                             ", but mlir-v0 needs an MLIR module (generator://matmul-v0 or a "
                             ".mlir file)");
  }
  module_ = std::make_unique<MatmulModule>(benchmark->program(), benchmark->uri());
  benchmark_ = std::move(benchmark);
  auto p = std::make_shared<Problem>();
  p->shape = module_->shape();
  const auto [m, n, k] =
      std::array<size_t, 3>{static_cast<size_t>(p->shape.m), static_cast<size_t>(p->shape.n),
                            static_cast<size_t>(p->shape.k)};
  p->a = make_input(m * k, 1);
  p->b = make_input(k * n, 2);
  p->reference.assign(m * n, 0.0f);
  for (size_t i = 0; i < m; ++i) {
    for (size_t kk = 0; kk < k; ++kk) {
      const float x = p->a[i * k + kk];
      for (size_t j = 0; j < n; ++j) p->reference[i * n + j] += x * p->b[kk * n + j];
    }
  }
  problem_ = std::move(p);
  schedule_ = Schedule{};
  kernel_ = nullptr;
}

void MlirSession::run_checked(const MatmulModule::Kernel& kernel, const std::string& what) {
  const Problem& p = *problem_;
  c_.assign(p.reference.size(), 0.0f);
  kernel(p.a.data(), p.b.data(), c_.data());
  for (size_t i = 0; i < c_.size(); ++i) {
    if (c_[i] != p.reference[i]) {
      size_t wrong = 0;
      for (size_t j = 0; j < c_.size(); ++j) wrong += c_[j] != p.reference[j];
      const size_t n = static_cast<size_t>(p.shape.n);
      throw SessionError("schedule " + schedule_.to_string() + " computes a wrong result (" + what +
                         "): C[" + std::to_string(i / n) + "][" + std::to_string(i % n) + "] is " +
                         std::to_string(c_[i]) + ", the reference says " +
                         std::to_string(p.reference[i]) + "; " + std::to_string(wrong) + " of " +
                         std::to_string(c_.size()) + " elements differ");
    }
  }
}

MatmulModule::Kernel MlirSession::compile_checked(const Schedule& s) {
  const Schedule before = schedule_;
  schedule_ = s;  // for the messages
  try {
    auto kernel = module_->compile(s);
    run_checked(kernel, "checked after compiling");
    return kernel;
  } catch (...) {
    schedule_ = before;
    throw;
  }
}

ActionResult MlirSession::apply_action(Action action) {
  if (!module_) throw StateError("mlir-v0: apply_action() before init()");
  const Schedule next = cgym::mlir::apply_action(schedule_, action);
  ActionResult result;
  if (next == schedule_) {
    result.action_had_no_effect = true;
    return result;
  }
  kernel_ = compile_checked(next);
  schedule_ = next;
  return result;
}

Observation MlirSession::compute_observation(const ObservationSpaceSpec& space) {
  if (!module_) throw StateError("mlir-v0: observation before init()");
  if (space.name == "IsRunnable") return true;
  if (space.name == "Schedule") return Observation::json(schedule_.to_json());
  if (space.name == "Mlir") return module_->transformed(schedule_);
  if (space.name == "Runtime") {
    const std::string key = benchmark_->hash() + "|" + schedule_.to_json().dump() + "|" +
                            std::to_string(settings_.runtime_runs) + "|" +
                            std::to_string(settings_.runtime_warmup);
    if (settings_.runtime_cache) {
      if (auto hit = RuntimeCache::global().get(key)) return *hit;
    }
    if (!kernel_) kernel_ = compile_checked(schedule_);
    for (int i = 0; i < settings_.runtime_warmup; ++i) run_checked(kernel_, "warm-up run");
    std::vector<double> runs;
    for (int i = 0; i < settings_.runtime_runs; ++i) {
      const Problem& p = *problem_;
      c_.assign(p.reference.size(), 0.0f);
      const auto start = std::chrono::steady_clock::now();
      kernel_(p.a.data(), p.b.data(), c_.data());
      runs.push_back(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      if (!std::equal(c_.begin(), c_.end(), p.reference.begin())) {
        run_checked(kernel_, "timed run " + std::to_string(i + 1));  // throws with details
      }
    }
    if (settings_.runtime_cache) RuntimeCache::global().put(key, runs);
    return runs;
  }
  throw LookupError("mlir-v0 has no observation '" + space.name +
                    "'; valid: Runtime, IsRunnable, Mlir, Schedule");
}

std::unique_ptr<CompilationSession> MlirSession::fork() const {
  auto f = std::make_unique<MlirSession>(context_ptr(), settings_);
  if (module_) {
    f->module_ = std::make_unique<MatmulModule>(benchmark_->program(), benchmark_->uri());
    f->benchmark_ = benchmark_;
    f->problem_ = problem_;
    f->schedule_ = schedule_;
    f->kernel_ = kernel_;  // immutable once compiled: safe to share
  }
  return f;
}

std::optional<std::string> MlirSession::state_hash() {
  if (!module_) return std::nullopt;
  return schedule_.to_json().dump();
}

std::optional<std::string> MlirSession::handle_session_parameter(const std::string& key,
                                                                 const std::string& value) {
  if (key == "mlir.set_runtimes_per_observation_count") {
    settings_.runtime_runs = parse_count(key, value, 1);
    return std::to_string(settings_.runtime_runs);
  }
  if (key == "mlir.get_runtimes_per_observation_count") {
    return std::to_string(settings_.runtime_runs);
  }
  if (key == "mlir.get_schedule") return schedule_.to_json().dump();
  if (key == "mlir.schedule") {
    if (!module_) throw StateError("mlir.schedule needs an episode: call reset() first");
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(value);
    } catch (const nlohmann::json::exception& e) {
      throw InvalidArgument(std::string("mlir.schedule is not JSON: ") + e.what());
    }
    const Schedule next = Schedule::from_json(j);
    if (!(next == schedule_)) {
      kernel_ = compile_checked(next);
      schedule_ = next;
    }
    return schedule_.to_json().dump();
  }
  return std::nullopt;
}

}  // namespace cgym::mlir
