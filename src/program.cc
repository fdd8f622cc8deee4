// Building, running and checking benchmark programs (include/cgym/program.h).
//
// Validation builds the optimised module with clang at -O0: clang given
// bitcode at -O2 would run the whole optimisation pipeline again and hide
// what the agent's passes did. The AddressSanitizer check has the same
// constraint, and one more: ASan only instruments functions that carry the
// `sanitize_address` attribute, which the front end adds when it compiles
// source. The bitcode was compiled without it, so the module is
// disassembled, the attribute is added to every attribute group, and the
// module is reassembled with llvm-as (external tools: the core links no
// LLVM). UndefinedBehaviorSanitizer checks are inserted by the front end
// only, so they run on a build of the benchmark's sources.

#include "cgym/program.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <regex>
#include <sstream>

#include "cgym/datasets.h"
#include "cgym/errors.h"
#include "cgym/util.h"
#include "datasets/internal.h"
#include "datasets/sha256.h"

namespace fs = std::filesystem;

namespace cgym {
namespace {

std::atomic<uint64_t> g_unique_counter{0};

// A name next to `output` that no other thread or process uses.
fs::path unique_sibling(const fs::path& output, const std::string& suffix) {
  const fs::path dir = output.has_parent_path() ? output.parent_path() : fs::path(".");
  return dir / (output.filename().string() + "." + std::to_string(::getpid()) + "-" +
                std::to_string(g_unique_counter.fetch_add(1)) + suffix);
}

class RemoveOnExit {
 public:
  explicit RemoveOnExit(fs::path path) : path_(std::move(path)) {}
  ~RemoveOnExit() {
    std::error_code ec;
    fs::remove(path_, ec);
  }
  RemoveOnExit(const RemoveOnExit&) = delete;
  RemoveOnExit& operator=(const RemoveOnExit&) = delete;

 private:
  fs::path path_;
};

using datasets_internal::looks_like_bitcode;

void write_binary(const fs::path& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw IoError("cannot write '" + path.string() + "': " + std::strerror(errno));
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  out.close();
  if (!out) throw IoError("error while writing '" + path.string() + "' (disk full?)");
}

std::string describe_signal(int sig) {
  std::string out = "signal " + std::to_string(sig);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
  if (const char* abbrev = sigabbrev_np(sig)) out += std::string(" (SIG") + abbrev;
  if (const char* descr = sigdescr_np(sig))
    out += std::string(": ") + descr + ")";
  else
    out += ")";
#endif
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

// One line for a message: control characters made visible, long lines cut.
std::string show_line(const std::string& line) {
  constexpr size_t kMax = 160;
  std::string out = "\"";
  for (size_t i = 0; i < line.size() && i < kMax; ++i) {
    const unsigned char c = static_cast<unsigned char>(line[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += "\"";
  if (line.size() > kMax) out += " ... (" + std::to_string(line.size()) + " characters)";
  return out;
}

std::string describe_output_difference(const std::string& expected, const std::string& actual) {
  const auto exp = split_lines(expected), act = split_lines(actual);
  const auto summary = [](const std::string& text, const std::vector<std::string>& lines) {
    return std::to_string(lines.size()) + " lines, " + std::to_string(text.size()) + " bytes";
  };
  std::ostringstream out;
  size_t first = 0;
  while (first < exp.size() && first < act.size() && exp[first] == act[first]) ++first;
  if (first == exp.size() && first == act.size()) {
    // Same lines: only the final newline differs.
    out << "the output matches the reference line by line but "
        << (expected.ends_with('\n') ? "lacks" : "adds") << " the final newline";
    return out.str();
  }
  out << "output differs from the reference output from line " << first + 1
      << " (reference: " << summary(expected, exp) << "; actual: " << summary(actual, act) << ")";
  constexpr size_t kShow = 3;
  for (size_t i = first; i < first + kShow && (i < exp.size() || i < act.size()); ++i) {
    out << "\n  line " << i + 1
        << " expected: " << (i < exp.size() ? show_line(exp[i]) : std::string("<end of output>"));
    out << "\n  line " << i + 1
        << " actual:   " << (i < act.size() ? show_line(act[i]) : std::string("<end of output>"));
  }
  return out.str();
}

// The part of stderr worth reading: a sanitizer's report is long and ends
// with a legend, so keep its headline, access, first frames and summary;
// otherwise the last lines.
std::string stderr_excerpt(const std::string& err) {
  const bool sanitizer = err.find("ERROR: AddressSanitizer") != std::string::npos ||
                         err.find("runtime error:") != std::string::npos;
  if (sanitizer) {
    std::string out;
    int frames = 0;
    for (const auto& line : split_lines(err)) {
      const bool frame = line.starts_with("    #");
      if (line.find("ERROR: AddressSanitizer") != std::string::npos ||
          line.find("runtime error:") != std::string::npos || line.starts_with("SUMMARY:") ||
          line.starts_with("READ of size") || line.starts_with("WRITE of size") ||
          (frame && frames < 6)) {
        out += line + "\n";
        frames += frame;
      }
    }
    return "\nsanitizer report (excerpt):\n" + out;
  }
  const std::string tail = tail_lines(err, 20);
  return tail.empty() ? "" : "\nstderr (last lines):\n" + tail;
}

// Tags the issues of a sanitizer build: a sanitizer report becomes its own
// issue type, and the details say which build it came from.
void append_tagged(std::vector<ValidationIssue>& out, std::vector<ValidationIssue> issues,
                   const ProcessResult& run, const std::string& build) {
  for (auto& issue : issues) {
    if (issue.type == "Crash") {
      if (run.stderr_data.find("AddressSanitizer") != std::string::npos) {
        issue.type = "AddressSanitizer error";
      } else if (run.stderr_data.find("runtime error:") != std::string::npos) {
        issue.type = "UndefinedBehaviorSanitizer error";
      }
    }
    issue.details = "[" + build + "] " + issue.details;
    out.push_back(std::move(issue));
  }
}

ProcessResult run_with_env(const Benchmark& benchmark, const std::vector<std::string>& args,
                           const fs::path& executable, const fs::path& cwd,
                           std::map<std::string, std::string> env, double timeout_factor) {
  // Files the program expects in its working directory (metadata
  // "run_files": {name: contents}, e.g. cBench's _finfo_dataset).
  if (const auto& m = benchmark.data().metadata; m.contains("run_files")) {
    for (const auto& [name, contents] : m["run_files"].items()) {
      if (name.empty() || name.find('/') != std::string::npos || name == "..") continue;
      write_file_atomic(cwd / name, contents.get<std::string>());
    }
  }
  ProcessOptions o;
  o.argv = {fs::absolute(executable).string()};
  o.argv.insert(o.argv.end(), args.begin(), args.end());
  o.cwd = cwd;
  o.timeout_seconds = benchmark.data().run_timeout_seconds * timeout_factor;
  o.max_output_bytes = size_t{64} << 20;
  o.env = std::move(env);
  return run_process(o);
}

const std::map<std::string, std::string>& sanitizer_env() {
  // Leak checking needs ptrace, which containers often forbid, and a leak
  // does not change what a program prints.
  static const std::map<std::string, std::string> env = {
      {"ASAN_OPTIONS", "detect_leaks=0:abort_on_error=0"},
      {"UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1"},
  };
  return env;
}

using RunSink = std::function<void(const ProcessResult&, std::vector<ValidationIssue>)>;

std::string joined(const std::vector<std::string>& args) {
  std::string out;
  for (const auto& a : args) out += (out.empty() ? "" : " ") + a;
  return out;
}

// "N bytes, sha256 0123456789ab..." for a content record.
std::string describe_record(const nlohmann::json& r) {
  return std::to_string(r.at("size").get<size_t>()) + " bytes, sha256 " +
         r.at("sha256").get<std::string>().substr(0, 16) + "...";
}

// What one validation run found, against its recorded reference.
std::vector<ValidationIssue> compare_run(const Benchmark& benchmark, const nlohmann::json& run,
                                         size_t index, const ProcessResult& result,
                                         const fs::path& cwd) {
  if (!run.contains("reference")) {
    throw ValidationError("cannot validate " + benchmark.uri() + ": validation run " +
                          std::to_string(index + 1) +
                          " has no reference; make the benchmark with make_runnable_with_runs()");
  }
  const auto& ref = run["reference"];
  std::vector<ValidationIssue> issues;
  const auto& first_reference = benchmark.data().reference_output;
  if (run.contains("stdout_regex")) {
    const std::string e = datasets_internal::stdout_pattern_error(run, result.stdout_data);
    if (!e.empty()) issues.push_back({"Wrong output", e});
  } else if (index == 0 && first_reference) {
    if (result.stdout_data != *first_reference) {
      issues.push_back(
          {"Wrong output", describe_output_difference(*first_reference, result.stdout_data)});
    }
  } else if (const auto got = datasets_internal::content_record(result.stdout_data);
             got != ref.at("stdout")) {
    issues.push_back({"Wrong output", "stdout differs from the -O0 build's (" +
                                          describe_record(got) + " against " +
                                          describe_record(ref.at("stdout")) + ")"});
  }
  const nlohmann::json files = datasets_internal::output_records(run, cwd);
  for (const auto& [name, want] : ref.at("files").items()) {
    const auto& got = files.contains(name) ? files[name] : nlohmann::json();
    if (got.is_null()) {
      issues.push_back({"Wrong output", "the program did not write " + name +
                                            ", which the -O0 build wrote (" +
                                            describe_record(want) + ")"});
    } else if (got != want) {
      issues.push_back({"Wrong output", name + " differs from the -O0 build's (" +
                                            describe_record(got) + " against " +
                                            describe_record(want) + ")"});
    }
  }
  return issues;
}

// Runs `exe` once per validation run of `benchmark` (one run of run_args
// when it has none), each in its own directory under `dir`, and gives
// `sink` each run's result and issues. With several runs, the details name
// the run; checking stops after three failing runs.
void run_each(const Benchmark& benchmark, const fs::path& exe, const fs::path& dir,
              const std::map<std::string, std::string>& env, double timeout_factor,
              const RunSink& sink) {
  const nlohmann::json* runs = datasets_internal::validation_runs(benchmark);
  if (!runs) {
    const ProcessResult r =
        run_with_env(benchmark, benchmark.data().run_args, exe, dir, env, timeout_factor);
    sink(r, check_program_output(benchmark, r));
    return;
  }
  constexpr int kMaxFailing = 3;
  int failing = 0;
  const size_t n = runs->size();
  for (size_t i = 0; i < n; ++i) {
    const auto& run = (*runs)[i];
    const fs::path cwd = dir / ("run-" + std::to_string(i + 1));
    const ProcessResult r =
        datasets_internal::execute_run(benchmark, run, exe, cwd, env, timeout_factor);
    std::vector<ValidationIssue> issues = datasets_internal::check_exit_status(benchmark, r);
    if (issues.empty()) issues = compare_run(benchmark, run, i, r, cwd);
    std::error_code ec;
    fs::remove_all(cwd, ec);
    if (issues.empty()) {
      sink(r, {});
      continue;
    }
    const std::string where = n > 1 ? "run " + std::to_string(i + 1) + " of " + std::to_string(n) +
                                          " (`" + joined(run.at("args")) + "`): "
                                    : "";
    for (auto& issue : issues) issue.details = where + issue.details;
    if (++failing == kMaxFailing && i + 1 < n) {
      issues.back().details += "\n(checking stopped after " + std::to_string(kMaxFailing) +
                               " failing runs; " + std::to_string(n - i - 1) + " runs not checked)";
      sink(r, std::move(issues));
      return;
    }
    sink(r, std::move(issues));
  }
}

// The optimised module with AddressSanitizer (see the top of this file).
std::vector<ValidationIssue> check_asan_on_bitcode(const Benchmark& benchmark,
                                                   std::string_view bitcode, const fs::path& dir) {
  const std::string build = "optimized module built with -fsanitize=address";
  std::string ir;
  if (looks_like_bitcode(bitcode)) {
    ProcessOptions dis;
    dis.argv = {llvm_tool("llvm-dis").string(), "-", "-o", "-"};
    dis.stdin_data = std::string(bitcode);
    dis.timeout_seconds = 120;
    ir = check_process(dis).stdout_data;
  } else {
    ir = std::string(bitcode);
  }
  std::string edited;
  edited.reserve(ir.size() + 1024);
  for (const auto& line : split_lines(ir)) {
    auto brace = line.find("= { ");
    if (line.starts_with("attributes #") && brace != std::string::npos &&
        line.find("sanitize_address") == std::string::npos) {
      edited += line.substr(0, brace + 4) + "sanitize_address " + line.substr(brace + 4);
    } else {
      edited += line;
    }
    edited += '\n';
  }
  ProcessOptions as;
  as.argv = {llvm_tool("llvm-as").string(), "-", "-o", "-"};
  as.stdin_data = std::move(edited);
  as.timeout_seconds = 120;
  std::string instrumented;
  try {
    instrumented = check_process(as).stdout_data;
  } catch (const ProcessError& e) {
    return {{"Build failed", "[" + build + "] could not reassemble the module: " + e.what()}};
  }
  const fs::path exe = dir / "program-asan";
  try {
    build_executable_from_bitcode(benchmark, instrumented, exe,
                                  {"-O0", "-fsanitize=address", "-fno-sanitize-recover=all"});
  } catch (const ProcessError& e) {
    return {{"Build failed", "[" + build + "] " + e.what()}};
  }
  std::vector<ValidationIssue> out;
  run_each(benchmark, exe, dir, sanitizer_env(), 4.0,
           [&](const ProcessResult& run, std::vector<ValidationIssue> issues) {
             append_tagged(out, std::move(issues), run, build);
           });
  return out;
}

// The benchmark's own sources with AddressSanitizer and
// UndefinedBehaviorSanitizer: shows undefined behaviour in the program
// itself, which would make any optimised output legitimate.
std::vector<ValidationIssue> check_sanitizers_on_sources(const Benchmark& benchmark,
                                                         const fs::path& dir) {
  const auto& data = benchmark.data();
  const bool has_source = std::any_of(data.sources.begin(), data.sources.end(), [](const auto& s) {
    const auto lang = datasets_internal::language_of(s.name);
    return lang == datasets_internal::Language::kC || lang == datasets_internal::Language::kCxx;
  });
  if (!has_source) return {};
  const std::string build = "sources built with -fsanitize=address,undefined";
  const fs::path exe = dir / "program-sanitizers";
  try {
    datasets_internal::build_executable_from_sources(
        data, exe, {"-O0", "-g", "-w", "-fsanitize=address,undefined", "-fno-sanitize-recover=all"},
        dir, 300.0);
  } catch (const ProcessError& e) {
    return {{"Build failed", "[" + build + "] " + e.what()}};
  } catch (const InvalidArgument& e) {
    throw ValidationError(e.what());
  }
  std::vector<ValidationIssue> out;
  run_each(benchmark, exe, dir, sanitizer_env(), 4.0,
           [&](const ProcessResult& run, std::vector<ValidationIssue> issues) {
             append_tagged(out, std::move(issues), run, build);
           });
  return out;
}

}  // namespace

namespace datasets_internal {

const nlohmann::json* validation_runs(const Benchmark& benchmark) {
  const auto& m = benchmark.data().metadata;
  if (!m.contains("runs") || !m["runs"].is_array() || m["runs"].empty()) return nullptr;
  return &m["runs"];
}

nlohmann::json content_record(std::string_view data) {
  Sha256 h;
  h.update(data);
  return {{"sha256", h.hex_digest()}, {"size", data.size()}};
}

ProcessResult execute_run(const Benchmark& benchmark, const nlohmann::json& run,
                          const fs::path& executable, const fs::path& cwd,
                          const std::map<std::string, std::string>& env, double timeout_factor) {
  std::error_code ec;
  fs::create_directories(cwd, ec);
  if (ec) throw IoError("cannot create directory '" + cwd.string() + "': " + ec.message());
  return run_with_env(benchmark, run.at("args").get<std::vector<std::string>>(), executable, cwd,
                      env, timeout_factor);
}

nlohmann::json output_records(const nlohmann::json& run, const fs::path& cwd) {
  nlohmann::json out = nlohmann::json::object();
  if (!run.contains("output_files")) return out;
  for (const auto& f : run["output_files"]) {
    const std::string name = f.get<std::string>();
    const fs::path p = cwd / name;
    out[name] = fs::is_regular_file(p) ? content_record(read_file(p.string())) : nlohmann::json();
  }
  return out;
}

std::vector<ValidationIssue> check_exit_status(const Benchmark& benchmark,
                                               const ProcessResult& run) {
  std::vector<ValidationIssue> issues;
  if (run.timed_out) {
    std::ostringstream d;
    d << "the program ran longer than " << benchmark.data().run_timeout_seconds
      << " s and was killed" << stderr_excerpt(run.stderr_data);
    issues.push_back({"Execution timeout", d.str()});
  } else if (run.exit_code < 0) {
    issues.push_back({"Crash", "the program was killed by " + describe_signal(-run.exit_code) +
                                   stderr_excerpt(run.stderr_data)});
  } else if (run.exit_code != 0) {
    issues.push_back({"Crash", "the program exited with status " + std::to_string(run.exit_code) +
                                   stderr_excerpt(run.stderr_data)});
  }
  return issues;
}

std::string stdout_pattern_error(const nlohmann::json& run, const std::string& out) {
  if (!run.contains("stdout_regex")) return "";
  const std::string pattern = run["stdout_regex"].get<std::string>();
  // Python's re.match: anchored at the start, not at the end.
  if (std::regex_search(out, std::regex(pattern), std::regex_constants::match_continuous)) {
    return "";
  }
  const auto lines = split_lines(out);
  return "the output does not match the pattern " + show_line(pattern) + "; its first line is " +
         (lines.empty() ? std::string("<empty>") : show_line(lines[0]));
}

}  // namespace datasets_internal

std::vector<ValidationIssue> run_and_check_program(const Benchmark& benchmark,
                                                   const fs::path& executable, const fs::path& dir,
                                                   const std::map<std::string, std::string>& env) {
  std::vector<ValidationIssue> out;
  run_each(benchmark, executable, dir, env, 1.0,
           [&](const ProcessResult&, std::vector<ValidationIssue> issues) {
             for (auto& i : issues) out.push_back(std::move(i));
           });
  return out;
}

fs::path clang_program() {
  if (const char* v = std::getenv("CGYM_CLANG"); v && *v) {
    if (auto p = find_program(v)) return *p;
    throw EnvironmentNotSupported(std::string("$CGYM_CLANG is set to '") + v +
                                  "', which is not an executable program on PATH");
  }
  if (auto p = find_program("clang-19")) return *p;
  const fs::path fallback = "/usr/lib/llvm-19/bin/clang";
  if (::access(fallback.c_str(), X_OK) == 0) return fallback;
  throw EnvironmentNotSupported(
      "clang 19 not found: looked for $CGYM_CLANG, clang-19 on PATH and " + fallback.string() +
      "; install it with `apt-get install clang-19` or set CGYM_CLANG");
}

void build_executable_from_bitcode(const Benchmark& benchmark, std::string_view bitcode,
                                   const fs::path& output,
                                   const std::vector<std::string>& extra_flags,
                                   double timeout_seconds) {
  const fs::path clang = clang_program();
  if (output.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(output.parent_path(), ec);
    if (ec) {
      throw IoError("cannot create directory '" + output.parent_path().string() +
                    "': " + ec.message());
    }
  }
  // clang picks the IR parser by extension; it reads text and bitcode alike
  // under either name, but the right one keeps its messages accurate.
  const fs::path input = unique_sibling(output, looks_like_bitcode(bitcode) ? ".bc" : ".ll");
  write_binary(input, bitcode);
  RemoveOnExit remove_input(input);
  std::vector<std::string> argv = {clang.string()};
  argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
  argv.insert(argv.end(), {input.string(), "-o", output.string()});
  const auto& link = benchmark.data().link_flags;
  argv.insert(argv.end(), link.begin(), link.end());
  ProcessOptions o;
  o.argv = std::move(argv);
  o.timeout_seconds = timeout_seconds;
  check_process(o);
}

ProcessResult run_benchmark_program(const Benchmark& benchmark, const fs::path& executable,
                                    const fs::path& cwd) {
  return run_with_env(benchmark, benchmark.data().run_args, executable, cwd, {}, 1.0);
}

std::vector<ValidationIssue> check_program_output(const Benchmark& benchmark,
                                                  const ProcessResult& run) {
  std::vector<ValidationIssue> issues = datasets_internal::check_exit_status(benchmark, run);
  // After a crash the output is cut short: the crash says more than a diff.
  const auto& reference = benchmark.data().reference_output;
  if (issues.empty() && reference && run.stdout_data != *reference) {
    issues.push_back({"Wrong output", describe_output_difference(*reference, run.stdout_data)});
  }
  return issues;
}

std::vector<ValidationIssue> validate_bitcode_program(const Benchmark& benchmark,
                                                      std::string_view bitcode,
                                                      const fs::path& work_dir, bool sanitizers) {
  if (!benchmark.is_runnable()) return {};
  try {
    TempDir dir("validate", work_dir);
    const fs::path exe = dir.path() / "program";
    std::vector<ValidationIssue> issues;
    try {
      build_executable_from_bitcode(benchmark, bitcode, exe, {"-O0"});
    } catch (const ProcessError& e) {
      return {{"Build failed", e.what()}};
    }
    issues = run_and_check_program(benchmark, exe, dir.path());
    if (sanitizers) {
      // CompilerGym runs some cBench programs without AddressSanitizer
      // (jpeg-c); metadata "asan": false says so.
      const auto& m = benchmark.data().metadata;
      if (!(m.contains("asan") && m["asan"] == false)) {
        for (auto& i : check_asan_on_bitcode(benchmark, bitcode, dir.path())) {
          issues.push_back(std::move(i));
        }
      }
      for (auto& i : check_sanitizers_on_sources(benchmark, dir.path())) {
        issues.push_back(std::move(i));
      }
    }
    return issues;
  } catch (const EnvironmentNotSupported& e) {
    throw ValidationError(std::string("cannot validate ") + benchmark.uri() + ": " + e.what());
  } catch (const ProcessError& e) {
    // A tool around the build (llvm-dis) failed to start or crashed.
    throw ValidationError(std::string("cannot validate ") + benchmark.uri() + ": " + e.what());
  }
}

}  // namespace cgym
