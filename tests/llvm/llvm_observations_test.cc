// Observations checked against independent truth: the IR text printed by
// llvm-dis-19, opt-19's default pipelines, llc-19 + llvm-size-19, clang-19,
// and hand-computed Autophase features.
#include <gtest/gtest.h>

#include <llvm/IR/Instruction.h>

#include <random>
#include <sstream>

#include "backends/llvm/features.h"
#include "backends/llvm/passes.h"
#include "llvm_test_util.h"

namespace cgym::llvm {
namespace {

using namespace cgym::llvm::testing;

Action act(const std::string& flag) { return action_space().index(flag); }

// .text (and .text.*) sizes from `llvm-size -A`.
int64_t text_size_from_llvm_size(const std::string& size_tool, const std::string& file,
                                 bool only_dot_text) {
  std::istringstream in(run({size_tool, "-A", file}));
  std::string name;
  int64_t total = 0;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream l(line);
    int64_t size = 0;
    if (!(l >> name >> size)) continue;
    if (name == ".text" || (!only_dot_text && name.rfind(".text.", 0) == 0)) total += size;
  }
  return total;
}

// Steps an env to a few different states of one program.
std::vector<std::vector<std::string>> kEpisodes = {
    {},
    {"-mem2reg"},
    {"-mem2reg", "-instcombine", "-simplifycfg", "-loop-rotate", "-licm", "-gvn"},
    {"-sroa", "-inline", "-loop-unroll", "-slp-vectorizer", "-reg2mem"},
};

TEST(LlvmObservations, InstCountMatchesTheIrText) {
  CGYM_TOOL_OR_SKIP(dis, "llvm-dis");
  ScratchDir dir;
  for (const char* name : {"crc32", "qsort", "huffman"}) {
    CGYM_BUNDLED_OR_SKIP(b, name);
    for (const auto& episode : kEpisodes) {
      auto env = make_env();
      env->reset({.benchmark = b});
      for (const auto& flag : episode) ASSERT_FALSE(env->step(act(flag)).info.failed());
      // Disassemble the env's bitcode with the real llvm-dis.
      const auto bc = dir.path() / "m.bc";
      write(bc, env->observation("Bitcode").as<Bytes>().data);
      const std::string text = run({dis, bc.string(), "-o", "-"});
      auto truth = count_ir_text(text);
      const auto counts = env->observation("InstCount").as<std::vector<int64_t>>();
      const auto& names = inst_count_names();
      ASSERT_EQ(counts.size(), 70u);
      EXPECT_EQ(counts[0], truth["TotalInsts"]) << name;
      EXPECT_EQ(counts[1], truth["TotalBlocks"]) << name;
      EXPECT_EQ(counts[2], truth["TotalFuncs"]) << name;
      for (unsigned op = 1; op <= 67; ++op) {
        EXPECT_EQ(counts[2 + op], truth[::llvm::Instruction::getOpcodeName(op)])
            << name << " " << names[2 + op];
      }
      EXPECT_EQ(env->observation("IrInstructionCount").as<int64_t>(), truth["TotalInsts"]);
      // The IR observation is what llvm-dis prints.
      EXPECT_EQ(strip_module_header(env->observation("Ir").as<std::string>()),
                strip_module_header(text));
      // Dict and normalised forms.
      const auto dict = env->observation("InstCountDict").as_json();
      EXPECT_EQ(dict.at("TotalInstsCount").get<int64_t>(), counts[0]);
      EXPECT_EQ(dict.at("AddCount").get<int64_t>(), truth["add"]);
      const auto norm = env->observation("InstCountNorm").as<std::vector<double>>();
      ASSERT_EQ(norm.size(), 69u);
      EXPECT_DOUBLE_EQ(norm[0], static_cast<double>(counts[1]) / counts[0]);
      const auto norm_dict = env->observation("InstCountNormDict").as_json();
      EXPECT_DOUBLE_EQ(norm_dict.at("LoadDensity").get<double>(),
                       static_cast<double>(truth["load"]) / counts[0]);
    }
  }
}

TEST(LlvmObservations, IrSha1AndBitcode) {
  auto b = from_c("benchmark://test/sha", "int f(int x) { return x * 3 + 1; }");
  if (!b) GTEST_SKIP() << "clang-19 missing";
  CGYM_TOOL_OR_SKIP(dis, "llvm-dis");
  auto env = make_env();
  env->reset({.benchmark = b});
  env->step(act("-mem2reg"));
  const auto ir = env->observation("Ir").as<std::string>();
  ScratchDir dir;
  write(dir.path() / "ir.ll", ir);
  const std::string sha = run({"sha1sum", (dir.path() / "ir.ll").string()}).substr(0, 40);
  EXPECT_EQ(env->observation("IrSha1").as<std::string>(), sha);
  const auto path = env->observation("BitcodeFile").as<std::string>();
  EXPECT_EQ(read_file(path), env->observation("Bitcode").as<Bytes>().data);
  EXPECT_EQ(strip_module_header(run({dis, path, "-o", "-"})), strip_module_header(ir));
  // The file goes when the module changes.
  ASSERT_FALSE(env->step(act("-instnamer")).info.action_had_no_effect);
  env->observation("Ir");
  EXPECT_NE(env->observation("BitcodeFile").as<std::string>(), path);
  EXPECT_FALSE(std::filesystem::exists(path));
}

// A function whose Autophase features are worked out by hand below.
constexpr const char* kAutophaseModule = R"(
declare i32 @g(i32)

define i32 @f(i32 %n, i1 %c) {
entry:
  br i1 %c, label %a, label %b
a:
  %x = add i32 %n, 1
  br label %join
b:
  %y = shl i32 %n, 2
  %z = call i32 @g(i32 %y)
  br label %join
join:
  %p = phi i32 [ %x, %a ], [ %z, %b ]
  %q = phi i32 [ 0, %a ], [ 1, %b ]
  %s = sub i32 %p, %q
  %t = sext i32 %s to i64
  %u = trunc i64 %t to i32
  ret i32 %u
}
)";

TEST(LlvmObservations, AutophaseByHand) {
  auto env = make_env();
  env->reset({.benchmark = from_ir("benchmark://test/autophase", kAutophaseModule)});
  const auto dict = env->observation("AutophaseDict").as_json();
  const std::map<std::string, int64_t> expected = {
      // Blocks: entry (0 preds, 2 succs), a and b (1 pred, 1 succ), join (2 preds, 0 succs).
      {"BBNumArgsHi", 0},
      {"BBNumArgsLo", 1},  // join's phis take 4 arguments in all
      {"onePred", 2},
      {"onePredOneSuc", 2},
      {"onePredTwoSuc", 0},
      {"oneSuccessor", 2},
      {"twoPred", 1},
      {"twoPredOneSuc", 0},
      {"twoEach", 0},
      {"twoSuccessor", 1},
      {"morePreds", 0},
      {"BB03Phi", 1},
      {"BBHiPhi", 0},
      {"BBNoPhi", 3},
      {"BeginPhi", 1},
      {"BranchCount", 3},
      {"returnInt", 1},
      {"CriticalCount", 0},
      {"NumEdges", 4},
      // i32 constants: 1 (add), 2 (shl), 0 and 1 (phi); no i64 constant.
      {"const32Bit", 4},
      {"const64Bit", 0},
      {"numConstZeroes", 1},
      {"numConstOnes", 2},
      {"UncondBranches", 2},
      {"binaryConstArg", 2},
      {"NumAShrInst", 0},
      {"NumAddInst", 1},
      {"NumAllocaInst", 0},
      {"NumAndInst", 0},
      {"BlockMid", 0},
      {"BlockLow", 4},
      {"NumBitCastInst", 0},
      {"NumBrInst", 3},
      {"NumCallInst", 1},
      {"NumGetElementPtrInst", 0},
      {"NumICmpInst", 0},
      {"NumLShrInst", 0},
      {"NumLoadInst", 0},
      {"NumMulInst", 0},
      {"NumOrInst", 0},
      {"NumPHIInst", 2},
      {"NumRetInst", 1},
      {"NumSExtInst", 1},
      {"NumSelectInst", 0},
      {"NumShlInst", 1},
      {"NumStoreInst", 0},
      {"NumSubInst", 1},
      {"NumTruncInst", 1},
      {"NumXorInst", 0},
      {"NumZExtInst", 0},
      {"TotalBlocks", 4},
      {"TotalInsts", 12},
      {"TotalMemInst", 1},
      {"TotalFuncs", 2},  // the declaration counts, as in CompilerGym
      {"ArgsPhi", 4},
      {"testUnary", 2}};
  ASSERT_EQ(dict.size(), 56u);
  for (const auto& [name, value] : expected) {
    EXPECT_EQ(dict.at(name).get<int64_t>(), value) << name;
  }
  const auto vec = env->observation("Autophase").as<std::vector<int64_t>>();
  const auto& names = autophase_names();
  for (size_t i = 0; i < vec.size(); ++i) EXPECT_EQ(vec[i], expected.at(names[i])) << names[i];
}

TEST(LlvmObservations, AutophaseTotalsMatchTheIrText) {
  CGYM_BUNDLED_OR_SKIP(b, "dijkstra");
  auto env = make_env();
  env->reset({.benchmark = b});
  std::mt19937_64 rng(3);
  for (int i = 0; i < 15; ++i) env->step(sample_stable_action(rng));
  const auto f = env->observation("AutophaseDict").as_json();
  auto truth = count_ir_text(env->observation("Ir").as<std::string>());
  EXPECT_EQ(f.at("TotalInsts").get<int64_t>(), truth["TotalInsts"]);
  EXPECT_EQ(f.at("TotalBlocks").get<int64_t>(), truth["TotalBlocks"]);
  EXPECT_EQ(f.at("NumLoadInst").get<int64_t>(), truth["load"]);
  EXPECT_EQ(f.at("NumPHIInst").get<int64_t>(), truth["phi"]);
  EXPECT_EQ(f.at("NumBrInst").get<int64_t>(), truth["br"]);
  EXPECT_EQ(f.at("BranchCount").get<int64_t>(), truth["br"]);
  EXPECT_EQ(f.at("TotalMemInst").get<int64_t>(), truth["getelementptr"] + truth["load"] +
                                                     truth["store"] + truth["call"] +
                                                     truth["invoke"] + truth["alloca"]);
  EXPECT_EQ(f.at("BlockLow").get<int64_t>() + f.at("BlockMid").get<int64_t>(),
            truth["TotalBlocks"]);
}

TEST(LlvmObservations, BaselinesMatchOptDefaultPipelines) {
  CGYM_TOOL_OR_SKIP(opt, "opt");
  CGYM_TOOL_OR_SKIP(llc, "llc");
  CGYM_TOOL_OR_SKIP(dis, "llvm-dis");
  CGYM_TOOL_OR_SKIP(size, "llvm-size");
  CGYM_BUNDLED_OR_SKIP(b, "crc32");
  auto env = make_env();
  env->reset({.benchmark = b});
  ScratchDir dir;
  const auto in = dir.path() / "in.bc";
  write(in, b->program());
  for (const char* level : {"O0", "O3", "Oz"}) {
    const auto out = dir.path() / (std::string(level) + ".bc");
    run({opt, std::string("-passes=default<") + level + ">", in.string(), "-o", out.string()});
    auto truth = count_ir_text(run({dis, out.string(), "-o", "-"}));
    EXPECT_EQ(env->observation(std::string("IrInstructionCount") + level).as<int64_t>(),
              truth["TotalInsts"])
        << level;
    const auto obj = dir.path() / (std::string(level) + ".o");
    run({llc, "-O2", "-relocation-model=pic", "-filetype=obj", out.string(), "-o", obj.string()});
    EXPECT_EQ(env->observation(std::string("ObjectTextSize") + level).as<int64_t>(),
              text_size_from_llvm_size(size, obj.string(), false))
        << level;
  }
}

TEST(LlvmObservations, ObjectTextSizeMatchesLlc) {
  CGYM_TOOL_OR_SKIP(llc, "llc");
  CGYM_TOOL_OR_SKIP(size, "llvm-size");
  ScratchDir dir;
  for (const char* name : {"crc32", "qsort"}) {
    CGYM_BUNDLED_OR_SKIP(b, name);
    for (const auto& episode : kEpisodes) {
      auto env = make_env();
      env->reset({.benchmark = b});
      for (const auto& flag : episode) env->step(act(flag));
      const auto bc = dir.path() / "m.bc", obj = dir.path() / "m.o";
      write(bc, env->observation("Bitcode").as<Bytes>().data);
      run({llc, "-O2", "-relocation-model=pic", "-filetype=obj", bc.string(), "-o", obj.string()});
      EXPECT_EQ(env->observation("ObjectTextSizeBytes").as<int64_t>(),
                text_size_from_llvm_size(size, obj.string(), false))
          << name << " after " << episode.size() << " passes";
    }
  }
}

TEST(LlvmObservations, TextSizeRuntimeAndBuildtime) {
  CGYM_TOOL_OR_SKIP(clang, "clang");
  CGYM_TOOL_OR_SKIP(size, "llvm-size");
  CGYM_BUNDLED_OR_SKIP(b, "crc32");
  auto env = make_env("llvm-v0", {.params = {{"runtime_runs", "3"}, {"runtime_warmup", "1"}}});
  env->reset({.benchmark = b});
  EXPECT_TRUE(env->observation("IsBuildable").as<bool>());
  EXPECT_TRUE(env->observation("IsRunnable").as<bool>());
  env->step(act("-mem2reg"));
  env->step(act("-instcombine"));
  ScratchDir dir;
  const auto bc = dir.path() / "m.bc", exe = dir.path() / "m";
  write(bc, env->observation("Bitcode").as<Bytes>().data);
  std::vector<std::string> argv = {clang,       "-O2", "-Xclang",   "-disable-llvm-passes",
                                   bc.string(), "-o",  exe.string()};
  for (const auto& f : b->data().link_flags) argv.push_back(f);
  run(argv);
  EXPECT_EQ(env->observation("TextSizeBytes").as<int64_t>(),
            text_size_from_llvm_size(size, exe.string(), true));
  const auto runtimes = env->observation("Runtime").as<std::vector<double>>();
  ASSERT_EQ(runtimes.size(), 3u);
  for (double t : runtimes) EXPECT_GT(t, 0.0);
  EXPECT_GT(env->observation("Buildtime").as<double>(), 0.0);
  const auto oz = env->observation("TextSizeOz").as<int64_t>();
  const auto o0 = env->observation("TextSizeO0").as<int64_t>();
  EXPECT_GT(oz, 0);
  EXPECT_LT(oz, o0);
}

TEST(LlvmObservations, CpuInfo) {
  auto env = make_env();
  env->reset({.benchmark = from_ir("benchmark://test/x", "define void @f() {\n  ret void\n}\n")});
  const auto info = env->observation("CpuInfo").as_json();
  EXPECT_FALSE(info.at("name").get<std::string>().empty());
  EXPECT_GE(info.at("cores_count").get<int64_t>(), 1);
  for (const char* key : {"l1i_cache_size", "l1d_cache_size", "l2_cache_size", "l3_cache_size",
                          "l4_cache_size", "l1d_cache_count", "l4_cache_count"}) {
    EXPECT_TRUE(info.contains(key)) << key;
  }
}

}  // namespace
}  // namespace cgym::llvm
