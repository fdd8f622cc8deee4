// gcc-v0 end to end, against the real gcc: observations equal what running
// gcc by hand gives, command lines reproduce objects, rewards follow their
// formulas, the cache avoids gcc runs, and failures end steps cleanly.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "backends/gcc/elf.h"
#include "backends/gcc/gcc_env.h"
#include "backends/gcc/session.h"
#include "cgym/cgym.h"
#include "cgym/datasets.h"
#include "gcc_test_util.h"

namespace cgym::gcc {
namespace {

using test::bundled_c_benchmark;
using test::c_benchmark;

namespace fs = std::filesystem;

class GccEnv : public ::testing::Test {
 protected:
  void SetUp() override {
    CGYM_REQUIRE_GCC();
    env_ = cgym::make("gcc-v0");
    crc32_ = bundled_c_benchmark("crc32");
  }
  Action a(const std::string& name) { return env_->action_space().index(name); }
  int64_t obj_size() { return env_->observation("obj_size").as<int64_t>(); }
  GccSession& session() {
    return *dynamic_cast<GccSession*>(dynamic_cast<CompilerEnv&>(*env_).session());
  }

  EnvPtr env_;
  BenchmarkPtr crc32_;
};

// Writes the benchmark's sources into `dir`.
void write_sources(const Benchmark& b, const fs::path& dir) {
  for (const auto& s : b.data().sources) write_file_atomic(dir / s.name, s.contents);
}

ProcessResult run_in(const fs::path& dir, const std::vector<std::string>& argv) {
  return check_process({.argv = argv, .cwd = dir, .timeout_seconds = 120});
}

TEST_F(GccEnv, SpacesHaveTheIssueNames) {
  EXPECT_EQ(env_->env_id(), "gcc-v0");
  EXPECT_NE(env_->compiler_version().find("gcc"), std::string::npos);
  const auto spec = load_gcc_spec("gcc");
  EXPECT_TRUE(spec->probed);
  EXPECT_EQ(env_->action_space().size(),
            static_cast<int>(load_gcc_actions("gcc")->actions().size()));
  for (const char* name : {"-O3", "-fno-peel-loops", "--param=max-unroll-times[+1]"}) {
    EXPECT_TRUE(env_->action_space().find(name)) << name;
  }
  std::vector<std::string> names;
  for (const auto& o : env_->observation_spaces()) {
    names.push_back(o.name);
    EXPECT_FALSE(o.description.empty()) << o.name;
  }
  for (const char* n : {"source", "rtl", "asm", "asm_size", "asm_hash", "instruction_counts", "obj",
                        "obj_size", "obj_hash", "obj_text_size", "choices", "command_line",
                        "runtime", "obj_size_O0", "obj_size_Os"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
  }
  std::vector<std::string> rewards;
  for (const auto& r : env_->reward_spaces()) rewards.push_back(r.name);
  EXPECT_EQ(rewards, (std::vector<std::string>{"asm_size", "obj_size", "obj_size_Os"}));
  EXPECT_EQ(env_->observation_space_spec("choices").space.shape,
            std::vector<int64_t>{static_cast<int64_t>(spec->options.size())});
}

TEST_F(GccEnv, CompilationIsLazy) {
  env_->reset({.benchmark = crc32_});
  const auto before = artifact_cache_stats();
  for (const char* n : {"-O2", "-fno-peel-loops", "--param=max-unroll-times[+10]"}) {
    auto r = env_->step(a(n));
    EXPECT_FALSE(r.done);
    EXPECT_FALSE(r.info.failed());
  }
  const auto after = artifact_cache_stats();
  EXPECT_EQ(after.hits + after.misses, before.hits + before.misses) << "a step compiled";
  obj_size();
  EXPECT_EQ(artifact_cache_stats().hits + artifact_cache_stats().misses,
            before.hits + before.misses + 1);
}

TEST_F(GccEnv, ObjectEqualsDirectGccRun) {
  env_->reset({.benchmark = crc32_});
  env_->multistep(
      std::vector<Action>{a("-O2"), a("-fno-inline"), a("--param=max-unroll-times[+10]")});
  TempDir dir("gcc-env-test");
  write_sources(*crc32_, dir.path());
  run_in(dir.path(), {"gcc", "-O2", "-fno-inline", "--param=max-unroll-times=9", "-w", "-c",
                      "crc32.c", "-o", "direct.o"});
  const std::string direct = read_file(dir.path() / "direct.o");
  EXPECT_EQ(env_->observation("obj").as<Bytes>().data, direct);
  EXPECT_EQ(obj_size(), static_cast<int64_t>(direct.size()));
  EXPECT_EQ(env_->observation("obj_text_size").as<int64_t>(),
            static_cast<int64_t>(elf64_text_size(direct)));
  EXPECT_EQ(env_->observation("obj_hash").as<std::string>(), hash_bytes(direct));

  run_in(dir.path(), {"gcc", "-O2", "-fno-inline", "--param=max-unroll-times=9", "-w", "-S",
                      "crc32.c", "-o", "direct.s"});
  const std::string assembly = read_file(dir.path() / "direct.s");
  EXPECT_EQ(env_->observation("asm").as<std::string>(), assembly);
  EXPECT_EQ(env_->observation("asm_size").as<int64_t>(), static_cast<int64_t>(assembly.size()));
}

TEST_F(GccEnv, CommandlineRunByHandGivesTheSameObject) {
  env_->reset({.benchmark = crc32_});
  std::mt19937_64 rng(11);
  for (int i = 0; i < 12; ++i) env_->step(env_->action_space().sample(rng));
  env_->step(a("-Os"));
  const std::string line = env_->commandline();
  SCOPED_TRACE(line);
  EXPECT_EQ(line.rfind("gcc ", 0), 0u);
  TempDir dir("gcc-env-test");
  write_file_atomic(dir.path() / "input.c", crc32_->data().sources[0].contents);
  // Everything from '#' is a shell comment (the exact action list).
  auto r = run_process({.argv = ActionSpace::split_commandline(line.substr(0, line.find(" #"))),
                        .cwd = dir.path(),
                        .timeout_seconds = 120});
  ASSERT_TRUE(r.ok()) << r.stderr_data;
  const std::string by_hand = read_file(dir.path() / "output.o");
  auto obs = env_->observation("obj_size");
  ASSERT_EQ(obs.as<int64_t>(), static_cast<int64_t>(by_hand.size()));
  EXPECT_EQ(env_->observation("obj_text_size").as<int64_t>(),
            static_cast<int64_t>(elf64_text_size(by_hand)));
}

TEST_F(GccEnv, CommandLineObservationForMultiFileProgramsAndCompileFlags) {
  auto huffman = bundled_c_benchmark("huffman");
  ASSERT_GT(huffman->data().sources.size(), 2u);
  env_->reset({.benchmark = huffman});
  env_->step(a("-Os"));
  const std::string line = env_->observation("command_line").as<std::string>();
  TempDir dir("gcc-env-test");
  write_sources(*huffman, dir.path());
  run_in(dir.path(), ActionSpace::split_commandline(line));
  int64_t total = 0;
  std::vector<std::string> objects;
  for (const auto& s : huffman->data().sources) {
    if (fs::path(s.name).extension() != ".c") continue;
    const std::string o = fs::path(s.name).stem().string() + ".o";
    total += static_cast<int64_t>(fs::file_size(dir.path() / o));
    objects.push_back(o);
  }
  EXPECT_EQ(obj_size(), total) << line;
  // obj is an ar archive of the objects.
  write_file_atomic(dir.path() / "all.a", env_->observation("obj").as<Bytes>().data);
  if (find_program("ar")) {
    auto listing = run_in(dir.path(), {"ar", "t", "all.a"});
    std::string expected;
    for (const auto& o : objects) expected += o + "\n";
    EXPECT_EQ(listing.stdout_data, expected);
  }

  auto flagged =
      c_benchmark("benchmark://test/flags", "int f(int x) { return x * SCALE; }\n", {"-DSCALE=3"});
  env_->reset({.benchmark = flagged});
  env_->step(a("-O1"));
  const std::string line2 = env_->observation("command_line").as<std::string>();
  EXPECT_NE(line2.find("-DSCALE=3"), std::string::npos);
  TempDir dir2("gcc-env-test");
  write_sources(*flagged, dir2.path());
  run_in(dir2.path(), ActionSpace::split_commandline(line2));
  EXPECT_EQ(obj_size(), static_cast<int64_t>(fs::file_size(dir2.path() / "prog.o")));
}

TEST_F(GccEnv, StateReplayReproducesChoicesAndObject) {
  env_->reset({.benchmark = crc32_, .reward_space = "obj_size"});
  std::mt19937_64 rng(5);
  for (int i = 0; i < 25; ++i) env_->step(env_->action_space().sample(rng));
  const auto choices = get_choices(*env_);
  const int64_t size = obj_size();
  const EnvState state = env_->state();

  std::stringstream csv;
  write_state_csv(csv, {state});
  const auto states = read_state_csv(csv);
  ASSERT_EQ(states.size(), 1u);

  auto replay = cgym::make("gcc-v0");
  replay->reset({.benchmark = crc32_, .reward_space = "obj_size"});
  EXPECT_EQ(replay->from_commandline(states[0].commandline), env_->actions());
  replay->multistep(replay->from_commandline(states[0].commandline));
  EXPECT_EQ(get_choices(*replay), choices);
  EXPECT_EQ(replay->observation("obj_size").as<int64_t>(), size);
  EXPECT_EQ(replay->commandline(), state.commandline);
  EXPECT_NEAR(replay->episode_reward(), *state.reward, 1e-9);
}

TEST_F(GccEnv, SetChoicesDirectly) {
  env_->reset({.benchmark = crc32_});
  const auto spec = load_gcc_spec("gcc");
  std::vector<int64_t> choices(spec->options.size(), -1);
  choices[0] = 2;  // -O2
  choices[*spec->find("--param=max-unroll-times")] = 3;
  set_choices(*env_, choices);
  EXPECT_EQ(get_choices(*env_), choices);
  const std::string line = env_->observation("command_line").as<std::string>();
  EXPECT_NE(line.find("-O2 --param=max-unroll-times=3 -w -c crc32.c"), std::string::npos) << line;
  TempDir dir("gcc-env-test");
  write_sources(*crc32_, dir.path());
  run_in(dir.path(), ActionSpace::split_commandline(line));
  EXPECT_EQ(obj_size(), static_cast<int64_t>(fs::file_size(dir.path() / "crc32.o")));
  // The actions that reach the same choices from a fresh episode.
  auto table = load_gcc_actions("gcc");
  auto fresh = cgym::make("gcc-v0");
  fresh->reset({.benchmark = crc32_});
  fresh->multistep(table->actions_for_choices(choices));
  EXPECT_EQ(get_choices(*fresh), choices);

  choices[0] = 99;
  EXPECT_THROW(set_choices(*env_, choices), InvalidArgument);
  choices.pop_back();
  EXPECT_THROW(set_choices(*env_, choices), InvalidArgument);
  EXPECT_THROW(env_->send_session_parameter("gcc.choices", "1,x"), InvalidArgument);
  EXPECT_THROW(env_->send_session_parameter("gcc.nope", "1"), LookupError);
  const auto stats = nlohmann::json::parse(env_->send_session_parameter("gcc.cache_stats", ""));
  EXPECT_TRUE(stats.contains("hit_rate"));
}

TEST_F(GccEnv, RewardsFollowTheirFormulas) {
  env_->reset({.benchmark = crc32_, .reward_space = "obj_size"});
  const int64_t o0 = obj_size();
  EXPECT_EQ(o0, env_->observation("obj_size_O0").as<int64_t>());
  auto r = env_->step(a("-O2"), {.reward_spaces = {"asm_size"}});
  const int64_t o2 = obj_size();
  EXPECT_DOUBLE_EQ(r.reward, static_cast<double>(o0 - o2));
  EXPECT_LT(o2, o0);
  ASSERT_EQ(r.rewards.size(), 1u);
  // asm_size's first reward is measured from the state before the step.
  EXPECT_NE(r.rewards[0], 0.0);

  // obj_size_Os: reaching exactly -Os scores 1.
  env_->reset({.benchmark = crc32_, .reward_space = "obj_size_Os"});
  env_->step(a("-O3"));
  env_->step(a("-Os"));
  EXPECT_NEAR(env_->episode_reward(), 1.0, 1e-12);
  EXPECT_EQ(obj_size(), env_->observation("obj_size_Os").as<int64_t>());
}

TEST_F(GccEnv, RevisitedStatesComeFromTheCache) {
  env_->reset({.benchmark = crc32_});
  env_->step(a("-O2"));
  const int64_t o2 = obj_size();
  env_->step(a("-O1"));
  obj_size();
  const auto before = artifact_cache_stats();
  env_->step(a("-O2"));
  EXPECT_EQ(obj_size(), o2);
  const auto after = artifact_cache_stats();
  EXPECT_EQ(after.misses, before.misses);
  EXPECT_EQ(after.hits, before.hits + 1);
  // A fresh env on the same program shares the cache.
  auto other = cgym::make("gcc-v0");
  other->reset({.benchmark = crc32_});
  other->step(other->action_space().index("-O2"));
  EXPECT_EQ(other->observation("obj_size").as<int64_t>(), o2);
  EXPECT_EQ(artifact_cache_stats().misses, before.misses);
}

TEST_F(GccEnv, RejectedCombinationEndsTheStepAndResetRecovers) {
  env_->reset({.benchmark = crc32_, .reward_space = "obj_size"});
  auto r = env_->step(a("-flive-patching=inline-only-static"));
  ASSERT_FALSE(r.done) << r.info.error_details;
  r = env_->step(a("-fipa-cp-clone"));
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.info.error_type, "ProcessError");
  EXPECT_NE(r.info.error_details.find("incompatible"), std::string::npos) << r.info.error_details;
  EXPECT_THROW(env_->step(a("-O2")), StateError);
  env_->reset();
  r = env_->step(a("-O2"));
  EXPECT_FALSE(r.done);
  EXPECT_GT(obj_size(), 0);

  // Without a reward space the step only records the choice; the error
  // comes from the observation, and a new reset works.
  env_->reset({.reward_space = ""});
  EXPECT_FALSE(env_->step(a("-flive-patching=inline-only-static")).done);
  EXPECT_FALSE(env_->step(a("-fipa-cp-clone")).done);
  EXPECT_THROW(obj_size(), SessionError);
  env_->reset();
  EXPECT_GT(obj_size(), 0);
}

TEST(GccEnvMake, MissingGccIsEnvironmentNotSupported) {
  try {
    cgym::make("gcc-v0", {.params = {{"gcc_bin", "/nonexistent/gcc"}}});
    FAIL() << "expected EnvironmentNotSupported";
  } catch (const EnvironmentNotSupported& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/gcc"), std::string::npos) << e.what();
  }
  try {
    cgym::make("gcc-v0", {.params = {{"gcc_bin", "no-such-gcc-7"}}});
    FAIL() << "expected EnvironmentNotSupported";
  } catch (const EnvironmentNotSupported& e) {
    EXPECT_NE(std::string(e.what()).find("'no-such-gcc-7' was not found on PATH"),
              std::string::npos)
        << e.what();
  }
  // Programs that are not gcc.
  for (const char* not_gcc : {"/bin/true", "/bin/false"}) {
    if (!fs::exists(not_gcc)) continue;
    EXPECT_THROW(cgym::make("gcc-v0", {.params = {{"gcc_bin", not_gcc}}}), EnvironmentNotSupported)
        << not_gcc;
  }
  EXPECT_THROW(cgym::make("gcc-v0", {.params = {{"gcc_binary", "gcc"}}}), LookupError);
  EXPECT_THROW(cgym::make("gcc-v0", {.params = {{"timeout", "-3"}}}), InvalidArgument);
}

TEST(GccEnvMake, TimeoutEndsTheStepAndResetRecovers) {
  CGYM_REQUIRE_GCC();
  TempDir dir("gcc-fake");
  const fs::path marker = dir.path() / "hang";
  const fs::path fake = dir.path() / "fake-gcc";
  // Delegates to gcc; sleeps instead while the marker exists.
  write_file_atomic(
      fake, "#!/bin/sh\nif [ -e '" + marker.string() + "' ]; then sleep 60; fi\nexec gcc \"$@\"\n");
  fs::permissions(fake, fs::perms::owner_all);
  // The fake answers --version like gcc; seed its spec cache with gcc's
  // spec so that the test does not spend seconds probing it again.
  const auto real = load_gcc_spec("gcc");
  GccSpec copy = *real;
  copy.path = fs::canonical(fake).string();
  write_file_atomic(spec_cache_path(copy.version, copy.path), copy.to_json().dump());

  auto env = cgym::make("gcc-v0", {.params = {{"gcc_bin", fake.string()}, {"timeout", "1"}}});
  env->reset(
      {.benchmark = c_benchmark("benchmark://test/timeout", "int f(void) { return 41; }\n")});
  write_file_atomic(marker, "");
  const auto start = std::chrono::steady_clock::now();
  auto r = env->step(env->action_space().index("-O1"), {.observation_spaces = {"obj_size"}});
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.info.error_type, "TimeoutError");
  EXPECT_LT(seconds, 30.0);
  fs::remove(marker);
  env->reset();
  r = env->step(env->action_space().index("-O1"), {.observation_spaces = {"obj_size"}});
  EXPECT_FALSE(r.done) << r.info.error_details;
  EXPECT_GT(r.observations.at(0).as<int64_t>(), 0);
  EXPECT_NE(env->commandline().find(fake.string()), std::string::npos);
}

TEST_F(GccEnv, ForksAreIndependent) {
  env_->reset({.benchmark = crc32_});
  env_->step(a("-O2"));
  const int64_t o2 = obj_size();
  auto fork = env_->fork();
  fork->step(fork->action_space().index("-O0"));
  EXPECT_NE(fork->observation("obj_size").as<int64_t>(), o2);
  EXPECT_EQ(obj_size(), o2);
  EXPECT_EQ(fork->actions().size(), 2u);
  fork.reset();  // the source directory is shared: dropping the fork keeps ours
  env_->step(a("-O3"));
  EXPECT_GT(obj_size(), 0);
}

TEST_F(GccEnv, EveryObservation) {
  env_->reset({.benchmark = crc32_});
  env_->step(a("-O2"));
  for (const auto& spec : env_->observation_spaces()) {
    const Observation o = env_->observation(spec.name);
    EXPECT_TRUE(spec.space.contains(o)) << spec.name << ": " << o.to_display_string();
  }
  EXPECT_NE(env_->observation("source").as<std::string>().find("crc_bitwise"), std::string::npos);
  EXPECT_NE(env_->observation("rtl").as<std::string>().find("(insn"), std::string::npos);
  const auto counts = env_->observation("instruction_counts").as_json();
  EXPECT_GE(counts.value("ret", 0), 1);
  for (const auto& [k, v] : counts.items()) EXPECT_NE(k[0], '.') << k;
  EXPECT_EQ(env_->observation("asm_hash").as<std::string>().size(), 32u);
  const auto runtime = env_->observation("runtime").as<std::vector<double>>();
  ASSERT_EQ(runtime.size(), 1u);
  EXPECT_GT(runtime[0], 0.0);
  EXPECT_LT(env_->observation("obj_size_Os").as<int64_t>(),
            env_->observation("obj_size_O0").as<int64_t>());
  const auto v = env_->validate();
  EXPECT_TRUE(v.okay()) << v.to_string();
  EXPECT_TRUE(v.semantics_validated);
}

TEST_F(GccEnv, RuntimeRunsAreConfigurable) {
  auto env = cgym::make("gcc-v0", {.params = {{"runtime_runs", "2"}}});
  env->reset({.benchmark = crc32_});
  env->step(env->action_space().index("-O1"));
  EXPECT_EQ(env->observation("runtime").as<std::vector<double>>().size(), 2u);
  EXPECT_EQ(env->send_session_parameter("gcc.set_runtimes_per_observation_count", "3"), "3");
  EXPECT_EQ(env->send_session_parameter("gcc.get_runtimes_per_observation_count", ""), "3");
  EXPECT_EQ(env->send_session_parameter("gcc.set_warmup_runs_count_per_runtime_observation", "1"),
            "1");
  EXPECT_EQ(env->observation("runtime").as<std::vector<double>>().size(), 3u);
  EXPECT_THROW(env->send_session_parameter("gcc.set_runtimes_per_observation_count", "0"),
               InvalidArgument);
  EXPECT_THROW(cgym::make("gcc-v0", {.params = {{"runtime_runs", "x"}}}), InvalidArgument);
  // Not runnable: no reference output.
  env->reset({.benchmark = c_benchmark("benchmark://test/lib", "int f(void) { return 1; }\n")});
  EXPECT_THROW(env->observation("runtime"), SessionError);
}

TEST_F(GccEnv, InstructionCountsOfAKnownFunction) {
  env_->reset(
      {.benchmark = c_benchmark("benchmark://test/inc", "int f(int x) { return x + 1; }\n")});
  env_->step(a("-O2"));
  EXPECT_EQ(env_->observation("instruction_counts").as_json(),
            nlohmann::json({{"leal", 1}, {"ret", 1}}));
}

// A random search over choice vectors (the way search algorithms use
// set_choices) finds smaller objects than the start of the episode (-O0) on
// bundled programs, and its best state replays through actions.
TEST_F(GccEnv, RandomSearchImprovesObjSize) {
  const auto spec = load_gcc_spec("gcc");
  const auto table = load_gcc_actions("gcc");
  std::mt19937_64 rng(1);
  for (const char* name : {"crc32", "qsort"}) {
    auto b = bundled_c_benchmark(name);
    env_->reset({.benchmark = b});
    const int64_t start = obj_size();
    int64_t best = start;
    std::vector<int64_t> best_choices;
    int failures = 0;
    for (int trial = 0; trial < 40; ++trial) {
      // Sparse samples: most options absent, as a search would start.
      const auto choices = sample_choices(*spec, rng, 0.9);
      set_choices(*env_, choices);
      try {
        const int64_t size = obj_size();
        if (size < best) {
          best = size;
          best_choices = choices;
        }
      } catch (const SessionError&) {
        ++failures;  // gcc rejected this combination; the env stays usable
      }
    }
    EXPECT_LT(best, start) << name << " (" << failures << " rejected samples)";
    if (best_choices.empty()) continue;
    env_->reset({.benchmark = b, .reward_space = "obj_size"});
    auto r = env_->multistep(table->actions_for_choices(best_choices));
    ASSERT_FALSE(r.done) << r.info.error_details;
    EXPECT_EQ(obj_size(), best);
    EXPECT_DOUBLE_EQ(env_->episode_reward(), static_cast<double>(start - best));
  }
}

TEST_F(GccEnv, DatasetsOfTheEnv) {
  try {
    env_->reset();  // benchmark://cgym-v0/crc32
  } catch (const BenchmarkInitError& e) {
    GTEST_SKIP() << "bundled dataset not built here: " << e.what();
  }
  EXPECT_EQ(env_->benchmark()->uri(), "benchmark://cgym-v0/crc32");
  EXPECT_GT(obj_size(), 0);
  TempDir dir("gcc-env-test");
  write_file_atomic(dir.path() / "mine.c", "int g(int y) { return y * y; }\n");
  env_->reset({.benchmark = "file://" + (dir.path() / "mine.c").string()});
  EXPECT_GT(obj_size(), 0);
  if (find_program("csmith") && fs::exists("/usr/include/csmith/csmith.h")) {
    env_->reset({.benchmark = "generator://csmith-v0/3"});
    env_->step(a("-O1"));
    EXPECT_GT(obj_size(), 0);
    EXPECT_NE(env_->observation("command_line").as<std::string>().find("-I/usr/include/csmith"),
              std::string::npos);
  }
}

}  // namespace
}  // namespace cgym::gcc
