// Every action on real modules: none crashes the process, and
// action_had_no_effect is true exactly when the printed module is unchanged
// (checked against a hash of the IR text computed by the session directly,
// bypassing the env's observation cache).
#include <gtest/gtest.h>

#include <random>

#include "backends/llvm/passes.h"
#include "llvm_test_util.h"

namespace cgym::llvm {
namespace {

using namespace cgym::llvm::testing;

std::string ir_now(Env& env) { return fresh_observation(env, "Ir").as<std::string>(); }

// A module with what the bundled C programs lack: a switch, atomics,
// vectors, a landing pad, an unnamed global, a dead prototype.
constexpr const char* kVarietyModule = R"(
target triple = "x86_64-pc-linux-gnu"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"

@0 = private unnamed_addr constant [4 x i8] c"abc\00"
@counter = global i32 0

declare i32 @puts(ptr)
declare void @unused(i32)
declare i32 @__gxx_personality_v0(...)
declare void @may_throw()

define internal i32 @pick(i32 %x) {
entry:
  switch i32 %x, label %other [
    i32 0, label %zero
    i32 1, label %one
    i32 7, label %one
  ]
zero:
  ret i32 10
one:
  ret i32 11
other:
  %v = atomicrmw add ptr @counter, i32 1 seq_cst
  %w = load atomic i32, ptr @counter acquire, align 4
  %s = add i32 %v, %w
  ret i32 %s
}

define <4 x float> @vec(<4 x float> %a, <4 x float> %b) {
  %m = fmul <4 x float> %a, %b
  %e = extractelement <4 x float> %m, i32 1
  %i = insertelement <4 x float> %m, float %e, i32 3
  ret <4 x float> %i
}

define i32 @eh() personality ptr @__gxx_personality_v0 {
entry:
  invoke void @may_throw() to label %ok unwind label %lp
ok:
  ret i32 0
lp:
  %l = landingpad { ptr, i32 } cleanup
  ret i32 1
}

define i32 @main() {
entry:
  %a = alloca [16 x i32], align 16
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i2, %loop ]
  %p = getelementptr inbounds [16 x i32], ptr %a, i32 0, i32 %i
  %r = call i32 @pick(i32 %i)
  store i32 %r, ptr %p, align 4
  %i2 = add nuw nsw i32 %i, 1
  %c = icmp ult i32 %i2, 16
  br i1 %c, label %loop, label %done
done:
  %q = getelementptr inbounds [16 x i32], ptr %a, i32 0, i32 3
  %v = load i32, ptr %q, align 4
  %call = call i32 @puts(ptr @0)
  %sum = add i32 %v, %call
  ret i32 %sum
}
)";

std::vector<BenchmarkPtr> modules() {
  std::vector<BenchmarkPtr> out = {from_ir("benchmark://test/variety", kVarietyModule)};
  for (const char* name : {"crc32", "qsort"}) {
    if (auto b = bundled(name)) out.push_back(b);
  }
  return out;
}

// Each action from the initial state and from a partly optimised one.
TEST(LlvmActions, EveryActionRunsAndReportsItsEffectExactly) {
  const auto table = pass_table();
  for (const auto& b : modules()) {
    for (const bool optimised : {false, true}) {
      auto base = make_env();
      base->reset({.benchmark = b});
      if (optimised) {
        for (const char* f : {"-mem2reg", "-loop-rotate", "-instcombine"}) {
          base->step(action_space().index(f));
        }
      }
      const std::string before = ir_now(*base);
      for (Action a = 0; a < static_cast<Action>(table.size()); ++a) {
        auto env = base->fork();
        auto r = env->step(a);
        ASSERT_FALSE(r.info.failed())
            << table[a].flag << " on " << b->uri() << ": " << r.info.error_details;
        const bool unchanged = ir_now(*env) == before;
        EXPECT_EQ(r.info.action_had_no_effect, unchanged)
            << table[a].flag << " on " << b->uri() << (optimised ? " (optimised)" : "");
      }
    }
  }
}

TEST(LlvmActions, RandomEpisodesNoEffectMatchesModuleHash) {
  std::mt19937_64 rng(2024);
  for (const auto& b : modules()) {
    auto env = make_env();
    env->reset({.benchmark = b});
    std::string before = ir_now(*env);
    for (int step = 0; step < 60; ++step) {
      const Action a = sample_stable_action(rng);
      auto r = env->step(a);
      ASSERT_FALSE(r.info.failed()) << pass_table()[a].flag << ": " << r.info.error_details;
      const std::string after = ir_now(*env);
      EXPECT_EQ(r.info.action_had_no_effect, after == before)
          << pass_table()[a].flag << " at step " << step << " on " << b->uri();
      before = after;
    }
  }
}

}  // namespace
}  // namespace cgym::llvm
