#include "backends/cuda/build.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <regex>
#include <sstream>

#include "cgym/benchmark.h"
#include "cgym/errors.h"
#include "cgym/subprocess.h"
#include "cgym/util.h"

namespace fs = std::filesystem;

namespace cgym::cuda {

namespace {

std::mutex& cache_mutex() {
  static std::mutex mu;
  return mu;
}

// Builds in progress or done, by key. A shared_future lets concurrent envs
// that need the same build wait for one compiler run instead of starting
// their own.
std::map<std::string, std::shared_future<BuildResult>>& build_table() {
  static std::map<std::string, std::shared_future<BuildResult>> table;
  return table;
}

std::map<std::string, std::shared_ptr<const Measurement>>& run_table() {
  static std::map<std::string, std::shared_ptr<const Measurement>> table;
  return table;
}

std::string unique_suffix() {
  static std::atomic<uint64_t> counter{0};
  return std::to_string(getpid()) + "-" + std::to_string(counter.fetch_add(1));
}

// Identifies a compiler binary without running it: its resolved path, size
// and modification time. A new compiler version means new builds.
std::string compiler_identity(const fs::path& compiler) {
  std::error_code ec;
  const fs::path real = fs::canonical(compiler, ec);
  struct stat st {};
  if (ec || ::stat(real.c_str(), &st) != 0) return compiler.string();
  return real.string() + ":" + std::to_string(st.st_size) + ":" + std::to_string(st.st_mtime);
}

std::optional<fs::path> usable_dir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || access(dir.c_str(), W_OK) != 0) return std::nullopt;
  return dir;
}

fs::path resolve_cxx(const Toolchain& tc) {
  if (auto p = find_program(tc.cxx)) return *p;
  throw EnvironmentNotSupported("the host C++ compiler '" + tc.cxx +
                                "' for the loop-nest cpu backend was not found; install g++ or "
                                "pass the make option {\"cxx\", \"/path/to/compiler\"}");
}

fs::path resolve_nvcc(const Toolchain& tc) {
  if (auto p = find_nvcc(tc)) return *p;
  throw EnvironmentNotSupported(
      "nvcc was not found (looked for " +
      (tc.nvcc.empty() ? std::string("$CUDA_HOME/bin/nvcc, nvcc on PATH and "
                                     "/usr/local/cuda/bin/nvcc")
                       : "'" + tc.nvcc + "'") +
      "); install the CUDA toolkit, pass the make option {\"nvcc\", \"/path/to/nvcc\"}, or use "
      "the cpu backend");
}

// One compiler run: writes `files` into `dir`, runs
// compiler argv_tail -o <output>.tmp inputs..., then renames the output into
// place. A finished entry (output and meta.json present) is reused.
struct BuildStep {
  std::vector<std::pair<std::string, std::string>> files;  // name, content
  std::vector<std::string> argv_tail;                      // flags
  std::vector<std::string> inputs;                         // after -o
  std::string output;                                      // file name in dir
};

BuildResult do_build(const BuildStep& step, const fs::path& compiler, const fs::path& dir,
                     const std::string& key, double timeout) {
  BuildResult result;
  result.key = key;
  result.binary = dir / step.output;
  const fs::path meta = dir / "meta.json";
  std::error_code ec;
  if (fs::exists(result.binary, ec) && fs::exists(meta, ec)) {
    try {
      const auto j = nlohmann::json::parse(read_file(meta));
      result.compile_seconds = j.at("compile_seconds").get<double>();
      result.compiler_output = j.at("compiler_output").get<std::string>();
      result.cached = true;
      return result;
    } catch (const std::exception&) {
      // A damaged entry is rebuilt below.
    }
  }
  fs::create_directories(dir, ec);
  for (const auto& [name, content] : step.files) write_file_atomic(dir / name, content);
  // Concurrent processes may build the same key: each writes its own
  // output, then renames it into place.
  const fs::path tmp = dir / (step.output + ".tmp." + unique_suffix());
  std::vector<std::string> argv{compiler.string()};
  argv.insert(argv.end(), step.argv_tail.begin(), step.argv_tail.end());
  argv.push_back("-o");
  argv.push_back(tmp.string());
  argv.insert(argv.end(), step.inputs.begin(), step.inputs.end());
  ProcessOptions opts;
  opts.argv = argv;
  opts.cwd = dir;
  opts.timeout_seconds = timeout;
  ProcessResult r;
  try {
    r = check_process(opts);
  } catch (...) {
    fs::remove(tmp, ec);
    throw;
  }
  result.compile_seconds = r.seconds;
  result.compiler_output = r.stderr_data;
  write_file_atomic(meta, nlohmann::json{{"compile_seconds", result.compile_seconds},
                                         {"compiler_output", result.compiler_output},
                                         {"command", join_command_line(argv)}}
                              .dump());
  fs::rename(tmp, result.binary, ec);
  if (ec) {
    fs::remove(tmp);
    throw IoError("cannot move the built loop-nest program into " + result.binary.string() + ": " +
                  ec.message());
  }
  return result;
}

// Runs `make` once per key in the process: concurrent callers with the same
// key wait for the first one's result (or failure, which is not kept).
BuildResult build_once(const std::string& key, const std::function<BuildResult()>& make) {
  std::promise<BuildResult> promise;
  std::shared_future<BuildResult> future;
  bool builder = false;
  {
    std::lock_guard<std::mutex> lock(cache_mutex());
    auto& table = build_table();
    auto it = table.find(key);
    if (it != table.end()) {
      future = it->second;
    } else {
      future = promise.get_future().share();
      table.emplace(key, future);
      builder = true;
    }
  }
  if (!builder) {
    BuildResult r = future.get();  // rethrows the builder's failure
    std::error_code ec;
    if (fs::exists(r.binary, ec)) {
      r.cached = true;
      return r;
    }
    // Deleted from the cache directory since: build it again.
    {
      std::lock_guard<std::mutex> lock(cache_mutex());
      auto it = build_table().find(key);
      if (it != build_table().end()) build_table().erase(it);
    }
    return build_once(key, make);
  }
  try {
    BuildResult r = make();
    promise.set_value(r);
    return r;
  } catch (...) {
    promise.set_exception(std::current_exception());
    // Failures are not cached: the next request tries again.
    std::lock_guard<std::mutex> lock(cache_mutex());
    build_table().erase(key);
    throw;
  }
}

std::string session_error_for(const nlohmann::json& report, const ProcessResult& r) {
  const std::string error = report.value("error", std::string("unknown"));
  auto num = [&](const char* key) {
    if (!report.contains(key)) return std::string("?");
    const auto& v = report.at(key);
    if (v.is_string()) return v.get<std::string>();
    std::ostringstream s;
    s.precision(9);
    s << v.get<double>();
    return s.str();
  };
  if (error == "wrong_output") {
    return "schedule produced wrong output: max abs error " + num("max_abs_error") + " at index " +
           num("index") + " (expected " + num("expected") + ", got " + num("got") + ", tolerance " +
           num("tolerance") + "; " + num("wrong_elements") + " of " + num("elements") +
           " elements wrong)";
  }
  if (error == "no_cuda_device") {
    return "no CUDA device found (cudaGetDeviceCount: " + report.value("detail", std::string()) +
           "); use the cpu backend (params {\"backend\",\"cpu\"} or a "
           "benchmark://loopnest-v0/...?backend=cpu URI)";
  }
  if (error == "cuda_error") {
    return "CUDA error while running the schedule: " + report.value("detail", std::string());
  }
  if (error == "out_of_memory") {
    return "the loop-nest program ran out of memory: " + report.value("detail", std::string());
  }
  return "the loop-nest program failed (exit " + std::to_string(r.exit_code) +
         "): " + report.dump() + "\n" + tail_lines(r.stderr_data, 10);
}

}  // namespace

std::optional<fs::path> find_nvcc(const Toolchain& tc) {
  if (!tc.nvcc.empty()) return find_program(tc.nvcc);
  if (const char* home = std::getenv("CUDA_HOME"); home && *home) {
    if (auto p = find_program((fs::path(home) / "bin" / "nvcc").string())) return p;
  }
  if (auto p = find_program("nvcc")) return p;
  return find_program("/usr/local/cuda/bin/nvcc");
}

BuildResult build_program(const GeneratedProgram& program, Target target, const Toolchain& tc,
                          const fs::path& fallback_dir) {
  fs::path compiler;
  std::vector<std::string> flags;
  if (target == Target::kCuda) {
    compiler = resolve_nvcc(tc);
    flags = {"-O3", "-arch=" + tc.cuda_arch, "-Xptxas", "-v", "-lineinfo"};
  } else {
    compiler = resolve_cxx(tc);
    flags = {"-O3", "-march=native", "-fopenmp", "-w"};
  }
  std::string compiler_text = compiler_identity(compiler);
  for (const auto& f : flags) compiler_text += " " + f;
  const std::string key = hash_bytes(program.source + "\n--\n" + compiler_text);

  fs::path root;
  if (auto d = usable_dir(cache_dir() / "loopnest" / "builds")) {
    root = *d;
  } else {
    root = fallback_dir / "loopnest-builds";
  }
  const double timeout = tc.build_timeout_seconds;
  const std::string source_name = "prog" + program.extension;
  if (program.kernel_source.empty()) {
    return build_once(key, [&] {
      return do_build({.files = {{source_name, program.source}},
                       .argv_tail = flags,
                       .inputs = {source_name},
                       .output = "prog"},
                      compiler, root / key, key, timeout);
    });
  }
  // cpu: the harness is compiled once per computation (and compiler); each
  // schedule compiles its kernel and links. The whole program is written
  // beside them for reading.
  const std::string harness_key =
      hash_bytes("harness\n" + program.harness_source + "\n--\n" + compiler_text);
  const BuildResult harness = build_once(harness_key, [&] {
    std::vector<std::string> c_flags = flags;
    c_flags.push_back("-c");
    return do_build({.files = {{"harness.cc", program.harness_source}},
                     .argv_tail = c_flags,
                     .inputs = {"harness.cc"},
                     .output = "harness.o"},
                    compiler, root / harness_key, harness_key, timeout);
  });
  return build_once(key, [&] {
    return do_build({.files = {{source_name, program.source}, {"kernel.cc", program.kernel_source}},
                     .argv_tail = flags,
                     .inputs = {"kernel.cc", harness.binary.string()},
                     .output = "prog"},
                    compiler, root / key, key, timeout);
  });
}

fs::path reference_file(const Computation& computation, Target target) {
  auto dir = usable_dir(cache_dir() / "loopnest" / "references");
  if (!dir) return {};
  const std::string key = hash_bytes(reference_key(computation) + to_string(target));
  return *dir / (key + ".bin");
}

std::shared_ptr<const Measurement> run_program(const BuildResult& build, const RunOptions& o) {
  std::ostringstream key;
  key.precision(17);
  key << build.key << "|" << o.warmup << "|" << o.runs << "|" << o.min_batch_seconds << "|"
      << o.max_seconds << "|" << o.threads << "|" << o.check_only;
  if (o.use_run_cache) {
    std::lock_guard<std::mutex> lock(cache_mutex());
    auto it = run_table().find(key.str());
    if (it != run_table().end()) {
      if (!it->second->report.value("ok", false)) {
        throw SessionError(session_error_for(it->second->report, ProcessResult{}));
      }
      return it->second;
    }
  }
  ProcessOptions opts;
  opts.argv = {build.binary.string(), "--warmup", std::to_string(o.warmup), "--runs",
               std::to_string(o.runs)};
  auto add = [&](const char* flag, double v) {
    std::ostringstream s;
    s.precision(17);
    s << v;
    opts.argv.push_back(flag);
    opts.argv.push_back(s.str());
  };
  add("--min-batch", o.min_batch_seconds);
  add("--max-time", o.max_seconds);
  if (!o.reference_file.empty()) {
    opts.argv.push_back("--ref");
    opts.argv.push_back(o.reference_file.string());
  }
  if (o.check_only) opts.argv.push_back("--check-only");
  if (o.give_up_seconds > 0 && !o.check_only) add("--give-up", o.give_up_seconds);
  opts.timeout_seconds = o.timeout_seconds;
  if (o.threads > 0) opts.env["OMP_NUM_THREADS"] = std::to_string(o.threads);
  opts.max_output_bytes = 1 << 20;
  const ProcessResult r = run_process(opts);
  if (r.timed_out) {
    throw TimeoutError("the loop-nest program ran longer than " +
                           std::to_string(o.timeout_seconds) +
                           " s (a very slow schedule; raise the make option run_timeout)",
                       opts.argv, -9, tail_lines(r.stderr_data, 10));
  }
  // The report is the last line that parses as a JSON object.
  nlohmann::json report;
  std::istringstream lines(r.stdout_data);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] != '{') continue;
    try {
      report = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception&) {
    }
  }
  if (!report.is_object()) {
    throw ProcessError("the loop-nest program " + join_command_line(opts.argv) + " exited with " +
                           std::to_string(r.exit_code) +
                           " without a report; stderr: " + tail_lines(r.stderr_data, 10),
                       opts.argv, r.exit_code, tail_lines(r.stderr_data, 10));
  }
  auto m = std::make_shared<Measurement>();
  m->report = report;
  const bool ok = r.exit_code == kExitOk && report.value("ok", false);
  if (ok && !o.check_only) m->seconds = report.at("seconds").get<double>();
  if (ok && report.value("gave_up", false)) {
    m->gave_up = true;
    return m;
  }
  const std::string error = report.value("error", std::string());
  // Deterministic outcomes are remembered; crashes are not. When another
  // thread measured the same program meanwhile, its object stays.
  std::shared_ptr<const Measurement> result = m;
  if (o.use_run_cache && (ok || error == "wrong_output" || error == "no_cuda_device")) {
    std::lock_guard<std::mutex> lock(cache_mutex());
    result = run_table().try_emplace(key.str(), m).first->second;
  }
  if (!ok) throw SessionError(session_error_for(report, r));
  return result;
}

nlohmann::json parse_ptxas_info(const std::string& text, const std::string& kernel_name) {
  nlohmann::json out = nlohmann::json::object();
  std::istringstream in(text);
  bool inside = false, done = false;
  static const std::regex entry(R"(Compiling entry function '([^']+)' for '([^']+)')");
  static const std::regex props(R"(Function properties for (\S+))");
  static const std::regex used(R"(Used (\d+) registers)");
  static const std::regex field(
      R"((\d+) (bytes stack frame|bytes spill stores|bytes spill loads|bytes smem|bytes cmem\[0\]|bytes lmem|barriers))");
  static const std::regex barriers(R"(used (\d+) barriers)");
  std::smatch m;
  for (std::string line; std::getline(in, line) && !done;) {
    if (std::regex_search(line, m, entry)) {
      if (inside) {
        done = true;
        break;
      }
      if (m[1].str().find(kernel_name) != std::string::npos) {
        inside = true;
        out["kernel"] = m[1].str();
        out["arch"] = m[2].str();
      }
      continue;
    }
    if (!inside) continue;
    if (std::regex_search(line, m, props) && m[1].str().find(kernel_name) == std::string::npos) {
      continue;
    }
    if (std::regex_search(line, m, used)) out["registers"] = std::stoll(m[1].str());
    if (std::regex_search(line, m, barriers)) out["barriers"] = std::stoll(m[1].str());
    for (auto it = std::sregex_iterator(line.begin(), line.end(), field);
         it != std::sregex_iterator(); ++it) {
      const std::string what = (*it)[2].str();
      const int64_t v = std::stoll((*it)[1].str());
      if (what == "bytes stack frame") out["stack_bytes"] = v;
      if (what == "bytes spill stores") out["spill_stores"] = v;
      if (what == "bytes spill loads") out["spill_loads"] = v;
      if (what == "bytes smem") out["shared_bytes"] = v;
      if (what == "bytes cmem[0]") out["constant_bytes"] = v;
      if (what == "bytes lmem") out["local_bytes"] = v;
    }
  }
  if (!out.contains("kernel")) return nlohmann::json::object();
  // ptxas omits zero shared memory: say it.
  if (!out.contains("shared_bytes")) out["shared_bytes"] = 0;
  return out;
}

void clear_process_caches() {
  std::lock_guard<std::mutex> lock(cache_mutex());
  build_table().clear();
  run_table().clear();
}

}  // namespace cgym::cuda
