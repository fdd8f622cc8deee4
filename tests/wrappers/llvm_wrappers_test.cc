// The SqliteLogger and RuntimePointEstimateReward on the real LLVM envs
// (built only with CGYM_WITH_LLVM). The expected values are the env's own
// observations, read through the public API.
#include <gtest/gtest.h>

#include <algorithm>

#include "cgym/cgym.h"
#include "wrappers/db_reader.h"

namespace cgym {
namespace {

using wrappers_test::decompress;
using wrappers_test::Reader;

// Resets `env`, skipping the test when the bundled benchmarks are not built.
#define RESET_OR_SKIP(env)                                                       \
  try {                                                                          \
    (env)->reset();                                                              \
  } catch (const BenchmarkInitError& e) {                                        \
    GTEST_SKIP() << "the default benchmark cannot be loaded here: " << e.what(); \
  } catch (const LookupError& e) {                                               \
    GTEST_SKIP() << "the default benchmark is not available here: " << e.what(); \
  }

TEST(LlvmWrappers, LoggerStoresTheLlvmObservations) {
  TempDir dir("cgym-llvm-logger-test");
  const auto path = dir.path() / "llvm.db";
  struct Expected {
    std::string sha1, ir, commandline;
    int64_t count;
    std::string autophase, instcount;
  };
  std::vector<Expected> expected;
  {
    auto env = SqliteLogger(make("llvm-ic-v0"), path);
    RESET_OR_SKIP(env);
    auto record = [&] {
      expected.push_back({env->observation("IrSha1").as<std::string>(),
                          env->observation("Ir").as<std::string>(), env->commandline(),
                          env->observation("IrInstructionCount").as<int64_t>(),
                          env->observation("Autophase").to_json().dump(),
                          env->observation("InstCount").to_json().dump()});
    };
    record();
    for (const char* flag : {"-mem2reg", "-instcombine", "-simplifycfg"}) {
      env->step(env->action_space().index(flag));
      record();
    }
  }
  Reader db(path);
  EXPECT_EQ(db.integrity(), "ok");
  auto states = db.rows("SELECT state_id, actions FROM States ORDER BY id");
  ASSERT_EQ(states.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(states[i][0], expected[i].sha1);
    EXPECT_EQ(states[i][1], expected[i].commandline);
    auto obs = db.rows(
        "SELECT ir_instruction_count, compressed_ir, autophase, instcount FROM Observations "
        "WHERE state_id = '" +
        expected[i].sha1 + "'");
    ASSERT_EQ(obs.size(), 1u) << i;
    EXPECT_EQ(std::stoll(obs[0][0]), expected[i].count);
    EXPECT_EQ(decompress(obs[0][1]), expected[i].ir);
    EXPECT_EQ(obs[0][2], expected[i].autophase);
    EXPECT_EQ(obs[0][3], expected[i].instcount);
  }
  // mem2reg changes crc32, so the states differ.
  EXPECT_NE(expected[0].sha1, expected[1].sha1);
}

TEST(LlvmWrappers, RuntimePointEstimateOnTheLlvmEnv) {
  if (!find_program("clang-19") && !find_program("clang")) GTEST_SKIP() << "clang is not installed";
  auto env = RuntimePointEstimateReward(make("llvm-v0"), 3, 1, Estimator::kMin);
  RESET_OR_SKIP(env);
  // The LLVM env takes CompilerGym's session parameters.
  EXPECT_TRUE(env->runs_enforced());
  auto before = env->observation("Runtime").as<std::vector<double>>();
  ASSERT_EQ(before.size(), 3u);
  EXPECT_DOUBLE_EQ(env->current_estimate(), *std::min_element(before.begin(), before.end()));
  auto r = env->step(env->action_space().index("-mem2reg"));
  ASSERT_FALSE(r.info.failed()) << r.info.error_details;
  // The observation the wrapper measured is cached until the next action.
  auto after = env->observation("Runtime").as<std::vector<double>>();
  ASSERT_EQ(after.size(), 3u);
  EXPECT_DOUBLE_EQ(r.reward, *std::min_element(before.begin(), before.end()) -
                                 *std::min_element(after.begin(), after.end()));
  EXPECT_DOUBLE_EQ(env->episode_reward(), r.reward);
}

}  // namespace
}  // namespace cgym
