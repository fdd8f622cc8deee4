// Building, running and validating programs (cgym/program.h).
#include <gtest/gtest.h>

#include <thread>

#include "datasets/datasets_test_util.h"

using namespace cgym;
using cgym_test::issues_text;
using cgym_test::write_text;

namespace {

// A benchmark from C source with a fixed expected output (the truth is the
// C program's meaning, written down here).
BenchmarkPtr c_benchmark(const TempDir& dir, const std::string& name, const std::string& source,
                         const std::string& expected, double run_timeout = 10.0) {
  const auto path = dir.path() / name;
  write_text(path, source);
  auto user = make_benchmark({path});
  BenchmarkData data = user->data();
  data.reference_output = expected;
  data.run_timeout_seconds = run_timeout;
  return Benchmark::make(std::move(data));
}

constexpr const char* kVolatileSum = R"(#include <stdio.h>
volatile unsigned long result;
int main(void) {
  unsigned long acc = 0;
  for (unsigned i = 1; i <= 100; ++i) acc = acc * 31 + i;
  result = acc;
  printf("start\n%lu\nend\n", result);
  return 0;
}
)";

}  // namespace

TEST(Program, ClangProgramIsFoundOrExplained) {
  try {
    const auto clang = clang_program();
    EXPECT_TRUE(std::filesystem::exists(clang)) << clang;
  } catch (const EnvironmentNotSupported& e) {
    EXPECT_NE(std::string(e.what()).find("clang"), std::string::npos);
    GTEST_SKIP() << e.what();
  }
}

TEST(Program, CgymClangOverrideMustExist) {
  setenv("CGYM_CLANG", "/nonexistent/clang-42", 1);
  try {
    clang_program();
    unsetenv("CGYM_CLANG");
    FAIL() << "expected EnvironmentNotSupported";
  } catch (const EnvironmentNotSupported& e) {
    unsetenv("CGYM_CLANG");
    EXPECT_NE(std::string(e.what()).find("/nonexistent/clang-42"), std::string::npos) << e.what();
  }
}

// The reference is computed by building the unoptimised program; the test
// knows what the C program prints, so both must agree.
TEST(Program, MakeRunnableRecordsTheProgramsOutput) {
  CGYM_REQUIRE_TOOLS();
  TempDir dir("program-test");
  write_text(dir.path() / "sum.c", kVolatileSum);
  auto b = make_runnable(*make_benchmark({dir.path() / "sum.c"}));
  ASSERT_TRUE(b->is_runnable());
  // 31-polynomial of 1..100 modulo 2^64, computed independently:
  unsigned long acc = 0;
  for (unsigned i = 1; i <= 100; ++i) acc = acc * 31 + i;
  EXPECT_EQ(*b->data().reference_output, "start\n" + std::to_string(acc) + "\nend\n");
}

TEST(Program, OptimisedModuleValidates) {
  CGYM_REQUIRE_TOOLS();
  const auto opt = cgym_test::tool("opt");
  if (!opt) GTEST_SKIP() << "opt-19 is missing";
  TempDir dir("program-test");
  unsigned long acc = 0;
  for (unsigned i = 1; i <= 100; ++i) acc = acc * 31 + i;
  auto b = c_benchmark(dir, "sum.c", kVolatileSum, "start\n" + std::to_string(acc) + "\nend\n");
  for (const char* level : {"default<O0>", "default<O3>", "default<Oz>"}) {
    const auto optimised = cgym_test::run_opt(*opt, b->program(), level);
    const auto issues = validate_bitcode_program(*b, optimised, dir.path(), false);
    EXPECT_TRUE(issues.empty()) << level << ":\n" << issues_text(issues);
  }
}

// The deliberately broken module: the O3 module with main's store to
// `result` deleted prints 0 instead of the sum.
TEST(Program, BrokenOptimisedModuleFailsWithWrongOutput) {
  CGYM_REQUIRE_TOOLS();
  const auto opt = cgym_test::tool("opt");
  if (!opt) GTEST_SKIP() << "opt-19 is missing";
  TempDir dir("program-test");
  unsigned long acc = 0;
  for (unsigned i = 1; i <= 100; ++i) acc = acc * 31 + i;
  auto b = c_benchmark(dir, "sum.c", kVolatileSum, "start\n" + std::to_string(acc) + "\nend\n");
  const std::string ir =
      cgym_test::disassemble(cgym_test::run_opt(*opt, b->program(), "default<O3>"));
  // Delete the volatile store inside main.
  const auto main_at = ir.find("@main(");
  ASSERT_NE(main_at, std::string::npos) << ir;
  const auto store_at = ir.find("store volatile", main_at);
  ASSERT_NE(store_at, std::string::npos) << ir;
  const auto line_start = ir.rfind('\n', store_at) + 1;
  const auto line_end = ir.find('\n', store_at);
  const std::string broken_ir = ir.substr(0, line_start) + ir.substr(line_end + 1);
  const std::string broken = cgym_test::assemble(broken_ir);

  const auto issues = validate_bitcode_program(*b, broken, dir.path(), false);
  ASSERT_EQ(issues.size(), 1u) << issues_text(issues);
  EXPECT_EQ(issues[0].type, "Wrong output");
  const std::string& d = issues[0].details;
  EXPECT_NE(d.find("line 2"), std::string::npos) << d;
  EXPECT_NE(d.find("expected: \"" + std::to_string(acc) + "\""), std::string::npos) << d;
  EXPECT_NE(d.find("actual:   \"0\""), std::string::npos) << d;
}

TEST(Program, CrashTimeoutAndExitStatusAreReported) {
  CGYM_REQUIRE_TOOLS();
  TempDir dir("program-test");
  {
    auto b = c_benchmark(
        dir, "segv.c",
        "#include <signal.h>\n#include <stdio.h>\n"
        "int main(void){ printf(\"x\\n\"); fflush(stdout); raise(SIGSEGV); return 0; }\n",
        "x\n");
    const auto issues = validate_bitcode_program(*b, b->program(), dir.path(), false);
    ASSERT_EQ(issues.size(), 1u) << issues_text(issues);
    EXPECT_EQ(issues[0].type, "Crash");
    EXPECT_NE(issues[0].details.find("signal 11"), std::string::npos) << issues[0].details;
    EXPECT_NE(issues[0].details.find("SIGSEGV"), std::string::npos) << issues[0].details;
  }
  {
    auto b = c_benchmark(dir, "exit3.c",
                         "#include <stdio.h>\nint main(void){ fprintf(stderr, \"bad input\\n\"); "
                         "return 3; }\n",
                         "");
    const auto issues = validate_bitcode_program(*b, b->program(), dir.path(), false);
    ASSERT_EQ(issues.size(), 1u) << issues_text(issues);
    EXPECT_EQ(issues[0].type, "Crash");
    EXPECT_NE(issues[0].details.find("status 3"), std::string::npos) << issues[0].details;
    EXPECT_NE(issues[0].details.find("bad input"), std::string::npos) << issues[0].details;
  }
  {
    auto b = c_benchmark(dir, "loop.c",
                         "volatile int spin = 1;\nint main(void){ while (spin) {} return 0; }\n",
                         "", 0.5);
    const auto issues = validate_bitcode_program(*b, b->program(), dir.path(), false);
    ASSERT_EQ(issues.size(), 1u) << issues_text(issues);
    EXPECT_EQ(issues[0].type, "Execution timeout");
    EXPECT_NE(issues[0].details.find("0.5"), std::string::npos) << issues[0].details;
  }
}

TEST(Program, WrongOutputShowsMissingLinesAndNewlines) {
  CGYM_REQUIRE_TOOLS();
  TempDir dir("program-test");
  auto b = c_benchmark(dir, "short.c",
                       "#include <stdio.h>\nint main(void){ printf(\"a\\nb\"); return 0; }\n",
                       "a\nb\nc\n");
  const auto issues = validate_bitcode_program(*b, b->program(), dir.path(), false);
  ASSERT_EQ(issues.size(), 1u) << issues_text(issues);
  EXPECT_EQ(issues[0].type, "Wrong output");
  EXPECT_NE(issues[0].details.find("line 3 actual:   <end of output>"), std::string::npos)
      << issues[0].details;

  ProcessResult run;
  run.stdout_data = "a\nb\nc";
  const auto newline = check_program_output(*b, run);
  ASSERT_EQ(newline.size(), 1u);
  EXPECT_NE(newline[0].details.find("final newline"), std::string::npos) << newline[0].details;
}

TEST(Program, BuildFailureIsAnIssue) {
  CGYM_REQUIRE_TOOLS();
  TempDir dir("program-test");
  auto b = c_benchmark(dir, "ok.c", "int main(void){ return 0; }\n", "");
  const auto issues = validate_bitcode_program(*b, "this is not bitcode or IR", dir.path(), false);
  ASSERT_EQ(issues.size(), 1u) << issues_text(issues);
  EXPECT_EQ(issues[0].type, "Build failed");
  EXPECT_NE(issues[0].details.find("error"), std::string::npos) << issues[0].details;
}

TEST(Program, NotRunnableHasNothingToValidate) {
  BenchmarkData data;
  data.uri = "benchmark://test-v0/x";
  data.format = ProgramFormat::kLlvmIr;
  data.program = "garbage";
  EXPECT_TRUE(validate_bitcode_program(*Benchmark::make(data), "garbage",
                                       std::filesystem::temp_directory_path(), false)
                  .empty());
}

TEST(Program, ConcurrentBuildsInOneDirectoryDoNotClash) {
  CGYM_REQUIRE_TOOLS();
  TempDir dir("program-test");
  auto b = c_benchmark(dir, "hello.c",
                       "#include <stdio.h>\nint main(void){ puts(\"hi\"); return 0; }\n", "hi\n");
  std::vector<std::thread> threads;
  std::vector<std::string> results(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      results[t] = issues_text(validate_bitcode_program(*b, b->program(), dir.path(), false));
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : results) EXPECT_EQ(r, "");
}

TEST(Program, SanitizersFindAHeapOverflowTheOutputHides) {
  CGYM_REQUIRE_TOOLS();
  TempDir dir("program-test");
  // Writes one element past a heap block; prints the same thing either way.
  auto bad =
      c_benchmark(dir, "overflow.c",
                  "#include <stdio.h>\n#include <stdlib.h>\n"
                  "int main(int argc, char** argv){ (void)argv; int* p = malloc(4 * sizeof(int));\n"
                  "  for (int i = 0; i < 4 + argc; ++i) p[i] = i;\n"
                  "  printf(\"%d\\n\", p[0] + p[1]); free(p); return 0; }\n",
                  "1\n");
  EXPECT_TRUE(validate_bitcode_program(*bad, bad->program(), dir.path(), false).empty());
  const auto issues = validate_bitcode_program(*bad, bad->program(), dir.path(), true);
  const std::string text = issues_text(issues);
  if (text.find("Build failed") != std::string::npos && text.find("asan") != std::string::npos) {
    GTEST_SKIP() << "the sanitizer runtime (libclang-rt-19-dev) is missing:\n" << text;
  }
  ASSERT_EQ(issues.size(), 2u) << text;  // the optimised module, and the sources
  EXPECT_EQ(issues[0].type, "AddressSanitizer error") << text;
  EXPECT_NE(issues[0].details.find("[optimized module"), std::string::npos) << text;
  EXPECT_NE(issues[0].details.find("heap-buffer-overflow"), std::string::npos) << text;
  EXPECT_EQ(issues[1].type, "AddressSanitizer error") << text;
  EXPECT_NE(issues[1].details.find("[sources"), std::string::npos) << text;

  auto good =
      c_benchmark(dir, "fine.c",
                  "#include <stdio.h>\nint main(void){ int a[4] = {1, 2, 3, 4}; int s = 0;\n"
                  "  for (int i = 0; i < 4; ++i) s += a[i]; printf(\"%d\\n\", s); return 0; }\n",
                  "10\n");
  const auto clean = validate_bitcode_program(*good, good->program(), dir.path(), true);
  EXPECT_TRUE(clean.empty()) << issues_text(clean);
}

TEST(Program, UndefinedBehaviourIsFoundInTheSources) {
  CGYM_REQUIRE_TOOLS();
  TempDir dir("program-test");
  auto b = c_benchmark(dir, "ub.c",
                       "#include <stdio.h>\n#include <limits.h>\n"
                       "int main(int argc, char** argv){ (void)argv; int x = INT_MAX - 1 + argc;\n"
                       "  x += argc; printf(\"%d\\n\", x > 0); return 0; }\n",
                       "0\n");
  const auto issues = validate_bitcode_program(*b, b->program(), dir.path(), true);
  const std::string text = issues_text(issues);
  bool ubsan = false;
  for (const auto& i : issues) {
    if (i.type == "UndefinedBehaviorSanitizer error") {
      ubsan = true;
      EXPECT_NE(i.details.find("signed integer overflow"), std::string::npos) << text;
    }
  }
  EXPECT_TRUE(ubsan) << text;
}

namespace {

// Reads the file named by argv[1], writes each byte plus one to
// output.txt, and prints the byte count. VARIANT changes one behaviour on
// the input whose first byte is 'G' (input 4 below): the variants are the
// "optimised" programs that validation must catch.
std::string copier_source(const std::string& variant) {
  return "#include <stdio.h>\n#define VARIANT_" + variant + R"(
int main(int argc, char** argv) {
  if (argc < 2) return 2;
  FILE* in = fopen(argv[1], "rb");
  if (!in) return 3;
  int c, first = -1;
  long n = 0;
  FILE* out = fopen("output.txt", "wb");
  while ((c = fgetc(in)) != EOF) {
    if (first < 0) first = c;
#ifdef VARIANT_FILE
    if (first == 'G' && n == 2) c = 'z';
#endif
    fputc(c + 1, out);
    ++n;
  }
  fclose(in);
  fclose(out);
#ifdef VARIANT_NOFILE
  if (first == 'G') remove("output.txt");
#endif
#ifdef VARIANT_STDOUT
  if (first == 'G') ++n;
#endif
  printf("%ld bytes\n", n);
  return 0;
}
)";
}

BenchmarkPtr copier(const TempDir& dir, const std::string& variant) {
  const auto path = dir.path() / ("copier_" + variant + ".c");
  write_text(path, copier_source(variant));
  return make_benchmark({path});
}

std::vector<ProgramRun> copier_runs(const TempDir& dir) {
  std::vector<ProgramRun> runs;
  const char* inputs[] = {"alpha", "bravo bravo", "charlie", "Golf golf golf", "echo"};
  for (int i = 0; i < 5; ++i) {
    const auto p = dir.path() / ("input" + std::to_string(i + 1) + ".txt");
    write_text(p, inputs[i]);
    runs.push_back({.args = {p.string()}, .output_files = {"output.txt"}});
  }
  return runs;
}

}  // namespace

// CompilerGym validates a cBench program on each of its runtime inputs and
// compares the files it writes; a difference on one input of five, in a
// file only, must be found and named.
TEST(Program, ValidationRunsEveryInputAndComparesOutputFiles) {
  CGYM_REQUIRE_TOOLS();
  TempDir dir("program-test");
  const auto runs = copier_runs(dir);
  const auto ref = make_runnable_with_runs(*copier(dir, "NONE"), runs);
  ASSERT_TRUE(ref->is_runnable());
  EXPECT_EQ(*ref->data().reference_output, "5 bytes\n");
  EXPECT_EQ(ref->data().run_args, runs[0].args);
  const auto& recorded = ref->data().metadata.at("runs");
  ASSERT_EQ(recorded.size(), 5u);
  // The -O0 build wrote one byte per input byte ("Golf golf golf": 14).
  EXPECT_EQ(recorded[3]["reference"]["files"]["output.txt"]["size"], 14);
  EXPECT_EQ(recorded[3]["reference"]["stdout"]["size"], std::string("14 bytes\n").size());

  auto issues = validate_bitcode_program(*ref, ref->program(), dir.path(), false);
  EXPECT_TRUE(issues.empty()) << issues_text(issues);

  issues = validate_bitcode_program(*ref, copier(dir, "FILE")->program(), dir.path(), false);
  ASSERT_EQ(issues.size(), 1u) << issues_text(issues);
  EXPECT_EQ(issues[0].type, "Wrong output");
  EXPECT_NE(issues[0].details.find("run 4 of 5"), std::string::npos) << issues[0].details;
  EXPECT_NE(issues[0].details.find("input4.txt"), std::string::npos) << issues[0].details;
  EXPECT_NE(issues[0].details.find("output.txt differs from the -O0 build's"), std::string::npos)
      << issues[0].details;

  issues = validate_bitcode_program(*ref, copier(dir, "NOFILE")->program(), dir.path(), false);
  ASSERT_EQ(issues.size(), 1u) << issues_text(issues);
  EXPECT_NE(issues[0].details.find("run 4 of 5"), std::string::npos) << issues[0].details;
  EXPECT_NE(issues[0].details.find("did not write output.txt"), std::string::npos)
      << issues[0].details;

  issues = validate_bitcode_program(*ref, copier(dir, "STDOUT")->program(), dir.path(), false);
  ASSERT_EQ(issues.size(), 1u) << issues_text(issues);
  EXPECT_NE(issues[0].details.find("run 4 of 5"), std::string::npos) << issues[0].details;
  EXPECT_NE(issues[0].details.find("stdout differs"), std::string::npos) << issues[0].details;

  // The sanitizer builds run every input too, and agree.
  issues = validate_bitcode_program(*ref, ref->program(), dir.path(), true);
  EXPECT_TRUE(issues.empty()) << issues_text(issues);
}

TEST(Program, ValidationRunsWithAPatternInsteadOfTheOutput) {
  CGYM_REQUIRE_TOOLS();
  TempDir dir("program-test");
  // Like cBench's sha, whose digests CompilerGym only checks for shape.
  write_text(dir.path() / "hex.c",
             "#include <stdio.h>\n#include <time.h>\nint main(void) {\n"
             "  unsigned x = (unsigned)clock() ^ (unsigned)time(0);\n"
             "  printf(\"%08x %08x\\n\", x, x * 2654435761u);\n  return 0;\n}\n");
  write_text(dir.path() / "nothex.c",
             "#include <stdio.h>\nint main(void) { printf(\"digest: none\\n\"); return 0; }\n");
  const auto hex = make_benchmark({dir.path() / "hex.c"});
  const std::vector<ProgramRun> runs = {{.args = {}, .stdout_regex = "[0-9a-f]{8} [0-9a-f]{8}"},
                                        {.args = {"x"}, .stdout_regex = "[0-9a-f]{8} [0-9a-f]{8}"}};
  const auto ref = make_runnable_with_runs(*hex, runs);
  auto issues = validate_bitcode_program(*ref, ref->program(), dir.path(), false);
  EXPECT_TRUE(issues.empty()) << issues_text(issues);
  const auto bad = make_benchmark({dir.path() / "nothex.c"});
  issues = validate_bitcode_program(*ref, bad->program(), dir.path(), false);
  ASSERT_EQ(issues.size(), 2u) << issues_text(issues);
  EXPECT_NE(issues[0].details.find("run 1 of 2"), std::string::npos) << issues[0].details;
  EXPECT_NE(issues[0].details.find("does not match the pattern"), std::string::npos)
      << issues[0].details;
  EXPECT_NE(issues[0].details.find("\"digest: none\""), std::string::npos) << issues[0].details;
  // The -O0 build itself must match, or the benchmark is refused.
  EXPECT_THROW(make_runnable_with_runs(*bad, runs), BenchmarkInitError);
}

TEST(Program, BadValidationRunsAreRefused) {
  CGYM_REQUIRE_TOOLS();
  TempDir dir("program-test");
  const auto b = copier(dir, "NONE");
  EXPECT_THROW(make_runnable_with_runs(*b, {}), InvalidArgument);
  try {
    make_runnable_with_runs(*b, {{.args = {"x"}, .output_files = {"../escape.txt"}}});
    FAIL() << "an output file outside the run's directory was accepted";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("../escape.txt"), std::string::npos) << e.what();
  }
  try {
    make_runnable_with_runs(*b, {{.args = {"x"}, .stdout_regex = "([a-z"}});
    FAIL() << "a bad regex was accepted";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("([a-z"), std::string::npos) << e.what();
  }
  // The -O0 build fails on the third input (a file that does not exist).
  auto runs = copier_runs(dir);
  runs[2].args = {(dir.path() / "no-such-input").string()};
  try {
    make_runnable_with_runs(*b, runs);
    FAIL() << "a failing reference run was accepted";
  } catch (const BenchmarkInitError& e) {
    EXPECT_NE(std::string(e.what()).find("run 3 of 5"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("status 3"), std::string::npos) << e.what();
  }
}
