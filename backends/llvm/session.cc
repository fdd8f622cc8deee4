#include "backends/llvm/session.h"

#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>

#include <llvm/ADT/StringExtras.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/ErrorHandling.h>
#include <llvm/Support/SHA1.h>
#include <llvm/TargetParser/Host.h>

#include "backends/llvm/baselines.h"
#include "backends/llvm/build.h"
#include "backends/llvm/codegen.h"
#include "backends/llvm/features.h"
#include "backends/llvm/fingerprint.h"
#include "backends/llvm/llvm_util.h"
#include "backends/llvm/pass_runner.h"
#include "backends/llvm/passes.h"
#include "cgym/errors.h"
#include "cgym/program.h"
#include "cgym/util.h"
#include "internal/leak.h"
#ifdef CGYM_LLVM_GRAPH_OBSERVATIONS
#include "backends/llvm/inst2vec.h"
#include "backends/llvm/lexed_ir.h"
#include "backends/llvm/programl.h"
#endif

namespace fs = std::filesystem;

namespace cgym::llvm {

namespace {

enum class Obs {
  kIr,
  kIrSha1,
  kBitcode,
  kBitcodeFile,
  kInstCount,
  kInstCountDict,
  kInstCountNorm,
  kInstCountNormDict,
  kAutophase,
  kAutophaseDict,
  kIrInstructionCount,
  kIrInstructionCountO0,
  kIrInstructionCountO3,
  kIrInstructionCountOz,
  kObjectTextSizeBytes,
  kObjectTextSizeO0,
  kObjectTextSizeO3,
  kObjectTextSizeOz,
  kTextSizeBytes,
  kTextSizeO0,
  kTextSizeO3,
  kTextSizeOz,
  kIsBuildable,
  kIsRunnable,
  kRuntime,
  kBuildtime,
  kCpuInfo,
  kPrograml,
  kProgramlJson,
  kLexedIr,
  kInst2vecPreprocessedText,
};

constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();

struct SpaceDef {
  Obs id;
  ObservationSpaceSpec spec;
};

ObservationSpaceSpec spec(std::string name, Space space, Observation default_value,
                          std::string description, bool platform_dependent = false,
                          bool benchmark_constant = false, bool deterministic = true) {
  ObservationSpaceSpec s;
  s.name = std::move(name);
  s.space = std::move(space);
  s.default_value = std::move(default_value);
  s.description = std::move(description);
  s.platform_dependent = platform_dependent;
  s.benchmark_constant = benchmark_constant;
  s.deterministic = deterministic;
  return s;
}

const std::vector<SpaceDef>& space_defs() {
  static const std::vector<SpaceDef> defs = [] {
    std::vector<SpaceDef> d;
    Space runtime;
    runtime.kind = SpaceKind::kBox;
    runtime.dtype = ObservationType::kDoubleVector;
    runtime.low = 0.0;
    const Observation no_count(int64_t{0});
    d.push_back(
        {Obs::kIr, spec("Ir", Space::string(), std::string(), "The module as LLVM IR text")});
    d.push_back({Obs::kIrSha1, spec("IrSha1", Space::string(40, 40), std::string(40, '0'),
                                    "SHA-1 of the Ir text, 40 hex characters")});
    d.push_back({Obs::kBitcode, spec("Bitcode", Space::bytes(), Bytes{},
                                     "The module as LLVM bitcode (use-list order preserved)")});
    d.push_back({Obs::kBitcodeFile,
                 spec("BitcodeFile", Space::string(), std::string(),
                      "Path of a file holding the module's bitcode; valid until the module "
                      "changes or the env closes")});
    d.push_back({Obs::kInstCount,
                 spec("InstCount", Space::box_int({kInstCountSize}, 0, kMaxInt),
                      std::vector<int64_t>(kInstCountSize, 0),
                      "TotalInsts, TotalBlocks, TotalFuncs, then one count per LLVM 19 opcode")});
    d.push_back({Obs::kInstCountDict,
                 spec("InstCountDict", Space::dict(), Observation::json(nlohmann::json::object()),
                      "InstCount as {\"<Name>Count\": n}")});
    d.push_back(
        {Obs::kInstCountNorm,
         spec("InstCountNorm", Space::box_double({kInstCountSize - 1}, 0.0, 1.0),
              std::vector<double>(kInstCountSize - 1, 0.0), "InstCount[1:] / max(TotalInsts, 1)")});
    d.push_back({Obs::kInstCountNormDict, spec("InstCountNormDict", Space::dict(),
                                               Observation::json(nlohmann::json::object()),
                                               "InstCountNorm as {\"<Name>Density\": x}")});
    d.push_back({Obs::kAutophase,
                 spec("Autophase", Space::box_int({kAutophaseSize}, 0, kMaxInt),
                      std::vector<int64_t>(kAutophaseSize, 0), "The 56 Autophase features")});
    d.push_back({Obs::kAutophaseDict,
                 spec("AutophaseDict", Space::dict(), Observation::json(nlohmann::json::object()),
                      "Autophase as {\"<Name>\": n}")});
    d.push_back(
        {Obs::kIrInstructionCount, spec("IrInstructionCount", Space::scalar_int(0, kMaxInt),
                                        no_count, "The number of instructions in the module")});
    const char* levels[] = {"O0", "O3", "Oz"};
    for (int i = 0; i < 3; ++i) {
      d.push_back({static_cast<Obs>(static_cast<int>(Obs::kIrInstructionCountO0) + i),
                   spec(std::string("IrInstructionCount") + levels[i],
                        Space::scalar_int(0, kMaxInt), no_count,
                        std::string("IrInstructionCount after LLVM 19's default<") + levels[i] +
                            "> pipeline on the benchmark",
                        false, true)});
    }
    d.push_back({Obs::kObjectTextSizeBytes,
                 spec("ObjectTextSizeBytes", Space::scalar_int(0, kMaxInt), no_count,
                      "Bytes of .text in the module's object file (in-process code generation "
                      "for the module's triple, PIC, codegen -O2)",
                      true)});
    for (int i = 0; i < 3; ++i) {
      d.push_back(
          {static_cast<Obs>(static_cast<int>(Obs::kObjectTextSizeO0) + i),
           spec(std::string("ObjectTextSize") + levels[i], Space::scalar_int(0, kMaxInt), no_count,
                std::string("ObjectTextSizeBytes after default<") + levels[i] + ">", true, true)});
    }
    d.push_back({Obs::kTextSizeBytes,
                 spec("TextSizeBytes", Space::scalar_int(0, kMaxInt), no_count,
                      "Bytes of .text in the linked executable (buildable benchmarks)", true)});
    for (int i = 0; i < 3; ++i) {
      d.push_back(
          {static_cast<Obs>(static_cast<int>(Obs::kTextSizeO0) + i),
           spec(std::string("TextSize") + levels[i], Space::scalar_int(0, kMaxInt), no_count,
                std::string("TextSizeBytes after default<") + levels[i] + ">", true, true)});
    }
    d.push_back(
        {Obs::kIsBuildable,
         spec("IsBuildable", Space::boolean(), false,
              "The benchmark defines main and can be linked into an executable", false, true)});
    d.push_back({Obs::kIsRunnable,
                 spec("IsRunnable", Space::boolean(), false,
                      "The benchmark is buildable and has a reference output to check runs "
                      "against",
                      false, true)});
    d.push_back(
        {Obs::kRuntime, spec("Runtime", runtime, std::vector<double>{},
                             "Seconds of each run of the built program (runtime_runs runs after "
                             "runtime_warmup warm-up runs)",
                             true, false, false)});
    d.push_back({Obs::kBuildtime, spec("Buildtime", Space::scalar_double(0.0), 0.0,
                                       "Seconds clang took to build the executable from the module",
                                       true, false, false)});
    d.push_back({Obs::kCpuInfo,
                 spec("CpuInfo", Space::dict(), Observation::json(nlohmann::json::object()),
                      "The host CPU: name, cores_count, cache sizes and counts (-1 when absent)",
                      true, true)});
#ifdef CGYM_LLVM_GRAPH_OBSERVATIONS
    // Computed by programl.cc, lexed_ir.cc and inst2vec.cc (docs/programl.md).
    d.push_back({Obs::kPrograml, spec("Programl", Space::bytes(), Bytes{},
                                      "The ProGraML graph of the module "
                                      "(cgym::ProgramGraph::from_observation decodes it)")});
    d.push_back({Obs::kProgramlJson,
                 spec("ProgramlJson", Space::dict(), Observation::json(nlohmann::json::object()),
                      "The ProGraML graph as networkx node-link JSON")});
    d.push_back(
        {Obs::kLexedIr, spec("LexedIr", Space::dict(), Observation::json(nlohmann::json::object()),
                             "The tokens of the Ir text: ids, kinds, categories, values")});
    d.push_back(
        {Obs::kInst2vecPreprocessedText,
         spec("Inst2vecPreprocessedText", Space::dict(), Observation::json(nlohmann::json::array()),
              "The module's statements normalised as inst2vec does")});
#endif
    // Expensive, deterministic functions of the module alone: worth the
    // process-wide cache keyed by state_hash() (observation_cache.h).
    for (auto& def : d) {
      def.spec.shared_cacheable = def.id == Obs::kObjectTextSizeBytes ||
                                  def.id == Obs::kTextSizeBytes || def.id == Obs::kPrograml;
    }
    return d;
  }();
  return defs;
}

const std::unordered_map<std::string, Obs>& obs_by_name() {
  static const std::unordered_map<std::string, Obs> m = [] {
    std::unordered_map<std::string, Obs> r;
    for (const auto& d : space_defs()) r.emplace(d.spec.name, d.id);
    return r;
  }();
  return m;
}

// Passes that may change the module yet report every analysis preserved:
// their "no change" is checked against the fingerprint. Found by
// tests/llvm/llvm_actions_test.cc (PreservedAnalysesAgreeWithFingerprint).
bool reports_all_preserved_when_changed(const PassInfo& pass) {
  static const std::set<std::string> kUntrusted = {"-instnamer"};
  return kUntrusted.count(pass.flag) > 0;
}

int parse_count(const std::string& key, const std::string& value, int min) {
  try {
    size_t pos = 0;
    const int v = std::stoi(value, &pos);
    if (pos == value.size() && v >= min) return v;
  } catch (const std::exception&) {
  }
  throw InvalidArgument("parameter " + key + " must be an integer >= " + std::to_string(min) +
                        ", got '" + value + "'");
}

bool parse_bool(const std::string& key, const std::string& value) {
  if (value == "1" || value == "true") return true;
  if (value == "0" || value == "false") return false;
  throw InvalidArgument("parameter " + key + " must be 0 or 1, got '" + value + "'");
}

// A file in the env's working directory, removed when the last holder goes.
struct Artifact {
  fs::path path;
  double seconds = 0.0;
  explicit Artifact(fs::path p) : path(std::move(p)) {}
  ~Artifact() {
    std::error_code ec;
    fs::remove(path, ec);
  }
  Artifact(const Artifact&) = delete;
  Artifact& operator=(const Artifact&) = delete;
};

int64_t read_sys_int(const fs::path& path) {
  std::ifstream in(path);
  int64_t v = -1;
  if (!(in >> v)) return -1;
  return v;
}

std::string read_sys_string(const fs::path& path) {
  std::ifstream in(path);
  std::string s;
  std::getline(in, s);
  return s;
}

// Cache size "32K" / "1024K" / "8M" in bytes.
int64_t parse_cache_size(const std::string& text) {
  if (text.empty()) return -1;
  size_t pos = 0;
  int64_t v = 0;
  try {
    v = std::stoll(text, &pos);
  } catch (const std::exception&) {
    return -1;
  }
  const std::string unit = text.substr(pos);
  if (unit == "K") return v * 1024;
  if (unit == "M") return v * 1024 * 1024;
  if (unit == "G") return v * 1024 * 1024 * 1024;
  return v;
}

nlohmann::json cpu_info() {
  nlohmann::json j;
  std::string name;
  {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("model name", 0) == 0) {
        auto colon = line.find(':');
        if (colon != std::string::npos) name = line.substr(colon + 1);
        while (!name.empty() && name.front() == ' ') name.erase(name.begin());
        break;
      }
    }
  }
  if (name.empty()) name = ::llvm::sys::getHostCPUName().str();
  j["name"] = name;
  const long cores = sysconf(_SC_NPROCESSORS_ONLN);
  j["cores_count"] = cores > 0 ? cores : -1;
  // Caches: size of one instance and the number of distinct instances.
  struct Cache {
    int64_t size = -1;
    std::set<std::string> instances;
  };
  std::map<std::string, Cache> caches;  // "l1i", "l1d", "l2", ...
  std::error_code ec;
  for (const auto& cpu : fs::directory_iterator("/sys/devices/system/cpu", ec)) {
    const std::string cpu_name = cpu.path().filename().string();
    if (cpu_name.rfind("cpu", 0) != 0 || cpu_name.size() < 4 || !std::isdigit(cpu_name[3])) {
      continue;
    }
    std::error_code ec2;
    for (const auto& index : fs::directory_iterator(cpu.path() / "cache", ec2)) {
      const int64_t level = read_sys_int(index.path() / "level");
      const std::string type = read_sys_string(index.path() / "type");
      if (level < 1) continue;
      std::string key = "l" + std::to_string(level);
      if (level == 1) key += type == "Instruction" ? "i" : type == "Data" ? "d" : "u";
      auto& c = caches[key];
      c.size = parse_cache_size(read_sys_string(index.path() / "size"));
      c.instances.insert(read_sys_string(index.path() / "shared_cpu_list"));
    }
  }
  for (const char* key : {"l1i", "l1d", "l2", "l3", "l4"}) {
    auto it = caches.find(key);
    j[std::string(key) + "_cache_size"] = it == caches.end() ? -1 : it->second.size;
    j[std::string(key) + "_cache_count"] =
        it == caches.end() ? -1 : static_cast<int64_t>(it->second.instances.size());
  }
  return j;
}

}  // namespace

// The actions known to have no effect on one program state; several
// sessions (a parent and its forks, possibly on other threads) share one.
class NoEffectSet {
 public:
  static constexpr size_t kMaxActions = 256;
  bool contains(Action a) const {
    return static_cast<size_t>(a) < kMaxActions &&
           (words_[a / 64].load(std::memory_order_relaxed) >> (a % 64) & 1u);
  }
  void insert(Action a) {
    if (static_cast<size_t>(a) < kMaxActions) {
      words_[a / 64].fetch_or(uint64_t{1} << (a % 64), std::memory_order_relaxed);
    }
  }

 private:
  std::array<std::atomic<uint64_t>, kMaxActions / 64> words_{};
};

// Memo lookups and hits of every session in the process, for benchmarks.
std::atomic<int64_t> g_memo_lookups{0}, g_memo_hits{0};

// ---- Impl ---------------------------------------------------------------------

struct LlvmSession::Impl {
  explicit Impl(const SessionContext& c) : context(c) {}
  ~Impl() {
    if (!dead.empty()) {
      // A crash left them in an unknown state: never touch them again.
      if (runner) runner->forget_target_machine();
      internal::leak_on_purpose(module);
      internal::leak_on_purpose(llvm_context);
    }
    // The kept analyses refer to the module (value handles): they go first.
    runner.reset();
    module.reset();
  }

  const SessionContext& context;
  bool verify_module = true;
  int runtime_runs = 1;
  int runtime_warmup = 0;
  // Fault injection for tests, consumed by the next action.
  std::string inject_pipeline;
  bool inject_fatal_error = false;
  // The current action space's actions as pass_table() indices.
  std::span<const Action> action_map;

  BenchmarkPtr benchmark;
  std::shared_ptr<BaselineEntry> baselines;
  bool buildable = false;
  std::unique_ptr<::llvm::LLVMContext> llvm_context;
  std::unique_ptr<::llvm::Module> module;
  // A fork's state before its first use: the parent's bitcode, parsed into
  // this session's own context on demand.
  std::shared_ptr<const std::string> pending_bitcode;
  std::shared_ptr<const ModuleExtras> pending_extras;
  std::unique_ptr<PassRunner> runner;
  std::unique_ptr<CodeGenerator> codegen;
  // The fingerprint of the current state (nullopt until the first action),
  // kept up to date incrementally.
  ModuleFingerprint fingerprinter;
  std::optional<uint64_t> fingerprint;
  // What changed since the last verification: everything, or these
  // function bodies only (function passes that left the module-level part
  // alone).
  bool verify_whole = false;
  ::llvm::SmallPtrSet<const ::llvm::Function*, 16> verify_functions;
  // The actions that changed the module since the last verification, for
  // the message when it fails.
  std::string changed_by;
  std::string dead;  // why the compiler state is gone; empty while alive

  // The no-effect memo: the actions known to leave the current state
  // unchanged. Shared with the forks made in this state (a fork that finds
  // an action without effect tells its parent and its siblings); replaced by
  // an empty one when the state changes. Only actions whose result is a
  // function of the module alone are recorded (memoizable).
  bool use_no_effect_memo = true;
  std::shared_ptr<NoEffectSet> no_effect;
  std::shared_ptr<const std::vector<bool>> memoizable;
  int64_t memo_lookups = 0, memo_hits = 0;

  // Values of the current program state, shared with forks (they start from
  // the same state). Cleared whenever the module changes.
  struct Memo {
    std::shared_ptr<const std::string> ir;
    std::shared_ptr<const std::string> bitcode;
    std::shared_ptr<const std::vector<int64_t>> inst_count;
    std::shared_ptr<const std::vector<int64_t>> autophase;
    std::optional<int64_t> object_text_size;
    std::shared_ptr<const Artifact> bitcode_file;
    std::shared_ptr<const Artifact> executable;
  } memo;

  void check_alive() const {
    if (!dead.empty()) {
      throw SessionError("the LLVM session is unusable after an earlier failure (" + dead +
                         "); call reset()");
    }
    if (!benchmark) throw SessionError("the LLVM session has no benchmark; call reset()");
  }

  // Abandons the compiler state after a crash.
  void die(const std::string& reason) {
    dead = reason;
    if (runner) runner->forget_target_machine();
    memo = {};
  }

  ::llvm::Module& get_module() {
    check_alive();
    if (!module) {
      auto bitcode = std::move(pending_bitcode);
      llvm_context = make_context();
      try {
        module = parse_module(*llvm_context, *bitcode, benchmark->uri());
      } catch (const std::exception& e) {
        throw SessionError(std::string("cannot restore the forked module: ") + e.what());
      }
      if (pending_extras) apply_extras(*module, *pending_extras);
      pending_extras.reset();
      if (!memo.bitcode) memo.bitcode = bitcode;
    }
    return *module;
  }

  const std::string& bitcode() {
    if (!memo.bitcode) {
      if (!module && pending_bitcode) {
        memo.bitcode = pending_bitcode;
      } else {
        memo.bitcode = std::make_shared<const std::string>(write_bitcode(get_module()));
      }
    }
    return *memo.bitcode;
  }

  const std::string& ir() {
    if (!memo.ir) memo.ir = std::make_shared<const std::string>(print_module(get_module()));
    return *memo.ir;
  }

  // The instruction count (the reward of llvm-ic-v0, every step), kept per
  // function: a step recounts only the functions it changed.
  struct Counts {
    ::llvm::DenseMap<const ::llvm::Function*, int64_t> per_function;
    ::llvm::SmallPtrSet<const ::llvm::Function*, 16> dirty;
    int64_t total = 0;
    bool all_dirty = true;
  } counts;

  int64_t instruction_total() {
    ::llvm::Module& m = get_module();
    auto count = [](const ::llvm::Function& f) {
      int64_t n = 0;
      for (const auto& block : f) n += static_cast<int64_t>(block.size());
      return n;
    };
    if (counts.all_dirty) {
      counts.per_function.clear();
      counts.total = 0;
      for (const auto& f : m) {
        if (f.isDeclaration()) continue;
        const int64_t n = count(f);
        counts.per_function[&f] = n;
        counts.total += n;
      }
    } else {
      for (const ::llvm::Function* f : counts.dirty) {
        const int64_t n = count(*f);
        int64_t& old = counts.per_function[f];
        counts.total += n - old;
        old = n;
      }
    }
    counts.all_dirty = false;
    counts.dirty.clear();
    return counts.total;
  }

  const std::vector<int64_t>& inst_counts() {
    if (!memo.inst_count) {
      memo.inst_count = std::make_shared<const std::vector<int64_t>>(inst_count(get_module()));
    }
    return *memo.inst_count;
  }

  const std::vector<int64_t>& autophase_features() {
    if (!memo.autophase) {
      memo.autophase = std::make_shared<const std::vector<int64_t>>(autophase(get_module()));
    }
    return *memo.autophase;
  }

  int64_t object_text_size() {
    if (memo.object_text_size) return *memo.object_text_size;
    // Code generation rewrites the IR it compiles, so it works on an exact
    // copy (bitcode round trip keeps use-list order) in a scratch context;
    // the session's module is never touched, even by a crash.
    const std::string& bc = bitcode();
    if (!codegen) codegen = std::make_unique<CodeGenerator>();
    auto scratch = make_context();
    std::unique_ptr<::llvm::Module> copy = parse_module(*scratch, bc, benchmark->uri());
    std::string object, error;
    auto crash = run_safely([&] {
      try {
        object = codegen->emit_object(*copy);
      } catch (const std::exception& e) {
        error = e.what();
      }
    });
    if (crash) {
      codegen->forget_target_machine();
      internal::leak_on_purpose(copy);
      internal::leak_on_purpose(scratch);
      throw SessionError("code generation crashed: " + *crash);
    }
    if (error.empty()) error = take_context_errors(*scratch);
    if (!error.empty()) throw SessionError("code generation failed: " + error);
    memo.object_text_size = text_section_size(object);
    return *memo.object_text_size;
  }

  const Artifact& executable() {
    if (!buildable) {
      throw SessionError("benchmark '" + benchmark->uri() +
                         "' is not buildable: it does not define main()");
    }
    if (!memo.executable) {
      const std::string& bc = bitcode();
      auto artifact = std::make_shared<Artifact>(context.unique_path("exe-", ""));
      const auto start = std::chrono::steady_clock::now();
      build_executable(*benchmark, bc, artifact->path);
      artifact->seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      memo.executable = std::move(artifact);
    }
    return *memo.executable;
  }

  std::vector<double> runtimes() {
    if (!benchmark->is_runnable()) {
      throw SessionError("benchmark '" + benchmark->uri() +
                         "' is not runnable: it has no main() or no reference output");
    }
    const Artifact& exe = executable();
    const fs::path cwd = context.unique_path("run-", "");
    fs::create_directories(cwd);
    struct Cleanup {
      fs::path p;
      ~Cleanup() {
        std::error_code ec;
        fs::remove_all(p, ec);
      }
    } cleanup{cwd};
    std::vector<double> out;
    for (int i = 0; i < runtime_warmup + runtime_runs; ++i) {
      const ProcessResult r = run_benchmark_program(*benchmark, exe.path, cwd);
      if (!r.ok()) {
        throw SessionError(
            "running '" + benchmark->uri() + "' failed (" +
            (r.timed_out ? std::string("timeout") : "exit code " + std::to_string(r.exit_code)) +
            "): " + tail_lines(r.stderr_data, 10));
      }
      if (i >= runtime_warmup) out.push_back(r.seconds);
    }
    return out;
  }

  int64_t baseline(Obs id) {
    const int base = static_cast<int>(id);
    if (id >= Obs::kIrInstructionCountO0 && id <= Obs::kIrInstructionCountOz) {
      return baselines->ir_instruction_count(
          *benchmark, static_cast<OptLevel>(base - static_cast<int>(Obs::kIrInstructionCountO0)));
    }
    if (id >= Obs::kObjectTextSizeO0 && id <= Obs::kObjectTextSizeOz) {
      return baselines->object_text_size(
          *benchmark, static_cast<OptLevel>(base - static_cast<int>(Obs::kObjectTextSizeO0)));
    }
    if (!buildable) {
      throw SessionError("benchmark '" + benchmark->uri() +
                         "' is not buildable: it does not define main()");
    }
    return baselines->text_size(*benchmark,
                                static_cast<OptLevel>(base - static_cast<int>(Obs::kTextSizeO0)));
  }
};

// ---- LlvmSession ----------------------------------------------------------------

LlvmSession::LlvmSession(std::shared_ptr<const SessionContext> context)
    : CompilationSession(std::move(context)), impl_(std::make_unique<Impl>(this->context())) {
  const auto& params = this->context().params();
  if (auto it = params.find("verify_module"); it != params.end()) {
    impl_->verify_module = parse_bool(it->first, it->second);
  }
  if (auto it = params.find("no_effect_memo"); it != params.end()) {
    impl_->use_no_effect_memo = parse_bool(it->first, it->second);
  }
  if (auto it = params.find("runtime_runs"); it != params.end()) {
    impl_->runtime_runs = parse_count(it->first, it->second, 1);
  }
  if (auto it = params.find("runtime_warmup"); it != params.end()) {
    impl_->runtime_warmup = parse_count(it->first, it->second, 0);
  }
}

LlvmSession::~LlvmSession() = default;

const std::vector<std::string>& LlvmSession::known_params() {
  static const std::vector<std::string> params = {"verify_module", "no_effect_memo", "runtime_runs",
                                                  "runtime_warmup"};
  return params;
}

std::string LlvmSession::compiler_version() const { return "LLVM " + llvm_version(); }

std::vector<ActionSpace> LlvmSession::action_spaces() const { return llvm::action_spaces(); }

const std::vector<ObservationSpaceSpec>& LlvmSession::spaces() {
  static const std::vector<ObservationSpaceSpec> specs = [] {
    std::vector<ObservationSpaceSpec> s;
    for (const auto& d : space_defs()) s.push_back(d.spec);
    return s;
  }();
  return specs;
}

std::vector<ObservationSpaceSpec> LlvmSession::observation_spaces() const { return spaces(); }

void LlvmSession::init(const ActionSpace& action_space, BenchmarkPtr benchmark) {
  initialize();
  Impl& s = *impl_;
  s.action_map = pass_indices(action_space.name().empty() ? llvm::action_space() : action_space);
  if (!benchmark) throw BenchmarkInitError("no benchmark given");
  auto baselines = baselines_for(*benchmark);
  auto llvm_context = make_context();
  auto module = parse_benchmark(*llvm_context, *benchmark);
  if (!baselines->verified()) {
    if (auto error = verify(*module)) {
      throw BenchmarkInitError("benchmark '" + benchmark->uri() +
                               "' is not a valid LLVM module: " + *error);
    }
    baselines->set_verified();
  }
  if (auto errors = take_context_errors(*llvm_context); !errors.empty()) {
    throw BenchmarkInitError("loading benchmark '" + benchmark->uri() + "' failed: " + errors);
  }
  const ::llvm::Function* main = module->getFunction("main");
  s.buildable = main && !main->isDeclaration();
  // The analyses kept for the old module go before it does.
  s.runner.reset();
  s.benchmark = std::move(benchmark);
  s.baselines = std::move(baselines);
  s.llvm_context = std::move(llvm_context);
  s.module = std::move(module);
  s.runner = std::make_unique<PassRunner>();
  s.fingerprinter = ModuleFingerprint();
  s.fingerprint.reset();
  s.memo = {};
  s.counts.per_function.clear();
  s.counts.dirty.clear();
  s.counts.total = 0;
  s.counts.all_dirty = true;
  auto memoizable = std::make_shared<std::vector<bool>>(action_space.actions().size(), false);
  for (size_t i = 0; i < memoizable->size(); ++i) {
    const size_t pass_index = s.action_map.empty() ? i : static_cast<size_t>(s.action_map[i]);
    (*memoizable)[i] = action_space.actions()[i].deterministic &&
                       !needs_fresh_analyses(static_cast<Action>(pass_index)) &&
                       i < NoEffectSet::kMaxActions;
  }
  s.memoizable = std::move(memoizable);
  s.no_effect = std::make_shared<NoEffectSet>();
}

ActionResult LlvmSession::apply_action(Action action) {
  Impl& s = *impl_;
  const auto table = pass_table();
  const size_t size = s.action_map.empty() ? table.size() : s.action_map.size();
  if (action < 0 || action >= static_cast<Action>(size)) {
    throw ActionOutOfRange("action " + std::to_string(action) + " is outside 0.." +
                           std::to_string(size - 1));
  }
  const auto pass_index = static_cast<Action>(s.action_map.empty() ? action : s.action_map[action]);
  const PassInfo& pass = table[pass_index];
  const std::string extra = std::exchange(s.inject_pipeline, {});
  const bool fatal = std::exchange(s.inject_fatal_error, false);
  // The no-effect memo: an action already found to leave this very state
  // unchanged (by this session or a fork of it in the same state) is not run
  // again. Exact for actions whose result is a function of the module:
  // only those are recorded, and only when the pass also reported every
  // analysis preserved, so the kept analyses are what running it again
  // would leave.
  const bool memo_ok = s.use_no_effect_memo && extra.empty() && !fatal && s.memoizable &&
                       static_cast<size_t>(action) < s.memoizable->size() &&
                       (*s.memoizable)[action] && s.no_effect;
  if (memo_ok) {
    s.check_alive();
    ++s.memo_lookups;
    g_memo_lookups.fetch_add(1, std::memory_order_relaxed);
    if (s.no_effect->contains(action)) {
      ++s.memo_hits;
      g_memo_hits.fetch_add(1, std::memory_order_relaxed);
      ActionResult hit;
      hit.action_had_no_effect = true;
      return hit;
    }
  }
  ::llvm::Module& module = s.get_module();
  // The state before the pass, to tell exactly whether it changed anything.
  if (!s.fingerprint) s.fingerprint = s.fingerprinter.compute(module);
  // A pass whose result depends on what happens to be cached starts from
  // nothing, as the command line's invalidate<all> before it says.
  if (needs_fresh_analyses(pass_index)) s.runner->clear_analyses();

  ::llvm::PreservedAnalyses preserved = ::llvm::PreservedAnalyses::all();
  ChangeLog log;
  auto crash = run_safely([&] {
    preserved = s.runner->run(module, pass.pipeline, &log);
    if (!extra.empty()) preserved.intersect(s.runner->run(module, extra, &log));
    if (fatal) ::llvm::report_fatal_error("fault injected by llvm.test.fatal_error_on_next_action");
  });
  if (crash) {
    s.die(std::string(pass.flag) + " crashed");
    throw SessionError(std::string("pass ") + pass.flag + " (" + pass.pipeline + ") " + *crash);
  }
  if (auto errors = take_context_errors(*s.llvm_context); !errors.empty()) {
    s.die(std::string(pass.flag) + " reported an error");
    throw SessionError(std::string("pass ") + pass.flag + " (" + pass.pipeline +
                       ") reported an error: " + errors);
  }
  // A pass that reports every analysis preserved changed nothing, unless it
  // is known to under-report. Otherwise the fingerprint decides; only the
  // functions the pass reported changed are hashed again.
  const bool trusted = !reports_all_preserved_when_changed(pass) && extra.empty();
  bool changed = false;
  if (!preserved.areAllPreserved() || !trusted) {
    const bool whole = !trusted || log.whole_module;
    const uint64_t after =
        whole ? s.fingerprinter.compute(module) : s.fingerprinter.update(module, log.functions);
    changed = after != *s.fingerprint;
    s.fingerprint = after;
    if (changed) {
      s.changed_by += (s.changed_by.empty() ? "" : " ") + std::string(pass.flag);
      if (whole || s.fingerprinter.module_level_changed()) {
        s.verify_whole = true;
        s.counts.all_dirty = true;
      } else {
        for (const ::llvm::Function* f : log.functions) {
          s.verify_functions.insert(f);
          s.counts.dirty.insert(f);
        }
      }
    }
  }
  if (changed) {
    s.memo = {};
    s.no_effect = std::make_shared<NoEffectSet>();
  } else if (memo_ok && preserved.areAllPreserved()) {
    s.no_effect->insert(action);
  }
  ActionResult result;
  result.action_had_no_effect = !changed;
  return result;
}

void LlvmSession::end_of_step(bool program_changed) {
  Impl& s = *impl_;
  const bool whole = std::exchange(s.verify_whole, false);
  const auto functions = std::move(s.verify_functions);
  s.verify_functions.clear();
  const std::string changed_by = std::exchange(s.changed_by, {});
  if (!program_changed || !s.verify_module || !s.dead.empty() || !s.module) return;
  // The whole module after module-level changes; otherwise only the bodies
  // that changed (function passes touch nothing else).
  std::optional<std::string> error;
  auto crash = run_safely([&] {
    if (whole) {
      error = verify(*s.module);
      return;
    }
    for (const ::llvm::Function& f : *s.module) {
      if (functions.count(&f) && !f.isDeclaration()) {
        error = verify(f);
        if (error) return;
      }
    }
  });
  if (crash) {
    s.die("the verifier crashed");
    throw SessionError("the verifier crashed on the module after the step: " + *crash);
  }
  if (error) {
    throw SessionError("the module is invalid after the step (changed by " +
                       (changed_by.empty() ? std::string("injected passes") : changed_by) +
                       "): " + *error);
  }
}

Observation LlvmSession::compute_observation(const ObservationSpaceSpec& space) {
  Impl& s = *impl_;
  auto it = obs_by_name().find(space.name);
  if (it == obs_by_name().end()) {
    throw LookupError("unknown LLVM observation space '" + space.name + "'");
  }
  const Obs id = it->second;
  if (id == Obs::kCpuInfo) {
    static const nlohmann::json info = cpu_info();
    return Observation::json(info);
  }
  s.check_alive();
  switch (id) {
    case Obs::kIr:
      return Observation(s.ir());
    case Obs::kIrSha1: {
      const std::string& text = s.ir();
      const auto digest = ::llvm::SHA1::hash(
          ::llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
      return Observation(::llvm::toHex(digest, /*LowerCase=*/true));
    }
    case Obs::kBitcode:
      return Observation(Bytes{s.bitcode()});
    case Obs::kBitcodeFile: {
      if (!s.memo.bitcode_file) {
        auto artifact = std::make_shared<Artifact>(context().unique_path("module-", ".bc"));
        write_file_atomic(artifact->path, s.bitcode());
        s.memo.bitcode_file = std::move(artifact);
      }
      return Observation(s.memo.bitcode_file->path.string());
    }
    case Obs::kInstCount:
      return Observation(s.inst_counts());
    case Obs::kInstCountDict: {
      const auto& counts = s.inst_counts();
      const auto& names = inst_count_names();
      nlohmann::json j = nlohmann::json::object();
      for (size_t i = 0; i < counts.size(); ++i) j[names[i] + "Count"] = counts[i];
      return Observation::json(std::move(j));
    }
    case Obs::kInstCountNorm:
    case Obs::kInstCountNormDict: {
      const auto& counts = s.inst_counts();
      const double total = static_cast<double>(std::max<int64_t>(counts[0], 1));
      std::vector<double> norm;
      norm.reserve(counts.size() - 1);
      for (size_t i = 1; i < counts.size(); ++i) norm.push_back(counts[i] / total);
      if (id == Obs::kInstCountNorm) return Observation(std::move(norm));
      const auto& names = inst_count_names();
      nlohmann::json j = nlohmann::json::object();
      for (size_t i = 0; i < norm.size(); ++i) j[names[i + 1] + "Density"] = norm[i];
      return Observation::json(std::move(j));
    }
    case Obs::kAutophase:
      return Observation(s.autophase_features());
    case Obs::kAutophaseDict: {
      const auto& f = s.autophase_features();
      const auto& names = autophase_names();
      nlohmann::json j = nlohmann::json::object();
      for (size_t i = 0; i < f.size(); ++i) j[names[i]] = f[i];
      return Observation::json(std::move(j));
    }
    case Obs::kIrInstructionCount:
      return Observation(s.memo.inst_count ? (*s.memo.inst_count)[0] : s.instruction_total());
    case Obs::kIrInstructionCountO0:
    case Obs::kIrInstructionCountO3:
    case Obs::kIrInstructionCountOz:
    case Obs::kObjectTextSizeO0:
    case Obs::kObjectTextSizeO3:
    case Obs::kObjectTextSizeOz:
    case Obs::kTextSizeO0:
    case Obs::kTextSizeO3:
    case Obs::kTextSizeOz:
      return Observation(s.baseline(id));
    case Obs::kObjectTextSizeBytes:
      return Observation(s.object_text_size());
    case Obs::kTextSizeBytes:
      return Observation(text_section_size(read_file(s.executable().path), true));
    case Obs::kIsBuildable:
      return Observation(s.buildable);
    case Obs::kIsRunnable:
      return Observation(s.buildable && s.benchmark->is_runnable());
    case Obs::kRuntime:
      return Observation(s.runtimes());
    case Obs::kBuildtime:
      return Observation(s.executable().seconds);
#ifdef CGYM_LLVM_GRAPH_OBSERVATIONS
    case Obs::kPrograml:
      return programl_observation(s.get_module());
    case Obs::kProgramlJson:
      return programl_json_observation(s.get_module());
    case Obs::kLexedIr:
      return lexed_ir_observation(s.ir());
    case Obs::kInst2vecPreprocessedText:
      return inst2vec_preprocessed_text_observation(s.ir());
#else
    case Obs::kPrograml:
    case Obs::kProgramlJson:
    case Obs::kLexedIr:
    case Obs::kInst2vecPreprocessedText:
#endif
    case Obs::kCpuInfo:
      break;
  }
  throw LookupError("unknown LLVM observation space '" + space.name + "'");
}

std::unique_ptr<CompilationSession> LlvmSession::fork() const {
  Impl& s = *impl_;
  s.check_alive();
  auto child = std::make_unique<LlvmSession>(context_ptr());
  Impl& c = *child->impl_;
  c.verify_module = s.verify_module;
  c.action_map = s.action_map;
  c.runtime_runs = s.runtime_runs;
  c.runtime_warmup = s.runtime_warmup;
  c.benchmark = s.benchmark;
  c.baselines = s.baselines;
  c.buildable = s.buildable;
  // The child gets this state as bitcode and parses it into its own context
  // when first used: a context is not thread-safe, so forks cannot share one
  // (CloneModule would), and parsing on first use keeps fork() itself cheap.
  s.bitcode();
  c.pending_bitcode = s.memo.bitcode;
  c.pending_extras =
      s.module ? std::make_shared<const ModuleExtras>(capture_extras(*s.module)) : s.pending_extras;
  c.memo = s.memo;
  c.use_no_effect_memo = s.use_no_effect_memo;
  c.memoizable = s.memoizable;
  c.no_effect = s.no_effect;  // the same state: what one learns, the other can use
  // A new module gets new (empty) analysis managers on first use.
  c.runner = std::make_unique<PassRunner>();
  return child;
}

std::optional<std::string> LlvmSession::state_hash() {
  Impl& s = *impl_;
  if (!s.dead.empty() || !s.benchmark) return std::nullopt;
  // A digest of the bitcode, not the step fingerprint: the fingerprint
  // mixes in object addresses (it only compares states of one module), and
  // the cache is shared by every env in the process and across runs.
  const std::string& bitcode = s.bitcode();
  const auto digest = ::llvm::SHA1::hash(
      ::llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t*>(bitcode.data()), bitcode.size()));
  return ::llvm::toHex(digest, /*LowerCase=*/true);
}

std::optional<std::string> LlvmSession::handle_session_parameter(const std::string& key,
                                                                 const std::string& value) {
  Impl& s = *impl_;
  if (key == "llvm.set_runtimes_per_observation_count") {
    s.runtime_runs = parse_count(key, value, 1);
    return std::to_string(s.runtime_runs);
  }
  if (key == "llvm.get_runtimes_per_observation_count") return std::to_string(s.runtime_runs);
  if (key == "llvm.set_warmup_runs_count_per_runtime_observation") {
    s.runtime_warmup = parse_count(key, value, 0);
    return std::to_string(s.runtime_warmup);
  }
  if (key == "llvm.get_warmup_runs_count_per_runtime_observation") {
    return std::to_string(s.runtime_warmup);
  }
  if (key == "llvm.verify_module") {
    s.verify_module = parse_bool(key, value);
    return s.verify_module ? "1" : "0";
  }
  if (key == "llvm.no_effect_memo") {
    s.use_no_effect_memo = parse_bool(key, value);
    return s.use_no_effect_memo ? "1" : "0";
  }
  if (key == "llvm.no_effect_memo_stats") {
    // "<hits> <lookups>" of this session since its reset or fork.
    return std::to_string(s.memo_hits) + " " + std::to_string(s.memo_lookups);
  }
  if (key == "llvm.no_effect_memo_process_stats") {
    // The same, summed over every LLVM session of the process.
    return std::to_string(g_memo_hits.load()) + " " + std::to_string(g_memo_lookups.load());
  }
  if (key == "llvm.test.inject_pipeline") {
    s.inject_pipeline = value;
    return value;
  }
  if (key == "llvm.test.fatal_error_on_next_action") {
    s.inject_fatal_error = parse_bool(key, value);
    return s.inject_fatal_error ? "1" : "0";
  }
  return std::nullopt;
}

std::vector<ValidationIssue> LlvmSession::validate_semantics(const ValidationOptions& options) {
  Impl& s = *impl_;
  s.check_alive();
  if (!s.benchmark->is_runnable() || !s.buildable) return {};
  const fs::path dir = context().unique_path("validate-", "");
  fs::create_directories(dir);
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(p, ec);
    }
  } cleanup{dir};
  return validate_bitcode_program(*s.benchmark, s.bitcode(), dir, options.sanitizers);
}

}  // namespace cgym::llvm
