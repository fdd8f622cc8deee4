// The conformance suite: the same checks on every registered env (the
// built-in backends and the test-only toy envs). Episodes are short so that
// slow compilers (gcc, nvcc) keep the suite fast; each env is used with its
// own defaults.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "cgym/cgym.h"
#include "toy/toy_backend.h"

using namespace cgym;

namespace {

constexpr int kSteps = 4;

struct Case {
  std::string id;
  Isolation isolation;
  // Set for the cases of one action space on one benchmark.
  std::string action_space;
  std::string benchmark;
  int steps = kSteps;
};

// Test names and failure messages show the case, not its bytes.
void PrintTo(const Case& c, std::ostream* os) {
  *os << c.id << (c.isolation == Isolation::kProcess ? " (worker)" : " (in-process)");
  if (!c.action_space.empty()) *os << " " << c.action_space;
  if (!c.benchmark.empty()) *os << " " << c.benchmark;
}

#ifndef CGYM_CONFORMANCE_DETERMINISTIC_SPACE
std::vector<Case> all_cases() {
  toy::register_toy_envs();
  std::vector<Case> cases;
  for (const auto& e : list_envs()) {
    cases.push_back({e.id, Isolation::kInProcess});
    cases.push_back({e.id, Isolation::kProcess});
  }
  return cases;
}
#else
// The LLVM env's deterministic action space on every bundled program, with
// longer episodes: its determinism check must hold on each of them.
std::vector<Case> all_cases() {
  std::vector<Case> cases;
  bool registered = false;
  for (const auto& e : list_envs()) registered |= e.id == "llvm-ic-v0";
  if (!registered) return cases;
  std::ifstream in(CGYM_SOURCE_DIR "/datasets/cgym-v0/manifest.json");
  for (const auto& p : nlohmann::json::parse(in)) {
    cases.push_back({"llvm-ic-v0", Isolation::kInProcess, "PassesLlvm19Deterministic",
                     "benchmark://cgym-v0/" + p.at("name").get<std::string>(), 3 * kSteps});
  }
  return cases;
}
#endif

class Conformance : public ::testing::TestWithParam<Case> {
 protected:
  std::string id() const { return GetParam().id; }
  int steps() const { return GetParam().steps; }
  EnvPtr make_other() {
    MakeOptions options{.isolation = GetParam().isolation};
    if (!GetParam().action_space.empty()) options.action_space = GetParam().action_space;
    if (!GetParam().benchmark.empty()) options.benchmark = GetParam().benchmark;
    return make(id(), options);
  }
  EnvPtr make_env() {
    try {
      return make_other();
    } catch (const EnvironmentNotSupported& e) {
      skip_reason_ = e.what();
      return nullptr;
    }
  }
  std::string skip_reason_;
  // Compares two results of the same step on two copies of an episode.
  void expect_same(const Env& env, const StepResult& a, const StepResult& b) {
    EXPECT_EQ(a.done, b.done);
    EXPECT_EQ(a.info.error_type, b.info.error_type) << a.info.error_details;
    if (env.observation_space()) {
      const auto& spec = env.observation_space_spec(*env.observation_space());
      if (spec.deterministic) {
        EXPECT_EQ(a.observation, b.observation);
      }
    }
    if (auto r = env.reward_space()) {
      for (const auto& spec : env.reward_spaces()) {
        if (spec.name == *r && spec.deterministic) {
          EXPECT_NEAR(a.reward, b.reward, 1e-9);
        }
      }
    }
  }
};

#define MAKE_OR_SKIP(var) \
  auto var = make_env();  \
  if (!var) GTEST_SKIP() << id() << " is not supported here: " << skip_reason_;

TEST_P(Conformance, RandomEpisode) {
  MAKE_OR_SKIP(env);
  Rng rng(1234);
  auto r = env->reset();
  if (env->observation_space()) {
    const auto& spec = env->observation_space_spec(*env->observation_space());
    EXPECT_TRUE(spec.space.contains(r.observation)) << spec.name;
  }
  for (int i = 0; i < steps(); ++i) {
    auto s = env->step(env->action_space().sample(rng));
    EXPECT_TRUE(std::isfinite(s.reward));
    if (env->observation_space() && !s.info.failed()) {
      const auto& spec = env->observation_space_spec(*env->observation_space());
      EXPECT_TRUE(spec.space.contains(s.observation))
          << spec.name << " = " << s.observation.to_display_string().substr(0, 200);
    }
    if (s.done) {
      if (s.info.failed()) {
        EXPECT_FALSE(s.info.error_details.empty());
      }
      env->reset();
    }
  }
  EXPECT_GE(env->episode_walltime(), 0.0);
}

TEST_P(Conformance, ForkEquivalence) {
  MAKE_OR_SKIP(env);
  Rng rng(99);
  env->reset();
  env->step(env->action_space().sample(rng));
  if (!env->in_episode()) GTEST_SKIP() << "the first action ended the episode";
  auto fork = env->fork();
  EXPECT_EQ(fork->actions(), env->actions());
  EXPECT_EQ(fork->state(), env->state());
  for (int i = 0; i < steps() - 1 && env->in_episode(); ++i) {
    Action a = env->action_space().sample(rng);
    auto r1 = env->step(a);
    auto r2 = fork->step(a);
    expect_same(*env, r1, r2);
  }
  EXPECT_EQ(fork->state(), env->state());
  fork->close();
  EXPECT_FALSE(env->is_closed());
}

TEST_P(Conformance, StateReplay) {
  MAKE_OR_SKIP(env);
  Rng rng(7);
  env->reset();
  for (int i = 0; i < steps() && env->in_episode(); ++i) env->step(env->action_space().sample(rng));
  EnvState s = env->state();
  EXPECT_EQ(env->from_commandline(s.commandline), env->actions());
  auto other = make_other();
  other->apply(s);
  bool deterministic = true;
  for (const auto& spec : env->reward_spaces()) {
    if (env->reward_space() && spec.name == *env->reward_space())
      deterministic = spec.deterministic;
  }
  EXPECT_EQ(other->actions(), env->actions());
  if (deterministic) {
    EXPECT_EQ(other->state(), s);
  }
}

TEST_P(Conformance, DeterministicForTheSameSeed) {
  MAKE_OR_SKIP(a);
  auto b = make_other();
  Rng ra(5), rb(5);
  auto r1 = a->reset();
  auto r2 = b->reset();
  expect_same(*a, r1, r2);
  for (int i = 0; i < steps() && a->in_episode(); ++i) {
    auto s1 = a->step(a->action_space().sample(ra));
    auto s2 = b->step(b->action_space().sample(rb));
    expect_same(*a, s1, s2);
  }
  EXPECT_EQ(a->actions(), b->actions());
}

TEST_P(Conformance, RepeatedClose) {
  MAKE_OR_SKIP(env);
  env->reset();
  env->close();
  env->close();
  EXPECT_TRUE(env->is_closed());
  auto unused = make_other();
  unused->close();
  unused->close();
}

TEST_P(Conformance, MisuseRaisesClearErrors) {
  MAKE_OR_SKIP(env);
  EXPECT_THROW(env->step(0), StateError);
  env->reset();
  const int n = env->action_space().size();
  EXPECT_THROW(env->step(n), ActionOutOfRange);
  EXPECT_THROW(env->step(-1), ActionOutOfRange);
  EXPECT_THROW(env->observation("NoSuchObservationSpace"), LookupError);
  EXPECT_THROW(env->reward("NoSuchRewardSpace"), LookupError);
  EXPECT_THROW(env->reset({.observation_space = "NoSuchObservationSpace"}), LookupError);
  EXPECT_THROW(env->reset({.benchmark = "benchmark://no-such-dataset-v0/x"}), LookupError);
  EXPECT_THROW(env->from_commandline("-no-such-flag-at-all"), Error);
  env->close();
  EXPECT_THROW(env->step(0), StateError);
  EXPECT_THROW(env->reset(), StateError);
  EXPECT_THROW(make(id() + "-no-such-version"), LookupError);
}

INSTANTIATE_TEST_SUITE_P(AllEnvs, Conformance, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           std::string name = info.param.id;
                           if (info.param.isolation == Isolation::kProcess) name += "_worker";
                           if (!info.param.action_space.empty()) {
                             name += "_" + info.param.action_space;
                           }
                           if (!info.param.benchmark.empty()) {
                             name += "_" + info.param.benchmark.substr(
                                               info.param.benchmark.find_last_of('/') + 1);
                           }
                           for (auto& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
