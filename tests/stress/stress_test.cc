// The `stress` label: random episodes on generated programs (csmith-v0,
// llvm-stress-v0) in both isolation modes. The host must survive every one
// of them, and every failure must come back as done + error details; see
// stress_harness.h for the knobs and the log. scripts/stress_campaign.sh runs
// this binary with larger counts.
#include <gtest/gtest.h>

#include "cgym/datasets.h"
#include "cgym/subprocess.h"
#include "stress/stress_harness.h"

using namespace cgym;
using namespace cgym::stress;

namespace {

bool have_csmith() {
  return find_program("csmith") && std::filesystem::exists("/usr/include/csmith/csmith.h");
}

bool have_llvm_stress() {
  try {
    llvm_tool("llvm-stress");
    return true;
  } catch (const EnvironmentNotSupported&) {
    return false;
  }
}

Config base_config(const std::string& name, const std::string& env_id) {
  Config c;
  c.name = name;
  c.env_id = env_id;
  c.programs = static_cast<int>(env_int("CGYM_STRESS_PROGRAMS", 4));
  c.steps = static_cast<int>(env_int("CGYM_STRESS_STEPS", 40));
  c.seed = static_cast<uint64_t>(env_int("CGYM_STRESS_SEED", 1));
  c.step_timeout_seconds = static_cast<double>(env_int("CGYM_STRESS_STEP_TIMEOUT", 60));
  return c;
}

void check(const Stats& stats) {
  EXPECT_EQ(stats.violations, 0);
  EXPECT_GT(stats.programs, 0);
}

}  // namespace

TEST(StressLlvm, CsmithPrograms) {
  if (!have_csmith()) GTEST_SKIP() << "csmith or libcsmith-dev is not installed";
  auto c = base_config("StressLlvm.CsmithPrograms", "llvm-v0");
  c.generators = {"generator://csmith-v0"};
  c.reward_space = "IrInstructionCount";
  c.final_observation = "Autophase";
  c.fork_every = 8;
  check(run(c));
}

// LLVM 19's -scalarizer crashes on many llvm-stress programs, and not
// cleanly: it writes to freed memory, so the crash may strike at another
// step or not at all, and in process the heap it leaves behind can abort
// the host later (the stress campaign saw "free(): corrupted unsorted
// chunks"). CrashRecoveryContext cannot undo that; a worker can. So the
// two-mode test leaves -scalarizer out (CGYM_STRESS_ALL_ACTIONS=1 puts it
// back), and the worker-only test below keeps every action.
bool all_actions() { return env_int("CGYM_STRESS_ALL_ACTIONS", 0) != 0; }

TEST(StressLlvm, LlvmStressPrograms) {
  if (!have_llvm_stress()) GTEST_SKIP() << "llvm-stress-19 is not installed (package llvm-19)";
  auto c = base_config("StressLlvm.LlvmStressPrograms", "llvm-v0");
  // llvm-stress programs are about 100 instructions: ten times as many.
  c.programs *= 10;
  c.generators = {"generator://llvm-stress-v0"};
  c.reward_space = "IrInstructionCount";
  c.final_observation = "Autophase";
  c.fork_every = 8;
  if (!all_actions()) c.excluded_actions = {"-scalarizer"};
  check(run(c));
}

TEST(StressLlvm, LlvmStressProgramsInAWorker) {
  if (!have_llvm_stress()) GTEST_SKIP() << "llvm-stress-19 is not installed (package llvm-19)";
  auto c = base_config("StressLlvm.LlvmStressProgramsInAWorker", "llvm-v0");
  c.programs *= 10;
  c.isolations = {Isolation::kProcess};
  c.generators = {"generator://llvm-stress-v0"};
  c.reward_space = "IrInstructionCount";
  c.fork_every = 8;
  check(run(c));
}

TEST(StressGcc, CsmithPrograms) {
  if (!have_csmith()) GTEST_SKIP() << "csmith or libcsmith-dev is not installed";
  try {
    make("gcc-v0");
  } catch (const EnvironmentNotSupported& e) {
    GTEST_SKIP() << "gcc-v0 is not supported here: " << e.what();
  }
  auto c = base_config("StressGcc.CsmithPrograms", "gcc-v0");
  // Every gcc step is a compile of a csmith program: fewer of them.
  c.programs = static_cast<int>(env_int("CGYM_STRESS_GCC_PROGRAMS", 1));
  c.steps = static_cast<int>(env_int("CGYM_STRESS_GCC_STEPS", 5));
  c.generators = {"generator://csmith-v0"};
  c.reward_space = "asm_size";
  c.final_observation = "obj_size";
  c.fork_every = 4;
  check(run(c));
}
