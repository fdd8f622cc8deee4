// mlir-v0 through cgym::make(): every schedule's kernel is checked by the
// session against a C++ reference; these tests check that the checks run,
// that bad schedules, tiles and files give clear errors, and that the
// kernels the env JIT-compiles compute what a plain C++ matmul computes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include <nlohmann/json.hpp>

#include "cgym/cgym.h"
#include "cgym/errors.h"

namespace fs = std::filesystem;

namespace {

std::unique_ptr<cgym::Env> make_env(const std::string& benchmark = "generator://matmul-v0") {
  auto env = cgym::make("mlir-v0");
  env->reset({.benchmark = benchmark});
  return env;
}

cgym::Action action(cgym::Env& env, const std::string& name) {
  return env.action_space().index(name);
}

fs::path temp_file(const std::string& name, const std::string& text) {
  const fs::path dir = fs::temp_directory_path() / ("cgym_mlir_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path p = dir / name;
  std::ofstream(p) << text;
  return p;
}

TEST(MlirEnv, ListsCompilerGymsSpacesAndDefaults) {
  auto env = make_env();
  EXPECT_EQ(env->action_space().name(), "MatrixMultiplication");
  EXPECT_EQ(env->action_space().size(), 52);
  for (const char* name : {"Runtime", "IsRunnable", "Mlir", "Schedule"}) {
    EXPECT_NO_THROW(env->observation(name)) << name;
  }
  EXPECT_EQ(env->benchmark()->uri(), "generator://matmul-v0?k=64&m=64&n=64");
  EXPECT_TRUE(env->observation("IsRunnable").as<bool>());
  const auto schedule = env->observation("Schedule").as<nlohmann::json>();
  EXPECT_EQ(schedule["tile_options"]["tile_sizes"], nlohmann::json({0, 0, 0}));
  EXPECT_EQ(schedule["vectorize_options"]["vectorize"], false);
  const auto runtime = env->observation("Runtime").as<std::vector<double>>();
  ASSERT_EQ(runtime.size(), 1u);
  EXPECT_GT(runtime[0], 0.0);
}

TEST(MlirEnv, StepsChangeTheModuleAndTheSchedule) {
  auto env = make_env("generator://matmul-v0?m=32&n=48&k=16");
  const std::string naive = env->observation("Mlir").as<std::string>();
  EXPECT_NE(naive.find("linalg.matmul"), std::string::npos);
  auto r = env->step(action(*env, "tile_m=8"));
  ASSERT_FALSE(r.done) << r.info.error_details;
  r = env->step(action(*env, "tile_n=16"));
  ASSERT_FALSE(r.done) << r.info.error_details;
  const std::string tiled = env->observation("Mlir").as<std::string>();
  EXPECT_NE(tiled.find("scf.for"), std::string::npos) << tiled;
  EXPECT_NE(tiled.find("memref.subview"), std::string::npos);
  r = env->step(action(*env, "loop_type=affine_loops"));
  ASSERT_FALSE(r.done) << r.info.error_details;
  EXPECT_NE(env->observation("Mlir").as<std::string>().find("affine.for"), std::string::npos);
  // The same option again changes nothing.
  r = env->step(action(*env, "loop_type=affine_loops"));
  EXPECT_TRUE(r.info.action_had_no_effect);
  EXPECT_EQ(env->observation("Schedule").as<nlohmann::json>()["tile_options"]["tile_sizes"],
            nlohmann::json({8, 16, 0}));
}

TEST(MlirEnv, RandomSchedulesAreCheckedAgainstTheReference) {
  // Every accepted step compiled the schedule and checked one run against
  // the reference; every Runtime observation checks each of its runs. A
  // rejected schedule ends the episode with MLIR's reason, never a crash.
  auto env = cgym::make("mlir-v0", {.params = {{"runtime_runs", "2"}}});
  std::mt19937_64 rng(7);
  int accepted = 0, rejected = 0;
  for (int episode = 0; episode < 3; ++episode) {
    env->reset({.benchmark = "generator://matmul-v0?m=24&n=40&k=20"});
    for (int i = 0; i < 12; ++i) {
      auto r = env->step(env->action_space().sample(rng));
      if (r.done) {
        ++rejected;
        EXPECT_FALSE(r.info.error_details.empty());
        EXPECT_EQ(r.info.error_details.find("wrong result"), std::string::npos)
            << r.info.error_details;
        break;
      }
      ++accepted;
      EXPECT_EQ(env->observation("Runtime").as<std::vector<double>>().size(), 2u);
    }
  }
  EXPECT_GT(accepted, 10);
  (void)rejected;
}

TEST(MlirEnv, VectorisedSchedulesComputeTheReference) {
  // Tiles that do and do not divide the sizes, every contraction lowering,
  // promotion with and without full tiles, and both loop types.
  for (const char* to : {"dot", "outer_product"}) {
    for (bool full : {false, true}) {
      auto env = make_env("generator://matmul-v0?m=36&n=20&k=28");
      const nlohmann::json schedule = {
          {"tile_options",
           {{"tile_sizes", {8, 8, 4}},
            {"interchange_vector", {1, 0, 2}},
            {"promote", true},
            {"promote_full_tile", full},
            {"loop_type", full ? "affine_loops" : "loops"}}},
          {"vectorize_options",
           {{"vectorize", true}, {"vectorize_to", to}, {"unroll_vector_transfers", full}}}};
      std::string reply;
      ASSERT_NO_THROW(reply = env->send_session_parameter("mlir.schedule", schedule.dump()))
          << to << " full=" << full;
      EXPECT_EQ(nlohmann::json::parse(reply), env->observation("Schedule").as<nlohmann::json>());
      EXPECT_NE(env->observation("Mlir").as<std::string>().find("vector."), std::string::npos);
      EXPECT_FALSE(env->observation("Runtime").as<std::vector<double>>().empty());
    }
  }
}

TEST(MlirEnv, TemporaryBuffersAreHoistedOutOfTheTileLoops) {
  // Found by the bench: vector transfers left their memref.alloca inside the
  // tile loops, so a 256^3 matmul overflowed the stack; and with heap
  // promotion, hoisting the alloc left its dealloc in the loop (double free).
  auto env = make_env("generator://matmul-v0?m=256&n=256&k=256");
  EXPECT_NO_THROW(env->send_session_parameter(
      "mlir.schedule",
      R"({"tile_options": {"tile_sizes": [128, 32, 1], "interchange_vector": [1, 2, 0]},
          "vectorize_options": {"vectorize": true, "vectorize_to": "dot",
                                "vector_transfer_split": "linalg_copy"}})"));
  env->reset({.benchmark = "generator://matmul-v0"});
  EXPECT_NO_THROW(env->send_session_parameter(
      "mlir.schedule",
      R"({"tile_options": {"tile_sizes": [8, 8, 0], "interchange_vector": [1, 0, 2],
                           "promote": true, "promote_full_tile": true},
          "vectorize_options": {"vectorize": true, "vectorize_to": "outer_product",
                                "vector_transfer_split": "linalg_copy"}})"));
  EXPECT_FALSE(env->observation("Runtime").as<std::vector<double>>().empty());
}

TEST(MlirEnv, TheMatrixIntrinsicLoweringIsRefusedWithTheReason) {
  auto env = make_env("generator://matmul-v0?m=16&n=16&k=16");
  ASSERT_FALSE(env->step(action(*env, "tile_m=4")).done);
  ASSERT_FALSE(env->step(action(*env, "vectorize_to=matmul")).done);  // not vectorised yet
  auto r = env->step(action(*env, "vectorize=on"));
  ASSERT_TRUE(r.done);
  EXPECT_NE(r.info.error_details.find("use dot or outer_product"), std::string::npos)
      << r.info.error_details;
}

TEST(MlirEnv, OversizedVectorsAndBadSchedulesAreRefused) {
  auto env = make_env();
  // Vectorising the whole 64x64x64 matmul would be one 262144-element vector.
  auto r = env->step(action(*env, "vectorize=on"));
  ASSERT_TRUE(r.done);
  EXPECT_NE(r.info.error_details.find("262144 elements"), std::string::npos)
      << r.info.error_details;
  EXPECT_NE(r.info.error_details.find("smaller tile sizes"), std::string::npos);
  EXPECT_THROW(env->step(0), cgym::StateError);

  env->reset();
  auto message = [&](const std::string& json) {
    try {
      env->send_session_parameter("mlir.schedule", json);
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("{\"tile_options\": {\"tile_sizes\": [4, -1, 2]}}").find("0..2^32"),
            std::string::npos);
  EXPECT_NE(message("{\"tile_options\": {\"interchange_vector\": [0, 0, 1]}}").find("permutation"),
            std::string::npos);
  EXPECT_NE(message("{\"tile_options\": {\"loop_type\": \"parallel\"}}").find("affine_loops"),
            std::string::npos);
  EXPECT_NE(message("{\"tiles\": {}}").find("valid: tile_options, vectorize_options"),
            std::string::npos);
  EXPECT_NE(message("not json").find("not JSON"), std::string::npos);
  // The schedule is unchanged by refused values.
  EXPECT_EQ(env->observation("Schedule").as<nlohmann::json>()["tile_options"]["tile_sizes"],
            nlohmann::json({0, 0, 0}));
  // Tiles larger than the loop leave it untiled and still compute right.
  EXPECT_NO_THROW(env->send_session_parameter(
      "mlir.schedule", "{\"tile_options\": {\"tile_sizes\": [1000000, 8, 3]}}"));
  EXPECT_FALSE(env->observation("Runtime").as<std::vector<double>>().empty());
}

TEST(MlirEnv, ActionsOutOfRangeAndCallsInTheWrongOrder) {
  auto env = cgym::make("mlir-v0");
  EXPECT_THROW(env->step(0), cgym::StateError);
  EXPECT_THROW(env->send_session_parameter("mlir.schedule", "{}"), cgym::StateError);
  env->reset();
  EXPECT_THROW(env->step(52), cgym::ActionOutOfRange);
  EXPECT_THROW(env->step(-1), cgym::ActionOutOfRange);
  EXPECT_THROW(cgym::make("mlir-v0", {.params = {{"runtime_runs", "0"}}}), cgym::InvalidArgument);
  EXPECT_EQ(env->send_session_parameter("mlir.set_runtimes_per_observation_count", "3"), "3");
  EXPECT_EQ(env->observation("Runtime").as<std::vector<double>>().size(), 3u);
  EXPECT_THROW(env->send_session_parameter("mlir.set_runtimes_per_observation_count", "x"),
               cgym::InvalidArgument);
}

TEST(MlirEnv, BadBenchmarkUrisSayWhatIsValid) {
  auto env = cgym::make("mlir-v0");
  auto message = [&](const std::string& uri) {
    try {
      env->reset({.benchmark = uri});
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("generator://matmul-v0?m=0").find("1..4096"), std::string::npos);
  EXPECT_NE(message("generator://matmul-v0?m=8&x=3").find("valid: m, n, k"), std::string::npos);
  EXPECT_NE(message("generator://matmul-v0/big").find("as parameters"), std::string::npos);
  EXPECT_NE(message("file:///nonexistent/k.mlir").find("no such file"), std::string::npos);
  EXPECT_NE(message("file:///tmp/k.c").find(".mlir files"), std::string::npos);
  EXPECT_NE(message("benchmark://cgym-v0/crc32").find("generator://matmul-v0"), std::string::npos);
}

TEST(MlirEnv, UserMlirFilesLoadAndMalformedOnesAreRefused) {
  const std::string good =
      "func.func @mm(%a: memref<12x20xf32>, %b: memref<20x8xf32>, %c: memref<12x8xf32>) {\n"
      "  linalg.matmul ins(%a, %b : memref<12x20xf32>, memref<20x8xf32>) outs(%c : "
      "memref<12x8xf32>)\n  return\n}\n";
  auto env = make_env("file://" + temp_file("good.mlir", good).string());
  auto r = env->step(action(*env, "tile_k=4"));
  ASSERT_FALSE(r.done) << r.info.error_details;
  EXPECT_FALSE(env->observation("Runtime").as<std::vector<double>>().empty());

  auto message = [&](const std::string& name, const std::string& text) {
    try {
      env->reset({.benchmark = "file://" + temp_file(name, text).string()});
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  // Not MLIR: MLIR's own diagnostic, with the location.
  const std::string garbage = message("garbage.mlir", "func.func @f( {");
  EXPECT_NE(garbage.find("cannot parse"), std::string::npos) << garbage;
  EXPECT_NE(garbage.find("garbage.mlir"), std::string::npos) << garbage;
  // Valid MLIR that fails the verifier (shapes that do not match).
  const std::string bad_shapes =
      message("shapes.mlir",
              "func.func @mm(%a: memref<4x5xf32>, %b: memref<6x8xf32>, %c: memref<4x8xf32>) {\n"
              "  linalg.matmul ins(%a, %b : memref<4x5xf32>, memref<6x8xf32>) outs(%c : "
              "memref<4x8xf32>)\n  return\n}\n");
  EXPECT_NE(bad_shapes.find("cannot parse"), std::string::npos) << bad_shapes;
  // No matmul; dynamic shapes; f64.
  EXPECT_NE(message("none.mlir", "func.func @f() {\n  return\n}\n").find("exactly one"),
            std::string::npos);
  EXPECT_NE(message("dyn.mlir",
                    "func.func @mm(%a: memref<?x4xf32>, %b: memref<4x4xf32>, %c: "
                    "memref<?x4xf32>) {\n  linalg.matmul ins(%a, %b : memref<?x4xf32>, "
                    "memref<4x4xf32>) outs(%c : memref<?x4xf32>)\n  return\n}\n")
                .find("static 2-D shape"),
            std::string::npos);
  // The env still works after refusing them.
  env->reset();
  EXPECT_FALSE(env->step(action(*env, "tile_m=16")).done);
}

TEST(MlirEnv, AKernelThatComputesTheWrongResultIsCaught) {
  // A user's module that overwrites one element after the matmul: every
  // schedule of it computes a wrong C, and the check names the element.
  const std::string wrong =
      "func.func @mm(%a: memref<8x8xf32>, %b: memref<8x8xf32>, %c: memref<8x8xf32>) {\n"
      "  linalg.matmul ins(%a, %b : memref<8x8xf32>, memref<8x8xf32>) outs(%c : "
      "memref<8x8xf32>)\n"
      "  %i = arith.constant 3 : index\n  %v = arith.constant 1000.0 : f32\n"
      "  memref.store %v, %c[%i, %i] : memref<8x8xf32>\n  return\n}\n";
  auto env = cgym::make("mlir-v0");
  try {
    env->reset({.benchmark = "file://" + temp_file("wrong.mlir", wrong).string()});
    FAIL() << "reset() accepted a kernel with a wrong result";
  } catch (const std::exception& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("wrong result"), std::string::npos) << what;
    EXPECT_NE(what.find("C[3][3] is 1000"), std::string::npos) << what;
    EXPECT_NE(what.find("1 of 64 elements differ"), std::string::npos) << what;
  }
}

TEST(MlirEnv, ForksKeepTheScheduleAndStepOnTheirOwn) {
  auto env = make_env("generator://matmul-v0?m=16&n=16&k=16");
  env->step(action(*env, "tile_m=4"));
  auto fork = env->fork();
  EXPECT_EQ(fork->observation("Schedule").as<nlohmann::json>(),
            env->observation("Schedule").as<nlohmann::json>());
  fork->step(action(*fork, "tile_n=8"));
  EXPECT_EQ(env->observation("Schedule").as<nlohmann::json>()["tile_options"]["tile_sizes"],
            nlohmann::json({4, 0, 0}));
  EXPECT_EQ(fork->observation("Schedule").as<nlohmann::json>()["tile_options"]["tile_sizes"],
            nlohmann::json({4, 8, 0}));
  EXPECT_EQ(fork->commandline(), "tile_m=4 tile_n=8");
}

TEST(MlirEnv, TheLoweringAgreesWithMlirOpt) {
  // Independent truth for the transformations: the env's Mlir observation,
  // run through mlir-opt's own verifier and canonicalizer, is valid MLIR
  // that still holds the tiled loops.
#ifndef CGYM_MLIR_OPT
  GTEST_SKIP() << "mlir-opt-19 was not found (apt-get install mlir-19-tools)";
#else
  auto env = make_env("generator://matmul-v0?m=32&n=32&k=32");
  ASSERT_NO_THROW(env->send_session_parameter("mlir.schedule",
                                              R"({"tile_options": {"tile_sizes": [8, 16, 4]},
          "vectorize_options": {"vectorize": true, "vectorize_to": "outer_product"}})"));
  const fs::path in = temp_file("scheduled.mlir", env->observation("Mlir").as<std::string>());
  const fs::path out = in.parent_path() / "canonical.mlir";
  const std::string cmd = std::string(CGYM_MLIR_OPT) + " --verify-each --canonicalize " +
                          in.string() + " -o " + out.string() + " 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::ifstream f(out);
  const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("scf.for"), std::string::npos);
  // outer_product: vector.contract lowered to outer products, then to FMAs.
  EXPECT_NE(text.find("vector.fma"), std::string::npos) << text.substr(0, 2000);
  EXPECT_EQ(text.find("vector.contract"), std::string::npos);
#endif
}

}  // namespace
