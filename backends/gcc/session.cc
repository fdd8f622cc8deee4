#include "backends/gcc/session.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>

#include "backends/gcc/elf.h"
#include "cgym/errors.h"
#include "cgym/program.h"
#include "cgym/subprocess.h"
#include "cgym/util.h"

namespace fs = std::filesystem;

namespace cgym::gcc {

namespace {

// gcc's messages are only read for error details; debugging params such as
// --param=ranger-debug=all could otherwise fill memory.
constexpr size_t kMaxGccOutput = size_t{1} << 20;

const char* kind_name(int kind) {
  static const char* kNames[] = {"obj", "asm", "rtl", "source"};
  return kNames[kind];
}

std::string join(const std::vector<std::string>& parts, char sep) {
  std::string out;
  for (const auto& p : parts) {
    out += p;
    out += sep;
  }
  return out;
}

std::string stem_of(const std::string& file) {
  const fs::path p(file);
  return (p.parent_path() / p.stem()).string();
}

// Removes a directory when it goes out of scope (outputs of one gcc run).
struct ScopedDir {
  fs::path path;
  explicit ScopedDir(fs::path p) : path(std::move(p)) { fs::create_directories(path); }
  ~ScopedDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  ScopedDir(const ScopedDir&) = delete;
  ScopedDir& operator=(const ScopedDir&) = delete;
};

std::string concat(const Artifact& a) {
  size_t n = 0;
  for (const auto& o : a.outputs) n += o.size();
  std::string out;
  out.reserve(n);
  for (const auto& o : a.outputs) out += o;
  return out;
}

nlohmann::json count_mnemonics(const std::string& assembly) {
  std::map<std::string, int64_t> counts;
  size_t pos = 0;
  while (pos < assembly.size()) {
    size_t end = assembly.find('\n', pos);
    if (end == std::string::npos) end = assembly.size();
    // Instructions are indented; labels and directives start with a name at
    // column 0 or with a '.'.
    if (end > pos && (assembly[pos] == '\t' || assembly[pos] == ' ')) {
      size_t b = pos;
      while (b < end && (assembly[b] == '\t' || assembly[b] == ' ')) ++b;
      size_t e = b;
      while (e < end && !std::isspace(static_cast<unsigned char>(assembly[e]))) ++e;
      if (e > b && assembly[b] != '.' && assembly[b] != '#' && assembly[e - 1] != ':') {
        ++counts[assembly.substr(b, e - b)];
      }
    }
    pos = end + 1;
  }
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : counts) j[k] = v;
  return j;
}

// Baseline object sizes (-O0, -O3, -Os) never change for a benchmark: one
// map for the whole process, never evicted (a few bytes per benchmark).
std::mutex& baseline_mutex() {
  static std::mutex mu;
  return mu;
}
std::map<std::string, int64_t>& baseline_map() {
  static auto* m = new std::map<std::string, int64_t>();
  return *m;
}

std::vector<SourceFile> benchmark_sources(const Benchmark& b) {
  const auto& d = b.data();
  if (!d.sources.empty()) return d.sources;
  if (d.format == ProgramFormat::kC) return {{"program.c", d.program}};
  return {};
}

int parse_positive_int(const std::string& key, const std::string& value, int min) {
  int v = 0;
  auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || p != value.data() + value.size() || v < min) {
    throw InvalidArgument("session parameter " + key +
                          " takes an integer >= " + std::to_string(min) + ", got '" + value + "'");
  }
  return v;
}

}  // namespace

struct GccSession::Sources {
  fs::path dir;
  ~Sources() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

std::shared_ptr<const GccCompiler> make_gcc_compiler(std::string program, std::string path,
                                                     std::shared_ptr<const GccSpec> spec) {
  auto c = std::make_shared<GccCompiler>();
  c->program = std::move(program);
  c->path = std::move(path);
  c->key = hash_bytes(spec->version + "\n" + spec->path).substr(0, 16);
  c->spec = spec;
  c->actions = std::make_shared<GccActionTable>(spec);
  c->action_space = c->actions->make_action_space(c->program);

  int64_t max_choice = 0;
  for (const auto& o : spec->options) max_choice = std::max(max_choice, o.size() - 1);
  auto size_space = [] { return Space::scalar_int(-1); };
  auto text = [](std::string name, std::string description, bool platform = true) {
    ObservationSpaceSpec s;
    s.name = std::move(name);
    s.space = Space::string();
    s.platform_dependent = platform;
    s.default_value = Observation(std::string());
    s.description = std::move(description);
    return s;
  };
  auto integer = [&](std::string name, std::string description, bool constant = false) {
    ObservationSpaceSpec s;
    s.name = std::move(name);
    s.space = size_space();
    s.platform_dependent = true;
    s.default_value = Observation(int64_t{-1});
    s.description = std::move(description);
    s.benchmark_constant = constant;
    return s;
  };
  auto& obs = c->observation_spaces;
  obs.push_back(text("source",
                     "The preprocessed C (gcc -E with the current options), every "
                     "source file in order."));
  obs.push_back(text("rtl", "The final RTL dump (-fdump-rtl-dfinish) of every source file."));
  obs.push_back(text("asm", "The assembly (gcc -S) of every source file, concatenated."));
  obs.push_back(integer("asm_size", "Bytes of assembly text: the sum over the source files."));
  {
    auto s = text("asm_hash", "XXH3-128 of the asm observation, as 32 hex characters.");
    s.space = Space::string(0, 32);
    obs.push_back(s);
  }
  {
    ObservationSpaceSpec s;
    s.name = "instruction_counts";
    s.space = Space::dict();
    s.platform_dependent = true;
    s.default_value = Observation::json(nlohmann::json::object());
    s.description =
        "How many times each assembly mnemonic occurs in the asm observation, as a JSON dict "
        "(directives and labels are not counted).";
    obs.push_back(s);
  }
  {
    ObservationSpaceSpec s;
    s.name = "obj";
    s.space = Space::bytes();
    s.platform_dependent = true;
    s.default_value = Observation(Bytes{});
    s.description =
        "The object file (gcc -c); for a program of several source files, an ar archive of "
        "their objects.";
    obs.push_back(s);
  }
  obs.push_back(integer("obj_size", "Bytes of object code: the sum of the .o file sizes."));
  {
    auto s = text("obj_hash", "XXH3-128 of the obj observation, as 32 hex characters.");
    s.space = Space::string(0, 32);
    obs.push_back(s);
  }
  obs.push_back(integer("obj_text_size",
                        "Bytes of executable code in the objects: the sizes of their "
                        "allocated, executable ELF sections (.text, .text.startup, ...), "
                        "summed."));
  {
    ObservationSpaceSpec s;
    s.name = "choices";
    s.space = Space::box_int({static_cast<int64_t>(spec->options.size())}, -1, max_choice);
    s.platform_dependent = false;
    s.default_value = Observation(std::vector<int64_t>());
    s.description =
        "The state: one choice per gcc option, in spec order; -1 means the option is absent, "
        "c >= 0 selects its c-th value (element i ranges over -1..size_i - 1).";
    obs.push_back(s);
  }
  obs.push_back(text("command_line",
                     "The gcc command line that builds this state's objects, with the "
                     "benchmark's file names and compile flags; run it in a directory holding "
                     "the sources.",
                     false));
  {
    ObservationSpaceSpec s;
    s.name = "runtime";
    s.space = Space::box_double({}, 0.0, std::numeric_limits<double>::infinity());
    s.deterministic = false;
    s.platform_dependent = true;
    s.default_value = Observation(std::vector<double>());
    s.description =
        "Wall-clock seconds of runs of the linked program (runnable benchmarks only): "
        "runtime_runs runs after runtime_warmup warm-ups (make options; session parameters "
        "gcc.set_runtimes_per_observation_count and "
        "gcc.set_warmup_runs_count_per_runtime_observation).";
    obs.push_back(s);
  }
  obs.push_back(integer("obj_size_O0", "obj_size of the benchmark at -O0.", true));
  obs.push_back(integer("obj_size_O3", "obj_size of the benchmark at -O3.", true));
  obs.push_back(integer("obj_size_Os", "obj_size of the benchmark at -Os.", true));
  return c;
}

GccSession::GccSession(std::shared_ptr<const SessionContext> context,
                       std::shared_ptr<const GccCompiler> compiler, GccSessionSettings settings)
    : CompilationSession(std::move(context)), gcc_(std::move(compiler)), settings_(settings) {}

GccSession::~GccSession() = default;

std::string GccSession::compiler_version() const { return gcc_->spec->version; }

std::vector<ActionSpace> GccSession::action_spaces() const { return {gcc_->action_space}; }

std::vector<ObservationSpaceSpec> GccSession::observation_spaces() const {
  return gcc_->observation_spaces;
}

void GccSession::init(const ActionSpace&, BenchmarkPtr benchmark) {
  if (!benchmark) throw BenchmarkInitError("gcc-v0: no benchmark");
  if (benchmark->format() == ProgramFormat::kCxx) {
    throw BenchmarkInitError("gcc-v0 compiles C, and '" + benchmark->uri() + "' is C++");
  }
  c_files_.clear();
  for (const auto& s : benchmark_sources(*benchmark)) {
    const fs::path p(s.name);
    if (s.name.empty() || p.is_absolute() ||
        std::any_of(p.begin(), p.end(), [](const fs::path& part) { return part == ".."; })) {
      throw BenchmarkInitError("benchmark '" + benchmark->uri() + "' has a source named '" +
                               s.name + "'; source names must be relative paths without '..'");
    }
    if (p.extension() == ".c") c_files_.push_back(s.name);
  }
  if (c_files_.empty()) {
    throw BenchmarkInitError("gcc-v0 compiles C sources, and benchmark '" + benchmark->uri() +
                             "' has none (format " + to_string(benchmark->format()) +
                             "); use a benchmark with C sources, such as "
                             "benchmark://cgym-v0/crc32 or file:///path/prog.c");
  }
  // One gcc run compiles every source when their object names differ.
  std::set<std::string> stems;
  for (const auto& f : c_files_) stems.insert(fs::path(f).stem().string());
  one_run_ = stems.size() == c_files_.size();
  benchmark_ = std::move(benchmark);
  sources_.reset();
  choices_.assign(gcc_->spec->options.size(), -1);
  forget_artifacts();
}

void GccSession::forget_artifacts() {
  for (auto& a : current_) a.reset();
}

ActionResult GccSession::apply_action(Action action) {
  ActionResult r;
  const bool changed = gcc_->actions->apply(action, choices_);
  if (changed) forget_artifacts();
  r.action_had_no_effect = !changed;
  return r;
}

void GccSession::set_choices(std::vector<int64_t> choices) {
  check_choices(*gcc_->spec, choices);
  if (choices == choices_) return;
  choices_ = std::move(choices);
  forget_artifacts();
}

std::unique_ptr<CompilationSession> GccSession::fork() const {
  auto copy = std::make_unique<GccSession>(context_ptr(), gcc_, settings_);
  copy->benchmark_ = benchmark_;
  copy->c_files_ = c_files_;
  copy->one_run_ = one_run_;
  copy->sources_ = sources_;
  copy->choices_ = choices_;
  copy->current_ = current_;
  return copy;
}

const GccSession::Sources& GccSession::sources() {
  if (sources_) return *sources_;
  auto s = std::make_shared<Sources>();
  s->dir = context().unique_path("src-", "");
  fs::create_directories(s->dir);
  for (const auto& f : benchmark_sources(*benchmark_)) {
    const fs::path target = s->dir / f.name;
    fs::create_directories(target.parent_path());
    write_file_atomic(target, f.contents);
  }
  sources_ = std::move(s);
  return *sources_;
}

std::string GccSession::command_line() const {
  std::vector<std::string> argv = {gcc_->program};
  const auto& flags = benchmark_->data().compile_flags;
  argv.insert(argv.end(), flags.begin(), flags.end());
  for (auto& a : choices_to_args(*gcc_->spec, choices_)) argv.push_back(std::move(a));
  argv.push_back("-w");
  argv.push_back("-c");
  argv.insert(argv.end(), c_files_.begin(), c_files_.end());
  return join_command_line(argv);
}

ArtifactPtr GccSession::compile(Kind kind, const std::vector<std::string>& option_args) {
  const auto& flags = benchmark_->data().compile_flags;
  const std::string key =
      hash_bytes(gcc_->key + '\n' + benchmark_->hash() + '\n' + join(flags, '\x1f') + '\n' +
                 kind_name(kind) + '\n' + join(option_args, '\x1f'));
  auto& cache = ArtifactCache::global();
  auto rethrow = [](const Artifact::Failure& f) {
    throw ProcessError(f.message, f.argv, f.exit_code, f.stderr_tail);
  };
  if (auto hit = cache.get(key)) {
    if (hit->failure) rethrow(*hit->failure);
    return hit;
  }

  const Sources& src = sources();
  ScopedDir out(context().unique_path("out-", ""));
  auto run = [&](std::vector<std::string> tail, const fs::path& cwd) {
    ProcessOptions p;
    p.argv.reserve(option_args.size() + flags.size() + tail.size() + 2);
    p.argv.push_back(gcc_->path);
    p.argv.insert(p.argv.end(), flags.begin(), flags.end());
    p.argv.insert(p.argv.end(), option_args.begin(), option_args.end());
    p.argv.push_back("-w");
    p.argv.insert(p.argv.end(), std::make_move_iterator(tail.begin()),
                  std::make_move_iterator(tail.end()));
    p.cwd = cwd;
    p.env = {{"LC_ALL", "C"}};
    p.timeout_seconds = settings_.timeout_seconds;
    p.memory_limit_bytes = settings_.memory_limit_bytes;
    p.max_output_bytes = kMaxGccOutput;
    try {
      check_process(p);
    } catch (const TimeoutError&) {
      throw;
    } catch (const ProcessError& e) {
      // An exit status is gcc's verdict on this command line: remember it.
      // Running out of memory (the limit is the env's), signals and
      // failures to start are not.
      const auto& tail_text = e.stderr_tail();
      const bool resource = tail_text.find("out of memory") != std::string::npos ||
                            tail_text.find("memory exhausted") != std::string::npos ||
                            tail_text.find("Killed signal") != std::string::npos;
      if (e.exit_code() > 0 && !resource) {
        auto failed = std::make_shared<Artifact>();
        failed->failure = Artifact::Failure{e.what(), e.argv(), e.exit_code(), e.stderr_tail()};
        cache.put(key, failed);
      }
      throw;
    }
  };

  auto artifact = std::make_shared<Artifact>();
  if ((kind == kObj || kind == kAsm) && c_files_.size() > 1 && one_run_) {
    // Several sources: one gcc run, as `gcc -c a.c b.c` by hand, which
    // saves a driver start per file. It writes a.o, b.o into its working
    // directory, so it runs in a fresh one holding links to the sources
    // (names, and so the objects, stay as in the shared source directory).
    for (const auto& f : benchmark_sources(*benchmark_)) {
      const fs::path link = out.path / f.name;
      fs::create_directories(link.parent_path());
      fs::create_symlink(src.dir / f.name, link);
    }
    std::vector<std::string> tail = {kind == kObj ? "-c" : "-S"};
    tail.insert(tail.end(), c_files_.begin(), c_files_.end());
    run(std::move(tail), out.path);
    for (const auto& f : c_files_) {
      artifact->outputs.push_back(
          read_file(out.path / (fs::path(f).stem().string() + (kind == kObj ? ".o" : ".s"))));
    }
  } else {
    for (size_t i = 0; i < c_files_.size(); ++i) {
      const fs::path output = out.path / (std::to_string(i) + ".out");
      const fs::path rtl = out.path / (std::to_string(i) + ".rtl");
      std::vector<std::string> tail;
      switch (kind) {
        case kObj:
          tail = {"-c"};
          break;
        case kAsm:
          tail = {"-S"};
          break;
        case kRtl:
          tail = {"-S", "-fdump-rtl-dfinish=" + rtl.string()};
          break;
        default:
          tail = {"-E"};
      }
      for (std::string a : {c_files_[i], std::string("-o"), output.string()}) tail.push_back(a);
      run(std::move(tail), src.dir);
      artifact->outputs.push_back(read_file(kind == kRtl ? rtl : output));
    }
  }
  cache.put(key, artifact);
  return artifact;
}

ArtifactPtr GccSession::artifact(Kind kind) {
  if (!current_[kind]) current_[kind] = compile(kind, choices_to_args(*gcc_->spec, choices_));
  return current_[kind];
}

int64_t GccSession::baseline_obj_size(const std::string& level) {
  const auto& flags = benchmark_->data().compile_flags;
  const std::string key =
      gcc_->key + '\n' + benchmark_->hash() + '\n' + join(flags, '\x1f') + '\n' + level;
  {
    std::lock_guard lock(baseline_mutex());
    auto it = baseline_map().find(key);
    if (it != baseline_map().end()) return it->second;
  }
  int64_t size = 0;
  for (const auto& o : compile(kObj, {"-O" + level})->outputs)
    size += static_cast<int64_t>(o.size());
  std::lock_guard lock(baseline_mutex());
  baseline_map()[key] = size;
  return size;
}

std::string GccSession::build_executable(const fs::path& dir) {
  auto objects = artifact(kObj);
  ProcessOptions p;
  p.argv = {gcc_->path};
  for (size_t i = 0; i < objects->outputs.size(); ++i) {
    const fs::path obj = dir / (std::to_string(i) + ".o");
    write_file_atomic(obj, objects->outputs[i]);
    p.argv.push_back(obj.string());
  }
  const fs::path exe = dir / "program";
  p.argv.push_back("-o");
  p.argv.push_back(exe.string());
  const auto& link = benchmark_->data().link_flags;
  p.argv.insert(p.argv.end(), link.begin(), link.end());
  p.cwd = dir;
  p.env = {{"LC_ALL", "C"}};
  p.timeout_seconds = settings_.timeout_seconds;
  p.memory_limit_bytes = settings_.memory_limit_bytes;
  p.max_output_bytes = kMaxGccOutput;
  check_process(p);
  return exe.string();
}

Observation GccSession::compute_observation(const ObservationSpaceSpec& space) {
  const std::string& name = space.name;
  if (name == "choices") return Observation(choices_);
  if (name == "command_line") return Observation(command_line());
  if (name == "obj_size_O0") return Observation(baseline_obj_size("0"));
  if (name == "obj_size_O3") return Observation(baseline_obj_size("3"));
  if (name == "obj_size_Os") return Observation(baseline_obj_size("s"));
  if (name == "obj" || name == "obj_size" || name == "obj_hash" || name == "obj_text_size") {
    auto a = artifact(kObj);
    if (name == "obj_size") {
      int64_t n = 0;
      for (const auto& o : a->outputs) n += static_cast<int64_t>(o.size());
      return Observation(n);
    }
    if (name == "obj_text_size") {
      int64_t n = 0;
      for (size_t i = 0; i < a->outputs.size(); ++i) {
        try {
          n += static_cast<int64_t>(elf64_text_size(a->outputs[i]));
        } catch (const InvalidArgument& e) {
          throw SessionError("cannot read the object of " + c_files_[i] + ": " + e.what());
        }
      }
      return Observation(n);
    }
    std::string bytes;
    if (a->outputs.size() == 1) {
      bytes = a->outputs[0];
    } else {
      std::vector<std::pair<std::string, std::string>> members;
      for (size_t i = 0; i < a->outputs.size(); ++i) {
        members.emplace_back(fs::path(stem_of(c_files_[i])).filename().string() + ".o",
                             a->outputs[i]);
      }
      bytes = make_ar_archive(members);
    }
    if (name == "obj_hash") return Observation(hash_bytes(bytes));
    return Observation(Bytes{std::move(bytes)});
  }
  if (name == "asm" || name == "asm_size" || name == "asm_hash" || name == "instruction_counts") {
    auto a = artifact(kAsm);
    if (name == "asm_size") {
      int64_t n = 0;
      for (const auto& o : a->outputs) n += static_cast<int64_t>(o.size());
      return Observation(n);
    }
    std::string text = concat(*a);
    if (name == "asm_hash") return Observation(hash_bytes(text));
    if (name == "instruction_counts") return Observation::json(count_mnemonics(text));
    return Observation(std::move(text));
  }
  if (name == "rtl") return Observation(concat(*artifact(kRtl)));
  if (name == "source") return Observation(concat(*artifact(kSource)));
  if (name == "runtime") {
    if (!benchmark_->is_runnable()) {
      throw SessionError("runtime needs a runnable benchmark, and '" + benchmark_->uri() +
                         "' has no reference output (see cgym::make_runnable())");
    }
    ScopedDir dir(context().unique_path("run-", ""));
    const std::string exe = build_executable(dir.path);
    std::vector<double> seconds;
    for (int i = 0; i < settings_.runtime_warmup_runs + settings_.runtime_runs; ++i) {
      ProcessResult r = run_benchmark_program(*benchmark_, exe, dir.path);
      if (!r.ok()) {
        throw SessionError(
            "runtime: the program built from " + command_line() +
            (r.timed_out ? " timed out" : " exited with status " + std::to_string(r.exit_code)) +
            (r.stderr_data.empty() ? "" : ": " + tail_lines(r.stderr_data, 5)));
      }
      if (i >= settings_.runtime_warmup_runs) seconds.push_back(r.seconds);
    }
    return Observation(std::move(seconds));
  }
  throw LookupError("gcc-v0 has no observation space '" + name + "'");
}

std::optional<std::string> GccSession::handle_session_parameter(const std::string& key,
                                                                const std::string& value) {
  if (key == "gcc.choices") {
    std::vector<int64_t> choices;
    std::string_view rest = value;
    while (!rest.empty()) {
      const size_t comma = rest.find(',');
      std::string_view item = rest.substr(0, comma);
      while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
      while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
      int64_t v = 0;
      auto [p, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
      if (item.empty() || ec != std::errc() || p != item.data() + item.size()) {
        throw InvalidArgument("gcc.choices takes comma-separated integers, one per option (" +
                              std::to_string(gcc_->spec->options.size()) + "); '" +
                              std::string(item) + "' is not an integer");
      }
      choices.push_back(v);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    set_choices(std::move(choices));
    return "";
  }
  if (key == "gcc.timeout") {
    double v = 0;
    try {
      size_t used = 0;
      v = std::stod(value, &used);
      if (used != value.size()) v = 0;
    } catch (const std::exception&) {
    }
    if (!(v > 0)) {
      throw InvalidArgument("gcc.timeout takes a positive number of seconds, got '" + value + "'");
    }
    settings_.timeout_seconds = v;
    return "";
  }
  // CompilerGym's names, as the LLVM env has them (llvm.* there), so that
  // RuntimePointEstimateReward can be pointed at gcc-v0's "runtime".
  if (key == "gcc.set_runtimes_per_observation_count") {
    settings_.runtime_runs = parse_positive_int(key, value, 1);
    return std::to_string(settings_.runtime_runs);
  }
  if (key == "gcc.get_runtimes_per_observation_count")
    return std::to_string(settings_.runtime_runs);
  if (key == "gcc.set_warmup_runs_count_per_runtime_observation") {
    settings_.runtime_warmup_runs = parse_positive_int(key, value, 0);
    return std::to_string(settings_.runtime_warmup_runs);
  }
  if (key == "gcc.get_warmup_runs_count_per_runtime_observation") {
    return std::to_string(settings_.runtime_warmup_runs);
  }
  if (key == "gcc.cache_stats") return ArtifactCache::global().stats().to_json().dump();
  return std::nullopt;
}

std::vector<ValidationIssue> GccSession::validate_semantics(const ValidationOptions& options) {
  if (!benchmark_ || !benchmark_->is_runnable()) return {};
  std::vector<ValidationIssue> issues;
  ScopedDir dir(context().unique_path("validate-", ""));
  std::string exe;
  try {
    exe = build_executable(dir.path);
  } catch (const std::exception& e) {
    return {{"Build failed", e.what()}};
  }
  issues = run_and_check_program(*benchmark_, exe, dir.path);
  if (options.sanitizers) {
    ProcessOptions p;
    p.argv = {gcc_->path};
    const auto& flags = benchmark_->data().compile_flags;
    p.argv.insert(p.argv.end(), flags.begin(), flags.end());
    for (auto& a : choices_to_args(*gcc_->spec, choices_)) p.argv.push_back(std::move(a));
    for (const char* a :
         {"-w", "-g", "-fsanitize=address,undefined", "-fno-sanitize-recover=all"}) {
      p.argv.push_back(a);
    }
    p.argv.insert(p.argv.end(), c_files_.begin(), c_files_.end());
    const fs::path san = dir.path / "program-san";
    p.argv.push_back("-o");
    p.argv.push_back(san.string());
    const auto& link = benchmark_->data().link_flags;
    p.argv.insert(p.argv.end(), link.begin(), link.end());
    p.cwd = sources().dir;
    p.env = {{"LC_ALL", "C"}};
    p.timeout_seconds = std::max(settings_.timeout_seconds, 120.0);
    try {
      check_process(p);
      for (auto& issue : run_and_check_program(*benchmark_, san.string(), dir.path)) {
        issue.type = "Sanitizer: " + issue.type;
        issues.push_back(std::move(issue));
      }
    } catch (const std::exception& e) {
      issues.push_back({"Sanitizer build failed", e.what()});
    }
  }
  return issues;
}

}  // namespace cgym::gcc
