// The env's command line is a real opt-19 command: random episodes over the
// bundled programs, then opt-19 runs that command on the benchmark's bitcode
// and must produce the same module (instruction count and printed IR).
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

#include "backends/llvm/passes.h"
#include "llvm_test_util.h"

namespace cgym::llvm {
namespace {

using namespace cgym::llvm::testing;

// Runs the env's command line with opt-19 and compares the result with the
// env's module.
void compare_with_opt(Env& env, const BenchmarkPtr& b, const std::string& opt,
                      const std::string& dis) {
  const std::vector<Action> actions = env.actions();
  Env* e = &env;
  ScratchDir dir;
  const auto in = dir.path() / "input.bc", out = dir.path() / "output.bc";
  write(in, b->program());
  // Run the command line as written, with the two file names filled in.
  std::vector<std::string> argv;
  for (const auto& token : ActionSpace::split_commandline(e->commandline())) {
    if (token == "opt-19")
      argv.push_back(opt);
    else if (token == "input.bc")
      argv.push_back(in.string());
    else if (token == "output.bc")
      argv.push_back(out.string());
    else
      argv.push_back(token);
  }
  run(argv, 300.0);
  const std::string text = run({dis, out.string(), "-o", "-"});
  EXPECT_EQ(e->observation("IrInstructionCount").as<int64_t>(), count_ir_text(text)["TotalInsts"])
      << b->uri() << ": " << e->commandline();
  // output.bc and the env's module, both read back by llvm-dis. (The bitcode
  // reader gives intrinsic declarations their own attributes back, so the
  // comparison of printed modules goes through it on both sides.)
  const auto env_bc = dir.path() / "env.bc";
  write(env_bc, e->observation("Bitcode").as<Bytes>().data);
  EXPECT_EQ(strip_module_header(run({dis, env_bc.string(), "-o", "-"})), strip_module_header(text))
      << b->uri() << ": " << e->commandline();
  // The same command with textual output: opt's module in memory, printed,
  // is the env's module printed.
  argv.back() = (dir.path() / "output.ll").string();
  argv.insert(argv.end() - 2, "-S");
  run(argv, 300.0);
  EXPECT_EQ(strip_module_header(e->observation("Ir").as<std::string>()),
            strip_module_header(read_file(dir.path() / "output.ll")))
      << b->uri() << ": " << e->commandline();
  // And the command line reads back into the same actions.
  EXPECT_EQ(e->from_commandline(e->commandline()), actions);
}

void check_episode(const BenchmarkPtr& b, const std::vector<Action>& actions,
                   const std::string& opt, const std::string& dis) {
  auto env = make_env();
  env->reset({.benchmark = b});
  for (Action a : actions) {
    auto r = env->step(a);
    ASSERT_FALSE(r.info.failed()) << r.info.error_details;
  }
  compare_with_opt(*env, b, opt, dis);
}

// CGYM_LLVM_EQUIVALENCE_EPISODES=<n> runs n episodes per program (default 3)
// and CGYM_LLVM_EQUIVALENCE_SEED=<s> changes the seed, for longer searches.
int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

TEST(LlvmOptEquivalence, RandomEpisodesOverBundledPrograms) {
  CGYM_TOOL_OR_SKIP(opt, "opt");
  CGYM_TOOL_OR_SKIP(dis, "llvm-dis");
  std::mt19937_64 rng(env_int("CGYM_LLVM_EQUIVALENCE_SEED", 99));
  const int episodes = env_int("CGYM_LLVM_EQUIVALENCE_EPISODES", 3);
  int checked = 0;
  for (const char* name : {"crc32", "qsort", "dijkstra", "huffman", "sha256", "regex"}) {
    auto b = bundled(name);
    if (!b) continue;
    for (int episode = 0; episode < episodes; ++episode) {
      std::vector<Action> actions;
      for (int i = 0; i < 40; ++i) actions.push_back(sample_stable_action(rng));
      check_episode(b, actions, opt, dis);
      ++checked;
    }
  }
  if (checked == 0) GTEST_SKIP() << "the bundled programs are not built";
}

// A fork's command line holds the parent's actions and its own; opt-19 must
// reproduce the fork's module from it (the fork carries what bitcode does not
// keep: name counters and intrinsic attributes).
TEST(LlvmOptEquivalence, ForkedEpisodes) {
  CGYM_TOOL_OR_SKIP(opt, "opt");
  CGYM_TOOL_OR_SKIP(dis, "llvm-dis");
  std::mt19937_64 rng(5);
  int checked = 0;
  for (const char* name : {"huffman", "dijkstra", "regex"}) {
    auto b = bundled(name);
    if (!b) continue;
    auto env = make_env();
    env->reset({.benchmark = b});
    for (int i = 0; i < 25; ++i) env->step(sample_stable_action(rng));
    auto fork = env->fork();
    for (int i = 0; i < 25; ++i) {
      const Action a = sample_stable_action(rng);
      fork->step(a);
      env->step(a);
    }
    compare_with_opt(*fork, b, opt, dis);
    compare_with_opt(*env, b, opt, dis);
    EXPECT_EQ(fork->observation("Ir").as<std::string>(), env->observation("Ir").as<std::string>());
    ++checked;
  }
  if (checked == 0) GTEST_SKIP() << "the bundled programs are not built";
}

TEST(LlvmOptEquivalence, CompilerGymStyleCommandLineReplays) {
  CGYM_BUNDLED_OR_SKIP(b, "crc32");
  auto env = make_env();
  const auto actions =
      env->from_commandline("opt -mem2reg -instcombine -gvn -simplifycfg input.bc -o output.bc");
  ASSERT_EQ(actions.size(), 4u);
  EnvState state{b->uri(), std::nullopt, 0.0,
                 "opt -mem2reg -instcombine -gvn input.bc -o output.bc"};
  env->apply(state);
  EXPECT_EQ(env->commandline(),
            "opt-19 -passes='function(mem2reg),"
            "function(instcombine<no-verify-fixpoint>),function(gvn)' input.bc -o "
            "output.bc");
}

}  // namespace
}  // namespace cgym::llvm
