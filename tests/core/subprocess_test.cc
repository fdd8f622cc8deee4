#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "cgym/errors.h"
#include "cgym/subprocess.h"
#include "cgym/util.h"

using namespace cgym;

TEST(Subprocess, CapturesOutputAndExitCode) {
  auto r = run_process({.argv = {"sh", "-c", "echo out; echo err >&2; exit 3"}});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.stdout_data, "out\n");
  EXPECT_EQ(r.stderr_data, "err\n");
  EXPECT_FALSE(r.timed_out);
  EXPECT_FALSE(r.ok());
}

TEST(Subprocess, FeedsStdinAndUsesCwdAndEnv) {
  TempDir dir("proc-test");
  auto r = run_process({.argv = {"sh", "-c", "cat; pwd; echo $CGYM_X"},
                        .cwd = dir.path(),
                        .stdin_data = "hello\n",
                        .env = {{"CGYM_X", "42"}}});
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.stdout_data, "hello\n" + std::filesystem::canonical(dir.path()).string() + "\n42\n");
}

TEST(Subprocess, LargeOutputDoesNotDeadlock) {
  auto r = run_process(
      {.argv = {"sh", "-c", "head -c 3000000 /dev/zero; head -c 3000000 /dev/zero >&2"}});
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.stdout_data.size(), 3000000u);
  EXPECT_EQ(r.stderr_data.size(), 3000000u);
}

TEST(Subprocess, TimeoutKillsTheWholeGroup) {
  const auto start = std::chrono::steady_clock::now();
  // The grandchild keeps the pipes open; it must die with its parent.
  auto r = run_process({.argv = {"sh", "-c", "sleep 30 & sleep 30"}, .timeout_seconds = 0.5});
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(r.timed_out);
  EXPECT_LT(secs, 10.0);
  EXPECT_THROW(check_process({.argv = {"sleep", "5"}, .timeout_seconds = 0.2}), TimeoutError);
}

TEST(Subprocess, SignalsAreReported) {
  auto r = run_process({.argv = {"sh", "-c", "kill -SEGV $$"}});
  EXPECT_EQ(r.exit_code, -11);
  try {
    check_process({.argv = {"sh", "-c", "kill -SEGV $$"}});
    FAIL();
  } catch (const ProcessError& e) {
    EXPECT_EQ(e.exit_code(), -11);
    EXPECT_NE(std::string(e.what()).find("signal 11"), std::string::npos) << e.what();
  }
}

TEST(Subprocess, CheckProcessCarriesCommandAndStderr) {
  try {
    check_process({.argv = {"sh", "-c", "echo 'bad flag: -fnope' >&2; exit 1"}});
    FAIL();
  } catch (const ProcessError& e) {
    EXPECT_EQ(e.exit_code(), 1);
    EXPECT_NE(e.stderr_tail().find("bad flag"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("bad flag"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("sh -c"), std::string::npos);
    EXPECT_EQ(e.argv()[0], "sh");
  }
}

TEST(Subprocess, MissingProgramAndBadOptions) {
  try {
    run_process({.argv = {"cgym-no-such-program"}});
    FAIL();
  } catch (const ProcessError& e) {
    EXPECT_EQ(e.exit_code(), -1);
    EXPECT_NE(std::string(e.what()).find("not found on PATH"), std::string::npos);
  }
  EXPECT_THROW(run_process({.argv = {"/nonexistent/tool"}}), ProcessError);
  EXPECT_THROW(run_process({}), InvalidArgument);
  EXPECT_THROW(run_process({.argv = {"true"}, .timeout_seconds = 0}), InvalidArgument);
}

TEST(Subprocess, NoShellInjection) {
  // Arguments are passed verbatim: nothing is interpreted by a shell.
  auto r = run_process({.argv = {"echo", "$(touch /tmp/cgym-pwned); `id`"}});
  EXPECT_EQ(r.stdout_data, "$(touch /tmp/cgym-pwned); `id`\n");
  EXPECT_FALSE(std::filesystem::exists("/tmp/cgym-pwned"));
}

TEST(Subprocess, MemoryLimit) {
  // 64 MiB is too little for allocating 512 MiB.
  auto r = run_process({.argv = {"python3", "-c", "x = bytearray(512 * 1024 * 1024)"},
                        .memory_limit_bytes = size_t{64} << 20});
  EXPECT_NE(r.exit_code, 0);
}

TEST(Subprocess, Helpers) {
  EXPECT_TRUE(find_program("sh").has_value());
  EXPECT_FALSE(find_program("cgym-no-such-program").has_value());
  EXPECT_EQ(join_command_line({"gcc", "-O2", "a b.c", "it's"}), "gcc -O2 'a b.c' 'it'\\''s'");
  EXPECT_EQ(tail_lines("a\nb\nc\nd\n", 2), "c\nd\n");
  EXPECT_EQ(tail_lines("abc", 2), "abc");
}
