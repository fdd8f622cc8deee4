// The LLVM env's spaces: the pass table against CompilerGym's 124 flags and
// against opt-19's own pipeline parsing, the command-line format, the
// observation and reward spaces, and the registered env ids.
#include <gtest/gtest.h>

#include <llvm/IR/PassInstrumentation.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/raw_ostream.h>

#include <random>
#include <set>

#include "backends/llvm/envs.h"
#include "backends/llvm/passes.h"
#include "llvm_test_util.h"

namespace cgym::llvm {
namespace {

using namespace cgym::llvm::testing;

// CompilerGym v0.2.5's LLVM action space, in index order.
const std::vector<std::string> kCompilerGymFlags = {"-add-discriminators",
                                                    "-adce",
                                                    "-aggressive-instcombine",
                                                    "-alignment-from-assumptions",
                                                    "-always-inline",
                                                    "-argpromotion",
                                                    "-attributor",
                                                    "-barrier",
                                                    "-bdce",
                                                    "-break-crit-edges",
                                                    "-simplifycfg",
                                                    "-callsite-splitting",
                                                    "-called-value-propagation",
                                                    "-canonicalize-aliases",
                                                    "-consthoist",
                                                    "-constmerge",
                                                    "-constprop",
                                                    "-coro-cleanup",
                                                    "-coro-early",
                                                    "-coro-elide",
                                                    "-coro-split",
                                                    "-correlated-propagation",
                                                    "-cross-dso-cfi",
                                                    "-deadargelim",
                                                    "-dce",
                                                    "-die",
                                                    "-dse",
                                                    "-reg2mem",
                                                    "-div-rem-pairs",
                                                    "-early-cse-memssa",
                                                    "-early-cse",
                                                    "-elim-avail-extern",
                                                    "-ee-instrument",
                                                    "-flattencfg",
                                                    "-float2int",
                                                    "-forceattrs",
                                                    "-inline",
                                                    "-insert-gcov-profiling",
                                                    "-gvn-hoist",
                                                    "-gvn",
                                                    "-globaldce",
                                                    "-globalopt",
                                                    "-globalsplit",
                                                    "-guard-widening",
                                                    "-hotcoldsplit",
                                                    "-ipconstprop",
                                                    "-ipsccp",
                                                    "-indvars",
                                                    "-irce",
                                                    "-infer-address-spaces",
                                                    "-inferattrs",
                                                    "-inject-tli-mappings",
                                                    "-instsimplify",
                                                    "-instcombine",
                                                    "-instnamer",
                                                    "-jump-threading",
                                                    "-lcssa",
                                                    "-licm",
                                                    "-libcalls-shrinkwrap",
                                                    "-load-store-vectorizer",
                                                    "-loop-data-prefetch",
                                                    "-loop-deletion",
                                                    "-loop-distribute",
                                                    "-loop-fusion",
                                                    "-loop-guard-widening",
                                                    "-loop-idiom",
                                                    "-loop-instsimplify",
                                                    "-loop-interchange",
                                                    "-loop-load-elim",
                                                    "-loop-predication",
                                                    "-loop-reroll",
                                                    "-loop-rotate",
                                                    "-loop-simplifycfg",
                                                    "-loop-simplify",
                                                    "-loop-sink",
                                                    "-loop-reduce",
                                                    "-loop-unroll-and-jam",
                                                    "-loop-unroll",
                                                    "-loop-unswitch",
                                                    "-loop-vectorize",
                                                    "-loop-versioning-licm",
                                                    "-loop-versioning",
                                                    "-loweratomic",
                                                    "-lower-constant-intrinsics",
                                                    "-lower-expect",
                                                    "-lower-guard-intrinsic",
                                                    "-lowerinvoke",
                                                    "-lower-matrix-intrinsics",
                                                    "-lowerswitch",
                                                    "-lower-widenable-condition",
                                                    "-memcpyopt",
                                                    "-mergefunc",
                                                    "-mergeicmps",
                                                    "-mldst-motion",
                                                    "-sancov",
                                                    "-name-anon-globals",
                                                    "-nary-reassociate",
                                                    "-newgvn",
                                                    "-pgo-memop-opt",
                                                    "-partial-inliner",
                                                    "-partially-inline-libcalls",
                                                    "-post-inline-ee-instrument",
                                                    "-functionattrs",
                                                    "-mem2reg",
                                                    "-prune-eh",
                                                    "-reassociate",
                                                    "-redundant-dbg-inst-elim",
                                                    "-rpo-functionattrs",
                                                    "-rewrite-statepoints-for-gc",
                                                    "-sccp",
                                                    "-slp-vectorizer",
                                                    "-sroa",
                                                    "-scalarizer",
                                                    "-separate-const-offset-from-gep",
                                                    "-simple-loop-unswitch",
                                                    "-sink",
                                                    "-speculative-execution",
                                                    "-slsr",
                                                    "-strip-dead-prototypes",
                                                    "-strip-debug-declare",
                                                    "-strip-nondebug",
                                                    "-strip",
                                                    "-tailcallelim",
                                                    "-mergereturn"};

TEST(LlvmSpaces, EveryCompilerGymFlagIsMappedOrExplained) {
  ASSERT_EQ(kCompilerGymFlags.size(), 124u);
  std::vector<std::string> mapped;
  for (const auto& p : pass_table()) {
    if (p.from_compiler_gym) mapped.push_back(p.flag);
  }
  std::set<std::string> removed;
  for (const auto& r : removed_passes()) {
    removed.insert(r.flag);
    EXPECT_GT(std::string(r.reason).size(), 10u) << r.flag;
  }
  EXPECT_EQ(mapped.size() + removed.size(), 124u);
  // The mapped flags keep CompilerGym's order.
  std::vector<std::string> expected;
  for (const auto& f : kCompilerGymFlags) {
    if (!removed.count(f)) expected.push_back(f);
  }
  EXPECT_EQ(mapped, expected);
  // Every new pass comes after CompilerGym's.
  bool seen_new = false;
  for (const auto& p : pass_table()) {
    if (!p.from_compiler_gym) seen_new = true;
    EXPECT_FALSE(seen_new && p.from_compiler_gym) << p.flag;
  }
  EXPECT_GE(pass_table().size(), 124u - removed.size() + 9u);
}

TEST(LlvmSpaces, NamesAndPipelinesAreUnique) {
  std::set<std::string> flags, pipelines;
  for (const auto& p : pass_table()) {
    EXPECT_TRUE(flags.insert(p.flag).second) << p.flag;
    EXPECT_TRUE(pipelines.insert(p.pipeline).second) << p.pipeline;
    EXPECT_FALSE(std::string(p.description).empty()) << p.flag;
  }
  const auto& space = action_space();
  EXPECT_EQ(space.name(), kActionSpaceName);
  EXPECT_EQ(space.size(), static_cast<int>(pass_table().size()));
  EXPECT_EQ(space.index("-gvn"), space.index("function(gvn)"));
}

// Each action's explicit module-level text must be exactly what opt-19 makes
// of the bare pass name (its automatic adaptor nesting), so the command line
// means what the env did.
TEST(LlvmSpaces, PipelinesMatchOptAutoWrapping) {
  ::llvm::PassBuilder pb;
  auto print = [&](const std::string& text) {
    ::llvm::ModulePassManager mpm;
    if (auto err = pb.parsePassPipeline(mpm, text)) {
      ADD_FAILURE() << "opt-19 cannot parse '" << text << "': " << ::llvm::toString(std::move(err));
      return std::string();
    }
    std::string out;
    ::llvm::raw_string_ostream os(out);
    mpm.printPipeline(os, [](::llvm::StringRef name) { return name; });
    return out;
  };
  for (const auto& p : pass_table()) {
    EXPECT_EQ(print(p.pipeline), print(p.bare)) << p.flag;
  }
}

TEST(LlvmSpaces, CommandlineRoundTrips) {
  const auto& space = action_space();
  std::mt19937_64 rng(7);
  for (int n : {0, 1, 5, 40}) {
    std::vector<Action> actions;
    for (int i = 0; i < n; ++i) actions.push_back(space.sample(rng));
    const std::string line = space.to_commandline(actions);
    EXPECT_EQ(line.rfind("opt-19 ", 0), 0u) << line;
    EXPECT_NE(line.find("input.bc -o output.bc"), std::string::npos);
    EXPECT_EQ(space.from_commandline(line), actions) << line;
  }
  EXPECT_EQ(
      space.to_commandline(std::vector<Action>{space.index("-gvn"), space.index("-globaldce")}),
      "opt-19 -passes='function(gvn),globaldce' input.bc -o output.bc");
  // The actions whose pass reads analyses only when cached start from none.
  EXPECT_EQ(space.to_commandline(
                std::vector<Action>{space.index("-licm"), space.index("-attributor-light")}),
            "opt-19 -passes='function(loop-mssa(licm)),invalidate<all>,attributor-light' input.bc "
            "-o output.bc");
  // Command lines of the env before it kept analyses still read back.
  EXPECT_EQ(space.from_commandline(
                "opt-19 -passes='function(gvn),invalidate<all>,globaldce' input.bc -o output.bc"),
            (std::vector<Action>{space.index("-gvn"), space.index("-globaldce")}));
}

TEST(LlvmSpaces, ParsesCompilerGymAndBareForms) {
  const auto& space = action_space();
  const std::vector<Action> expected = {space.index("-gvn"), space.index("-instcombine"),
                                        space.index("-mem2reg")};
  EXPECT_EQ(space.from_commandline("opt -gvn -instcombine -mem2reg input.bc -o output.bc"),
            expected);
  EXPECT_EQ(space.from_commandline(
                "opt-19 -passes='gvn,instcombine<no-verify-fixpoint>,mem2reg' in.bc -o out.bc"),
            expected);
  EXPECT_EQ(space.from_commandline("/usr/bin/opt-19 --passes=function(gvn),instcombine,"
                                   "function(mem2reg) x.bc -o y.bc"),
            expected);
  EXPECT_TRUE(space.from_commandline("opt input.bc -o output.bc").empty());
}

TEST(LlvmSpaces, BadCommandLinesSayWhy) {
  const auto& space = action_space();
  try {
    space.from_commandline("opt -constprop input.bc -o output.bc");
    FAIL() << "expected LookupError";
  } catch (const LookupError& e) {
    EXPECT_NE(std::string(e.what()).find("no LLVM 19 equivalent"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("instsimplify"), std::string::npos) << e.what();
  }
  try {
    space.from_commandline("opt -gvnn input.bc -o output.bc");
    FAIL() << "expected LookupError";
  } catch (const LookupError& e) {
    EXPECT_NE(std::string(e.what()).find("-gvn"), std::string::npos) << e.what();
  }
  try {
    space.from_commandline("opt-19 -passes='function(gvn,dce)' input.bc -o output.bc");
    FAIL() << "expected LookupError";
  } catch (const LookupError& e) {
    EXPECT_NE(std::string(e.what()).find("interleaved"), std::string::npos) << e.what();
  }
  EXPECT_THROW(space.from_commandline("opt-19 -passes='function(gvn' a.bc"), InvalidArgument);
  EXPECT_THROW(space.from_commandline("opt-19 bogus a.bc"), InvalidArgument);
}

TEST(LlvmSpaces, ObservationSpaces) {
  const auto& specs = LlvmSession::spaces();
  const std::vector<std::string> expected = {"Ir",
                                             "IrSha1",
                                             "Bitcode",
                                             "BitcodeFile",
                                             "InstCount",
                                             "InstCountDict",
                                             "InstCountNorm",
                                             "InstCountNormDict",
                                             "Autophase",
                                             "AutophaseDict",
                                             "IrInstructionCount",
                                             "IrInstructionCountO0",
                                             "IrInstructionCountO3",
                                             "IrInstructionCountOz",
                                             "ObjectTextSizeBytes",
                                             "ObjectTextSizeO0",
                                             "ObjectTextSizeO3",
                                             "ObjectTextSizeOz",
                                             "TextSizeBytes",
                                             "TextSizeO0",
                                             "TextSizeO3",
                                             "TextSizeOz",
                                             "IsBuildable",
                                             "IsRunnable",
                                             "Runtime",
                                             "Buildtime",
                                             "CpuInfo"};
  std::vector<std::string> names;
  for (const auto& s : specs) {
    names.push_back(s.name);
    EXPECT_TRUE(s.space.contains(s.default_value)) << s.name;
    const bool baseline = s.name.size() > 2 && (s.name.ends_with("O0") || s.name.ends_with("O3") ||
                                                s.name.ends_with("Oz"));
    if (baseline) {
      EXPECT_TRUE(s.benchmark_constant) << s.name;
    }
  }
  ASSERT_GE(names.size(), expected.size());
  EXPECT_EQ(std::vector<std::string>(names.begin(), names.begin() + expected.size()), expected);
  // Then the program-graph observations, when they are built in.
  const std::set<std::string> graphs = {"Programl", "ProgramlJson", "LexedIr",
                                        "Inst2vecPreprocessedText"};
  for (size_t i = expected.size(); i < names.size(); ++i) {
    EXPECT_TRUE(graphs.count(names[i])) << names[i];
  }
}

TEST(LlvmSpaces, RewardSpaces) {
  std::vector<std::string> names;
  for (const auto& r : reward_spaces()) names.push_back(r->name());
  const std::vector<std::string> expected = {"IrInstructionCount",
                                             "IrInstructionCountNorm",
                                             "IrInstructionCountO3",
                                             "IrInstructionCountOz",
                                             "ObjectTextSizeBytes",
                                             "ObjectTextSizeNorm",
                                             "ObjectTextSizeO3",
                                             "ObjectTextSizeOz",
                                             "TextSizeBytes",
                                             "TextSizeNorm",
                                             "TextSizeO3",
                                             "TextSizeOz",
                                             "Runtime"};
  EXPECT_EQ(names, expected);
  for (const auto& r : reward_spaces()) {
    EXPECT_EQ(r->spec().platform_dependent, r->name().rfind("IrInstructionCount", 0) != 0)
        << r->name();
    if (r->name().ends_with("O3") || r->name().ends_with("Oz")) {
      EXPECT_EQ(r->spec().success_threshold, 1.0) << r->name();
    }
  }
}

TEST(LlvmEnvs, EveryIdIsRegisteredWithItsDefaults) {
  struct Expect {
    const char* id;
    const char* observation;
    const char* reward;
  };
  const Expect expected[] = {
      {"llvm-v0", "", ""},
      {"llvm-ic-v0", "", "IrInstructionCountOz"},
      {"llvm-codesize-v0", "", "ObjectTextSizeOz"},
      {"llvm-autophase-ic-v0", "Autophase", "IrInstructionCountOz"},
      {"llvm-autophase-codesize-v0", "Autophase", "ObjectTextSizeOz"},
      {"llvm-ir-ic-v0", "Ir", "IrInstructionCountOz"},
      {"llvm-ir-codesize-v0", "Ir", "ObjectTextSizeOz"},
  };
  for (const auto& e : expected) {
    auto env = make_env(e.id);
    EXPECT_EQ(env->observation_space().value_or(""), e.observation) << e.id;
    EXPECT_EQ(env->reward_space().value_or(""), e.reward) << e.id;
    EXPECT_EQ(env->action_space().name(), kActionSpaceName);
    EXPECT_EQ(env->compiler_version().rfind("LLVM 19.", 0), 0u) << env->compiler_version();
  }
  std::set<std::string> ids;
  for (const auto& s : list_envs()) ids.insert(s.id);
  for (const auto& e : expected) EXPECT_TRUE(ids.count(e.id)) << e.id;
}

TEST(LlvmEnvs, DefaultBenchmarkResets) {
  CGYM_BUNDLED_OR_SKIP(crc32, "crc32");
  auto env = make_env("llvm-autophase-ic-v0");
  auto r = env->reset();
  EXPECT_EQ(env->benchmark()->uri(), "benchmark://cgym-v0/crc32");
  EXPECT_EQ(r.observation.as<std::vector<int64_t>>().size(), 56u);
}

TEST(LlvmEnvs, UnknownParamsAndBadValuesAreRejected) {
  EXPECT_THROW(make_env("llvm-v0", {.params = {{"verify_modul", "0"}}}), LookupError);
  EXPECT_THROW(make_env("llvm-v0", {.params = {{"verify_module", "maybe"}}}), InvalidArgument);
  EXPECT_THROW(make_env("llvm-v0", {.params = {{"runtime_runs", "0"}}}), InvalidArgument);
  EXPECT_NO_THROW(make_env(
      "llvm-v0",
      {.params = {{"verify_module", "0"}, {"runtime_runs", "3"}, {"runtime_warmup", "1"}}}));
}

}  // namespace
}  // namespace cgym::llvm
