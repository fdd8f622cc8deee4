// The conformance checks (include/cgym/conformance.h).
#include "cgym/conformance.h"

#include <gtest/gtest.h>

#include <cmath>

#include "cgym/cgym.h"

namespace cgym::conformance {
namespace {

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

}  // namespace

void check_random_episode(const EnvMaker& make_env, int steps) {
  auto env = make_env();
  Rng rng(1234);
  auto r = env->reset();
  if (env->observation_space()) {
    const auto& spec = env->observation_space_spec(*env->observation_space());
    EXPECT_TRUE(spec.space.contains(r.observation)) << spec.name;
  }
  for (int i = 0; i < steps; ++i) {
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

void check_fork_equivalence(const EnvMaker& make_env, int steps) {
  auto env = make_env();
  Rng rng(99);
  env->reset();
  env->step(env->action_space().sample(rng));
  if (!env->in_episode()) return;  // the first action ended the episode
  auto fork = env->fork();
  EXPECT_EQ(fork->actions(), env->actions());
  EXPECT_EQ(fork->state(), env->state());
  for (int i = 0; i < steps - 1 && env->in_episode(); ++i) {
    Action a = env->action_space().sample(rng);
    auto r1 = env->step(a);
    auto r2 = fork->step(a);
    expect_same(*env, r1, r2);
  }
  EXPECT_EQ(fork->state(), env->state());
  fork->close();
  EXPECT_FALSE(env->is_closed());
}

void check_state_replay(const EnvMaker& make_env, int steps) {
  auto env = make_env();
  Rng rng(7);
  env->reset();
  for (int i = 0; i < steps && env->in_episode(); ++i) env->step(env->action_space().sample(rng));
  EnvState s = env->state();
  EXPECT_EQ(env->from_commandline(s.commandline), env->actions());
  auto other = make_env();
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

void check_deterministic_for_the_same_seed(const EnvMaker& make_env, int steps) {
  auto a = make_env();
  auto b = make_env();
  Rng ra(5), rb(5);
  auto r1 = a->reset();
  auto r2 = b->reset();
  expect_same(*a, r1, r2);
  for (int i = 0; i < steps && a->in_episode(); ++i) {
    auto s1 = a->step(a->action_space().sample(ra));
    auto s2 = b->step(b->action_space().sample(rb));
    expect_same(*a, s1, s2);
  }
  EXPECT_EQ(a->actions(), b->actions());
}

void check_repeated_close(const EnvMaker& make_env) {
  auto env = make_env();
  env->reset();
  env->close();
  env->close();
  EXPECT_TRUE(env->is_closed());
  auto unused = make_env();
  unused->close();
  unused->close();
}

void check_misuse_raises_clear_errors(const EnvMaker& make_env, const std::string& env_id) {
  auto env = make_env();
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
  EXPECT_THROW(make(env_id + "-no-such-version"), LookupError);
}

void check_all(const EnvMaker& make_env, const std::string& env_id, int steps) {
  check_random_episode(make_env, steps);
  check_fork_equivalence(make_env, steps);
  check_state_replay(make_env, steps);
  check_deterministic_for_the_same_seed(make_env, steps);
  check_repeated_close(make_env);
  check_misuse_raises_clear_errors(make_env, env_id);
}

}  // namespace cgym::conformance
