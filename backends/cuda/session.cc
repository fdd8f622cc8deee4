#include "backends/cuda/session.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <limits>
#include <sstream>
#include <thread>
#include <utility>

#include "backends/cuda/datasets.h"
#include "backends/cuda/structured.h"
#include "cgym/errors.h"
#include "cgym/util.h"

namespace cgym::cuda {

namespace {

constexpr const char* kVersion = "cgym-loopnest 1.0";
constexpr size_t kMaxLoopToolLevels = 16;

int64_t parse_int(const std::string& key, const std::string& value, int64_t low) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || ptr != value.data() + value.size() || value.empty() || v < low ||
      v > (int64_t{1} << 30)) {
    throw InvalidArgument("option " + key + "='" + value +
                          "' is not valid; expected an integer >= " + std::to_string(low));
  }
  return v;
}

double parse_double(const std::string& key, const std::string& value, double low, bool strict) {
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != value.size() || value.empty() || !std::isfinite(v) || v < low ||
      (strict && v == low)) {
    throw InvalidArgument("option " + key + "='" + value + "' is not valid; expected a number " +
                          (strict ? "> " : ">= ") + std::to_string(low));
  }
  return v;
}

ObservationSpaceSpec double_space(const std::string& name, const std::string& description,
                                  bool deterministic, bool benchmark_constant = false) {
  ObservationSpaceSpec s;
  s.name = name;
  s.space = Space::scalar_double(0.0);
  s.deterministic = deterministic;
  s.platform_dependent = true;
  s.default_value = Observation(0.0);
  s.description = description;
  s.benchmark_constant = benchmark_constant;
  return s;
}

ObservationSpaceSpec string_space(const std::string& name, const std::string& description,
                                  bool platform_dependent = false) {
  ObservationSpaceSpec s;
  s.name = name;
  s.space = Space::string();
  s.platform_dependent = platform_dependent;
  s.default_value = Observation(std::string());
  s.description = description;
  return s;
}

ObservationSpaceSpec json_space(const std::string& name, const std::string& description) {
  ObservationSpaceSpec s;
  s.name = name;
  s.space = Space::dict();
  s.platform_dependent = true;
  s.default_value = Observation::json(nlohmann::json::object());
  s.description = description;
  return s;
}

Target choose_target(const LoopNestProgram& program, const Settings& settings) {
  if (program.target) return *program.target;
  return settings.target.value_or(Target::kCpu);
}

// Session parameters shared by both envs: the evaluator's settings, and
// loopnest.remeasure, which times `schedule` again and answers its GFLOP/s
// (a fresh timing, for searches that must tell gains from noise). The
// backend is fixed per episode; `backend_hint` says how to choose it.
std::optional<std::string> set_evaluator_parameter(Settings& settings, Evaluator& evaluator,
                                                   const Schedule& schedule, const std::string& key,
                                                   const std::string& value,
                                                   const char* backend_hint) {
  if (key == "loopnest.remeasure") {
    if (!value.empty()) {
      throw InvalidArgument("loopnest.remeasure takes an empty value, not '" + value + "'");
    }
    std::ostringstream out;
    out.precision(17);
    out << evaluator.remeasure(schedule);
    return out.str();
  }
  if (key == "loopnest.flops_floor") {
    evaluator.set_flops_floor(value.empty() ? std::nullopt
                                            : std::optional<double>(parse_double(
                                                  "loopnest.flops_floor", value, 0, true)));
    return value;
  }
  if (key == "backend") {
    throw InvalidArgument(std::string("the backend cannot change mid-episode; ") + backend_hint);
  }
  const auto& known = Settings::known_params();
  if (key != "test_drop_tail" && std::find(known.begin(), known.end(), key) == known.end()) {
    return std::nullopt;
  }
  settings.set(key, value, true);
  evaluator.settings() = settings;
  return value;
}

// A schedule whose output differs from the reference is a validation
// finding; any other failure propagates.
std::vector<ValidationIssue> check_schedule(Evaluator& evaluator, const Schedule& schedule) {
  try {
    evaluator.check(schedule);
  } catch (const SessionError& e) {
    const std::string what = e.what();
    if (what.rfind("schedule produced wrong output", 0) == 0) return {{"Wrong output", what}};
    throw;
  }
  return {};
}

}  // namespace

// ---- Settings -----------------------------------------------------------------

const std::vector<std::string>& Settings::known_params() {
  static const std::vector<std::string> names = {"backend",
                                                 "warmup_runs",
                                                 "timed_runs",
                                                 "min_batch_seconds",
                                                 "max_run_seconds",
                                                 "run_timeout",
                                                 "build_timeout",
                                                 "threads",
                                                 "cxx",
                                                 "nvcc",
                                                 "cuda_arch"};
  return names;
}

void Settings::set(const std::string& key, const std::string& value, bool session_parameter) {
  if (key == "backend") {
    target = target_from_string(value);
  } else if (key == "warmup_runs") {
    run.warmup = static_cast<int>(parse_int(key, value, 0));
  } else if (key == "timed_runs") {
    run.runs = static_cast<int>(parse_int(key, value, 1));
  } else if (key == "min_batch_seconds") {
    run.min_batch_seconds = parse_double(key, value, 0, false);
  } else if (key == "max_run_seconds") {
    run.max_seconds = parse_double(key, value, 0, true);
  } else if (key == "run_timeout") {
    run.timeout_seconds = parse_double(key, value, 0, true);
  } else if (key == "build_timeout") {
    toolchain.build_timeout_seconds = parse_double(key, value, 0, true);
  } else if (key == "threads") {
    run.threads = static_cast<int>(parse_int(key, value, 0));
  } else if (key == "cxx" || key == "nvcc" || key == "cuda_arch") {
    if (value.empty()) throw InvalidArgument("option " + key + " must not be empty");
    (key == "cxx" ? toolchain.cxx : key == "nvcc" ? toolchain.nvcc : toolchain.cuda_arch) = value;
  } else if (key == "test_drop_tail" && session_parameter) {
    if (value != "0" && value != "1") {
      throw InvalidArgument("test_drop_tail must be 0 or 1, not '" + value + "'");
    }
    drop_tail = value == "1";
  } else {
    std::string all;
    for (const auto& n : known_params()) all += (all.empty() ? "" : ", ") + n;
    throw LookupError("unknown loop-nest option '" + key + "'; valid options: " + all +
                      (session_parameter ? ", test_drop_tail" : ""));
  }
}

Settings Settings::from_params(const std::map<std::string, std::string>& params) {
  Settings s;
  for (const auto& [k, v] : params) s.set(k, v, false);
  return s;
}

// ---- Evaluator ------------------------------------------------------------------

Evaluator::Evaluator(Computation computation, Target target, Settings settings,
                     std::filesystem::path fallback_dir)
    : computation_(std::move(computation)),
      target_(target),
      settings_(std::move(settings)),
      fallback_dir_(std::move(fallback_dir)) {}

GeneratedProgram Evaluator::program(const Schedule& schedule) const {
  return generate_program(computation_, schedule,
                          CodegenOptions{.target = target_, .drop_tail = settings_.drop_tail});
}

BuildResult Evaluator::build(const Schedule& schedule) const {
  return build_program(program(schedule), target_, settings_.toolchain, fallback_dir_);
}

std::shared_ptr<const Measurement> Evaluator::run(const Schedule& schedule, bool use_run_cache,
                                                  double give_up_seconds) const {
  const BuildResult b = build(schedule);
  RunOptions o = settings_.run;
  o.check_only = false;
  o.use_run_cache = use_run_cache;
  o.give_up_seconds = give_up_seconds;
  o.reference_file = reference_file(computation_, target_);
  return run_program(b, o);
}

std::shared_ptr<const Measurement> Evaluator::measure(const Schedule& schedule) const {
  return run(schedule, true);
}

double Evaluator::gflops(const Measurement& m) const {
  if (!(m.seconds > 0)) {
    throw SessionError("the loop-nest program reported a non-positive time (" +
                       std::to_string(m.seconds) + " s); cannot compute GFLOP/s");
  }
  return computation_.flop_count() / m.seconds / 1e9;
}

double Evaluator::flops(const Schedule& schedule) const { return gflops(*run(schedule, true)); }

double Evaluator::flops_within_floor(const Schedule& schedule) {
  const std::optional<double> floor = std::exchange(floor_, std::nullopt);
  if (!floor) return flops(schedule);
  const double at_floor = computation_.flop_count() / (*floor * 1e9);
  return gflops(*run(schedule, true, kFloorSlack * at_floor + kFloorMargin));
}

double Evaluator::remeasure(const Schedule& schedule) const {
  return gflops(*run(schedule, false));
}

void Evaluator::check(const Schedule& schedule) const {
  const BuildResult b = build(schedule);
  RunOptions o = settings_.run;
  o.check_only = true;
  o.reference_file = reference_file(computation_, target_);
  run_program(b, o);
}

nlohmann::json Evaluator::ptxas_info(const Schedule& schedule) const {
  if (target_ != Target::kCuda) return {{"backend", "cpu"}};
  const BuildResult b = build(schedule);
  nlohmann::json j = parse_ptxas_info(b.compiler_output);
  j["backend"] = "cuda";
  const auto launch = program(schedule).launch;
  j["blocks"] = launch.blocks;
  j["threads_per_block"] = launch.threads;
  return j;
}

Schedule initial_schedule(const Computation& computation, Target target) {
  Schedule s = Schedule::naive(computation);
  if (target == Target::kCuda) {
    for (size_t p = 0; p < s.size(); ++p) {
      if (!computation.dims()[s.loops()[p].dim].reduction) s.toggle_parallel(computation, p);
    }
  }
  return s;
}

// ---- LoopNestSession --------------------------------------------------------------

namespace {

constexpr const char* kLoopNestSpace = "loopnest";
constexpr const char* kDirectSpace = "direct";

enum LoopNestAction {
  kCursorUp,
  kCursorDown,
  kSwapDown,
  kSplit2,
  kSplit4,
  kSplit8,
  kSplit16,
  kSplit32,
  kMerge,
  kToggleParallel,
  kToggleUnroll,
  kToggleVectorize,
  kEndOfEpisode,
};

ActionSpace loopnest_space() {
  std::vector<ActionInfo> a = {
      {"cursor_up", "cursor_up", "move the cursor to the enclosing loop"},
      {"cursor_down", "cursor_down", "move the cursor to the next inner loop"},
  };
  for (const auto& [name, description] : primitive_edits()) {
    a.push_back({name, name, description + " under the cursor"});
  }
  a.push_back({"end_of_episode", "end_of_episode", "end the episode"});
  return ActionSpace(kLoopNestSpace, std::move(a));
}

// Every edit at every loop position: no cursor, so that one-step searches
// (greedy, hill climbing) see every edit of the nest. Then end_of_episode,
// then the structured actions (structured.h), which come last so that the
// primitive actions keep their indices.
ActionSpace direct_space() {
  std::vector<ActionInfo> a;
  for (size_t p = 0; p < kDirectPositions; ++p) {
    for (const auto& [name, description] : primitive_edits()) {
      const std::string n = name + "@" + std::to_string(p);
      a.push_back({n, n, description + " at loop " + std::to_string(p) + " (0 = outermost)"});
    }
  }
  a.push_back({"end_of_episode", "end_of_episode", "end the episode"});
  for (const auto& [name, description] : structured_actions()) {
    a.push_back({name, name, description});
  }
  return ActionSpace(kDirectSpace, std::move(a));
}

// The index of end_of_episode in the direct space.
int direct_end_of_episode() {
  return static_cast<int>(kDirectPositions * primitive_edits().size());
}

}  // namespace

LoopNestSession::LoopNestSession(std::shared_ptr<const SessionContext> context, Settings settings)
    : CompilationSession(std::move(context)), settings_(std::move(settings)) {}

std::string LoopNestSession::compiler_version() const { return kVersion; }

std::vector<ActionSpace> LoopNestSession::action_spaces() const {
  return {loopnest_space(), direct_space()};
}

std::vector<ObservationSpaceSpec> LoopNestSession::observation_spaces() const {
  ObservationSpaceSpec state;
  state.name = "action_state";
  state.space = Space::box_int({9}, 0, std::numeric_limits<int64_t>::max());
  state.default_value = Observation(std::vector<int64_t>(9, 0));
  state.description =
      "cursor, loop count, and the cursor loop's dimension, level, extent, parallel, unroll, "
      "vectorize, is-reduction";
  ObservationSpaceSpec ptxas =
      json_space("ptxas_info",
                 "registers, spills, shared and stack memory of the CUDA kernel (ptxas -v); "
                 "{\"backend\": \"cpu\"} on the cpu backend");
  return {
      double_space("flops", "GFLOP/s of the current schedule (median of the timed runs)", false),
      double_space("flops_naive", "GFLOP/s of the naive schedule", false, true),
      string_space("loop_tree", "the loop nest as text"),
      state,
      string_space("source", "the generated program (C++/OpenMP or CUDA)", true),
      ptxas,
      double_space("compile_time", "seconds the program's build took", false),
      json_space("schedule", "the computation, backend and schedule as JSON"),
  };
}

void LoopNestSession::init(const ActionSpace& action_space, BenchmarkPtr benchmark) {
  direct_ = action_space.name() == kDirectSpace;
  const LoopNestProgram p = read_program(*benchmark);
  const Target target = choose_target(p, settings_);
  evaluator_ = Evaluator(p.computation, target, settings_, context().working_dir());
  schedule_ = initial_schedule(p.computation, target);
  cursor_ = 0;
}

ActionResult LoopNestSession::apply_action(Action action) {
  ActionResult r;
  const Schedule before = schedule_;
  const size_t cursor_before = cursor_;
  if (direct_) {
    // Action p * 10 + e is edit e at loop p; the cursor moves to the loop
    // edited, and stays put when the edit is invalid. A structured action
    // applies its expansion's edits the same way, one by one.
    const int edits_count = static_cast<int>(primitive_edits().size());
    const int end = direct_end_of_episode();
    if (action == end) {
      r.end_of_episode = true;
      r.action_had_no_effect = true;
      return r;
    }
    if (action < 0 || action > end + static_cast<int>(structured_actions().size())) {
      throw SessionError("loopnest: action " + std::to_string(action) + " is out of range");
    }
    std::vector<PrimitiveEdit> edits;
    if (action > end) {
      edits = expand_structured(static_cast<size_t>(action - end - 1), evaluator_.computation(),
                                evaluator_.target(), schedule_);
    } else {
      edits.push_back({action % edits_count, static_cast<size_t>(action / edits_count)});
    }
    for (const PrimitiveEdit& e : edits) {
      if (e.pos >= schedule_.size()) continue;
      const size_t cursor = cursor_;
      const Schedule previous = schedule_;
      cursor_ = e.pos;
      edit(kSwapDown + e.edit);
      if (schedule_ == previous) cursor_ = cursor;
    }
  } else {
    switch (action) {
      case kCursorUp:
        if (cursor_ > 0) --cursor_;
        break;
      case kCursorDown:
        if (cursor_ + 1 < schedule_.size()) ++cursor_;
        break;
      case kEndOfEpisode:
        r.end_of_episode = true;
        break;
      default:
        if (action < kSwapDown || action > kEndOfEpisode) {
          throw SessionError("loopnest: action " + std::to_string(action) + " is out of range");
        }
        edit(action);
    }
  }
  r.action_had_no_effect = schedule_ == before && cursor_ == cursor_before;
  return r;
}

void LoopNestSession::edit(int action) {
  // The cursor follows a loop that swap_down moves.
  if (apply_edit(action - kSwapDown, cursor_, evaluator_.computation(), evaluator_.target(),
                 schedule_) &&
      action == kSwapDown) {
    ++cursor_;
  }
}

Observation LoopNestSession::compute_observation(const ObservationSpaceSpec& space) {
  const std::string& n = space.name;
  if (n == "flops") return evaluator_.flops_within_floor(schedule_);
  if (n == "flops_naive") {
    return evaluator_.flops(initial_schedule(evaluator_.computation(), evaluator_.target()));
  }
  if (n == "loop_tree") {
    std::string head =
        evaluator_.computation().description() + " (" + to_string(evaluator_.target()) + ")\n";
    return head + schedule_.to_string(evaluator_.computation(), cursor_);
  }
  if (n == "action_state") {
    const Loop& l = schedule_.loops().at(cursor_);
    return std::vector<int64_t>{static_cast<int64_t>(cursor_),
                                static_cast<int64_t>(schedule_.size()),
                                l.dim,
                                l.level,
                                l.extent,
                                l.parallel,
                                l.unroll,
                                l.vectorize,
                                evaluator_.computation().dims()[l.dim].reduction};
  }
  if (n == "source") return evaluator_.program(schedule_).source;
  if (n == "ptxas_info") return Observation::json(evaluator_.ptxas_info(schedule_));
  if (n == "compile_time") return evaluator_.build(schedule_).compile_seconds;
  if (n == "schedule") {
    nlohmann::json j = evaluator_.computation().to_json();
    j["backend"] = to_string(evaluator_.target());
    j["schedule"] = schedule_.to_json();
    j["cursor"] = cursor_;
    return Observation::json(j);
  }
  throw SessionError("loopnest: unknown observation space '" + n + "'");
}

std::unique_ptr<CompilationSession> LoopNestSession::fork() const {
  return std::make_unique<LoopNestSession>(*this);
}

std::string LoopNestSession::prebuild(const std::string& value) {
  // The schedules the actions lead to from here: each applied, then undone.
  std::vector<Schedule> schedules;
  std::istringstream in(value);
  for (std::string token; in >> token;) {
    Action action = 0;
    const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), action);
    if (ec != std::errc() || end != token.data() + token.size()) {
      throw InvalidArgument(
          "loopnest.prebuild takes action indices of the current action space separated by "
          "spaces, e.g. '0 12 101'; got '" +
          token + "'");
    }
    const Schedule before = schedule_;
    const size_t cursor = cursor_;
    try {
      apply_action(action);
    } catch (const SessionError& e) {
      const int count =
          direct_ ? direct_end_of_episode() + 1 + static_cast<int>(structured_actions().size())
                  : kEndOfEpisode + 1;
      throw InvalidArgument("loopnest.prebuild: " + std::string(e.what()) + " (valid: 0 to " +
                            std::to_string(count - 1) + ")");
    }
    Schedule after = std::move(schedule_);
    schedule_ = before;
    cursor_ = cursor;
    if (after == before ||
        std::find(schedules.begin(), schedules.end(), after) != schedules.end()) {
      continue;
    }
    schedules.push_back(std::move(after));
  }
  // Built as many at once as there are cores. A failed build is left to
  // the step that takes the action (failures are not cached), which then
  // reports it.
  std::atomic<size_t> next{0};
  std::atomic<int> built{0};
  auto work = [&] {
    for (size_t i = next++; i < schedules.size(); i = next++) {
      try {
        if (!evaluator_.build(schedules[i]).cached) ++built;
      } catch (const std::exception&) {
      }
    }
  };
  const size_t jobs =
      std::min<size_t>(schedules.size(), std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::thread> pool;
  for (size_t j = 1; j < jobs; ++j) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  return std::to_string(built.load());
}

std::optional<std::string> LoopNestSession::handle_session_parameter(const std::string& key,
                                                                     const std::string& value) {
  if (key == "loopnest.prebuild") return prebuild(value);
  if (key == "loopnest.expand") {
    // The primitive edits a structured action would apply now, as
    // direct-space action names separated by spaces ("" when it does not
    // apply); a primitive action's name expands to itself.
    const auto& structured = structured_actions();
    for (size_t i = 0; i < structured.size(); ++i) {
      if (structured[i].first != value) continue;
      std::string out;
      for (const auto& e :
           expand_structured(i, evaluator_.computation(), evaluator_.target(), schedule_)) {
        out += (out.empty() ? "" : " ") + e.name();
      }
      return out;
    }
    const ActionSpace direct = direct_space();
    for (int a = 0; a < direct_end_of_episode(); ++a) {
      if (direct.action_name(a) == value) return value;
    }
    std::string names;
    for (const auto& [name, description] : structured) names += (names.empty() ? "" : ", ") + name;
    throw LookupError("loopnest.expand: '" + value +
                      "' is not an action of the direct space; structured actions: " + names +
                      "; primitive actions look like split_8@0");
  }
  return set_evaluator_parameter(
      settings_, evaluator_, schedule_, key, value,
      "pass it as a make option or in the benchmark URI (?backend=cpu|cuda)");
}

std::vector<ValidationIssue> LoopNestSession::validate_semantics(const ValidationOptions&) {
  return check_schedule(evaluator_, schedule_);
}

// ---- LoopToolSession --------------------------------------------------------------

namespace {

ActionSpace loop_tool_space(bool split) {
  std::vector<ActionInfo> a = {
      {"toggle_mode", "toggle_mode", "switch between size mode and select mode"},
      {"up", "up", "size mode: grow the loop under the cursor; select mode: next loop"},
      {"down", "down", "size mode: shrink the loop under the cursor; select mode: previous loop"},
      {"toggle_thread", "toggle_thread", "run the loop under the cursor in parallel"},
  };
  if (split) a.push_back({"split", "split", "insert a loop of size 1 under the cursor"});
  return ActionSpace(split ? "split" : "simple", std::move(a));
}

}  // namespace

LoopToolSession::LoopToolSession(std::shared_ptr<const SessionContext> context, Settings settings)
    : CompilationSession(std::move(context)), settings_(std::move(settings)) {}

std::string LoopToolSession::compiler_version() const { return kVersion; }

std::vector<ActionSpace> LoopToolSession::action_spaces() const {
  return {loop_tool_space(false), loop_tool_space(true)};
}

std::vector<ObservationSpaceSpec> LoopToolSession::observation_spaces() const {
  ObservationSpaceSpec state;
  state.name = "action_state";
  state.space = Space::box_int({3}, 0, int64_t{1} << 36);
  state.default_value = Observation(std::vector<int64_t>{0, 0, 0});
  state.description = "cursor, size and tail of the loop under the cursor";
  return {
      double_space("flops", "GFLOP/s of the current schedule (median of the timed runs)", false),
      string_space("loop_tree", "the loop nest as text, parallel loops marked [thread]"),
      state,
  };
}

void LoopToolSession::init(const ActionSpace& action_space, BenchmarkPtr benchmark) {
  const LoopNestProgram p = read_program(*benchmark);
  if (p.computation.kind() != Kind::kPointwise) {
    throw BenchmarkInitError("loop_tool-v0 schedules pointwise adds only; '" + benchmark->uri() +
                             "' is a " + to_string(p.computation.kind()) +
                             " (use loopnest-v0 for it)");
  }
  const Target target = choose_target(p, settings_);
  evaluator_ = Evaluator(p.computation, target, settings_, context().working_dir());
  space_ = action_space.name();
  // CompilerGym's initial state: [(N, 0), (1, 0), (1, 0)], outer loop threaded.
  levels_ = {{p.computation.param("n"), 0, true}, {1, 0, false}, {1, 0, false}};
  cursor_ = 0;
  size_mode_ = true;
}

bool LoopToolSession::resize(bool grow) {
  // The loop under the cursor takes iterations from, or gives them to, its
  // parent; the parent keeps covering the same elements, with a new tail.
  if (cursor_ == 0) return false;
  int64_t inner = 1;
  for (size_t l = levels_.size(); l-- > cursor_ + 1;) {
    inner = levels_[l].size * inner + levels_[l].tail;
  }
  Level& parent = levels_[cursor_ - 1];
  Level& loop = levels_[cursor_];
  const int64_t total = parent.size * (loop.size * inner + loop.tail) + parent.tail;
  int64_t size = loop.size;
  if (grow) {
    ++size;
  } else if (loop.tail == 0) {
    --size;
  }
  if (size < 1) return false;
  const int64_t chunk = size * inner;
  if (total / chunk < 1) return false;
  if (size == loop.size && loop.tail == 0) return false;
  parent.size = total / chunk;
  parent.tail = total % chunk;
  loop.size = size;
  loop.tail = 0;
  return true;
}

ActionResult LoopToolSession::apply_action(Action action) {
  ActionResult r;
  const auto levels_before = levels_;
  const size_t cursor_before = cursor_;
  const bool mode_before = size_mode_;
  const int n = static_cast<int>(levels_.size());
  switch (action) {
    case 0:
      size_mode_ = !size_mode_;
      break;
    case 1:
      if (size_mode_) {
        resize(true);
      } else {
        cursor_ = static_cast<size_t>((static_cast<int>(cursor_) + 1) % n);
      }
      break;
    case 2:
      if (size_mode_) {
        resize(false);
      } else {
        cursor_ = static_cast<size_t>((static_cast<int>(cursor_) - 1 + n) % n);
      }
      break;
    case 3:
      levels_[cursor_].thread = !levels_[cursor_].thread;
      break;
    case 4:
      if (space_ != "split") {
        throw SessionError("loop_tool: split is not in the '" + space_ + "' action space");
      }
      if (levels_.size() < kMaxLoopToolLevels) {
        levels_.insert(levels_.begin() + static_cast<std::ptrdiff_t>(cursor_) + 1, Level{});
      }
      break;
    default:
      throw SessionError("loop_tool: action " + std::to_string(action) + " is out of range");
  }
  r.action_had_no_effect =
      levels_ == levels_before && cursor_ == cursor_before && size_mode_ == mode_before;
  return r;
}

Schedule LoopToolSession::schedule() const {
  // Level l covers size * cover(l + 1) + tail elements; an iteration of it
  // moves by cover(l + 1). A tail is one more, partial, iteration, bounded
  // by a guard on the levels from l inwards.
  const size_t n = levels_.size();
  std::vector<int64_t> cover(n + 1, 1);
  for (size_t l = n; l-- > 0;) cover[l] = levels_[l].size * cover[l + 1] + levels_[l].tail;
  std::vector<Loop> loops;
  std::vector<Guard> guards;
  for (size_t l = 0; l < n; ++l) {
    Loop loop;
    loop.dim = 0;
    loop.level = static_cast<int>(l);
    loop.extent = levels_[l].size + (levels_[l].tail > 0 ? 1 : 0);
    loop.stride = cover[l + 1];
    loop.parallel = levels_[l].thread;
    loops.push_back(loop);
    if (levels_[l].tail > 0) {
      guards.push_back({0, static_cast<int>(l), static_cast<int>(n - 1), cover[l]});
    }
  }
  return Schedule::from_parts(evaluator_.computation(), std::move(loops), std::move(guards));
}

std::string LoopToolSession::loop_tree() const {
  std::ostringstream out;
  for (size_t l = 0; l < levels_.size(); ++l) {
    out << std::string(l, ' ') << "for a" << std::string(l, '\'') << " in " << levels_[l].size;
    if (levels_[l].tail) out << " r " << levels_[l].tail;
    out << " : L" << l;
    if (levels_[l].thread) out << " [thread]";
    out << "\n";
  }
  const std::string in(levels_.size(), ' ');
  out << in << "%0[a] <- read()\n"
      << in << "%1[a] <- read()\n"
      << in << "%2[a] <- add(%0, %1)\n"
      << in << "%3[a] <- write(%2)\n";
  return out.str();
}

Observation LoopToolSession::compute_observation(const ObservationSpaceSpec& space) {
  if (space.name == "flops") return evaluator_.flops_within_floor(schedule());
  if (space.name == "loop_tree") return loop_tree();
  if (space.name == "action_state") {
    const Level& l = levels_.at(cursor_);
    return std::vector<int64_t>{static_cast<int64_t>(cursor_), l.size, l.tail};
  }
  throw SessionError("loop_tool: unknown observation space '" + space.name + "'");
}

std::unique_ptr<CompilationSession> LoopToolSession::fork() const {
  return std::make_unique<LoopToolSession>(*this);
}

std::optional<std::string> LoopToolSession::handle_session_parameter(const std::string& key,
                                                                     const std::string& value) {
  return set_evaluator_parameter(
      settings_, evaluator_, schedule(), key, value,
      "choose a benchmark://loop_tool-cpu-v0/N or benchmark://loop_tool-cuda-v0/N");
}

std::vector<ValidationIssue> LoopToolSession::validate_semantics(const ValidationOptions&) {
  return check_schedule(evaluator_, schedule());
}

}  // namespace cgym::cuda
