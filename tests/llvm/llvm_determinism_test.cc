// The LLVM env's non-deterministic actions (found by
// scripts/determinism_campaign.sh, listed in docs/llvm-actions.md): their
// marks, the deterministic action space, the reward specs that follow the
// action space, and a replay of a found pass in several processes, with
// opt-19 and with cgym, that must agree with the campaign's verdict.
#include <gtest/gtest.h>

#include <set>

#include "backends/llvm/passes.h"
#include "cgym/subprocess.h"
#include "llvm/llvm_test_util.h"

namespace cgym::llvm {
namespace {

using testing::bundled;
using testing::ScratchDir;

std::set<std::string> marked() {
  std::set<std::string> out;
  for (const auto& n : non_deterministic_passes()) out.insert(n.flag);
  return out;
}

TEST(LlvmDeterminism, MarksMatchTheList) {
  const auto list = marked();
  ASSERT_FALSE(list.empty());
  // The leads of the issue and what the campaign found are all marked.
  for (const char* flag : {"-gvn-hoist", "-newgvn"}) EXPECT_TRUE(list.count(flag)) << flag;
  for (Action a = 0; a < action_space().size(); ++a) {
    const auto& info = action_space().info(a);
    EXPECT_EQ(info.deterministic, !list.count(info.name)) << info.name;
    EXPECT_EQ(is_deterministic(a), info.deterministic) << info.name;
  }
  for (const auto& n : non_deterministic_passes()) {
    EXPECT_TRUE(action_space().find(n.flag)) << n.flag << " is not an action";
    EXPECT_TRUE(std::string(n.what_varies) == "IR" ||
                std::string(n.what_varies) == "use-list order" ||
                std::string(n.what_varies) == "crash")
        << n.flag << ": " << n.what_varies;
  }
  EXPECT_THROW(is_deterministic(action_space().size()), ActionOutOfRange);
}

TEST(LlvmDeterminism, DeterministicSpaceIsTheRestInOrder) {
  const ActionSpace& d = deterministic_action_space();
  EXPECT_EQ(d.name(), kDeterministicActionSpaceName);
  EXPECT_EQ(d.size(), action_space().size() - static_cast<int>(marked().size()));
  const auto indices = pass_indices(d);
  ASSERT_EQ(indices.size(), static_cast<size_t>(d.size()));
  for (Action a = 0; a < d.size(); ++a) {
    EXPECT_TRUE(d.info(a).deterministic);
    EXPECT_EQ(d.action_name(a), pass_table()[indices[a]].flag);
    if (a > 0) {
      EXPECT_LT(indices[a - 1], indices[a]);
    }
  }
  EXPECT_EQ(action_spaces().size(), 2u);
  EXPECT_EQ(action_spaces()[0].name(), kActionSpaceName);
  EXPECT_THROW(pass_indices(ActionSpace("nope", {{"x", "x", "x"}})), LookupError);

  // Its command lines are the same opt-19 pipelines as the full space's.
  const std::vector<Action> ds = {d.index("-mem2reg"), d.index("-instcombine"), d.index("-gvn")};
  const std::vector<Action> full = {action_space().index("-mem2reg"),
                                    action_space().index("-instcombine"),
                                    action_space().index("-gvn")};
  EXPECT_EQ(d.to_commandline(ds), action_space().to_commandline(full));
  EXPECT_EQ(d.from_commandline(d.to_commandline(ds)), ds);
  EXPECT_EQ(d.from_commandline("opt -mem2reg -instcombine -gvn input.bc -o output.bc"), ds);
  try {
    d.from_commandline("opt-19 -passes='function(mem2reg),function(gvn-hoist)' in.bc -o out.bc");
    FAIL() << "a non-deterministic pass was parsed into the deterministic space";
  } catch (const LookupError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("-gvn-hoist"), std::string::npos) << what;
    EXPECT_NE(what.find("use the action space PassesLlvm19"), std::string::npos) << what;
  }
}

TEST(LlvmDeterminism, EnvSelectsTheSpaceAndTheRewardSpecsFollowIt) {
  CGYM_BUNDLED_OR_SKIP(b, "crc32");
  auto env = testing::make_env("llvm-ic-v0");
  ASSERT_EQ(env->action_spaces().size(), 2u);
  EXPECT_EQ(env->action_space().name(), kActionSpaceName);
  auto reward = [&](const std::string& name) {
    for (const auto& r : env->reward_spaces()) {
      if (r.name == name) return r;
    }
    ADD_FAILURE() << "no reward " << name;
    return RewardSpaceSpec{};
  };
  // In the default space, IR rewards depend on non-deterministic passes.
  EXPECT_FALSE(reward("IrInstructionCountOz").deterministic);
  EXPECT_EQ(reward("IrInstructionCountOz").deterministic_in,
            std::vector<std::string>{kDeterministicActionSpaceName});
  EXPECT_FALSE(reward("Runtime").deterministic);
  EXPECT_TRUE(reward("Runtime").deterministic_in.empty()) << "Runtime never is";

  env->reset({.benchmark = b, .action_space = std::string(kDeterministicActionSpaceName)});
  EXPECT_EQ(env->action_space().name(), kDeterministicActionSpaceName);
  EXPECT_TRUE(reward("IrInstructionCountOz").deterministic);
  EXPECT_TRUE(reward("IrInstructionCountOz").deterministic_in.empty());

  // An action index of the deterministic space runs its own pass, in forks
  // too, and its command line is opt-19's.
  const ActionSpace& d = env->action_space();
  const Action gvn = d.index("-gvn");
  ASSERT_NE(gvn, action_space().index("-gvn")) << "the spaces should differ before -gvn";
  env->step(d.index("-mem2reg"));
  auto fork = env->fork();
  env->step(gvn);
  fork->step(gvn);
  EXPECT_EQ(env->observation("Ir"), fork->observation("Ir"));
  EXPECT_EQ(env->commandline(),
            "opt-19 -passes='function(mem2reg),function(gvn)' input.bc -o output.bc");
  auto other = testing::make_env("llvm-ic-v0");
  other->reset({.benchmark = b});
  other->multistep(
      std::vector<Action>{action_space().index("-mem2reg"), action_space().index("-gvn")});
  EXPECT_EQ(other->observation("Ir"), env->observation("Ir"));
  EXPECT_THROW(env->step(d.size()), ActionOutOfRange);
  EXPECT_THROW(env->reset({.action_space = std::string("PassesLlvm18")}), LookupError);
}

// Runs `argv` in `runs` processes, each with a different heap layout (ASLR
// and a different environment size), and returns the distinct outputs.
std::set<std::string> outputs(std::vector<std::string> argv, int runs) {
  std::set<std::string> out;
  for (int i = 0; i < runs; ++i) {
    ProcessOptions o;
    o.argv = argv;
    o.timeout_seconds = 300;
    o.env["CGYM_LAYOUT_PAD"] = std::string(1 + 97 * i, 'x');
    auto r = check_process(o);
    out.insert(r.stdout_data);
  }
  return out;
}

// The campaign found -newgvn non-deterministic on bytecode_vm as it is
// loaded (3 different modules in 3 opt-19 processes): replaying it in
// several processes, opt-19 and cgym both give more than one module, and a
// sequence of deterministic passes gives one.
TEST(LlvmDeterminism, ReplaysInSeveralProcessesMatchTheCampaignsVerdict) {
  CGYM_TOOL_OR_SKIP(opt, "opt");
  CGYM_BUNDLED_OR_SKIP(b, "bytecode_vm");
  ScratchDir dir;
  const auto input = dir.path() / "bytecode_vm.bc";
  testing::write(input, b->data().program);
  constexpr int kRuns = 6;
  struct Case {
    std::vector<const char*> flags;
    bool deterministic;
  };
  for (const Case& c : {Case{{"-newgvn"}, false},
                        Case{{"-mem2reg", "-instcombine", "-simplifycfg", "-gvn"}, true}}) {
    std::vector<Action> actions;
    for (const char* f : c.flags) actions.push_back(action_space().index(f));
    const std::string commandline = action_space().to_commandline(actions);
    SCOPED_TRACE(commandline);
    bool verdict = true;
    for (Action a : actions) verdict &= is_deterministic(a);
    EXPECT_EQ(verdict, c.deterministic) << "the campaign's verdict, as marked in the table";
    const std::string pipeline = commandline.substr(
        commandline.find("'") + 1, commandline.rfind("'") - commandline.find("'") - 1);
    const auto by_opt = outputs(
        {opt, "-passes=" + pipeline, "-preserve-bc-uselistorder", input.string(), "-o", "-"},
        kRuns);
    const auto by_cgym = outputs(
        {CGYM_LLVM_REPLAY, "llvm-v0", "benchmark://cgym-v0/bytecode_vm", commandline}, kRuns);
    if (c.deterministic) {
      EXPECT_EQ(by_opt.size(), 1u);
      EXPECT_EQ(by_cgym.size(), 1u);
    } else {
      EXPECT_GT(by_opt.size(), 1u) << "opt-19 gave the same module " << kRuns << " times";
      EXPECT_GT(by_cgym.size(), 1u) << "cgym gave the same module " << kRuns << " times";
    }
    for (const auto& line : by_cgym) EXPECT_EQ(line.rfind("bitcode ", 0), 0u) << line;
  }
}

}  // namespace
}  // namespace cgym::llvm
