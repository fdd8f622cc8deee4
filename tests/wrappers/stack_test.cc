// Wrappers stacked in several orders, and forks of whole stacks.
#include <gtest/gtest.h>

#include <functional>

#include "cgym/cgym.h"
#include "wrappers/fake_ir_env.h"

namespace cgym {
namespace {

class StackTest : public ::testing::Test {
 protected:
  void SetUp() override { wrappers_test::register_test_envs(); }
};

const std::vector<std::string> kUris = {"benchmark://toy-v0/3", "benchmark://toy-v0/8",
                                        "benchmark://toy-v0/5"};
const std::vector<std::string> kFlags = {"--inc", "--double", "--dec"};

// What one step looks like from the outside.
struct Step {
  Observation observation;
  double reward;
  bool done, truncated, failed;
  std::string commandline;
  double episode_reward;
  bool in_episode;
  int64_t value;

  bool operator==(const Step&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Step& s) {
  return os << "{obs " << s.observation.to_display_string() << ", reward " << s.reward << ", done "
            << s.done << ", truncated " << s.truncated << ", failed " << s.failed << ", '"
            << s.commandline << "', episode " << s.episode_reward << ", value " << s.value << "}";
}

Step record(Env& env, const StepResult& r) {
  return Step{r.observation,        r.reward,         r.done,
              r.info.truncated,     r.info.failed(),  env.commandline(),
              env.episode_reward(), env.in_episode(), env.observation("value").as<int64_t>()};
}

// Runs episodes of `actions` (in the wrapper's indices): a reset, then steps
// until done. Returns everything seen.
std::vector<Step> run_episodes(Env& env, const std::vector<Action>& actions, int episodes) {
  std::vector<Step> out;
  for (int e = 0; e < episodes; ++e) {
    auto r = env.reset();
    out.push_back(record(env, r));
    for (Action a : actions) {
      r = env.step(a);
      out.push_back(record(env, r));
      if (r.done) break;
    }
  }
  return out;
}

using Factory = std::function<EnvPtr()>;

std::vector<std::pair<std::string, Factory>> orders() {
  auto env = [] { return make("toy-reward-v0"); };
  return {
      {"TimeLimit(Constrained(Cycle))",
       [=] {
         return TimeLimit(ConstrainedCommandline(CycleOverBenchmarks(env(), kUris), kFlags), 4);
       }},
      {"Cycle(TimeLimit(Constrained))",
       [=] {
         return CycleOverBenchmarks(TimeLimit(ConstrainedCommandline(env(), kFlags), 4), kUris);
       }},
      {"Constrained(TimeLimit(Cycle))",
       [=] {
         return ConstrainedCommandline(TimeLimit(CycleOverBenchmarks(env(), kUris), 4), kFlags);
       }},
      {"Counter(ForkOnStep(Constrained(Cycle(TimeLimit))))",
       [=] {
         return Counter(ForkOnStep(
             ConstrainedCommandline(CycleOverBenchmarks(TimeLimit(env(), 4), kUris), kFlags)));
       }},
  };
}

TEST_F(StackTest, EveryOrderBehavesTheSame) {
  const std::vector<Action> script = {0, 1, 2, 0, 1, 1};
  std::vector<Step> reference;
  for (const auto& [name, factory] : orders()) {
    auto env = factory();
    EXPECT_EQ(env->action_space().size(), 3) << name;
    auto steps = run_episodes(*env, script, 4);
    if (reference.empty()) {
      reference = steps;
      continue;
    }
    EXPECT_EQ(steps, reference) << name;
  }
  // The independent truth: per episode, the cycle's benchmark, the actions
  // translated (inc, double, dec, inc), truncated after 4.
  ASSERT_EQ(reference.size(), 4u * 5u);
  const int64_t starts[] = {3, 8, 5, 3};
  for (int e = 0; e < 4; ++e) {
    int64_t v = starts[e];
    EXPECT_EQ(reference[e * 5].value, v);
    v = ((v + 1) * 2 - 1) + 1;
    EXPECT_EQ(reference[e * 5 + 4].value, v);
    EXPECT_TRUE(reference[e * 5 + 4].done);
    EXPECT_TRUE(reference[e * 5 + 4].truncated);
    EXPECT_FALSE(reference[e * 5 + 3].done);
    EXPECT_EQ(reference[e * 5 + 4].commandline, "toyc --inc --double --dec --inc prog.toy");
  }
}

TEST_F(StackTest, ForksOfEveryOrderAreEquivalentAndIndependent) {
  for (const auto& [name, factory] : orders()) {
    SCOPED_TRACE(name);
    auto env = factory();
    env->reset();  // toy-v0/3
    env->step(0);
    env->step(1);
    auto fork = env->fork();
    EXPECT_EQ(fork->commandline(), env->commandline());
    EXPECT_EQ(fork->actions(), env->actions());
    EXPECT_DOUBLE_EQ(fork->episode_reward(), env->episode_reward());
    // Identical afterwards: the rest of this episode and the next ones (the
    // cycle position and the step counter were copied).
    std::vector<Step> a;
    for (Action act : {2, 0}) {
      a.push_back(record(*env, env->step(act)));
    }
    auto b = std::vector<Step>{};
    for (Action act : {2, 0}) {
      b.push_back(record(*fork, fork->step(act)));
    }
    EXPECT_EQ(a, b);
    EXPECT_TRUE(a.back().truncated);
    EXPECT_EQ(run_episodes(*env, {0, 0, 0, 0, 0}, 2), run_episodes(*fork, {0, 0, 0, 0, 0}, 2));
    // Independent: stepping the fork leaves the original alone.
    env->reset();
    fork->reset();
    fork->step(1);
    fork->step(1);
    // Both cycled back to toy-v0/3.
    EXPECT_EQ(env->observation("value").as<int64_t>(), 3);
    EXPECT_EQ(fork->observation("value").as<int64_t>(), 12);
    EXPECT_TRUE(env->actions().empty());
    fork->close();
    EXPECT_FALSE(env->is_closed());
    env->step(0);
  }
}

TEST_F(StackTest, EveryWrapperStackedAndForked) {
  // All the wrappers at once, on the fake LLVM-like env (the script never
  // reaches 13, where its Runtime fails).
  TempDir dir("cgym-stack-test");
  auto build = [&] {
    return Counter(ForkOnStep(CommandlineWithTerminalAction(
        ValidateBenchmarkAfterEveryStep(
            TimeLimit(SqliteLogger(RuntimePointEstimateReward(
                                       RandomOrderBenchmarks(make("fakeir-v0"), kUris, 11), 3),
                                   dir.path() / "states.db"),
                      5),
            -50),
        "-stop")));
  };
  auto env = build();
  ASSERT_EQ(env->action_space().size(), 6);  // 5 fakeir actions + -stop
  env->reset();
  env->step(0);
  env->step(2);
  auto fork = env->fork();
  auto* counter = dynamic_cast<CounterWrapper*>(fork.get());
  ASSERT_NE(counter, nullptr);
  for (Action a : {1, 0}) {
    auto x = env->step(a);
    auto y = fork->step(a);
    EXPECT_DOUBLE_EQ(x.reward, y.reward);
    EXPECT_EQ(x.done, y.done);
    EXPECT_EQ(env->commandline(), fork->commandline());
    EXPECT_EQ(env->observation("IrInstructionCount"), fork->observation("IrInstructionCount"));
  }
  // The terminal action ends the episode before the limit.
  auto r = env->step(5);
  EXPECT_TRUE(r.done);
  EXPECT_FALSE(r.info.truncated);
  EXPECT_EQ(env->commandline(), "fake-opt -inc -double -dec -inc in.ll -o out.ll -stop");
  // The fork runs into the time limit instead.
  r = fork->step(3);
  EXPECT_TRUE(r.done);
  EXPECT_TRUE(r.info.truncated);
  // Undo below the counter, in the fork only.
  find_wrapper<ForkOnStepWrapper>(*fork)->undo();
  EXPECT_EQ(fork->actions().size(), 4u);
  // Next episodes: the random benchmark sequence was copied.
  env->reset();
  fork->reset();
  EXPECT_EQ(env->benchmark()->uri(), fork->benchmark()->uri());
  EXPECT_EQ(counter->counts().reset, 2);
  EXPECT_EQ(find_wrapper<CounterWrapper>(*env)->counts().step, 5);
  env->close();
  fork->close();
}

}  // namespace
}  // namespace cgym
