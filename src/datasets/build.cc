// Turning sources into bitcode and executables for the datasets.
//
// Every compile uses the bundled suite's recipe (-O1 with LLVM's passes
// disabled) rather than -O0: clang marks -O0 functions optnone, and an
// optnone module gives an optimisation agent nothing to do.

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <regex>

#include "cgym/datasets.h"
#include "cgym/errors.h"
#include "cgym/program.h"
#include "cgym/subprocess.h"
#include "cgym/util.h"
#include "datasets/internal.h"

namespace fs = std::filesystem;

namespace cgym {

fs::path llvm_tool(const std::string& name) {
  if (auto p = find_program(name + "-19")) return *p;
  const fs::path in_llvm_dir = fs::path("/usr/lib/llvm-19/bin") / name;
  if (::access(in_llvm_dir.c_str(), X_OK) == 0) return in_llvm_dir;
  try {
    std::error_code ec;
    const fs::path clang = fs::canonical(clang_program(), ec);
    if (!ec) {
      const fs::path sibling = clang.parent_path() / name;
      if (::access(sibling.c_str(), X_OK) == 0) return sibling;
    }
  } catch (const EnvironmentNotSupported&) {
    // No clang either: the message below covers it.
  }
  throw EnvironmentNotSupported(name + "-19 not found: looked for " + name + "-19 on PATH, " +
                                in_llvm_dir.string() +
                                " and next to clang-19; install it with `apt-get install llvm-19`");
}

const std::vector<std::string>& bitcode_compile_flags() {
  static const std::vector<std::string> flags = {
      "-c",      "-emit-llvm",          "-O1", "-Xclang", "-disable-llvm-passes",
      "-Xclang", "-disable-llvm-optzns"};
  return flags;
}

const std::vector<std::string>& supported_extensions() {
  static const std::vector<std::string> exts = {".c", ".cc", ".cpp", ".cxx", ".ll", ".bc"};
  return exts;
}

namespace datasets_internal {

std::optional<Language> language_of(const fs::path& path) {
  const std::string ext = path.extension().string();
  if (ext == ".c") return Language::kC;
  if (ext == ".cc" || ext == ".cpp" || ext == ".cxx") return Language::kCxx;
  if (ext == ".ll") return Language::kLlvmIr;
  if (ext == ".bc") return Language::kLlvmBitcode;
  return std::nullopt;
}

std::string unsupported_extension_message(const fs::path& path) {
  std::string exts;
  for (const auto& e : supported_extensions()) exts += (exts.empty() ? "" : ", ") + e;
  const std::string ext = path.extension().string();
  return "'" + path.string() + "' has " +
         (ext.empty() ? std::string("no extension") : "the unsupported extension '" + ext + "'") +
         "; supported: " + exts;
}

bool looks_like_bitcode(std::string_view data) {
  if (data.size() < 4) return false;
  const auto* b = reinterpret_cast<const unsigned char*>(data.data());
  return (b[0] == 'B' && b[1] == 'C' && b[2] == 0xC0 && b[3] == 0xDE) ||
         (b[0] == 0xDE && b[1] == 0xC0 && b[2] == 0x17 && b[3] == 0x0B);
}

namespace {

bool is_safe_relative(const std::string& name) {
  const fs::path p(name);
  if (name.empty() || p.is_absolute()) return false;
  for (const auto& part : p) {
    if (part == "..") return false;
  }
  return true;
}

// Writes contents-only inputs under `dir` and returns where each one is.
fs::path materialise(const InputFile& in, const fs::path& dir, const std::string& what) {
  if (!in.path.empty()) return in.path;
  if (!is_safe_relative(in.name)) {
    throw BenchmarkInitError(what + ": source name '" + in.name + "' is not a plain relative path");
  }
  const fs::path p = dir / in.name;
  fs::create_directories(p.parent_path());
  write_file_atomic(p, in.contents);
  return p;
}

std::string compiler_failure(const std::string& what, const std::string& action,
                             const std::vector<std::string>& argv, const ProcessResult& r,
                             double timeout) {
  if (r.timed_out) {
    return what + ": " + action + " timed out after " + std::to_string(timeout) +
           " s: " + join_command_line(argv);
  }
  std::string tail = tail_lines(r.stderr_data, 30);
  if (tail.empty()) tail = tail_lines(r.stdout_data, 30);
  return what + ": " + action + " failed (exit status " + std::to_string(r.exit_code) +
         "): " + join_command_line(argv) + (tail.empty() ? "" : "\n" + tail);
}

template <class F>
auto tool_or_init_error(const std::string& what, F&& find) {
  try {
    return find();
  } catch (const EnvironmentNotSupported& e) {
    throw BenchmarkInitError(what + ": " + e.what());
  }
}

}  // namespace

std::string build_bitcode(const std::vector<InputFile>& inputs,
                          const std::vector<std::string>& flags, const std::string& what,
                          double timeout_seconds) {
  if (inputs.empty()) throw InvalidArgument(what + ": no input files");
  if (inputs.size() == 1 && inputs[0].language == Language::kLlvmBitcode) {
    return inputs[0].contents;
  }
  TempDir dir("bitcode");
  const fs::path src_dir = dir.path() / "src";
  std::vector<std::string> modules;
  std::optional<fs::path> clang;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const InputFile& in = inputs[i];
    if (in.language == Language::kLlvmIr || in.language == Language::kLlvmBitcode) {
      if (in.path.empty()) {
        const fs::path p =
            dir.path() / (std::to_string(i) + (in.language == Language::kLlvmIr ? ".ll" : ".bc"));
        write_file_atomic(p, in.contents);
        modules.push_back(p.string());
      } else {
        modules.push_back(in.path.string());
      }
      continue;
    }
    if (!clang) clang = tool_or_init_error(what, [] { return clang_program(); });
    const fs::path src = materialise(in, src_dir, what);
    const fs::path out = dir.path() / (std::to_string(i) + ".bc");
    std::vector<std::string> argv = {clang->string()};
    argv.insert(argv.end(), bitcode_compile_flags().begin(), bitcode_compile_flags().end());
    argv.insert(argv.end(), {"-x", in.language == Language::kCxx ? "c++" : "c"});
    argv.insert(argv.end(), flags.begin(), flags.end());
    ProcessOptions o;
    if (in.path.empty()) {
      // The module records the source's name: compile the temporary copy by
      // its relative name so that the bitcode is the same on every run.
      argv.insert(argv.end(), {in.name, "-o", out.string()});
      o.cwd = src_dir;
    } else {
      argv.insert(argv.end(), {src.string(), "-o", out.string()});
    }
    o.argv = argv;
    o.timeout_seconds = timeout_seconds;
    const ProcessResult r = run_process(o);
    if (!r.ok()) {
      throw BenchmarkInitError(
          compiler_failure(what, "compiling " + in.name + " to bitcode", argv, r, timeout_seconds));
    }
    modules.push_back(out.string());
  }
  if (modules.size() == 1 && inputs[0].language != Language::kLlvmIr) {
    return read_file(modules[0]);
  }
  const fs::path linked = dir.path() / "linked.bc";
  std::vector<std::string> argv = {
      tool_or_init_error(what, [] { return llvm_tool("llvm-link"); }).string()};
  argv.insert(argv.end(), modules.begin(), modules.end());
  argv.insert(argv.end(), {"-o", linked.string()});
  ProcessOptions o;
  o.argv = argv;
  o.timeout_seconds = timeout_seconds;
  const ProcessResult r = run_process(o);
  if (!r.ok()) {
    throw BenchmarkInitError(
        compiler_failure(what, "linking the modules", argv, r, timeout_seconds));
  }
  return read_file(linked);
}

std::string read_user_file(const fs::path& path) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    throw BenchmarkInitError("cannot load '" + path.string() + "': no such file");
  }
  if (fs::is_directory(status)) {
    throw BenchmarkInitError("cannot load '" + path.string() + "': it is a directory, not a file");
  }
  if (::access(path.c_str(), R_OK) != 0) {
    throw BenchmarkInitError("cannot load '" + path.string() + "': " + std::strerror(errno));
  }
  try {
    return read_file(path);
  } catch (const IoError& e) {
    throw BenchmarkInitError(std::string("cannot load benchmark: ") + e.what());
  }
}

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size() || hex(text[i + 1]) < 0 || hex(text[i + 2]) < 0) {
      throw InvalidArgument("malformed percent escape in '" + std::string(text) +
                            "': expected %XX with two hex digits");
    }
    out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
    i += 2;
  }
  return out;
}

bool is_within(const fs::path& root, const fs::path& path) {
  auto r = root.begin(), p = path.begin();
  for (; r != root.end(); ++r, ++p) {
    if (r->empty() && std::next(r) == root.end()) break;  // trailing slash
    if (p == path.end() || *p != *r) return false;
  }
  return true;
}

void build_executable_from_sources(const BenchmarkData& data, const fs::path& output,
                                   const std::vector<std::string>& extra_flags,
                                   const fs::path& scratch_dir, double timeout_seconds) {
  const fs::path src_dir = scratch_dir / "sources";
  std::vector<std::string> compiled;
  bool cxx = false;
  for (const auto& s : data.sources) {
    if (!is_safe_relative(s.name)) {
      throw InvalidArgument("benchmark " + data.uri + " has a source named '" + s.name +
                            "', which is not a plain relative path");
    }
    const fs::path p = src_dir / s.name;
    fs::create_directories(p.parent_path());
    write_file_atomic(p, s.contents);
    const auto lang = language_of(p);
    if (lang == Language::kC || lang == Language::kCxx) {
      compiled.push_back(p.string());
      cxx = cxx || lang == Language::kCxx;
    }
  }
  if (compiled.empty()) {
    throw InvalidArgument("benchmark " + data.uri + " has no C or C++ source to build");
  }
  std::vector<std::string> argv = {clang_program().string()};
  argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
  if (cxx) argv.insert(argv.end(), {"-x", "c++"});
  argv.insert(argv.end(), data.compile_flags.begin(), data.compile_flags.end());
  argv.insert(argv.end(), compiled.begin(), compiled.end());
  if (cxx) argv.insert(argv.end(), {"-x", "none"});
  argv.insert(argv.end(), {"-o", output.string()});
  argv.insert(argv.end(), data.link_flags.begin(), data.link_flags.end());
  if (cxx && std::find(data.link_flags.begin(), data.link_flags.end(), "-lstdc++") ==
                 data.link_flags.end()) {
    argv.push_back("-lstdc++");
  }
  ProcessOptions o;
  o.argv = std::move(argv);
  o.cwd = src_dir;
  o.timeout_seconds = timeout_seconds;
  check_process(o);
}

namespace {

// Runs the -O0 build once per validation run and records, in data's
// metadata, what each run printed and wrote. Returns the first run's stdout.
std::string record_references(const Benchmark& benchmark, const nlohmann::json& runs,
                              const fs::path& exe, const fs::path& dir, BenchmarkData& data,
                              const std::string& what) {
  std::string first;
  for (size_t i = 0; i < runs.size(); ++i) {
    const auto& run = runs[i];
    const std::string where = "run " + std::to_string(i + 1) + " of " +
                              std::to_string(runs.size()) + " (" + run.at("args").dump() + ")";
    const fs::path cwd = dir / ("run-" + std::to_string(i + 1));
    const ProcessResult r = execute_run(benchmark, run, exe, cwd, {}, 1.0);
    const auto issues = check_exit_status(benchmark, r);
    if (!issues.empty()) {
      throw BenchmarkInitError(what + ": the unoptimised program does not run cleanly in " + where +
                               ": " + issues[0].type + ": " + issues[0].details);
    }
    if (const std::string e = stdout_pattern_error(run, r.stdout_data); !e.empty()) {
      throw BenchmarkInitError(what + ": in " + where + " " + e);
    }
    nlohmann::json files = output_records(run, cwd);
    for (const auto& [name, rec] : files.items()) {
      if (rec.is_null()) {
        throw BenchmarkInitError(what + ": the unoptimised program did not write " + name + " in " +
                                 where);
      }
    }
    data.metadata["runs"][i]["reference"] = {{"stdout", content_record(r.stdout_data)},
                                             {"files", std::move(files)}};
    if (i == 0) first = r.stdout_data;
    std::error_code ec;
    fs::remove_all(cwd, ec);
  }
  return first;
}

}  // namespace

std::string compute_reference_output(BenchmarkData& data) {
  const Benchmark benchmark(data);
  const std::string what = "cannot compute the reference output of " + data.uri;
  try {
    TempDir dir("reference");
    const fs::path exe = dir.path() / "program";
    switch (data.format) {
      case ProgramFormat::kLlvmBitcode:
      case ProgramFormat::kLlvmIr:
        build_executable_from_bitcode(benchmark, data.program, exe, {"-O0"}, 300.0);
        break;
      case ProgramFormat::kC:
      case ProgramFormat::kCxx:
        build_executable_from_sources(data, exe, {"-O0", "-w"}, dir.path(), 300.0);
        break;
      default:
        throw BenchmarkInitError(what + ": a program of format " + to_string(data.format) +
                                 " cannot be built");
    }
    if (const nlohmann::json* runs = validation_runs(benchmark)) {
      return record_references(benchmark, *runs, exe, dir.path(), data, what);
    }
    const ProcessResult run = run_benchmark_program(benchmark, exe, dir.path());
    const auto issues = check_program_output(benchmark, run);
    if (!issues.empty()) {
      throw BenchmarkInitError(what + ": the unoptimised program does not run cleanly: " +
                               issues[0].type + ": " + issues[0].details);
    }
    return run.stdout_data;
  } catch (const ProcessError& e) {
    throw BenchmarkInitError(what + ": the build failed: " + e.what());
  } catch (const EnvironmentNotSupported& e) {
    throw BenchmarkInitError(what + ": " + e.what());
  } catch (const IoError& e) {
    throw BenchmarkInitError(what + ": " + e.what());
  }
}

}  // namespace datasets_internal

namespace {

// make_runnable() and make_runnable_with_runs(): `data` carries its
// validation runs (metadata "runs") or none.
BenchmarkPtr finish_runnable(BenchmarkData data, std::vector<std::string> run_args,
                             double run_timeout_seconds, const char* caller) {
  if (!(run_timeout_seconds > 0)) {
    throw InvalidArgument(std::string(caller) + ": run_timeout_seconds must be positive, got " +
                          std::to_string(run_timeout_seconds));
  }
  data.run_args = std::move(run_args);
  data.run_timeout_seconds = run_timeout_seconds;
  data.reference_output.reset();
  data.reference_output = datasets_internal::compute_reference_output(data);
  auto made = Benchmark::make(std::move(data));
  if (made->uri().starts_with("benchmark://user-v0/") ||
      made->uri().starts_with("benchmark://clang-v0/")) {
    datasets_internal::register_user_benchmark(made);
  }
  return made;
}

}  // namespace

BenchmarkPtr make_runnable_with_runs(const Benchmark& benchmark,
                                     const std::vector<ProgramRun>& runs,
                                     double run_timeout_seconds) {
  constexpr const char* kCaller = "make_runnable_with_runs";
  if (runs.empty()) throw InvalidArgument(std::string(kCaller) + ": give at least one run");
  nlohmann::json list = nlohmann::json::array();
  for (const auto& r : runs) {
    nlohmann::json j = {{"args", r.args}};
    for (const auto& f : r.output_files) {
      const fs::path p(f);
      if (f.empty() || p.is_absolute() ||
          std::any_of(p.begin(), p.end(), [](const fs::path& c) { return c == ".."; })) {
        throw InvalidArgument(std::string(kCaller) + ": output file '" + f +
                              "' must be a relative path inside the run's directory");
      }
    }
    if (!r.output_files.empty()) j["output_files"] = r.output_files;
    if (!r.stdout_regex.empty()) {
      try {
        const std::regex check(r.stdout_regex);
      } catch (const std::regex_error& e) {
        throw InvalidArgument(std::string(kCaller) + ": stdout_regex '" + r.stdout_regex +
                              "' is not a valid ECMAScript regular expression: " + e.what());
      }
      j["stdout_regex"] = r.stdout_regex;
    }
    list.push_back(std::move(j));
  }
  BenchmarkData data = benchmark.data();
  data.metadata["runs"] = std::move(list);
  return finish_runnable(std::move(data), runs.front().args, run_timeout_seconds, kCaller);
}

BenchmarkPtr make_runnable(const Benchmark& benchmark, std::vector<std::string> run_args,
                           double run_timeout_seconds) {
  BenchmarkData data = benchmark.data();
  data.metadata.erase("runs");
  return finish_runnable(std::move(data), std::move(run_args), run_timeout_seconds,
                         "make_runnable");
}

}  // namespace cgym
