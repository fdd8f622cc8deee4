// cgym::mpi::VectorEnv under a real mpiexec (ctest starts this binary with
// mpiexec -n 2 and -n 3). Every rank runs every test: the VectorEnv is made
// collectively, worker ranks serve inside its constructor, and only rank 0
// checks (and prints). The truth is the local cgym::VectorEnv.
//
// `--kill-scenario` instead runs one batch in which rank 1 dies (SIGKILL)
// while it steps its envs; ctest checks what rank 0 (and mpirun) print.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdlib>
#include <cstring>
#include <iostream>

#include "cgym/cgym.h"
#include "cgym/mpi.h"
#include "toy/toy_backend.h"

namespace cgym {
namespace {

int world_rank() { return mpi::Runtime::current()->rank(); }
int world_size() { return mpi::Runtime::current()->size(); }

EnvPtr make_toy(int env_id) {
  auto env = make("toy-reward-v0");
  env->reset({.benchmark = "benchmark://toy-v0/" + std::to_string(env_id % 10)});
  return env;
}

ResetOptions toy_reset() { return {}; }

// Steps a local VectorEnv and a distributed one with the same actions
// (drawn from each env's rng, seeded alike) and returns both trajectories.
struct Trajectory {
  std::vector<std::vector<BatchResult>> batches;
};

void expect_same(const BatchResult& a, const BatchResult& b, const std::string& where) {
  EXPECT_EQ(a.env_id, b.env_id) << where;
  EXPECT_EQ(a.step.observation, b.step.observation) << where;
  EXPECT_EQ(a.step.reward, b.step.reward) << where;
  EXPECT_EQ(a.step.done, b.step.done) << where;
  EXPECT_EQ(a.step.info.error_type, b.step.info.error_type) << where;
  EXPECT_EQ(a.step.info.action_had_no_effect, b.step.info.action_had_no_effect) << where;
  ASSERT_EQ(a.reset.has_value(), b.reset.has_value()) << where;
  if (a.reset) {
    EXPECT_EQ(a.reset->observation, b.reset->observation) << where;
  }
}

TEST(MpiVectorEnv, SameTrajectoriesAsLocalVectorEnv) {
  constexpr int kEnvs = 5, kSteps = 12;
  mpi::VectorEnv dist(make_toy, {.num_envs = kEnvs,
                                 .threads_per_rank = 2,
                                 .auto_reset = true,
                                 .seed_base = 7,
                                 .reset_options = toy_reset()});
  if (!dist.is_controller()) return;
  VectorEnv local(make_toy, {.num_envs = kEnvs,
                             .num_threads = 2,
                             .auto_reset = true,
                             .seed_base = 7,
                             .reset_options = toy_reset()});
  EXPECT_EQ(dist.size(), kEnvs);
  auto r0 = dist.reset();
  auto l0 = local.reset();
  ASSERT_EQ(r0.size(), l0.size());
  for (int i = 0; i < kEnvs; ++i) {
    EXPECT_EQ(dist.seed(i), local.seed(i));
    ASSERT_TRUE(r0[i].reset && l0[i].reset);
    EXPECT_EQ(r0[i].reset->observation, l0[i].reset->observation);
  }
  for (int t = 0; t < kSteps; ++t) {
    std::vector<Action> actions(kEnvs);
    for (int i = 0; i < kEnvs; ++i) {
      // inc, dec, double, noop, zero, end: every outcome but crash.
      const Action a = std::uniform_int_distribution<int>(0, 6)(dist.rng(i));
      const Action b = std::uniform_int_distribution<int>(0, 6)(local.rng(i));
      ASSERT_EQ(a, b);
      actions[i] = a == 5 ? 0 : a;
    }
    auto d = dist.step(actions);
    auto l = local.step(actions);
    ASSERT_EQ(d.size(), l.size());
    for (int i = 0; i < kEnvs; ++i) {
      expect_same(d[i], l[i], "step " + std::to_string(t) + " env " + std::to_string(i));
    }
  }
  // Envs live on the worker ranks only (rank 0 steps them).
  if (world_size() > 1) {
    for (int i = 0; i < kEnvs; ++i) EXPECT_GE(dist.rank_of(i), 1);
  }
}

TEST(MpiVectorEnv, OneMessagePerRankPerBatch) {
  constexpr int kEnvs = 6;
  mpi::VectorEnv dist(make_toy, {.num_envs = kEnvs, .threads_per_rank = 1});
  if (!dist.is_controller()) return;
  dist.reset();
  const auto before = dist.traffic();
  std::vector<Action> actions(kEnvs, 0);
  dist.step(actions);
  const auto after = dist.traffic();
  const uint64_t workers = static_cast<uint64_t>(world_size() - 1);
  EXPECT_EQ(after.messages_sent - before.messages_sent, workers);
  EXPECT_EQ(
      after.messages_received - after.heartbeats - (before.messages_received - before.heartbeats),
      workers);
}

TEST(MpiVectorEnv, SendAndRecvAsynchronously) {
  constexpr int kEnvs = 4;
  mpi::VectorEnv dist(make_toy, {.num_envs = kEnvs, .threads_per_rank = 2});
  if (!dist.is_controller()) return;
  dist.reset();
  std::vector<Action> a = {0, 0};
  std::vector<int> ids = {0, 3};
  dist.send(a, ids);
  EXPECT_EQ(dist.outstanding(), 2);
  EXPECT_THROW(dist.send(std::vector<Action>{0}, std::vector<int>{3}), StateError);
  EXPECT_THROW(dist.send(std::vector<Action>{0}, std::vector<int>{9}), ActionOutOfRange);
  std::vector<int> got;
  while (dist.outstanding() > 0) {
    for (const auto& r : dist.recv(1)) {
      got.push_back(r.env_id);
      // toy-v0/0 and toy-v0/3 after one inc: value 1 and 4.
      EXPECT_EQ(r.step.info.error_type, "");
    }
  }
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, ids);
  EXPECT_TRUE(dist.recv().empty());
  EXPECT_THROW(dist.step(std::vector<Action>{0}), InvalidArgument);
}

TEST(MpiVectorEnv, WorkerExceptionComesBackNamingTheEnv) {
  constexpr int kEnvs = 3;
  mpi::VectorEnv dist(make_toy, {.num_envs = kEnvs, .threads_per_rank = 1});
  if (!dist.is_controller()) return;
  dist.reset();
  std::vector<Action> actions = {0, 999, 0};  // 999 is not an action
  try {
    dist.step(actions);
    FAIL() << "expected a VectorEnvError";
  } catch (const VectorEnvError& e) {
    EXPECT_EQ(e.env_id(), 1);
    EXPECT_EQ(e.original_type(), "ActionOutOfRange") << e.what();
    EXPECT_NE(std::string(e.what()).find("env 1"), std::string::npos) << e.what();
  }
  EXPECT_EQ(dist.outstanding(), 0);
  // The VectorEnv is still usable.
  auto ok = dist.step(std::vector<Action>{0, 0, 0});
  EXPECT_EQ(ok.size(), 3u);
}

TEST(MpiVectorEnv, CompilerFailureIsAnEpisodeFailureNotAnError) {
  constexpr int kEnvs = 2;
  mpi::VectorEnv dist(make_toy, {.num_envs = kEnvs, .threads_per_rank = 1});
  if (!dist.is_controller()) return;
  dist.reset();
  auto r = dist.step(std::vector<Action>{5, 0});  // "crash": the toy compiler fails
  ASSERT_EQ(r.size(), 2u);
  EXPECT_TRUE(r[0].step.done);
  EXPECT_EQ(r[0].step.info.error_type, "SessionError");
  EXPECT_NE(r[0].step.info.error_details.find("crashed on purpose"), std::string::npos);
  EXPECT_FALSE(r[1].step.done);
}

TEST(MpiVectorEnv, BadOptionsAreRejectedOnEveryRank) {
  EXPECT_THROW(mpi::VectorEnv(make_toy, {.num_envs = 0}), InvalidArgument);
  EXPECT_THROW(mpi::VectorEnv(make_toy, {.num_envs = 2, .seeds = {1}}), InvalidArgument);
}

// ---- a rank killed mid-batch ---------------------------------------------------

// Kills its rank (SIGKILL) when asked to apply action 3 on rank 1.
class KillOnNoop : public Wrapper {
 public:
  explicit KillOnNoop(EnvPtr env) : Wrapper(std::move(env)) {}
  StepResult step(Action a, const StepOptions& o = {}) override {
    if (a == 3 && world_rank() == 1) ::raise(SIGKILL);
    return Wrapper::step(a, o);
  }

 protected:
  std::unique_ptr<Wrapper> clone_with(EnvPtr forked) override {
    return std::make_unique<KillOnNoop>(std::move(forked));
  }
};

int kill_scenario(double timeout) {
  mpi::VectorEnv dist([](int i) -> EnvPtr { return std::make_unique<KillOnNoop>(make_toy(i)); },
                      {.num_envs = 4, .threads_per_rank = 1, .timeout_seconds = timeout});
  if (!dist.is_controller()) return 0;
  dist.reset();
  dist.step(std::vector<Action>(4, 0));
  std::cerr << "rank 0: stepping the batch in which rank 1 dies" << std::endl;
  try {
    dist.step(std::vector<Action>(4, 3));
  } catch (const mpi::RankLost& e) {
    std::cerr << "rank 0 caught RankLost: rank " << e.rank() << " held " << e.held() << ": "
              << e.what() << std::endl;
    mpi::Runtime::current()->abort(2);
  }
  std::cerr << "rank 0: the batch came back although rank 1 died" << std::endl;
  return 1;
}

}  // namespace
}  // namespace cgym

int main(int argc, char** argv) {
  setenv("CGYM_CACHE", CGYM_BINARY_DIR "/test-cache", 0);
  setenv("CGYM_SITE_DATA", CGYM_BINARY_DIR "/test-site-data", 0);
  cgym::mpi::Runtime runtime(&argc, &argv);
  cgym::toy::register_toy_envs();
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--kill-scenario") == 0) {
      const double timeout = i + 1 < argc ? std::atof(argv[i + 1]) : 60.0;
      return cgym::kill_scenario(timeout);
    }
  }
  ::testing::InitGoogleTest(&argc, argv);
  if (runtime.rank() != 0) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  const int status = RUN_ALL_TESTS();
  return runtime.rank() == 0 ? status : 0;
}
