#include "llvm_test_util.h"

#include "backends/llvm/passes.h"

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>

namespace fs = std::filesystem;

namespace cgym::llvm::testing {

BenchmarkPtr bundled(const std::string& name) {
  try {
    return cgym::llvm_datasets()->benchmark("benchmark://cgym-v0/" + name);
  } catch (const std::exception&) {
    return nullptr;
  }
}

Action sample_stable_action(std::mt19937_64& rng) {
  static const Action excluded[] = {action_space().index("-scalarizer"),
                                    action_space().index("-unify-loop-exits"),
                                    action_space().index("-newgvn")};
  while (true) {
    const Action a = action_space().sample(rng);
    if (std::find(std::begin(excluded), std::end(excluded), a) == std::end(excluded) &&
        is_deterministic(a)) {
      return a;
    }
  }
}

BenchmarkPtr from_ir(const std::string& uri, const std::string& ir) {
  BenchmarkData d;
  d.uri = uri;
  d.format = ProgramFormat::kLlvmIr;
  d.program = ir;
  return Benchmark::make(std::move(d));
}

BenchmarkPtr from_c(const std::string& uri, const std::string& source) {
  auto clang = tool("clang");
  if (!clang) return nullptr;
  ScratchDir dir;
  write(dir.path() / "a.c", source);
  run({*clang, "-c", "-emit-llvm", "-O1", "-Xclang", "-disable-llvm-passes", "-Xclang",
       "-disable-llvm-optzns", (dir.path() / "a.c").string(), "-o",
       (dir.path() / "a.bc").string()});
  BenchmarkData d;
  d.uri = uri;
  d.format = ProgramFormat::kLlvmBitcode;
  d.program = read_file(dir.path() / "a.bc");
  d.sources = {{"a.c", source}};
  d.link_flags = {"-lm"};
  return Benchmark::make(std::move(d));
}

std::optional<std::string> tool(const std::string& name) {
  if (auto p = find_program(name + "-19")) return p->string();
  const fs::path alt = fs::path("/usr/lib/llvm-19/bin") / name;
  if (fs::exists(alt)) return alt.string();
  return std::nullopt;
}

std::string run(const std::vector<std::string>& argv, double timeout) {
  ProcessOptions o;
  o.argv = argv;
  o.timeout_seconds = timeout;
  return check_process(o).stdout_data;
}

EnvPtr make_env(const std::string& id, const MakeOptions& options) {
  return cgym::make(id, options);
}

CompilationSession& session_of(Env& env) {
  auto* compiler_env = dynamic_cast<CompilerEnv*>(&env);
  if (!compiler_env || !compiler_env->session()) {
    throw StateError("not a CompilerEnv with a session");
  }
  return *compiler_env->session();
}

Observation fresh_observation(Env& env, const std::string& name) {
  return session_of(env).compute_observation(env.observation_space_spec(name));
}

std::string strip_module_header(const std::string& ir) {
  std::istringstream in(ir);
  std::string line, out;
  while (std::getline(in, line)) {
    if (line.rfind("; ModuleID", 0) == 0 || line.rfind("source_filename", 0) == 0) continue;
    out += line;
    out += '\n';
  }
  return out;
}

std::map<std::string, int64_t> count_ir_text(const std::string& ir) {
  std::map<std::string, int64_t> counts;
  std::istringstream in(ir);
  std::string line;
  bool in_function = false;
  bool block_open = false;
  bool in_list = false;  // the case list of a switch or indirectbr
  while (std::getline(in, line)) {
    if (in_list) {
      if (line.find(']') != std::string::npos) in_list = false;
      continue;
    }
    if (!in_function) {
      if (line.rfind("define ", 0) == 0 && !line.empty() && line.back() == '{') {
        in_function = true;
        block_open = false;
        ++counts["TotalFuncs"];
      }
      continue;
    }
    if (line == "}") {
      in_function = false;
      continue;
    }
    if (line.empty() || line[0] == ';') continue;
    if (line[0] != ' ') {  // a label starts a block
      ++counts["TotalBlocks"];
      block_open = true;
      continue;
    }
    std::string text = line.substr(line.find_first_not_of(' '));
    if (text.empty() || text[0] == ';' || text[0] == '#') continue;  // comments, debug records
    // Clauses of a landingpad, printed on their own lines.
    if (text == "cleanup" || text.rfind("catch ", 0) == 0 || text.rfind("filter ", 0) == 0) {
      continue;
    }
    if (!block_open) {  // the entry block has no label line
      ++counts["TotalBlocks"];
      block_open = true;
    }
    if (text[0] == '%') {
      const auto eq = text.find(" = ");
      text = text.substr(eq + 3);
    }
    for (const char* prefix : {"tail ", "musttail ", "notail "}) {
      if (text.rfind(prefix, 0) == 0) text = text.substr(std::string(prefix).size());
    }
    const std::string opcode = text.substr(0, text.find_first_of(" \t"));
    if (!text.empty() && text.back() == '[') in_list = true;
    ++counts[opcode];
    ++counts["TotalInsts"];
  }
  return counts;
}

ScratchDir::ScratchDir() {
  std::random_device rd;
  path_ = fs::temp_directory_path() /
          ("cgym-llvm-test-" + std::to_string(rd()) + "-" + std::to_string(rd()));
  fs::create_directories(path_);
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void write(const fs::path& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary);
  out << data;
}

}  // namespace cgym::llvm::testing
