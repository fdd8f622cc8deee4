// Bad inputs of docs/reliability.md that no other test covered: each one
// must give a cgym::Error subclass whose message says what was wrong and
// what would be valid, and leave nothing broken behind. Every message is
// printed ("[bad input] ...") so that the table in docs/reliability.md can
// quote it.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>

#include "cgym/cgym.h"
#include "cgym/datasets.h"
#include "cgym/util.h"
#include "toy/toy_backend.h"

using namespace cgym;
namespace fs = std::filesystem;

namespace {

// Runs `f`, which must throw E with every needle in its message.
template <typename E>
void expect_error(const std::string& label, const std::function<void()>& f,
                  const std::vector<std::string>& needles) {
  try {
    f();
    ADD_FAILURE() << label << ": no exception";
  } catch (const E& e) {
    const std::string what = e.what();
    std::cout << "[bad input] " << label << " -> " << e.type_name() << ": " << what.substr(0, 600)
              << "\n";
    for (const auto& n : needles) {
      EXPECT_NE(what.find(n), std::string::npos) << label << ": '" << n << "' not in: " << what;
    }
  } catch (const std::exception& e) {
    ADD_FAILURE() << label << ": wrong exception " << error_type_name(e) << ": " << e.what();
  }
}

// Sets an environment variable for the scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// Makes the disk look full to this process: writes past `bytes` fail with
// EFBIG (and SIGXFSZ, ignored meanwhile), as they would with ENOSPC.
class ScopedFileSizeLimit {
 public:
  explicit ScopedFileSizeLimit(rlim_t bytes) {
    getrlimit(RLIMIT_FSIZE, &old_);
    old_handler_ = signal(SIGXFSZ, SIG_IGN);
    rlimit r = old_;
    r.rlim_cur = bytes;
    setrlimit(RLIMIT_FSIZE, &r);
  }
  ~ScopedFileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &old_);
    signal(SIGXFSZ, old_handler_);
  }

 private:
  rlimit old_{};
  sighandler_t old_handler_ = nullptr;
};

std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

EnvPtr make_llvm(const std::string& id = "llvm-v0") {
  try {
    return make(id);
  } catch (const LookupError&) {
    return nullptr;  // built without the LLVM backend
  }
}

#define LLVM_OR_SKIP(var, ...)       \
  auto var = make_llvm(__VA_ARGS__); \
  if (!var) GTEST_SKIP() << "the LLVM backend is not built"

}  // namespace

TEST(BadInputs, UnknownEnvIdListsTheValidIds) {
  toy::register_toy_envs();
  expect_error<LookupError>("make(\"llvm-v9\")", [] { make("llvm-v9"); }, {"llvm-v9", "toy-v0"});
}

TEST(BadInputs, LlvmNamesThatDoNotExist) {
  LLVM_OR_SKIP(env);
  expect_error<LookupError>("reset observation_space Autofase",
                            [&] { env->reset({.observation_space = "Autofase"}); }, {"Autophase"});
  expect_error<LookupError>("reset reward_space IrInstrCount",
                            [&] { env->reset({.reward_space = "IrInstrCount"}); },
                            {"IrInstructionCount"});
  expect_error<LookupError>("reset benchmark://cgym-v0/crc23",
                            [&] { env->reset({.benchmark = "benchmark://cgym-v0/crc23"}); },
                            {"crc32"});
  expect_error<LookupError>("reset benchmark://nope-v0/x",
                            [&] { env->reset({.benchmark = "benchmark://nope-v0/x"}); },
                            {"nope-v0", "cgym-v0"});
  expect_error<LookupError>("reset generator://csmith-v0/-1",
                            [&] { env->reset({.benchmark = "generator://csmith-v0/-1"}); },
                            {"4294967295"});
  env->reset();
  const int n = env->action_space().size();
  expect_error<ActionOutOfRange>("step(9999)", [&] { env->step(9999); },
                                 {"9999", std::to_string(n - 1)});
  expect_error<LookupError>(
      "from_commandline with an unknown flag",
      [&] { env->from_commandline("opt -gvn -no-such-pass input.bc -o output.bc"); },
      {"-no-such-pass"});
  // The env is still usable after all of that.
  EXPECT_FALSE(env->step(env->action_space().index("-mem2reg")).info.failed());
}

TEST(BadInputs, CallsInTheWrongOrder) {
  toy::register_toy_envs();
  auto env = make("toy-v0");
  expect_error<StateError>("step before reset", [&] { env->step(0); }, {"reset"});
  env->reset();
  // "crash" makes the session throw: the step ends the episode with an error.
  const auto r = env->step(env->action_space().index("crash"));
  ASSERT_TRUE(r.done);
  ASSERT_TRUE(r.info.failed());
  std::cout << "[bad input] a step whose compiler fails -> done=true, error_type="
            << r.info.error_type << ", error_details=" << r.info.error_details << "\n";
  expect_error<StateError>("step on a finished episode", [&] { env->step(0); }, {"reset"});
  env->reset();
  EXPECT_FALSE(env->step(0).done);
  env->close();
  expect_error<StateError>("step after close", [&] { env->step(0); }, {"close"});
  expect_error<StateError>("reset after close", [&] { env->reset(); }, {"close"});
}

TEST(BadInputs, EmptyPrograms) {
  LLVM_OR_SKIP(env);
  TempDir dir("bad-inputs");
  for (const char* name : {"empty.bc", "empty.c", "empty.ll"}) {
    std::ofstream(dir.path() / name).close();
  }
  expect_error<BenchmarkInitError>(
      "an empty .bc file",
      [&] { env->reset({.benchmark = "file://" + (dir.path() / "empty.bc").string()}); },
      {"empty.bc"});
  BenchmarkData data;
  data.uri = "benchmark://test-v0/empty";
  data.format = ProgramFormat::kLlvmBitcode;
  expect_error<BenchmarkInitError>("a Benchmark with no bitcode",
                                   [&] { env->reset({.benchmark = Benchmark::make(data)}); },
                                   {"benchmark://test-v0/empty"});
  expect_error<BenchmarkInitError>(
      "an empty .ll file",
      [&] { env->reset({.benchmark = "file://" + (dir.path() / "empty.ll").string()}); },
      {"empty.ll", "empty program"});
  // An empty C file compiles to a valid, empty module: episodes on it work
  // and every pass has nothing to do.
  env->reset({.benchmark = "file://" + (dir.path() / "empty.c").string()});
  EXPECT_EQ(env->observation("IrInstructionCount").as<int64_t>(), 0);
  const auto r = env->step(env->action_space().index("-gvn"));
  EXPECT_FALSE(r.info.failed()) << r.info.error_details;
  EXPECT_TRUE(r.info.action_had_no_effect);
}

TEST(BadInputs, AMissingToolSaysHowToInstallIt) {
  expect_error<EnvironmentNotSupported>("llvm_tool(\"no-such-tool\")",
                                        [] { llvm_tool("no-such-tool"); },
                                        {"no-such-tool-19", "apt-get install llvm-19"});
}

TEST(BadInputs, AFullDiskNeverReplacesAGoodFile) {
  TempDir dir("bad-inputs");
  const fs::path file = dir.path() / "data.txt";
  write_file_atomic(file, "good");
  const fs::path csv = dir.path() / "states.csv";
  const std::vector<EnvState> states = {{"benchmark://cgym-v0/crc32", 1.5, 0.25, "opt -gvn"}};
  write_state_csv_file(csv.string(), states);
  {
    ScopedFileSizeLimit limit(1024);
    expect_error<IoError>("write_file_atomic on a full disk",
                          [&] { write_file_atomic(file, std::string(1 << 20, 'x')); },
                          {file.string()});
    std::vector<EnvState> big(20000, states[0]);
    expect_error<IoError>("write_state_csv_file on a full disk",
                          [&] { write_state_csv_file(csv.string(), big); }, {csv.string()});
  }
  EXPECT_EQ(read_file(file), "good");
  EXPECT_EQ(read_state_csv_file(csv.string()), states);
  // No temporary file is left behind.
  EXPECT_EQ(files_in(dir.path()), (std::vector<std::string>{"data.txt", "states.csv"}));
}

TEST(BadInputs, AnUnwritableWorkingDirectoryIsAnIoError) {
  TempDir dir("bad-inputs");
  const std::string c_file = (dir.path() / "prog.c").string();
  write_file_atomic(c_file, "int main(void) { return 0; }\n");
  // A path under a regular file cannot be created, even by root.
  write_file_atomic(dir.path() / "file", "x");
  ScopedEnv transient("CGYM_TRANSIENT_CACHE", (dir.path() / "file" / "cache").string());
  LLVM_OR_SKIP(env);
  // Compiling a C file needs a scratch directory.
  expect_error<IoError>("CGYM_TRANSIENT_CACHE not writable, reset with a C file",
                        [&] { env->reset({.benchmark = "file://" + c_file}); },
                        {"CGYM_TRANSIENT_CACHE"});
  // Linking an executable needs the env's working directory.
  env->reset({.benchmark = "benchmark://cgym-v0/crc32"});
  expect_error<Error>("CGYM_TRANSIENT_CACHE not writable, TextSizeBytes",
                      [&] { env->observation("TextSizeBytes"); }, {"CGYM_TRANSIENT_CACHE"});
}

TEST(BadInputs, AnUnwritableCacheDirectoryOnlyCostsTheCache) {
  TempDir dir("bad-inputs");
  write_file_atomic(dir.path() / "file", "x");
  ScopedEnv cache("CGYM_CACHE", (dir.path() / "file" / "cache").string());
  LLVM_OR_SKIP(env, "llvm-ic-v0");
  // The -Oz baseline cannot be stored on disk: the reward is still computed.
  env->reset({.benchmark = "benchmark://cgym-v0/crc32"});
  const auto r = env->step(env->action_space().index("-mem2reg"));
  EXPECT_FALSE(r.info.failed()) << r.info.error_details;
  EXPECT_GT(r.reward, 0.0);
}
