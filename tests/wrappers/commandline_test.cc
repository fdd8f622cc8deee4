#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cgym/cgym.h"
#include "wrappers/fake_ir_env.h"

namespace cgym {
namespace {

using ::testing::HasSubstr;

class CommandlineTest : public ::testing::Test {
 protected:
  void SetUp() override { wrappers_test::register_test_envs(); }
};

int64_t value(Env& env) { return env.observation("value").as<int64_t>(); }

// ---- ConstrainedCommandline ---------------------------------------------------

TEST_F(CommandlineTest, ConstrainedSpaceIsTheSubsetInOrder) {
  auto env = ConstrainedCommandline(make("toy-v0"), {"--double", "inc", "--noop"});
  const auto& space = env->action_space();
  ASSERT_EQ(space.size(), 3);
  EXPECT_EQ(space.name(), "toy:constrained");
  EXPECT_EQ(space.action_name(0), "double");
  EXPECT_EQ(space.flag(1), "--inc");
  EXPECT_EQ(space.action_name(2), "noop");
  EXPECT_EQ(env->action_spaces().size(), 1u);
  EXPECT_EQ(env->flags(), (std::vector<std::string>{"--double", "inc", "--noop"}));
  EXPECT_EQ(env->action(0), 2);
  EXPECT_EQ(env->reverse_action(0), std::optional<Action>(1));
  EXPECT_EQ(env->reverse_action(1), std::nullopt);
  EXPECT_EQ(ConstrainedCommandline(make("toy-v0"), {"inc"}, "mine")->action_space().name(), "mine");
}

TEST_F(CommandlineTest, ConstrainedTranslatesIndicesBothWays) {
  auto env = ConstrainedCommandline(make("toy-v0"), {"--double", "--inc"});
  env->reset();
  env->step(0);                               // double: 1 -> 2
  env->step(1);                               // inc: 2 -> 3
  env->multistep(std::vector<Action>{0, 1});  // 3 -> 6 -> 7
  EXPECT_EQ(value(*env), 7);
  EXPECT_EQ(env->actions(), (std::vector<Action>{0, 1, 0, 1}));
  EXPECT_EQ(env->env().actions(), (std::vector<Action>{2, 0, 2, 0}));
  EXPECT_EQ(env->commandline(), "toyc --double --inc --double --inc prog.toy");
  EXPECT_EQ(env->action_space().to_commandline(env->actions()), env->commandline());
  EXPECT_EQ(env->from_commandline("toyc --inc --inc --double prog.toy"),
            (std::vector<Action>{1, 1, 0}));
  EXPECT_EQ(env->action_space().from_commandline("toyc --inc --double prog.toy"),
            (std::vector<Action>{1, 0}));
  EXPECT_EQ(env->state().commandline, env->commandline());

  // apply() and validate() round-trip through the wrapper.
  const EnvState s = env->state();
  auto other = ConstrainedCommandline(make("toy-v0"), {"--double", "--inc"});
  other->apply(s);
  EXPECT_EQ(value(*other), 7);
  EXPECT_EQ(other->actions(), env->actions());
  EXPECT_TRUE(other->validate(s).okay());
}

TEST_F(CommandlineTest, ConstrainedMisuse) {
  try {
    ConstrainedCommandline(make("toy-v0"), {"--inc", "--gvn"});
    FAIL() << "expected LookupError";
  } catch (const LookupError& e) {
    EXPECT_THAT(e.what(), HasSubstr("'--gvn'"));
    // Lists the valid flags.
    for (const char* f : {"--inc", "--dec", "--double", "--noop", "--end"}) {
      EXPECT_THAT(e.what(), HasSubstr(f));
    }
  }
  EXPECT_THROW(ConstrainedCommandline(make("toy-v0"), {}), InvalidArgument);
  EXPECT_THROW(ConstrainedCommandline(make("toy-v0"), {"inc", "--inc"}), InvalidArgument);

  auto env = ConstrainedCommandline(make("toy-v0"), {"--double", "--inc"});
  EXPECT_THROW(env->step(0), StateError);
  env->reset();
  EXPECT_THROW(env->step(2), ActionOutOfRange);
  EXPECT_THROW(env->step(-1), ActionOutOfRange);
  EXPECT_THROW(env->multistep(std::vector<Action>{0, 5}), ActionOutOfRange);
  EXPECT_EQ(value(*env), 1);
  EXPECT_TRUE(env->actions().empty());
  try {
    env->from_commandline("toyc --inc --dec prog.toy");
    FAIL() << "expected LookupError";
  } catch (const LookupError& e) {
    EXPECT_THAT(e.what(), HasSubstr("'--dec'"));
    EXPECT_THAT(e.what(), HasSubstr("--double, --inc"));
  }
  EXPECT_THROW(env->from_commandline("toyc --bogus prog.toy"), LookupError);
  EXPECT_THROW(env->apply(EnvState{.benchmark = "benchmark://toy-v0/1",
                                   .commandline = "toyc --zero prog.toy"}),
               LookupError);
}

TEST_F(CommandlineTest, ConstrainedFollowsADynamicActionSpace) {
  auto env = ConstrainedCommandline(make("toy-v0"), {"--more", "--inc"});
  env->reset();
  auto r = env->step(0);  // switches the toy to "toy-more"
  EXPECT_TRUE(r.info.new_action_space);
  EXPECT_EQ(env->env().action_space().name(), "toy-more");
  EXPECT_EQ(env->action_space().name(), "toy-more:constrained");
  env->step(1);
  EXPECT_EQ(value(*env), 2);

  // A subset that only the second space has.
  auto inner = make("toy-v0");
  inner->reset(ResetOptions{.action_space = "toy-more"});
  auto more = ConstrainedCommandline(std::move(inner), {"--triple"});
  more->step(0);
  EXPECT_EQ(value(*more), 3);
  EXPECT_THROW(more->reset(ResetOptions{.action_space = "toy"}), LookupError);
}

TEST_F(CommandlineTest, ConstrainedKeepsACustomFormat) {
  // fakeir has a prefix and a two-token suffix.
  auto env = ConstrainedCommandline(make("fakeir-v0"), {"-double", "-inc"});
  env->reset();
  env->step(1);
  env->step(0);
  EXPECT_EQ(env->commandline(), "fake-opt -inc -double in.ll -o out.ll");
  EXPECT_EQ(env->from_commandline(env->commandline()), (std::vector<Action>{1, 0}));
}

// ---- CommandlineWithTerminalAction -----------------------------------------------

TEST_F(CommandlineTest, TerminalActionIsAddedLast) {
  auto env = CommandlineWithTerminalAction(make("toy-v0"));
  const auto& space = env->action_space();
  ASSERT_EQ(space.size(), 9);
  EXPECT_EQ(space.name(), "toy+terminal");
  EXPECT_EQ(env->terminal_action(), 8);
  EXPECT_EQ(space.action_name(8), "-terminal");
  EXPECT_EQ(space.action_name(0), "inc");
  EXPECT_EQ(env->terminal_flag(), "-terminal");
}

TEST_F(CommandlineTest, TerminalActionEndsTheEpisode) {
  auto env = CommandlineWithTerminalAction(make("toy-reward-v0"));
  env->reset();
  env->step(0);
  auto r = env->step(8);
  EXPECT_TRUE(r.done);
  EXPECT_FALSE(r.info.failed());
  EXPECT_FALSE(r.info.truncated);
  EXPECT_DOUBLE_EQ(r.reward, 0.0);
  // The observation of the current state, as an empty step returns it.
  EXPECT_EQ(r.observation, Observation(std::vector<int64_t>{2, 1}));
  EXPECT_TRUE(env->terminated());
  EXPECT_FALSE(env->in_episode());
  EXPECT_EQ(env->actions(), (std::vector<Action>{0, 8}));
  EXPECT_EQ(env->env().actions(), (std::vector<Action>{0}));
  EXPECT_EQ(env->commandline(), "toyc --inc prog.toy -terminal");
  EXPECT_EQ(env->action_space().to_commandline(env->actions()), env->commandline());
  EXPECT_THROW(env->step(0), StateError);
  EXPECT_THROW(env->step(8), StateError);
  EXPECT_EQ(value(*env), 2);

  // validate() strips the flag before the env replays the state.
  auto v = env->validate();
  EXPECT_TRUE(v.okay()) << v.to_string();
  EXPECT_EQ(v.state.commandline, "toyc --inc prog.toy -terminal");

  env->reset();
  EXPECT_FALSE(env->terminated());
  EXPECT_TRUE(env->in_episode());
  EXPECT_TRUE(env->actions().empty());
  EXPECT_FALSE(env->step(0).done);
}

TEST_F(CommandlineTest, TerminalActionInAMultistep) {
  auto env = CommandlineWithTerminalAction(make("toy-v0"));
  env->reset();
  auto r = env->multistep(std::vector<Action>{0, 2, 8, 0, 0});
  EXPECT_TRUE(r.done);
  EXPECT_EQ(value(*env), 4);  // (1 + 1) * 2, nothing after the terminal
  EXPECT_EQ(env->actions(), (std::vector<Action>{0, 2, 8}));
  // Ranges are checked before anything is applied, after the terminal too.
  env->reset();
  EXPECT_THROW(env->multistep(std::vector<Action>{0, 8, 9}), ActionOutOfRange);
  EXPECT_EQ(value(*env), 1);
  // An env-ended episode before the terminal: the terminal is not taken.
  r = env->multistep(std::vector<Action>{0, 6, 8});
  EXPECT_TRUE(r.done);
  EXPECT_FALSE(env->terminated());
  EXPECT_EQ(env->actions(), (std::vector<Action>{0, 6}));
}

TEST_F(CommandlineTest, TerminalActionParsing) {
  auto env = CommandlineWithTerminalAction(make("fakeir-v0"));
  EXPECT_EQ(env->terminal_action(), 5);
  EXPECT_EQ(env->from_commandline("fake-opt -inc -dec in.ll -o out.ll -terminal"),
            (std::vector<Action>{0, 1, 5}));
  EXPECT_EQ(env->from_commandline("fake-opt -inc -dec -terminal in.ll -o out.ll"),
            (std::vector<Action>{0, 1, 5}));
  EXPECT_EQ(env->from_commandline("fake-opt -inc in.ll -o out.ll"), (std::vector<Action>{0}));
  EXPECT_EQ(env->from_commandline("fake-opt -terminal in.ll -o out.ll"), (std::vector<Action>{5}));
  EXPECT_THROW(env->from_commandline("fake-opt -terminal -inc in.ll -o out.ll"), InvalidArgument);
  EXPECT_THROW(env->from_commandline("fake-opt -inc -terminal in.ll -o out.ll -terminal"),
               InvalidArgument);
  EXPECT_THROW(env->from_commandline("fake-opt -gvn in.ll -o out.ll"), LookupError);

  // apply() of a terminated state ends the episode again.
  auto r = env->apply(EnvState{.benchmark = "benchmark://toy-v0/5",
                               .commandline = "fake-opt -double in.ll -o out.ll -terminal"});
  EXPECT_TRUE(r.done);
  EXPECT_TRUE(env->terminated());
  EXPECT_EQ(env->observation("IrInstructionCount").as<int64_t>(),
            wrappers_test::fake_instruction_count(10));
  EXPECT_EQ(env->state().commandline, "fake-opt -double in.ll -o out.ll -terminal");
}

TEST_F(CommandlineTest, TerminalActionFollowsADynamicActionSpace) {
  auto env = CommandlineWithTerminalAction(make("toy-v0"), "STOP");
  env->reset();
  EXPECT_EQ(env->terminal_action(), 8);
  env->step(7);  // "more": toy-more has 9 actions
  EXPECT_EQ(env->action_space().name(), "toy-more+terminal");
  EXPECT_EQ(env->terminal_action(), 9);
  env->step(8);  // triple
  EXPECT_EQ(value(*env), 3);
  EXPECT_TRUE(env->step(9).done);
  EXPECT_EQ(env->commandline(), "toyc --more --triple prog.toy STOP");
}

TEST_F(CommandlineTest, TerminalActionMisuse) {
  EXPECT_THROW(CommandlineWithTerminalAction(make("toy-v0"), ""), InvalidArgument);
  EXPECT_THROW(CommandlineWithTerminalAction(make("toy-v0"), "a b"), InvalidArgument);
  EXPECT_THROW(CommandlineWithTerminalAction(make("toy-v0"), "--inc"), InvalidArgument);
  EXPECT_THROW(CommandlineWithTerminalAction(make("toy-v0"), "end"), InvalidArgument);
  auto env = CommandlineWithTerminalAction(make("toy-v0"));
  EXPECT_THROW(env->step(8), StateError);  // before reset
  env->reset();
  EXPECT_THROW(env->step(9), ActionOutOfRange);
}

TEST_F(CommandlineTest, ForksCopyTheTranslationAndTheTerminalState) {
  auto env =
      CommandlineWithTerminalAction(ConstrainedCommandline(make("toy-v0"), {"--double", "--inc"}));
  ASSERT_EQ(env->action_space().size(), 3);
  env->reset();
  env->step(1);  // inc
  auto fork = env->fork();
  EXPECT_EQ(fork->actions(), env->actions());
  EXPECT_EQ(fork->action_space().size(), 3);
  fork->step(0);  // double
  EXPECT_TRUE(fork->step(2).done);
  EXPECT_EQ(fork->commandline(), "toyc --inc --double prog.toy -terminal");
  // The original is untouched and still in its episode.
  EXPECT_TRUE(env->in_episode());
  EXPECT_EQ(env->commandline(), "toyc --inc prog.toy");
  env->step(1);
  EXPECT_EQ(value(*env), 3);
  EXPECT_EQ(value(*fork), 4);
  // A fork of a terminated episode stays terminated.
  auto fork2 = fork->fork();
  EXPECT_FALSE(fork2->in_episode());
  EXPECT_THROW(fork2->step(0), StateError);
}

}  // namespace
}  // namespace cgym
