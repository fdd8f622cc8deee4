// Episode behaviour of the LLVM env: crash recovery (a real crashing pass and
// real LLVM fatal errors), module verification, benchmarks that fail to load,
// fork independence, rewards and validation.
#include <gtest/gtest.h>

#include <random>
#include <thread>

#include <llvm/IR/Module.h>

#include "backends/llvm/llvm_util.h"
#include "backends/llvm/passes.h"
#include "internal/leak.h"
#include "llvm_test_util.h"

namespace cgym::llvm {
namespace {

using namespace cgym::llvm::testing;

// -scalarizer crashes LLVM 19 (segmentation fault) on this valid module
// (found with llvm-stress and reduced with llvm-reduce-19).
constexpr const char* kScalarizerCrash = R"(
define void @f() {
entry:
  %e = extractelement <8 x i32> zeroinitializer, i32 394359
  ret void
}
)";

constexpr const char* kSmallModule = R"(
define i32 @sum(i32 %n) {
entry:
  %acc = alloca i32
  %i = alloca i32
  store i32 0, ptr %acc
  store i32 0, ptr %i
  br label %loop
loop:
  %iv = load i32, ptr %i
  %c = icmp slt i32 %iv, %n
  br i1 %c, label %body, label %exit
body:
  %a = load i32, ptr %acc
  %a2 = add i32 %a, %iv
  store i32 %a2, ptr %acc
  %iv2 = add i32 %iv, 1
  store i32 %iv2, ptr %i
  br label %loop
exit:
  %r = load i32, ptr %acc
  ret i32 %r
}
)";

Action act(const std::string& flag) { return action_space().index(flag); }

void expect_usable_again(Env& env, const BenchmarkPtr& benchmark) {
  EXPECT_THROW(env.step(act("-dce")), StateError);
  env.reset({.benchmark = benchmark});
  auto r = env.step(act("-mem2reg"));
  EXPECT_FALSE(r.info.failed()) << r.info.error_details;
  EXPECT_GT(env.observation("IrInstructionCount").as<int64_t>(), 0);
}

TEST(LlvmCrash, RealPassCrashEndsTheEpisodeAndResetWorks) {
  auto crashing = from_ir("benchmark://test/scalarizer-crash", kScalarizerCrash);
  auto good = from_ir("benchmark://test/small", kSmallModule);
  auto env = make_env("llvm-v0");
  for (int round = 0; round < 3; ++round) {
    env->reset({.benchmark = crashing});
    StepResult r;
    {
      internal::LeaksExpectedInScope crash_abandons_what_the_pass_held;
      r = env->step(act("-scalarizer"));
    }
    EXPECT_TRUE(r.done);
    EXPECT_EQ(r.info.error_type, "SessionError");
    EXPECT_NE(r.info.error_details.find("-scalarizer"), std::string::npos) << r.info.error_details;
    EXPECT_NE(r.info.error_details.find("signal 11"), std::string::npos) << r.info.error_details;
    EXPECT_FALSE(env->in_episode());
    expect_usable_again(*env, good);
  }
}

TEST(LlvmCrash, RealLlvmFatalErrorIsCaught) {
  CGYM_BUNDLED_OR_SKIP(crc32, "crc32");
  auto env = make_env("llvm-ic-v0");
  env->reset({.benchmark = crc32});
  env->step(act("-mem2reg"));
  const double before = env->episode_reward();
  // Plain instcombine verifies its fixpoint and calls report_fatal_error on
  // crc32 ("did not reach a fixpoint"): a real LLVM fatal error.
  env->send_session_parameter("llvm.test.inject_pipeline", "function(instcombine)");
  StepResult r;
  {
    internal::LeaksExpectedInScope crash_abandons_what_the_pass_held;
    r = env->step(act("-dce"));
  }
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.info.error_type, "SessionError");
  EXPECT_NE(r.info.error_details.find("LLVM fatal error"), std::string::npos)
      << r.info.error_details;
  EXPECT_NE(r.info.error_details.find("fixpoint"), std::string::npos) << r.info.error_details;
  // default_negates_returns: the failed step gives back what was earned.
  EXPECT_DOUBLE_EQ(r.reward, -before);
  EXPECT_DOUBLE_EQ(env->episode_reward(), 0.0);
  expect_usable_again(*env, crc32);
}

TEST(LlvmCrash, ManyFatalErrorsAndAbortsInOneProcess) {
  auto good = from_ir("benchmark://test/small", kSmallModule);
  auto env = make_env("llvm-v0");
  for (int i = 0; i < 10; ++i) {
    env->reset({.benchmark = good});
    if (i % 2 == 0) {
      env->send_session_parameter("llvm.test.fatal_error_on_next_action", "1");
    } else {
      // LLVM's own test pass that calls abort().
      env->send_session_parameter("llvm.test.inject_pipeline", "trigger-crash-module");
    }
    StepResult r;
    {
      internal::LeaksExpectedInScope crash_abandons_what_the_pass_held;
      r = env->step(act("-sroa"));
    }
    ASSERT_TRUE(r.info.failed()) << i;
    EXPECT_NE(r.info.error_details.find(i % 2 == 0 ? "fatal error" : "signal 6"), std::string::npos)
        << r.info.error_details;
  }
  expect_usable_again(*env, good);
}

TEST(LlvmCrash, FailedObservationLeavesTheEnvUsable) {
  auto good = from_ir("benchmark://test/small", kSmallModule);
  auto env = make_env("llvm-v0");
  env->reset({.benchmark = good});
  // No main: the program cannot be linked.
  EXPECT_FALSE(env->observation("IsBuildable").as<bool>());
  EXPECT_THROW(env->observation("TextSizeBytes"), SessionError);
  EXPECT_FALSE(env->step(act("-mem2reg")).info.failed());
}

TEST(LlvmVerify, InvalidModuleEndsTheEpisode) {
  auto good = from_ir("benchmark://test/small", kSmallModule);
  auto env = make_env("llvm-v0");
  env->reset({.benchmark = good});
  // LLVM's test pass that makes the module invalid (an alias to null).
  env->send_session_parameter("llvm.test.inject_pipeline", "trigger-verifier-error");
  auto r = env->step(act("-mem2reg"));
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.info.error_type, "SessionError");
  EXPECT_NE(r.info.error_details.find("invalid after the step"), std::string::npos)
      << r.info.error_details;
  EXPECT_NE(r.info.error_details.find("Aliasee"), std::string::npos) << r.info.error_details;
  expect_usable_again(*env, good);
}

TEST(LlvmVerify, VerificationCanBeSwitchedOff) {
  auto good = from_ir("benchmark://test/small", kSmallModule);
  for (const bool by_param : {true, false}) {
    MakeOptions options;
    if (by_param) options.params = {{"verify_module", "0"}};
    auto env = make_env("llvm-v0", options);
    env->reset({.benchmark = good});
    if (!by_param) env->send_session_parameter("llvm.verify_module", "0");
    env->send_session_parameter("llvm.test.inject_pipeline", "trigger-verifier-error");
    auto r = env->step(act("-mem2reg"));
    EXPECT_FALSE(r.info.failed()) << r.info.error_details;
  }
}

TEST(LlvmInit, BenchmarksThatDoNotLoadRaiseBenchmarkInitError) {
  auto env = make_env("llvm-v0");
  auto expect_init_error = [&](const ResetOptions& options, const std::string& needle) {
    try {
      env->reset(options);
      ADD_FAILURE() << "expected BenchmarkInitError about " << needle;
    } catch (const BenchmarkInitError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expect_init_error({.benchmark = std::string("file:///nonexistent/cgym/prog.bc")},
                    "/nonexistent/cgym/prog.bc");
  BenchmarkData corrupt;
  corrupt.uri = "benchmark://test/corrupt";
  corrupt.format = ProgramFormat::kLlvmBitcode;
  corrupt.program = std::string("BC\xC0\xDE", 4) + std::string(64, '\x17');
  expect_init_error({.benchmark = Benchmark::make(corrupt)}, "bitcode");
  expect_init_error({.benchmark = from_ir("benchmark://test/syntax", "define i32 @f( {")},
                    "expected");
  // Parses, but is not valid: an instruction that uses itself.
  expect_init_error(
      {.benchmark = from_ir("benchmark://test/unverifiable",
                            "define i32 @f() {\n  %x = add i32 %x, 1\n  ret i32 %x\n}\n")},
      "not a valid LLVM module");
  BenchmarkData c;
  c.uri = "benchmark://test/c";
  c.format = ProgramFormat::kC;
  c.program = "int main(void) { return 0; }";
  expect_init_error({.benchmark = Benchmark::make(c)}, "LLVM bitcode or IR");
  // Still usable.
  env->reset({.benchmark = from_ir("benchmark://test/small", kSmallModule)});
  EXPECT_FALSE(env->step(act("-mem2reg")).info.failed());
}

// parse_module() takes a string_view, which need not be followed by a NUL
// byte; LLVM's IR lexer reads until one. The libFuzzer target
// fuzz_llvm_module found the read past the end (an ASan report inside
// LLParser). Here the view stops before text that would not parse.
TEST(LlvmInit, ParsesIrTextThatIsNotNulTerminated) {
  initialize();
  const std::string ir = kSmallModule;
  const std::string buffer = ir + "this is not IR {{{";
  auto context = make_context();
  auto module = parse_module(*context, std::string_view(buffer).substr(0, ir.size()), "view");
  ASSERT_TRUE(module);
  EXPECT_NE(module->getFunction("sum"), nullptr);
  EXPECT_FALSE(verify(*module));
}

std::vector<Action> random_actions(std::mt19937_64& rng, int n) {
  std::vector<Action> out;
  for (int i = 0; i < n; ++i) out.push_back(sample_stable_action(rng));
  return out;
}

TEST(LlvmFork, ForksAreIndependentAndEquivalent) {
  CGYM_BUNDLED_OR_SKIP(qsort, "qsort");
  auto env = make_env("llvm-ic-v0");
  env->reset({.benchmark = qsort});
  std::mt19937_64 rng(11);
  for (Action a : random_actions(rng, 8)) ASSERT_FALSE(env->step(a).info.failed());
  auto fork = env->fork();
  EXPECT_EQ(fork->observation("IrSha1"), env->observation("IrSha1"));
  EXPECT_EQ(fork->actions(), env->actions());
  EXPECT_DOUBLE_EQ(fork->episode_reward(), env->episode_reward());

  // Diverge: the fork's step leaves the parent as it was.
  const auto parent_ir = env->observation("Ir");
  fork->step(act("-mem2reg"));
  fork->step(act("-instcombine"));
  EXPECT_EQ(fresh_observation(*env, "Ir"), parent_ir);

  // The same actions give the same results in both, also on two threads.
  auto a = env->fork(), b = env->fork();
  const auto actions = random_actions(rng, 25);
  std::vector<double> rewards_a, rewards_b;
  std::thread t([&] {
    for (Action x : actions) rewards_a.push_back(a->step(x).reward);
  });
  for (Action x : actions) rewards_b.push_back(b->step(x).reward);
  t.join();
  EXPECT_EQ(rewards_a, rewards_b);
  EXPECT_EQ(a->observation("Ir").as<std::string>(), b->observation("Ir").as<std::string>());
  EXPECT_EQ(fresh_observation(*a, "IrSha1"), fresh_observation(*b, "IrSha1"));
  for (Action x : actions) env->step(x);
  EXPECT_EQ(env->observation("Ir").as<std::string>(), a->observation("Ir").as<std::string>());
  EXPECT_DOUBLE_EQ(env->episode_reward(), a->episode_reward());

  // A fork of a fork that was never used.
  auto c = env->fork();
  auto d = c->fork();
  EXPECT_EQ(d->observation("IrSha1"), env->observation("IrSha1"));
  d->step(act("-gvn"));
  EXPECT_EQ(c->observation("IrSha1"), env->observation("IrSha1"));
}

// The analyses a session keeps from step to step never outlive its module:
// after a crash inside a pass (its analyses abandoned with the module), the
// next reset's episode is exactly an episode of a brand-new env.
TEST(LlvmKeptAnalyses, CrashInsideAPassThenResetReusesNoStaleAnalysis) {
  CGYM_BUNDLED_OR_SKIP(qsort, "qsort");
  auto crashing = from_ir("benchmark://test/scalarizer-crash", kScalarizerCrash);
  std::mt19937_64 rng(23);
  const auto warm = random_actions(rng, 12);
  const auto episode = random_actions(rng, 30);
  auto reference = make_env("llvm-ic-v0");
  reference->reset({.benchmark = qsort});
  std::vector<double> expected;
  for (Action a : episode) expected.push_back(reference->step(a).reward);

  auto env = make_env("llvm-ic-v0");
  for (int crash = 0; crash < 2; ++crash) {
    // Fill the managers with analyses of this module, then crash a pass.
    env->reset({.benchmark = crash == 0 ? qsort : crashing});
    if (crash == 0) {
      for (Action a : warm) ASSERT_FALSE(env->step(a).info.failed());
      env->send_session_parameter("llvm.test.inject_pipeline", "trigger-crash-module");
    }
    StepResult r;
    {
      internal::LeaksExpectedInScope crash_abandons_what_the_pass_held;
      r = env->step(act(crash == 0 ? "-licm" : "-scalarizer"));
    }
    ASSERT_TRUE(r.info.failed());
    env->reset({.benchmark = qsort});
    std::vector<double> rewards;
    for (Action a : episode) {
      const StepResult s = env->step(a);
      ASSERT_FALSE(s.info.failed()) << s.info.error_details;
      rewards.push_back(s.reward);
    }
    EXPECT_EQ(rewards, expected) << "after crash " << crash;
    EXPECT_EQ(env->observation("Ir").as<std::string>(),
              reference->observation("Ir").as<std::string>());
    EXPECT_EQ(env->commandline(), reference->commandline());
  }
}

// A fork stepped on another thread while its parent steps on this one gets
// the same rewards and module as when both are stepped on one thread: the
// kept analyses, the no-effect memo they share and the target machines are
// each the session's own or safe to share.
TEST(LlvmKeptAnalyses, ForkSteppedOnAnotherThreadMatchesOneThread) {
  CGYM_BUNDLED_OR_SKIP(dijkstra, "dijkstra");
  std::mt19937_64 rng(31);
  const auto prefix = random_actions(rng, 10);
  std::vector<Action> parent_actions = random_actions(rng, 40);
  std::vector<Action> fork_actions = random_actions(rng, 40);
  // Repeats, so that both sides look up the no-effect memo they share.
  for (int i = 0; i < 10; ++i) {
    parent_actions.push_back(fork_actions[i]);
    fork_actions.push_back(parent_actions[i]);
  }
  struct Outcome {
    std::vector<double> parent_rewards, fork_rewards;
    std::string parent_ir, fork_ir;
  };
  auto run = [&](bool threads) {
    auto env = make_env("llvm-ic-v0");
    env->reset({.benchmark = dijkstra});
    for (Action a : prefix) env->step(a);
    auto fork = env->fork();
    Outcome o;
    auto step_fork = [&] {
      for (Action a : fork_actions) o.fork_rewards.push_back(fork->step(a).reward);
    };
    if (threads) {
      std::thread t(step_fork);
      for (Action a : parent_actions) o.parent_rewards.push_back(env->step(a).reward);
      t.join();
    } else {
      step_fork();
      for (Action a : parent_actions) o.parent_rewards.push_back(env->step(a).reward);
    }
    o.parent_ir = env->observation("Ir").as<std::string>();
    o.fork_ir = fork->observation("Ir").as<std::string>();
    return o;
  };
  const Outcome one = run(false);
  for (int round = 0; round < 3; ++round) {
    const Outcome two = run(true);
    EXPECT_EQ(two.parent_rewards, one.parent_rewards) << round;
    EXPECT_EQ(two.fork_rewards, one.fork_rewards) << round;
    EXPECT_EQ(two.parent_ir, one.parent_ir) << round;
    EXPECT_EQ(two.fork_ir, one.fork_ir) << round;
  }
}

// The no-effect memo changes nothing but speed: the same episode with and
// without it gives the same rewards, no-effect flags and module.
TEST(LlvmKeptAnalyses, NoEffectMemoIsExact) {
  CGYM_BUNDLED_OR_SKIP(crc32, "crc32");
  std::mt19937_64 rng(41);
  std::vector<Action> actions = random_actions(rng, 60);
  for (int i = 0; i < 30; ++i) actions.push_back(actions[i]);
  auto with = make_env("llvm-ic-v0");
  auto without = make_env("llvm-ic-v0", {.params = {{"no_effect_memo", "0"}}});
  with->reset({.benchmark = crc32});
  without->reset({.benchmark = crc32});
  for (Action a : actions) {
    const StepResult x = with->step(a), y = without->step(a);
    ASSERT_EQ(x.reward, y.reward) << with->action_space().action_name(a);
    ASSERT_EQ(x.info.action_had_no_effect, y.info.action_had_no_effect)
        << with->action_space().action_name(a);
  }
  EXPECT_EQ(with->observation("Ir").as<std::string>(),
            without->observation("Ir").as<std::string>());
  const std::string stats = with->send_session_parameter("llvm.no_effect_memo_stats", "");
  const int64_t hits = std::stoll(stats.substr(0, stats.find(' ')));
  EXPECT_GT(hits, 0) << stats;
  EXPECT_EQ(without->send_session_parameter("llvm.no_effect_memo_stats", ""), "0 0");
}

TEST(LlvmRewards, IrInstructionCountOzFollowsCompilerGymsFormula) {
  CGYM_BUNDLED_OR_SKIP(crc32, "crc32");
  auto env = make_env("llvm-ic-v0");
  env->reset({.benchmark = crc32,
              .extra = {.reward_spaces = {"IrInstructionCount", "IrInstructionCountNorm"}}});
  const double initial = env->observation("IrInstructionCount").as<int64_t>();
  const double o0 = env->observation("IrInstructionCountO0").as<int64_t>();
  const double oz = env->observation("IrInstructionCountOz").as<int64_t>();
  EXPECT_LT(oz, o0);
  double delta_sum = 0, norm_sum = 0;
  for (const char* flag : {"-mem2reg", "-sroa", "-instcombine", "-simplifycfg", "-gvn"}) {
    auto r =
        env->step(act(flag), {.reward_spaces = {"IrInstructionCount", "IrInstructionCountNorm"}});
    delta_sum += r.rewards[0];
    norm_sum += r.rewards[1];
  }
  const double now = env->observation("IrInstructionCount").as<int64_t>();
  EXPECT_DOUBLE_EQ(delta_sum, initial - now);
  EXPECT_NEAR(norm_sum, (initial - now) / o0, 1e-12);
  EXPECT_NEAR(env->episode_reward(), (initial - now) / std::max(o0 - oz, 1.0), 1e-12);
}

TEST(LlvmRewards, BaselinesAreCachedOnDisk) {
  CGYM_BUNDLED_OR_SKIP(crc32, "crc32");
  auto env = make_env("llvm-v0");
  env->reset({.benchmark = crc32});
  const auto oz = env->observation("IrInstructionCountOz").as<int64_t>();
  const auto dir = cache_dir() / "llvm-baselines";
  bool found = false;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().filename().string().rfind(crc32->hash(), 0) == 0) {
      const auto j = nlohmann::json::parse(read_file(entry.path()));
      EXPECT_EQ(j.at("IrInstructionCountOz").get<int64_t>(), oz);
      found = true;
    }
  }
  EXPECT_TRUE(found) << "no baseline file for " << crc32->hash() << " in " << dir;
}

TEST(LlvmSession, RuntimeParameters) {
  auto env = make_env("llvm-v0", {.params = {{"runtime_runs", "2"}}});
  env->reset({.benchmark = from_ir("benchmark://test/small", kSmallModule)});
  EXPECT_EQ(env->send_session_parameter("llvm.get_runtimes_per_observation_count", ""), "2");
  EXPECT_EQ(env->send_session_parameter("llvm.set_runtimes_per_observation_count", "5"), "5");
  EXPECT_EQ(env->send_session_parameter("llvm.set_warmup_runs_count_per_runtime_observation", "1"),
            "1");
  EXPECT_THROW(env->send_session_parameter("llvm.set_runtimes_per_observation_count", "x"),
               InvalidArgument);
  EXPECT_THROW(env->send_session_parameter("llvm.no_such_parameter", "1"), LookupError);
}

TEST(LlvmValidate, OptimizedProgramStillPrintsItsReferenceOutput) {
  CGYM_BUNDLED_OR_SKIP(crc32, "crc32");
  auto env = make_env("llvm-ic-v0");
  env->reset({.benchmark = crc32});
  for (const char* flag : {"-mem2reg", "-instcombine", "-gvn", "-loop-unroll", "-simplifycfg"}) {
    env->step(act(flag));
  }
  auto v = env->validate();
  EXPECT_TRUE(v.okay()) << v.to_string();
  EXPECT_TRUE(v.reward_validated);
  EXPECT_TRUE(v.semantics_validated);
}

}  // namespace
}  // namespace cgym::llvm
