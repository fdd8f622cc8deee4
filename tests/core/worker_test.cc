// Isolation::kProcess on the toy backend: the same API, and a crash or a
// hang of the compiler kills only the worker.
#include <gtest/gtest.h>

#include "cgym/cgym.h"
#include "cgym/worker.h"
#include "toy/toy_backend.h"

using namespace cgym;

namespace {

EnvPtr worker_env(const std::string& id = "toy-reward-v0", WorkerOptions w = {}) {
  toy::register_toy_envs();
  return make(id, {.isolation = Isolation::kProcess, .worker = w});
}

}  // namespace

TEST(Worker, SameResultsAsInProcess) {
  auto remote = worker_env();
  toy::register_toy_envs();
  auto local = make("toy-reward-v0");
  EXPECT_NE(remote->compiler_version().find("cgym-worker"), std::string::npos);
  auto r1 = remote->reset({.benchmark = "benchmark://toy-v0/2"});
  auto r2 = local->reset({.benchmark = "benchmark://toy-v0/2"});
  EXPECT_EQ(r1.observation, r2.observation);
  for (Action a : {0, 2, 1, 3, 2}) {
    auto s1 = remote->step(a, {.observation_spaces = {"history", "expensive"}});
    auto s2 = local->step(a, {.observation_spaces = {"history", "expensive"}});
    EXPECT_EQ(s1.observation, s2.observation);
    EXPECT_EQ(s1.observations, s2.observations);
    EXPECT_DOUBLE_EQ(s1.reward, s2.reward);
    EXPECT_EQ(s1.info.action_had_no_effect, s2.info.action_had_no_effect);
  }
  EXPECT_EQ(remote->state(), local->state());
  EXPECT_TRUE(remote->validate().okay());
  EXPECT_EQ(remote->send_session_parameter("toy.set", "7"), "7");
  EXPECT_EQ(remote->observation("value").as<int64_t>(), 7);
  EXPECT_THROW(remote->send_session_parameter("nope", "1"), LookupError);
}

TEST(Worker, ForkWorksAcrossTheProtocol) {
  auto env = worker_env();
  env->reset({.benchmark = "benchmark://toy-v0/1"});
  env->step(0);
  auto fork = env->fork();
  fork->step(2);
  env->step(0);
  EXPECT_EQ(fork->observation("value").as<int64_t>(), 4);
  EXPECT_EQ(env->observation("value").as<int64_t>(), 3);
  fork.reset();  // frees the forked session in the worker
  env->step(0);
  EXPECT_EQ(env->observation("value").as<int64_t>(), 4);
}

TEST(Worker, DynamicActionSpaceAndEndOfEpisode) {
  auto env = worker_env("toy-v0");
  env->reset();
  auto r = env->step(7);
  EXPECT_TRUE(r.info.new_action_space);
  EXPECT_EQ(env->action_space().name(), "toy-more");
  EXPECT_TRUE(env->step(6).done);
}

TEST(Worker, ErrorsKeepTheirTypes) {
  auto env = worker_env();
  EXPECT_THROW(env->reset({.benchmark = "benchmark://toy-v0/666"}), BenchmarkInitError);
  env->reset();
  auto r = env->step(5);  // the toy compiler's own failure
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.info.error_type, "SessionError");
  EXPECT_NE(r.info.error_details.find("crashed on purpose"), std::string::npos);
}

TEST(Worker, ACrashKillsOnlyTheWorker) {
  auto env = worker_env();
  env->reset({.benchmark = "benchmark://toy-v0/1?segfault=1"});
  auto r = env->step(0);  // the session raises SIGSEGV inside the worker
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.info.error_type, "SessionError");
  EXPECT_NE(r.info.error_details.find("signal 11"), std::string::npos) << r.info.error_details;
  EXPECT_THROW(env->step(0), StateError);
  // The next reset starts a fresh worker.
  env->reset({.benchmark = "benchmark://toy-v0/1"});
  EXPECT_FALSE(env->step(0).done);
  EXPECT_EQ(env->observation("value").as<int64_t>(), 2);
}

TEST(Worker, AHangIsATimeout) {
  auto env = worker_env("toy-reward-v0", {.step_timeout_seconds = 0.5});
  env->reset({.benchmark = "benchmark://toy-v0/1?hang=1"});
  const auto start = std::chrono::steady_clock::now();
  auto r = env->step(0);
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.info.error_type, "TimeoutError");
  EXPECT_LT(secs, 10.0);
  env->reset({.benchmark = "benchmark://toy-v0/1"});
  EXPECT_FALSE(env->step(0).done);
}

TEST(Worker, MissingWorkerProgram) {
  toy::register_toy_envs();
  try {
    make("toy-v0",
         {.isolation = Isolation::kProcess, .worker = {.program = "/nonexistent/cgym-worker"}});
    FAIL();
  } catch (const EnvironmentNotSupported& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/cgym-worker"), std::string::npos);
  }
}

TEST(Worker, FactoryOnlyEnvsCannotBeIsolated) {
  Registry r;
  r.register_env({.id = "x-v0", .factory = [](const MakeOptions& o) -> EnvPtr {
                    return std::make_unique<CompilerEnv>(toy::toy_config("x-v0"), o);
                  }});
  EXPECT_THROW(r.make("x-v0", {.isolation = Isolation::kProcess}), EnvironmentNotSupported);
}
