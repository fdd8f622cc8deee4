// loopnest-v0 and loop_tool-v0 through the public API, on the cpu backend
// (and the cuda backend's no-device behaviour).
#include <gtest/gtest.h>

#include "backends/cuda/datasets.h"
#include "backends/cuda/envs.h"
#include "cgym/cgym.h"
#include "gpu_probe.h"

namespace cgym::cuda {
namespace {

// Fast measurements: tests check behaviour, not speed. No default
// observation or reward (loopnest-v0 measures flops on every step by
// default): tests ask for what they check.
MakeOptions fast(std::map<std::string, std::string> extra = {}) {
  MakeOptions o;
  o.observation_space = "";
  o.reward_space = "";
  o.params = {{"warmup_runs", "0"}, {"timed_runs", "1"}, {"min_batch_seconds", "0"}};
  for (auto& [k, v] : extra) o.params[k] = v;
  return o;
}

Action act(Env& env, const std::string& name) { return env.action_space().index(name); }

TEST(LoopNestEnv, DefaultEpisodeOnTheCpu) {
  EXPECT_EQ(make("loopnest-v0")->reward_space(), "flops");
  auto env = make("loopnest-v0", fast());
  env->reset();
  EXPECT_EQ(env->benchmark()->uri(),
            "benchmark://loopnest-v0/matmul?backend=cpu&k=128&m=128&n=128");
  EXPECT_EQ(env->observation("loop_tree").as<std::string>(),
            "matmul m=128 n=128 k=128 (cpu)\n"
            "for i in 128  <- cursor\n"
            " for j in 128\n"
            "  for k in 128 (reduce)\n"
            "   C[i,j] += A[i,k] * B[k,j]\n");
  EXPECT_EQ(env->observation("action_state").as<std::vector<int64_t>>(),
            (std::vector<int64_t>{0, 3, 0, 0, 128, 0, 0, 0, 0}));
  const double naive = env->observation("flops").as<double>();
  EXPECT_GT(naive, 0.0);
  EXPECT_DOUBLE_EQ(env->observation("flops_naive").as<double>(), naive);
  EXPECT_GT(env->observation("compile_time").as<double>(), 0.0);
  EXPECT_EQ(env->observation("ptxas_info").as_json(), (nlohmann::json{{"backend", "cpu"}}));
  EXPECT_NE(env->observation("source").as<std::string>().find("lnv_kernel"), std::string::npos);

  // i j k -> i k j, vectorised j, parallel i.
  StepOptions rewards{.reward_spaces = {"flops", "flops_norm"}};
  auto r = env->step(act(*env, "cursor_down"), rewards);
  EXPECT_FALSE(r.info.action_had_no_effect);
  r = env->step(act(*env, "swap_down"), rewards);  // i k j, cursor on j
  ASSERT_FALSE(r.done) << r.info.error_details;
  r = env->step(act(*env, "toggle_vectorize"), rewards);
  r = env->step(act(*env, "cursor_up"), rewards);
  r = env->step(act(*env, "cursor_up"), rewards);
  r = env->step(act(*env, "toggle_parallel"), rewards);
  ASSERT_FALSE(r.done) << r.info.error_details;
  // No timing assertions in tests (see bench/cuda): only that it measured.
  EXPECT_GT(env->observation("flops").as<double>(), 0.0);
  const auto& state = env->observation("action_state").as<std::vector<int64_t>>();
  EXPECT_EQ(state[5], 1);  // parallel
  EXPECT_NE(env->observation("loop_tree").as<std::string>().find("for i in 128 [parallel]"),
            std::string::npos);
  EXPECT_NE(env->observation("source").as<std::string>().find("#pragma omp parallel for"),
            std::string::npos);
}

TEST(LoopNestEnv, RewardsAreDeltasOfFlops) {
  auto env = make("loopnest-v0", fast());
  env->reset({.reward_space = "flops"});
  const double f0 = env->observation("flops").as<double>();
  auto r = env->step(act(*env, "toggle_parallel"), {.reward_spaces = {"flops_norm"}});
  ASSERT_FALSE(r.done) << r.info.error_details;
  const double f1 = env->observation("flops").as<double>();
  EXPECT_NEAR(r.reward, f1 - f0, 1e-9 * std::max(f0, f1));
  ASSERT_EQ(r.rewards.size(), 1u);
  EXPECT_NEAR(r.rewards[0], (f1 - f0) / env->observation("flops_naive").as<double>(), 1e-9);
}

TEST(LoopNestEnv, InvalidActionsAreNoOps) {
  auto env = make("loopnest-v0", fast());
  env->reset({.benchmark = "benchmark://loopnest-v0/reduction?m=8&n=2"});
  auto r = env->step(act(*env, "cursor_up"));  // already at the top
  EXPECT_TRUE(r.info.action_had_no_effect);
  EXPECT_FALSE(r.done);
  r = env->step(act(*env, "split_4"));  // i (8) -> i.0 (2), i.1 (4)
  EXPECT_FALSE(r.info.action_had_no_effect);
  r = env->step(act(*env, "cursor_down"));
  r = env->step(act(*env, "cursor_down"));  // on j (extent 2, reduction)
  for (const char* a :
       {"split_2", "split_32", "toggle_parallel", "merge", "swap_down", "cursor_down"}) {
    r = env->step(act(*env, a));
    EXPECT_TRUE(r.info.action_had_no_effect) << a;
    EXPECT_FALSE(r.done) << a;
  }
  r = env->step(act(*env, "end_of_episode"));
  EXPECT_TRUE(r.done);
  EXPECT_FALSE(r.info.failed());
}

TEST(LoopNestEnv, WrongScheduleEndsTheStepWithAnError) {
  auto env = make("loopnest-v0", fast());
  env->reset({.benchmark = "benchmark://loopnest-v0/matmul?m=100&n=48&k=20&backend=cpu",
              .reward_space = "flops"});
  env->send_session_parameter("test_drop_tail", "1");
  auto r = env->step(act(*env, "split_32"));  // 100 = 3 * 32 + 4
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.info.error_type, "SessionError");
  EXPECT_NE(r.info.error_details.find("schedule produced wrong output: max abs error"),
            std::string::npos)
      << r.info.error_details;
  // The env is usable again after reset, and the right schedule passes.
  env->reset();
  r = env->step(act(*env, "split_32"));
  EXPECT_FALSE(r.done) << r.info.error_details;
  const auto v = env->validate();
  EXPECT_TRUE(v.okay()) << v.to_string();
}

TEST(LoopNestEnv, ForksAreIndependent) {
  auto env = make("loopnest-v0", fast());
  env->reset({.benchmark = "benchmark://loopnest-v0/transpose?m=64&n=32"});
  env->step(act(*env, "split_8"));
  auto fork = env->fork();
  fork->step(act(*fork, "swap_down"));
  EXPECT_NE(env->observation("loop_tree").as<std::string>(),
            fork->observation("loop_tree").as<std::string>());
  EXPECT_EQ(env->actions().size(), 1u);
  EXPECT_EQ(fork->actions().size(), 2u);
  EXPECT_GT(fork->observation("flops").as<double>(), 0.0);
}

TEST(LoopNestEnv, StateReplaysThroughTheCommandline) {
  auto env = make("loopnest-v0", fast());
  env->reset({.benchmark = "benchmark://loopnest-v0/conv2d?c=2&f=3&h=12&w=10&k=3"});
  for (const char* a :
       {"cursor_down", "split_4", "toggle_parallel", "cursor_down", "toggle_vectorize"}) {
    env->step(act(*env, a));
  }
  const auto state = env->state();
  EXPECT_EQ(state.commandline, "cursor_down split_4 toggle_parallel cursor_down toggle_vectorize");
  auto other = make("loopnest-v0", fast());
  other->apply(state);
  EXPECT_EQ(other->observation("loop_tree").as<std::string>(),
            env->observation("loop_tree").as<std::string>());
}

TEST(LoopNestEnv, OptionsAreValidated) {
  EXPECT_THROW(make("loopnest-v0", {.params = {{"warmup_runs", "-1"}}}), InvalidArgument);
  EXPECT_THROW(make("loopnest-v0", {.params = {{"backend", "tpu"}}}), InvalidArgument);
  EXPECT_THROW(make("loopnest-v0", {.params = {{"colour", "red"}}}), LookupError);
  auto env = make("loopnest-v0", fast());
  env->reset();
  EXPECT_THROW(env->send_session_parameter("backend", "cuda"), InvalidArgument);
  EXPECT_THROW(env->send_session_parameter("nonsense", "1"), LookupError);
  EXPECT_EQ(env->send_session_parameter("timed_runs", "3"), "3");
}

TEST(LoopNestEnv, CudaBackendWithoutDevice) {
  auto env = make("loopnest-v0", fast({{"backend", "cuda"}}));
  env->reset({.benchmark = "benchmark://loopnest-v0/matmul?m=64&n=64&k=64"});
  EXPECT_NE(env->observation("loop_tree").as<std::string>().find("for i in 64 [parallel]"),
            std::string::npos);
  EXPECT_NE(env->observation("source").as<std::string>().find("__global__"), std::string::npos);
  // Vectorise has no meaning on cuda.
  env->step(act(*env, "cursor_down"));
  EXPECT_TRUE(env->step(act(*env, "toggle_vectorize")).info.action_had_no_effect);
  if (!find_nvcc(Toolchain{})) GTEST_SKIP() << "nvcc not found: cannot build CUDA programs";
  const auto info = env->observation("ptxas_info").as_json();
  EXPECT_GT(info.at("registers").get<int>(), 0) << info.dump();
  if (!gpu_problem()) GTEST_SKIP() << "a CUDA device is present; see gpu_test for that case";
  try {
    env->observation("flops");
    FAIL();
  } catch (const SessionError& e) {
    EXPECT_NE(std::string(e.what()).find("no CUDA device found"), std::string::npos) << e.what();
  }
  // With the default reward (flops), reset() itself says so.
  auto plain = make("loopnest-v0", {.params = {{"backend", "cuda"}}});
  try {
    plain->reset({.benchmark = "benchmark://loopnest-v0/matmul?m=64&n=64&k=64"});
    FAIL();
  } catch (const BenchmarkInitError& e) {
    EXPECT_NE(std::string(e.what()).find("no CUDA device found (cudaGetDeviceCount: "),
              std::string::npos)
        << e.what();
  }
  auto r = env->step(act(*env, "split_8"), {.reward_spaces = {"flops"}});
  EXPECT_TRUE(r.done);
  EXPECT_NE(r.info.error_details.find("no CUDA device found (cudaGetDeviceCount: "),
            std::string::npos)
      << r.info.error_details;
}

TEST(LoopToolEnv, CompilerGymInterface) {
  auto env = make("loop_tool-v0", fast());
  env->reset();
  EXPECT_EQ(env->benchmark()->uri(), "benchmark://loop_tool-cpu-v0/1024");
  EXPECT_EQ(env->action_space().name(), "simple");
  EXPECT_EQ(env->action_space().names(),
            (std::vector<std::string>{"toggle_mode", "up", "down", "toggle_thread"}));
  EXPECT_EQ(env->observation("action_state").as<std::vector<int64_t>>(),
            (std::vector<int64_t>{0, 1024, 0}));
  EXPECT_EQ(env->observation("loop_tree").as<std::string>(),
            "for a in 1024 : L0 [thread]\n"
            " for a' in 1 : L1\n"
            "  for a'' in 1 : L2\n"
            "   %0[a] <- read()\n   %1[a] <- read()\n   %2[a] <- add(%0, %1)\n"
            "   %3[a] <- write(%2)\n");
  EXPECT_GT(env->observation("flops").as<double>(), 0.0);
  // Select mode, cursor to L1, size mode, grow L1: 1024 = 512 * 2.
  env->step(act(*env, "toggle_mode"));
  env->step(act(*env, "up"));
  env->step(act(*env, "toggle_mode"));
  env->step(act(*env, "up"));
  EXPECT_EQ(env->observation("action_state").as<std::vector<int64_t>>(),
            (std::vector<int64_t>{1, 2, 0}));
  // Grow again: 1024 = 341 * 3 + 1, a tail on L0.
  auto r = env->step(act(*env, "up"), {.observation_spaces = {"loop_tree", "flops"}});
  ASSERT_FALSE(r.done) << r.info.error_details;
  EXPECT_EQ(r.observations[0].as<std::string>().rfind("for a in 341 r 1 : L0 [thread]\n", 0), 0u)
      << r.observations[0].as<std::string>();
  EXPECT_GT(r.observations[1].as<double>(), 0.0);  // the tail is computed right
  // Shrink: the tail goes first, then the size.
  env->step(act(*env, "down"));
  EXPECT_EQ(env->observation("action_state").as<std::vector<int64_t>>(),
            (std::vector<int64_t>{1, 2, 0}));
  // Cursor 0 cannot be resized.
  env->step(act(*env, "toggle_mode"));
  env->step(act(*env, "down"));
  env->step(act(*env, "toggle_mode"));
  EXPECT_TRUE(env->step(act(*env, "up")).info.action_had_no_effect);
}

TEST(LoopToolEnv, SplitSpaceAndCuda) {
  auto env = make("loop_tool-v0", fast());
  env->reset({.benchmark = "loop_tool-cpu-v0/1000", .action_space = "split"});
  EXPECT_EQ(env->action_space().size(), 5);
  env->step(act(*env, "split"));
  EXPECT_NE(env->observation("loop_tree").as<std::string>().find("for a''' in 1 : L3"),
            std::string::npos);
  auto cuda = make("loop_tool-v0", fast({{"backend", "cuda"}}));
  cuda->reset();
  EXPECT_EQ(cuda->benchmark()->uri(), "benchmark://loop_tool-cuda-v0/1024");
  EXPECT_THROW(cuda->reset({.benchmark = "benchmark://loop_tool-cuda-v0/0"}), LookupError);
}

TEST(Datasets, UrisAreCanonicalAndBadOnesExplained) {
  LoopNestDataset ds;
  for (uint64_t i = 0; i < ds.size(); ++i) {
    EXPECT_EQ(ds.benchmark(ds.benchmark_uri(i))->uri(), ds.benchmark_uri(i));
  }
  EXPECT_EQ(ds.benchmark("benchmark://loopnest-v0/matmul?n=1024&m=1024&k=1024")->uri(),
            "benchmark://loopnest-v0/matmul?k=1024&m=1024&n=1024");
  EXPECT_EQ(ds.benchmark("benchmark://loopnest-v0/pointwise?backend=cuda")->uri(),
            "benchmark://loopnest-v0/pointwise?backend=cuda&n=1024");
  auto message = [&](const std::string& uri) {
    try {
      ds.benchmark(uri);
    } catch (const LookupError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("benchmark://loopnest-v0/gemm").find("valid computations"), std::string::npos);
  EXPECT_NE(message("benchmark://loopnest-v0/matmul?m=abc").find("not an integer"),
            std::string::npos);
  EXPECT_NE(message("benchmark://loopnest-v0/matmul?z=3").find("valid sizes"), std::string::npos);
  EXPECT_NE(message("benchmark://loopnest-v0/matmul?backend=tpu").find("cpu, cuda"),
            std::string::npos);
  EXPECT_NE(message("benchmark://loopnest-v0/matmul?m=0").find("out of range"), std::string::npos);

  LoopToolDataset cuda(Target::kCuda);
  EXPECT_EQ(cuda.benchmark_uri(0), "benchmark://loop_tool-cuda-v0/1");
  EXPECT_EQ(cuda.size(), 8388607u);
  const auto b = cuda.benchmark("benchmark://loop_tool-cuda-v0/4096");
  EXPECT_EQ(b->format(), ProgramFormat::kLoopNest);
  EXPECT_EQ(nlohmann::json::parse(b->program()).at("backend"), "cuda");
  EXPECT_TRUE(b->is_runnable());
}

}  // namespace
}  // namespace cgym::cuda
