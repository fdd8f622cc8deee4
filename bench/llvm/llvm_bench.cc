// The LLVM env against raw LLVM doing the same work on the same module, in
// the same process, over bundled programs; plus absolute numbers beside
// CompilerGym's published ones. Prints markdown tables of medians.
//
//   llvm_bench [--quick] [program ...]
//
// Raw baselines (LLVM 19 APIs used directly, nothing of cgym):
//   step:   PassBuilder + fresh analysis managers + parse + run of the same
//           pipeline element on an identical copy of the module (parsed from
//           the same bitcode, so use-list order is the same too); also
//           with the managers kept for the module, and kept + LLVM's
//           verifyModule after a pass that reported a change (the env's
//           safety net); steps and random walks both;
//   verify: verifyModule alone, and the dominator trees it rebuilds;
//   fork:   CloneModule of the module;
//   reset:  parseBitcodeFile of the benchmark into a fresh context;
//   object: code generation to an in-memory object + reading .text, on a
//           copy of the module.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <llvm/Analysis/TargetLibraryInfo.h>
#include <llvm/Bitcode/BitcodeReader.h>
#include <llvm/IR/Dominators.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Object/ObjectFile.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Passes/StandardInstrumentations.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/Target/TargetOptions.h>
#include <llvm/Transforms/Utils/Cloning.h>

#include "../bench_util.h"
#include "backends/llvm/baselines.h"
#include "backends/llvm/codegen.h"
#include "backends/llvm/llvm_util.h"
#include "backends/llvm/passes.h"
#include "cgym/cgym.h"
#include "cgym/datasets.h"
#include "cgym/search.h"

namespace {

using cgym::bench::Clock;
using cgym::bench::median;
using cgym::bench::seconds_since;
bool g_quick = false;

// Runs `setup` (untimed) then `timed`, `reps` times; median of timed, in s.
double measure(int reps, const std::function<void()>& setup, const std::function<void()>& timed) {
  if (g_quick) reps = std::max(3, reps / 4);
  std::vector<double> t;
  for (int i = 0; i < reps; ++i) {
    if (setup) setup();
    const auto start = Clock::now();
    timed();
    t.push_back(seconds_since(start));
  }
  return median(t);
}

// Like measure(), for several contenders at once: each repetition runs every
// contender once, in a rotating order, so that load from other processes on
// the machine falls on all of them alike. Returns the medians.
struct Contender {
  std::function<void()> setup;
  std::function<void()> timed;
};
std::vector<double> measure_interleaved(int reps, const std::vector<Contender>& contenders) {
  if (g_quick) reps = std::max(3, reps / 4);
  std::vector<std::vector<double>> t(contenders.size());
  for (int i = 0; i < reps; ++i) {
    for (size_t k = 0; k < contenders.size(); ++k) {
      const size_t c = (k + static_cast<size_t>(i)) % contenders.size();
      if (contenders[c].setup) contenders[c].setup();
      const auto start = Clock::now();
      contenders[c].timed();
      t[c].push_back(seconds_since(start));
    }
  }
  std::vector<double> out;
  for (auto& v : t) out.push_back(median(v));
  return out;
}

std::string fmt_time(double s) {
  char buf[64];
  if (s < 1e-3) {
    std::snprintf(buf, sizeof buf, "%.1f µs", s * 1e6);
  } else if (s < 1.0) {
    std::snprintf(buf, sizeof buf, "%.2f ms", s * 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f s", s);
  }
  return buf;
}

std::string fmt_ratio(double r) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f×", r);
  return buf;
}

// ---- raw LLVM -----------------------------------------------------------------

struct Raw {
  std::unique_ptr<llvm::TargetMachine> passes_tm;   // as opt-19 makes it
  std::unique_ptr<llvm::TargetMachine> codegen_tm;  // as llc-19 -relocation-model=pic
  llvm::PassInstrumentationCallbacks pic;
  llvm::OptNoneInstrumentation optnone{false};

  explicit Raw(const std::string& triple) {
    std::string error;
    const llvm::Target* t = llvm::TargetRegistry::lookupTarget(triple, error);
    passes_tm.reset(t->createTargetMachine(triple, "", "", llvm::TargetOptions(), std::nullopt,
                                           std::nullopt, llvm::CodeGenOptLevel::None));
    codegen_tm.reset(t->createTargetMachine(triple, "", "", llvm::TargetOptions(),
                                            llvm::Reloc::PIC_, std::nullopt,
                                            llvm::CodeGenOptLevel::Default));
    optnone.registerCallbacks(pic);
  }

  static std::unique_ptr<llvm::Module> parse(llvm::LLVMContext& ctx, const std::string& bitcode) {
    return llvm::cantFail(llvm::parseBitcodeFile(llvm::MemoryBufferRef(bitcode, "bench"), ctx));
  }

  void run_pass(llvm::Module& m, const std::string& pipeline) {
    llvm::PassBuilder pb(passes_tm.get(), llvm::PipelineTuningOptions(), std::nullopt, &pic);
    llvm::ModulePassManager mpm;
    llvm::cantFail(pb.parsePassPipeline(mpm, pipeline));
    llvm::LoopAnalysisManager lam;
    llvm::FunctionAnalysisManager fam;
    llvm::CGSCCAnalysisManager cgam;
    llvm::ModuleAnalysisManager mam;
    pb.registerModuleAnalyses(mam);
    pb.registerCGSCCAnalyses(cgam);
    pb.registerFunctionAnalyses(fam);
    pb.registerLoopAnalyses(lam);
    pb.crossRegisterProxies(lam, fam, cgam, mam);
    mpm.run(m, mam);
  }

  int64_t object_text_size(llvm::Module& m) {
    llvm::SmallVector<char, 0> buffer;
    llvm::raw_svector_ostream os(buffer);
    llvm::legacy::PassManager pm;
    llvm::TargetLibraryInfoImpl tlii(llvm::Triple(m.getTargetTriple()));
    pm.add(new llvm::TargetLibraryInfoWrapperPass(tlii));
    codegen_tm->addPassesToEmitFile(pm, os, nullptr, llvm::CodeGenFileType::ObjectFile);
    pm.run(m);
    auto obj = llvm::cantFail(llvm::object::ObjectFile::createObjectFile(
        llvm::MemoryBufferRef(llvm::StringRef(buffer.data(), buffer.size()), "o")));
    int64_t size = 0;
    for (const auto& s : obj->sections()) {
      auto name = llvm::cantFail(s.getName());
      if (name == ".text" || name.starts_with(".text.")) size += s.getSize();
    }
    return size;
  }
};

// The physical limit of a step: one PassBuilder and one set of analysis
// managers kept for the whole life of the module (as in one opt pipeline),
// each pipeline parsed once for it. start() begins a new module (an episode).
struct RawKept {
  Raw& raw;
  bool parse_once = true;
  std::unique_ptr<llvm::PassBuilder> pb;
  std::unique_ptr<llvm::LoopAnalysisManager> lam;
  std::unique_ptr<llvm::FunctionAnalysisManager> fam;
  std::unique_ptr<llvm::CGSCCAnalysisManager> cgam;
  std::unique_ptr<llvm::ModuleAnalysisManager> mam;
  std::map<std::string, std::unique_ptr<llvm::ModulePassManager>> parsed;

  explicit RawKept(Raw& r, bool once = true) : raw(r), parse_once(once) {}
  ~RawKept() { stop(); }
  // Drops the managers (before the module goes) and the parsed pipelines
  // (some passes, e.g. the inliner, keep references to the managers).
  void stop() {
    parsed.clear();
    mam.reset();
    cgam.reset();
    fam.reset();
    lam.reset();
    pb.reset();
  }
  void start() {
    stop();
    pb = std::make_unique<llvm::PassBuilder>(raw.passes_tm.get(), llvm::PipelineTuningOptions(),
                                             std::nullopt, &raw.pic);
    lam = std::make_unique<llvm::LoopAnalysisManager>();
    fam = std::make_unique<llvm::FunctionAnalysisManager>();
    cgam = std::make_unique<llvm::CGSCCAnalysisManager>();
    mam = std::make_unique<llvm::ModuleAnalysisManager>();
    pb->registerModuleAnalyses(*mam);
    pb->registerCGSCCAnalyses(*cgam);
    pb->registerFunctionAnalyses(*fam);
    pb->registerLoopAnalyses(*lam);
    pb->crossRegisterProxies(*lam, *fam, *cgam, *mam);
  }
  llvm::PreservedAnalyses run_pass(llvm::Module& m, const std::string& pipeline) {
    if (!parse_once) {
      llvm::ModulePassManager mpm;
      llvm::cantFail(pb->parsePassPipeline(mpm, pipeline));
      return mpm.run(m, *mam);
    }
    auto& mpm = parsed[pipeline];
    if (!mpm) {
      mpm = std::make_unique<llvm::ModulePassManager>();
      llvm::cantFail(pb->parsePassPipeline(*mpm, pipeline));
    }
    return mpm->run(m, *mam);
  }
};

cgym::Action act(const std::string& flag) { return cgym::llvm::action_space().index(flag); }
const char* pipeline_of(const std::string& flag) {
  return cgym::llvm::pass_table()[act(flag)].pipeline;
}

// An action that leaves any bundled program unchanged and reports so; used
// to make a fresh fork compute its state fingerprint before timing starts.
const char* kNoOpFlag = "-lower-guard-intrinsic";

struct Row {
  std::string measure;
  std::string ours;
  std::string raw;
  std::string ratio;
  std::string target;
  std::string compiler_gym;
};

void print_table(const std::string& title, const std::vector<Row>& rows) {
  std::printf("\n### %s\n\n", title.c_str());
  std::printf("| Measure | cgym | raw LLVM | ratio | target | CompilerGym |\n");
  std::printf("|---|---|---|---|---|---|\n");
  for (const auto& r : rows) {
    std::printf("| %s | %s | %s | %s | %s | %s |\n", r.measure.c_str(), r.ours.c_str(),
                r.raw.c_str(), r.ratio.c_str(), r.target.c_str(), r.compiler_gym.c_str());
  }
  std::fflush(stdout);
}

struct StepTimes {
  double env_verify = 0, env_no_verify = 0, raw = 0, raw_kept = 0;
  // Raw with kept managers, then LLVM's verifier on the whole module when
  // the pass reported a change: raw LLVM with the env's safety net.
  double raw_kept_verify = 0;
};

// One pass on the module state reached by `prefix`, env vs raw. Every
// contender starts from a module whose analyses of a no-op step are cached
// (a fork materialised by a step; raw: a parse and the same step).
StepTimes time_step(Raw& raw, const cgym::BenchmarkPtr& b, const std::vector<std::string>& prefix,
                    const std::string& flag, int reps) {
  // The no-effect memo is off here: this measures the step itself (with it
  // on, a fork's no-op warm-up step would be answered by the memo, and the
  // timed step would then pay for materialising the fork).
  auto env_v = cgym::make("llvm-v0", {.params = {{"verify_module", "1"}, {"no_effect_memo", "0"}}});
  auto env_nv =
      cgym::make("llvm-v0", {.params = {{"verify_module", "0"}, {"no_effect_memo", "0"}}});
  for (auto* e : {env_v.get(), env_nv.get()}) {
    e->reset({.benchmark = b});
    for (const auto& f : prefix) e->step(act(f));
  }
  // Raw: the same state, as bitcode from the env (use-list order kept).
  const std::string bitcode = env_v->observation("Bitcode").as<cgym::Bytes>().data;
  const std::string pipeline = pipeline_of(flag);
  const cgym::Action a = act(flag), no_op = act(kNoOpFlag);
  cgym::EnvPtr fork_v, fork_nv;
  std::unique_ptr<llvm::LLVMContext> ctx, kctx, vctx;
  std::unique_ptr<llvm::Module> m, km, vm;
  RawKept kept(raw), kept_v(raw);
  // A fresh module with kept managers that have seen a no-op step, and the
  // timed pass parsed once (the episode has seen it before).
  auto start_kept = [&](RawKept& k, std::unique_ptr<llvm::LLVMContext>& c,
                        std::unique_ptr<llvm::Module>& mod) {
    k.stop();
    mod.reset();
    c = std::make_unique<llvm::LLVMContext>();
    mod = Raw::parse(*c, bitcode);
    k.start();
    k.run_pass(*mod, pipeline_of(kNoOpFlag));
    k.parsed[pipeline] = std::make_unique<llvm::ModulePassManager>();
    llvm::cantFail(k.pb->parsePassPipeline(*k.parsed[pipeline], pipeline));
  };
  const auto t = measure_interleaved(
      reps, {{[&] {
                fork_v = env_v->fork();
                fork_v->step(no_op);  // materialises the fork, computes its fingerprint
              },
              [&] { fork_v->step(a); }},
             {[&] {
                fork_nv = env_nv->fork();
                fork_nv->step(no_op);
              },
              [&] { fork_nv->step(a); }},
             {[&] {
                m.reset();
                ctx = std::make_unique<llvm::LLVMContext>();
                m = Raw::parse(*ctx, bitcode);
                raw.run_pass(*m, pipeline_of(kNoOpFlag));  // the same warm-up as the env's
              },
              [&] { raw.run_pass(*m, pipeline); }},
             {[&] { start_kept(kept, kctx, km); }, [&] { kept.run_pass(*km, pipeline); }},
             {[&] { start_kept(kept_v, vctx, vm); },
              [&] {
                if (!kept_v.run_pass(*vm, pipeline).areAllPreserved() &&
                    llvm::verifyModule(*vm, &llvm::errs())) {
                  std::fprintf(stderr, "the verifier rejected the module after %s\n", flag.c_str());
                }
              }}});
  kept.stop();
  kept_v.stop();
  m.reset();
  km.reset();
  vm.reset();
  return {t[0], t[1], t[2], t[3], t[4]};
}

// A random walk of llvm-ic-v0 (a reward every step) against raw LLVM running
// the same passes, fresh and kept managers, in chunks of `episode` steps
// that alternate between the contenders (each chunk is one episode from the
// benchmark). Returns steps per second of env, raw fresh, raw kept, and
// raw kept with parsing at every step.
struct WalkRates {
  double env = 0, raw_fresh = 0, raw_kept = 0, raw_kept_parse = 0, env_no_memo = 0;
  double raw_kept_verify = 0;  // kept managers + verifyModule after a changing pass
  int64_t memo_hits = 0, memo_lookups = 0, steps = 0;
};
WalkRates random_walk(Raw& raw, const cgym::BenchmarkPtr& b, int chunks, int episode) {
  // The passes that crash LLVM 19 on some modules are left out of the walk,
  // so that raw LLVM survives it (the env would end the episode).
  static const std::vector<cgym::Action> excluded = {act("-scalarizer"), act("-unify-loop-exits"),
                                                     act("-newgvn")};
  auto sample = [&](std::mt19937_64& rng) {
    while (true) {
      const cgym::Action x = cgym::llvm::action_space().sample(rng);
      if (std::find(excluded.begin(), excluded.end(), x) == excluded.end()) return x;
    }
  };
  auto env = cgym::make("llvm-ic-v0");
  auto env_no_memo = cgym::make("llvm-ic-v0", {.params = {{"no_effect_memo", "0"}}});
  env->reset({.benchmark = b});
  env_no_memo->reset({.benchmark = b});
  RawKept kept(raw), kept_parse(raw, false), kept_verify(raw);
  constexpr int kContenders = 6;
  std::vector<double> total(kContenders, 0.0);
  WalkRates out;
  for (int c = 0; c < chunks; ++c) {
    for (int k = 0; k < kContenders; ++k) {
      const int who = (k + c) % kContenders;
      std::mt19937_64 rng(1000 + c);
      if (who == 0 || who == 4) {
        cgym::Env& e = who == 0 ? *env : *env_no_memo;
        e.reset({.benchmark = b});
        const auto start = Clock::now();
        for (int i = 0; i < episode; ++i) {
          if (e.step(sample(rng)).done) break;
        }
        total[who] += seconds_since(start);
        if (who == 0) {
          long long hits = 0, lookups = 0;
          std::sscanf(e.send_session_parameter("llvm.no_effect_memo_stats", "").c_str(),
                      "%lld %lld", &hits, &lookups);
          out.memo_hits += hits;
          out.memo_lookups += lookups;
          out.steps += episode;
        }
        continue;
      }
      llvm::LLVMContext ctx;
      auto m = Raw::parse(ctx, b->program());
      RawKept& rk = who == 2 ? kept : who == 3 ? kept_parse : kept_verify;
      const auto start = Clock::now();
      if (who != 1) rk.start();
      for (int i = 0; i < episode; ++i) {
        const char* p = cgym::llvm::pass_table()[sample(rng)].pipeline;
        if (who == 1) {
          raw.run_pass(*m, p);
        } else if (!rk.run_pass(*m, p).areAllPreserved() && who == 5 &&
                   llvm::verifyModule(*m, &llvm::errs())) {
          std::fprintf(stderr, "the verifier rejected the module after %s\n", p);
        }
      }
      if (who != 1) rk.stop();
      total[who] += seconds_since(start);
    }
  }
  const double steps = static_cast<double>(chunks) * episode;
  out.env = steps / total[0];
  out.raw_fresh = steps / total[1];
  out.raw_kept = steps / total[2];
  out.raw_kept_parse = steps / total[3];
  out.env_no_memo = steps / total[4];
  out.raw_kept_verify = steps / total[5];
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> programs;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") {
      g_quick = true;
    } else {
      programs.push_back(a);
    }
  }
  if (programs.empty()) {
    programs = {"crc32", "qsort", "dijkstra", "sha256", "huffman", "regex", "md5", "lz77"};
  }
  cgym::llvm::initialize();
  cgym::llvm::set_baseline_disk_cache(false);
  auto datasets = cgym::llvm_datasets();
  std::map<std::string, cgym::BenchmarkPtr> bench;
  for (const auto& p : programs) {
    try {
      bench[p] = datasets->benchmark("benchmark://cgym-v0/" + p);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "skipping %s: %s\n", p.c_str(), e.what());
    }
  }
  if (bench.empty()) {
    std::fprintf(stderr, "no bundled programs: build the cgym_datasets target\n");
    return 1;
  }
  Raw raw(cgym::llvm::host_triple());
  std::printf("`bench/llvm/llvm_bench%s` — LLVM %s, %s, programs: ", g_quick ? " --quick" : "",
              cgym::llvm::llvm_version().c_str(), cgym::llvm::host_triple().c_str());
  for (const auto& [name, b] : bench) std::printf("%s ", name.c_str());
  std::printf(
      "\n\nEvery cgym figure is compared with raw LLVM 19 doing the same work on the same "
      "module in the same process; the two are measured alternately, repetition by "
      "repetition, and the tables give medians.\n\n"
      "- *step*: `env->step()` on a fork of the episode (already materialised) against a "
      "`PassBuilder` with fresh analysis managers running the same pipeline element on a module "
      "parsed from the same bitcode, and against one whose PassBuilder and analysis managers are "
      "kept for the module (the physical limit); 6 passes × 2 module states (as loaded; after "
      "-mem2reg -sroa) per program; the env's no-effect memo is off for this table. With "
      "verification on (the default) a step that changed the module also runs the LLVM "
      "verifier, which raw LLVM does not; a fifth contender, raw with kept managers followed by "
      "LLVM's `verifyModule` whenever the pass reports a change, is raw LLVM with the same "
      "safety net (it verifies every function; the env only the changed ones).\n"
      "- *random walks*: llvm-ic-v0 (a reward every step), 50-step episodes from the benchmark, "
      "alternating with raw LLVM running the same passes (fresh managers; kept managers with "
      "each pipeline parsed once per episode); the walk leaves out -scalarizer, -unify-loop-exits "
      "and -newgvn, which crash or are non-deterministic in LLVM 19 itself.\n"
      "- *fork*: `env->fork()` against `CloneModule` (which cannot give a fork its own "
      "context). The fork writes bitcode at once and parses it on first use, so the table "
      "gives both.\n"
      "- *reset*: `reset()` of llvm-ic-v0 (reward IrInstructionCountOz, baselines cached) "
      "against parsing the benchmark's bitcode into a new context.\n"
      "- *ObjectTextSizeBytes*: the observation against cloning the module and generating "
      "the object in memory with the same target machine settings.\n");

  // ---- ratios against raw LLVM, per program --------------------------------
  const std::vector<std::string> step_passes = {"-globaldce",   "-gvn",     "-instcombine",
                                                "-simplifycfg", "-mem2reg", "-licm"};
  std::vector<double> step_ratio_verify, step_ratio_no_verify, step_kept_verify,
      step_kept_no_verify, raw_kept_speedup, step_kept_llvm_verify, raw_verify_cost, fork_ratio,
      fork_use_ratio, reset_ratio, object_ratio;
  std::vector<Row> per_program;
  for (const auto& [name, b] : bench) {
    // Steps, on the initial state and on a state after -mem2reg -sroa.
    for (const auto& prefix :
         {std::vector<std::string>{}, std::vector<std::string>{"-mem2reg", "-sroa"}}) {
      for (const auto& flag : step_passes) {
        const StepTimes t = time_step(raw, b, prefix, flag, 21);
        step_ratio_verify.push_back(t.env_verify / t.raw);
        step_ratio_no_verify.push_back(t.env_no_verify / t.raw);
        step_kept_verify.push_back(t.env_verify / t.raw_kept);
        step_kept_no_verify.push_back(t.env_no_verify / t.raw_kept);
        raw_kept_speedup.push_back(t.raw / t.raw_kept);
        step_kept_llvm_verify.push_back(t.env_verify / t.raw_kept_verify);
        raw_verify_cost.push_back(t.raw_kept_verify / t.raw_kept);
        if (name == "crc32" && prefix.empty()) {
          per_program.push_back(
              {"step " + flag + " (crc32, verify on / off)",
               fmt_time(t.env_verify) + " / " + fmt_time(t.env_no_verify), fmt_time(t.raw),
               fmt_ratio(t.env_verify / t.raw) + " / " + fmt_ratio(t.env_no_verify / t.raw),
               "≤ 1.05×",
               flag == "-globaldce" ? "0.54 ms"
               : flag == "-gvn"     ? "0.84 ms"
                                    : ""});
        }
      }
    }
    // Fork vs CloneModule, on a state whose bitcode is not cached yet.
    auto env = cgym::make("llvm-v0");
    env->reset({.benchmark = b});
    env->step(act("-mem2reg"));
    const std::string bitcode = env->observation("Bitcode").as<cgym::Bytes>().data;
    llvm::LLVMContext ctx;
    auto m = Raw::parse(ctx, bitcode);
    cgym::EnvPtr fork;
    auto fresh_state = [&] {
      fork.reset();
      env->reset({.benchmark = b});
      env->step(act("-mem2reg"));
    };
    const auto ft = measure_interleaved(41, {{fresh_state, [&] { fork = env->fork(); }},
                                             {fresh_state,
                                              [&] {
                                                fork = env->fork();
                                                fork->step(act(kNoOpFlag));
                                              }},
                                             {nullptr, [&] { auto c = llvm::CloneModule(*m); }}});
    const double fork_t = ft[0], fork_use_t = ft[1], clone_t = ft[2];
    fork_ratio.push_back(fork_t / clone_t);
    fork_use_ratio.push_back(fork_use_t / clone_t);

    // Reset (cached baselines, reward tracked) vs parsing the bitcode.
    auto ic = cgym::make("llvm-ic-v0");
    ic->reset({.benchmark = b});  // computes and caches the baselines
    const auto rt = measure_interleaved(41, {{nullptr, [&] { ic->reset({.benchmark = b}); }},
                                             {nullptr, [&] {
                                                llvm::LLVMContext c;
                                                auto mm = Raw::parse(c, b->program());
                                              }}});
    const double reset_t = rt[0], parse_t = rt[1];
    reset_ratio.push_back(reset_t / parse_t);

    // ObjectTextSizeBytes vs raw code generation on the same state.
    std::unique_ptr<llvm::LLVMContext> cctx;
    std::unique_ptr<llvm::Module> copy;
    const auto ot = measure_interleaved(11, {{[&] {
                                                env->reset({.benchmark = b});
                                                env->step(act("-mem2reg"));
                                              },
                                              [&] { env->observation("ObjectTextSizeBytes"); }},
                                             {[&] {
                                                copy.reset();
                                                cctx = std::make_unique<llvm::LLVMContext>();
                                                copy = Raw::parse(*cctx, bitcode);
                                              },
                                              [&] {
                                                auto clone = llvm::CloneModule(*copy);
                                                raw.object_text_size(*clone);
                                              }}});
    copy.reset();
    const double obj_t = ot[0], raw_obj_t = ot[1];
    object_ratio.push_back(obj_t / raw_obj_t);

    if (name == "crc32") {
      per_program.push_back({"fork (crc32): fork() / fork + first use",
                             fmt_time(fork_t) + " / " + fmt_time(fork_use_t),
                             fmt_time(clone_t) + " (CloneModule)",
                             fmt_ratio(fork_t / clone_t) + " / " + fmt_ratio(fork_use_t / clone_t),
                             "≤ 1.2×", "5.3 ms"});
      per_program.push_back({"reset (crc32, llvm-ic-v0, cached baselines)", fmt_time(reset_t),
                             fmt_time(parse_t) + " (parse bitcode)", fmt_ratio(reset_t / parse_t),
                             "≤ 1.2×", "1.7 ms"});
      per_program.push_back({"ObjectTextSizeBytes (crc32)", fmt_time(obj_t),
                             fmt_time(raw_obj_t) + " (clone + codegen)",
                             fmt_ratio(obj_t / raw_obj_t), "≤ 1.1×", "14.1 ms"});
    }
    std::fprintf(stderr, "done %s\n", name.c_str());
  }

  std::vector<Row> ratios = {
      {"env step vs raw PassBuilder, verify on (" + std::to_string(step_ratio_verify.size()) +
           " program×state×pass cases)",
       "", "", fmt_ratio(median(step_ratio_verify)), "≤ 1.05×", ""},
      {"env step vs raw PassBuilder, verify off", "", "", fmt_ratio(median(step_ratio_no_verify)),
       "", ""},
      {"env step vs raw with kept managers, verify on", "", "", fmt_ratio(median(step_kept_verify)),
       "≤ 1.05×", ""},
      {"env step vs raw with kept managers, verify off", "", "",
       fmt_ratio(median(step_kept_no_verify)), "", ""},
      {"raw fresh managers vs raw kept managers (time ratio)", "", "",
       fmt_ratio(median(raw_kept_speedup)), "", ""},
      {"env step, verify on, vs raw kept managers + LLVM's verifyModule when the pass changed "
       "something",
       "", "", fmt_ratio(median(step_kept_llvm_verify)), "", ""},
      {"raw kept managers: with verifyModule when changed vs without (time ratio)", "", "",
       fmt_ratio(median(raw_verify_cost)), "", ""},
      {"fork() vs CloneModule", "", "", fmt_ratio(median(fork_ratio)), "≤ 1.2×", ""},
      {"fork + first use vs CloneModule", "", "", fmt_ratio(median(fork_use_ratio)), "≤ 1.2×", ""},
      {"reset (cached baselines) vs parsing the bitcode", "", "", fmt_ratio(median(reset_ratio)),
       "≤ 1.2×", ""},
      {"ObjectTextSizeBytes vs raw in-process codegen", "", "", fmt_ratio(median(object_ratio)),
       "≤ 1.1×", ""},
  };
  print_table("Ratios to raw LLVM (median over " + std::to_string(bench.size()) + " programs)",
              ratios);
  print_table("crc32 in detail", per_program);

  // ---- absolute numbers beside CompilerGym's --------------------------------
  std::vector<Row> absolute;
  if (bench.count("qsort")) {
    auto env = cgym::make("llvm-v0");
    env->reset({.benchmark = bench["qsort"]});
    cgym::EnvPtr f;
    const double t = measure(
        51,
        [&] {
          f = env->fork();
          f->step(act(kNoOpFlag));
        },
        [&] { f->observation("Autophase"); });
    absolute.push_back({"Autophase (qsort)", fmt_time(t), "", "", "", "150 µs"});
    const double ic = measure(
        51,
        [&] {
          f = env->fork();
          f->step(act(kNoOpFlag));
        },
        [&] { f->observation("InstCountNormDict"); });
    absolute.push_back({"InstCountNormDict (qsort)", fmt_time(ic), "", "", "", "0.8 ms"});
    const double ir = measure(
        51,
        [&] {
          f = env->fork();
          f->step(act(kNoOpFlag));
        },
        [&] { f->observation("Ir"); });
    absolute.push_back({"Ir (qsort)", fmt_time(ir), "", "", "", "0.6–0.8 ms"});
  }
  {
    cgym::EnvPtr e;
    const double make_t = measure(
        11, [&] { e.reset(); }, [&] { e = cgym::make("llvm-v0"); });
    absolute.push_back({"creating an env (make)", fmt_time(make_t), "", "", "", "202 ms"});
    const double make_reset_t = measure(
        11, [&] { e.reset(); },
        [&] {
          e = cgym::make("llvm-ic-v0");
          e->reset();
        });
    absolute.push_back({"creating an env + first reset (llvm-ic-v0, crc32)", fmt_time(make_reset_t),
                        "", "", "", ""});
  }
  // What LLVM's verifier costs by itself (no cgym): one module state per
  // program (after -simplifycfg), verifyModule and the dominator trees it
  // rebuilds, per instruction.
  for (const char* name : {"crc32", "dijkstra", "qsort"}) {
    if (!bench.count(name)) continue;
    llvm::LLVMContext ctx;
    auto m = Raw::parse(ctx, bench[name]->program());
    raw.run_pass(*m, pipeline_of("-simplifycfg"));
    int64_t insts = 0;
    for (const auto& fn : *m) insts += fn.getInstructionCount();
    const auto vt =
        measure_interleaved(51, {{nullptr, [&] { llvm::verifyModule(*m, &llvm::errs()); }},
                                 {nullptr, [&] {
                                    for (auto& fn : *m) {
                                      if (!fn.isDeclaration()) llvm::DominatorTree dt(fn);
                                    }
                                  }}});
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s (%.2f µs per instruction; its dominator trees: %s)",
                  fmt_time(vt[0]).c_str(), vt[0] * 1e6 / static_cast<double>(insts),
                  fmt_time(vt[1]).c_str());
    absolute.push_back({std::string("LLVM's verifyModule alone (") + name +
                            " after -simplifycfg, " + std::to_string(insts) + " instructions)",
                        "", buf, "", "", ""});
  }
  // Random walks, env against raw LLVM, alternating episode by episode.
  std::vector<Row> walks;
  for (const char* name : {"dijkstra", "qsort"}) {
    if (!bench.count(name)) continue;
    const WalkRates w = random_walk(raw, bench[name], g_quick ? 6 : 24, 50);
    char buf[160];
    auto rate = [&](double r) {
      std::snprintf(buf, sizeof buf, "%.0f steps/s", r);
      return std::string(buf);
    };
    walks.push_back({std::string("random walk on ") + name + " (llvm-ic-v0) vs raw, kept managers",
                     rate(w.env), rate(w.raw_kept), fmt_ratio(w.env / w.raw_kept), "≥ 0.90×",
                     name == std::string("dijkstra") ? "1,091 steps/s" : ""});
    walks.push_back({std::string("random walk on ") + name + " (llvm-ic-v0) vs raw, fresh managers",
                     rate(w.env), rate(w.raw_fresh), fmt_ratio(w.env / w.raw_fresh), "≥ 1.3×", ""});
    walks.push_back({std::string("random walk on ") + name + ": no-effect memo on vs off",
                     rate(w.env), rate(w.env_no_memo) + " (memo off)",
                     fmt_ratio(w.env / w.env_no_memo), "", ""});
    std::snprintf(buf, sizeof buf, "%.1f%% of steps (%lld of %lld lookups)",
                  100.0 * static_cast<double>(w.memo_hits) / static_cast<double>(w.steps),
                  static_cast<long long>(w.memo_hits), static_cast<long long>(w.memo_lookups));
    walks.push_back(
        {std::string("no-effect memo hits, random walk on ") + name, buf, "", "", "", ""});
    walks.push_back({std::string("env, memo off, vs raw kept managers (") + name + ")",
                     rate(w.env_no_memo), rate(w.raw_kept), fmt_ratio(w.env_no_memo / w.raw_kept),
                     "", ""});
    walks.push_back(
        {std::string("raw kept managers, parsed once vs parsed at every step (") + name + ")",
         rate(w.raw_kept), rate(w.raw_kept_parse), fmt_ratio(w.raw_kept / w.raw_kept_parse), "",
         ""});
    walks.push_back({std::string("random walk on ") + name +
                         " vs raw kept managers + verifyModule after each changing pass",
                     rate(w.env), rate(w.raw_kept_verify), fmt_ratio(w.env / w.raw_kept_verify), "",
                     ""});
    std::fprintf(stderr, "walk %s done\n", name);
  }
  // Greedy search (every action tried on a fork of the state, each round),
  // memo on and off, alternating.
  if (bench.count("qsort")) {
    auto stats = [](cgym::Env& e) {
      long long hits = 0, lookups = 0;
      std::sscanf(e.send_session_parameter("llvm.no_effect_memo_process_stats", "").c_str(),
                  "%lld %lld", &hits, &lookups);
      return std::pair<long long, long long>(hits, lookups);
    };
    auto on = cgym::make("llvm-ic-v0");
    auto off = cgym::make("llvm-ic-v0", {.params = {{"no_effect_memo", "0"}}});
    std::vector<double> t_on, t_off;
    long long hits = 0, lookups = 0, steps = 0;
    for (int rep = 0; rep < (g_quick ? 1 : 3); ++rep) {
      for (int k = 0; k < 2; ++k) {
        const bool memo = (k + rep) % 2 == 0;
        cgym::Env& e = memo ? *on : *off;
        e.reset({.benchmark = bench["qsort"]});
        const auto before = stats(e);
        const auto start = Clock::now();
        const auto result = cgym::greedy_search(e, {.steps = g_quick ? 2 : 4});
        (memo ? t_on : t_off).push_back(seconds_since(start));
        if (memo) {
          const auto after = stats(e);
          hits += after.first - before.first;
          lookups += after.second - before.second;
          steps += static_cast<long long>(result.steps);
        }
      }
    }
    char buf[160];
    std::snprintf(buf, sizeof buf, "%.2f s (memo hits: %lld of %lld steps)", median(t_on), hits,
                  steps);
    std::string ours = buf;
    std::snprintf(buf, sizeof buf, "%.2f s (memo off)", median(t_off));
    walks.push_back({std::string("greedy search on qsort, ") + (g_quick ? "2" : "4") +
                         " rounds (llvm-ic-v0): memo on vs off",
                     ours, buf, fmt_ratio(median(t_off) / median(t_on)) + " faster", "", ""});
  }
  print_table("Random walks against raw LLVM (alternating 50-step episodes)", walks);
  print_table("Absolute numbers", absolute);
  return 0;
}
