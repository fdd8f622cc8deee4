// End-to-end tests of the cgym tool: every subcommand's happy path and its
// bad inputs, run as child processes.
//
// Two builds of the tool are run: CGYM_TOY_CLI_BINARY (the same commands
// with the test-only toy envs registered, whose optimal rewards are known
// exactly, see search_test.cc) and CGYM_CLI_BINARY (bin/cgym, the real
// tool) on the bundled benchmark://cgym-v0/crc32 with llvm-ic-v0, skipped
// when this build has no LLVM env.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "cgym/cgym.h"
#include "cgym/subprocess.h"

namespace cgym {
namespace {

namespace fs = std::filesystem;

ProcessResult run_tool(const std::string& binary, std::vector<std::string> args,
                       const std::string& stdin_data = "", const fs::path& cwd = {}) {
  ProcessOptions o;
  o.argv = {binary};
  o.argv.insert(o.argv.end(), args.begin(), args.end());
  o.stdin_data = stdin_data;
  o.timeout_seconds = 300;
  o.cwd = cwd;
  auto r = run_process(o);
  EXPECT_FALSE(r.timed_out) << join_command_line(o.argv);
  return r;
}

ProcessResult toy(std::vector<std::string> args, const std::string& stdin_data = "") {
  return run_tool(CGYM_TOY_CLI_BINARY, std::move(args), stdin_data);
}

ProcessResult real(std::vector<std::string> args, const std::string& stdin_data = "") {
  return run_tool(CGYM_CLI_BINARY, std::move(args), stdin_data);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string describe(const ProcessResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout\n" + r.stdout_data + "--- stderr\n" +
         r.stderr_data;
}

#define EXPECT_OK(r) EXPECT_EQ((r).exit_code, 0) << describe(r)
// A bad input: non-zero exit, and a message naming the problem on stderr.
#define EXPECT_BAD(r, message)                                      \
  do {                                                              \
    auto _r = (r);                                                  \
    EXPECT_NE(_r.exit_code, 0) << describe(_r);                     \
    EXPECT_TRUE(contains(_r.stderr_data, message)) << describe(_r); \
  } while (0)

int count_lines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

class CliTest : public ::testing::Test {
 protected:
  TempDir dir_{"cli-test"};
  fs::path path(const std::string& name) const { return dir_.path() / name; }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path(name)) << text;
  }
};

// ---- help ---------------------------------------------------------------------

TEST_F(CliTest, EverySubcommandHasHelpWithExamples) {
  for (std::string cmd : {"envs", "spaces", "datasets", "benchmarks", "manual", "random-search",
                          "greedy", "eval", "replay", "validate"}) {
    auto r = real({cmd, "--help"});
    EXPECT_OK(r);
    EXPECT_TRUE(contains(r.stdout_data, "Example")) << cmd << "\n" << r.stdout_data;
    EXPECT_TRUE(contains(r.stdout_data, "cgym " + cmd)) << cmd << "\n" << r.stdout_data;
  }
  auto top = real({"--help"});
  EXPECT_OK(top);
  EXPECT_TRUE(contains(top.stdout_data, "random-search"));
}

TEST_F(CliTest, NoOrUnknownSubcommandIsAnError) {
  EXPECT_BAD(real({}), "subcommand");
  EXPECT_BAD(real({"frobnicate"}), "frobnicate");
}

// ---- envs, spaces, datasets, benchmarks ----------------------------------------

TEST_F(CliTest, EnvsAndSpaces) {
  auto envs = toy({"envs"});
  EXPECT_OK(envs);
  EXPECT_TRUE(
      std::regex_search(envs.stdout_data, std::regex("toy-reward-v0 +features +DistanceOz")))
      << envs.stdout_data;
  auto spaces = toy({"spaces", "--env", "toy-reward-v0"});
  EXPECT_OK(spaces);
  for (const char* s : {"Action space toy (8 actions)", "inc", "distance_oz", "DistanceNorm"}) {
    EXPECT_TRUE(contains(spaces.stdout_data, s)) << s;
  }
  EXPECT_BAD(toy({"spaces", "--env", "nope-v0"}), "nope-v0");
  EXPECT_BAD(toy({"spaces", "--env", "nope-v0"}), "toy-reward-v0");  // lists the valid ids
  EXPECT_BAD(toy({"spaces"}), "--env is required");
  EXPECT_BAD(toy({"envs", "--bogus"}), "--bogus");
}

TEST_F(CliTest, Datasets) {
  auto r = toy({"datasets", "--env", "toy-v0"});
  EXPECT_OK(r);
  EXPECT_TRUE(
      std::regex_search(r.stdout_data, std::regex("benchmark://toy-v0 +10 +integers to count")))
      << r.stdout_data;
  // Without --env: every env, grouped by shared datasets.
  auto all = toy({"datasets"});
  EXPECT_OK(all);
  EXPECT_TRUE(contains(all.stdout_data, "Datasets of toy-reward-v0, toy-v0:")) << all.stdout_data;
  EXPECT_BAD(toy({"datasets", "--env", "nope-v0"}), "nope-v0");
}

TEST_F(CliTest, Benchmarks) {
  auto r = toy({"benchmarks", "toy-v0", "--limit", "3"});
  EXPECT_OK(r);
  EXPECT_EQ(r.stdout_data, "benchmark://toy-v0/0\nbenchmark://toy-v0/1\nbenchmark://toy-v0/2\n");
  auto all = toy({"benchmarks", "benchmark://toy-v0", "--env", "toy-v0"});
  EXPECT_OK(all);
  EXPECT_EQ(count_lines(all.stdout_data), 10);
  EXPECT_BAD(toy({"benchmarks", "nope-v0", "--env", "toy-v0"}), "unknown dataset 'nope-v0'");
  EXPECT_BAD(toy({"benchmarks", "nope-v0", "--env", "toy-v0"}), "benchmark://toy-v0");
  EXPECT_BAD(toy({"benchmarks", "toy-v0", "--limit", "abc"}),
             "--limit: expected an integer >= 0, got 'abc'");
  EXPECT_BAD(toy({"benchmarks", "toy-v0", "--limit", "-2"}), "--limit");
  EXPECT_BAD(toy({"benchmarks"}), "DATASET is required");
}

// ---- manual -------------------------------------------------------------------

TEST_F(CliTest, ManualSessionThroughStdin) {
  auto r = toy({"manual", "--env", "toy-reward-v0"},
               "set_benchmark benchmark://toy-v0/1\n"
               "action inc\n"
               "action 2\n"
               "observation value\n"
               "stack\n"
               "back\n"
               "observation value\n"
               "commandline\n"
               "reward\n"
               "reward Distance\n"
               "try_all_actions\n"
               "frobnicate\n"
               "action crash\n"
               "action inc\n"
               "back\n"
               "greedy 2\n"
               "hill_climb 3\n"
               "action - -\n"
               "list_actions\n"
               "list_observations\n"
               "list_rewards\n"
               "list_benchmarks\n"
               "help\n"
               "exit\n"
               "observation value\n");  // after exit: never run
  EXPECT_OK(r);
  const auto& out = r.stdout_data;
  // Each command is echoed before its output.
  EXPECT_TRUE(contains(out, "cgym> action inc\ninc  reward 0.2000  episode 0.2000\n")) << out;
  EXPECT_TRUE(contains(out, "cgym> action 2\ndouble  reward 0.4000  episode 0.6000\n")) << out;
  EXPECT_TRUE(contains(out, "cgym> observation value\n4\n")) << out;
  EXPECT_TRUE(
      std::regex_search(out, std::regex("1  inc +0.2000 +0.2000\n +2  double +0.4000 +0.6000")))
      << out;
  EXPECT_TRUE(contains(out, "Undid double; 1 actions remain, episode reward 0.2000")) << out;
  EXPECT_TRUE(contains(out, "cgym> observation value\n2\n")) << out;
  EXPECT_TRUE(contains(out, "cgym> commandline\ntoyc --inc prog.toy\n")) << out;
  EXPECT_TRUE(contains(out, "cgym> reward\nDistanceOz: episode 0.2000, last action 0.2000")) << out;
  // Distance pays the raw delta: 9 -> 8.
  EXPECT_TRUE(contains(out, "cgym> reward Distance\nDistance: episode 1.0000")) << out;
  // try_all_actions from value 2: double (-> 4) is best, crash fails last.
  EXPECT_TRUE(std::regex_search(out, std::regex("try_all_actions\n +1  double +0.4000"))) << out;
  EXPECT_TRUE(std::regex_search(out, std::regex("crash +failed: SessionError"))) << out;
  EXPECT_TRUE(contains(r.stderr_data, "error: unknown command 'frobnicate'")) << r.stderr_data;
  EXPECT_TRUE(contains(r.stderr_data, "Valid commands: list_benchmarks, set_benchmark"))
      << r.stderr_data;
  // A failed action ends the episode until back.
  EXPECT_TRUE(contains(out, "The action failed and ended the episode: SessionError")) << out;
  EXPECT_TRUE(contains(r.stderr_data, "error: no episode in progress")) << r.stderr_data;
  EXPECT_TRUE(contains(out, "Undid crash")) << out;
  // greedy 2 from value 2: double, double.
  EXPECT_TRUE(contains(out,
                       "cgym> greedy 2\ndouble  reward 0.4000  episode 0.6000\n"
                       "double  reward 0.8000  episode 1.4000\n"))
      << out;
  EXPECT_TRUE(contains(out, "Kept ")) << out;
  EXPECT_TRUE(contains(out, "Action space toy (8 actions)")) << out;
  EXPECT_TRUE(contains(out, "distance_oz")) << out;
  EXPECT_TRUE(contains(out, "* DistanceOz")) << out;
  EXPECT_TRUE(contains(out, "benchmark://toy-v0/9\n")) << out;
  EXPECT_TRUE(contains(out, "try_all_actions")) << out;
  EXPECT_EQ(out.find("cgym> observation value", out.find("cgym> exit")), std::string::npos)
      << "commands after exit ran:\n"
      << out;
}

TEST_F(CliTest, ManualEndsAtEndOfInputAndReportsBadArguments) {
  auto r =
      toy({"manual", "--env", "toy-v0", "--benchmark", "benchmark://toy-v0/3"},
          "action nope\naction 99\nobservation nope\nreward\nset_benchmark benchmark://toy-v0/x\n"
          "back\ngreedy abc\nobservation value\n");
  EXPECT_OK(r);
  const auto& err = r.stderr_data;
  EXPECT_TRUE(contains(err, "nope")) << err;
  EXPECT_TRUE(contains(err, "99")) << err;
  EXPECT_TRUE(contains(err, "has no default reward space")) << err;
  EXPECT_TRUE(contains(err, "must name an integer")) << err;
  EXPECT_TRUE(contains(err, "nothing to undo")) << err;
  EXPECT_TRUE(contains(err, "greedy expects a positive count, got 'abc'")) << err;
  EXPECT_TRUE(contains(r.stdout_data, "cgym> observation value\n3\n")) << r.stdout_data;
  // No reward space: actions still work, rewards show as "-".
  auto plain = toy({"manual", "--env", "toy-v0"}, "action inc\n");
  EXPECT_TRUE(contains(plain.stdout_data, "inc  reward -  episode -")) << plain.stdout_data;

  EXPECT_BAD(toy({"manual", "--env", "nope-v0"}, ""), "nope-v0");
  EXPECT_BAD(toy({"manual", "--env", "toy-v0", "--benchmark", "benchmark://toy-v0/abc"}, ""),
             "must name an integer");
  EXPECT_BAD(toy({"manual", "--env", "toy-v0", "--reward", "Nope"}, ""), "Nope");
  EXPECT_BAD(toy({"manual"}, ""), "--env is required");
}

// ---- random-search, greedy ----------------------------------------------------

TEST_F(CliTest, RandomSearchWritesItsOutputs) {
  auto out = path("rs/out");
  auto r = toy({"random-search", "--env", "toy-reward-v0", "--benchmark", "benchmark://toy-v0/8",
                "--steps", "2000", "--nproc", "2", "--patience", "4", "--seed", "3", "--output-dir",
                out.string()});
  EXPECT_OK(r);
  EXPECT_TRUE(contains(r.stdout_data, "Best reward (DistanceOz): 2.0000 after")) << r.stdout_data;
  // The -Oz comparison, found by observation names (distance vs distance_oz).
  EXPECT_TRUE(contains(r.stdout_data, "distance 0 vs 1 for distance_oz")) << r.stdout_data;
  EXPECT_TRUE(contains(r.stdout_data, "2000 steps")) << r.stdout_data;
  // Not a terminal: plain progress lines, no bar.
  EXPECT_TRUE(contains(r.stderr_data, "random-search: ")) << r.stderr_data;
  EXPECT_FALSE(contains(r.stderr_data, "\r")) << r.stderr_data;
  auto json = nlohmann::json::parse(read_file(out / "results.json"));
  EXPECT_NEAR(json["best_reward"].get<double>(), 2.0, 1e-9);
  EXPECT_EQ(json["options"]["nproc"], 2);
  EXPECT_EQ(json["baselines"][0]["baseline"], "distance_oz");
  auto actions = read_file(out / "best_actions.txt");
  EXPECT_EQ(std::count(actions.begin(), actions.end(), '\n'), json["best_actions"].size());
  EXPECT_EQ(read_file(out / "best_commandline.txt"),
            json["best_commandline"].get<std::string>() + "\n");
  EXPECT_TRUE(read_file(out / "progress.csv").starts_with("seconds,episodes,steps,best_reward\n"));

  auto timed =
      toy({"random-search", "--env", "toy-reward-v0", "--benchmark", "benchmark://toy-v0/1",
           "--runtime", "0.5", "--output-dir", path("timed").string()});
  EXPECT_OK(timed);
  EXPECT_TRUE(fs::exists(path("timed") / "results.json"));
}

// A run of several searches that stopped part-way (here: its record cut
// back by hand) finishes with --resume: only the missing searches run, and
// the result is the one an uninterrupted run gives.
TEST_F(CliTest, RandomSearchResumeRunsOnlyTheMissingSearches) {
  const auto out = path("resume");
  std::vector<std::string> args = {
      "random-search", "--env", "toy-reward-v0", "--benchmark", "toy-v0/8",     "--steps",   "300",
      "--seed",        "3",     "--searches",    "3",           "--output-dir", out.string()};
  auto whole = toy(args);
  EXPECT_OK(whole);
  const auto expected = nlohmann::json::parse(read_file(out / "results.json"));
  auto record = nlohmann::json::parse(read_file(out / "searches.json"));
  ASSERT_EQ(record["finished"].size(), 3u) << record.dump(1);
  EXPECT_EQ(record["options"]["seed"], 3);

  // As if the run had been killed after search 1.
  record["finished"].erase("0");
  record["finished"].erase("2");
  write("resume/searches.json", record.dump());
  auto resume_args = args;
  resume_args.push_back("--resume");
  auto resumed = toy(resume_args);
  EXPECT_OK(resumed);
  EXPECT_TRUE(contains(resumed.stdout_data, "Resuming: 1 of 3 searches already in"))
      << resumed.stdout_data;
  EXPECT_TRUE(contains(resumed.stdout_data, "search 0 (rank 0)")) << resumed.stdout_data;
  EXPECT_TRUE(contains(resumed.stdout_data, "search 2 (rank 0)")) << resumed.stdout_data;
  EXPECT_FALSE(contains(resumed.stdout_data, "search 1 (rank 0)")) << resumed.stdout_data;
  const auto got = nlohmann::json::parse(read_file(out / "results.json"));
  EXPECT_EQ(got["best_reward"], expected["best_reward"]);
  EXPECT_EQ(got["best_actions"], expected["best_actions"]);
  EXPECT_EQ(got["steps"], expected["steps"]);
  EXPECT_EQ(nlohmann::json::parse(read_file(out / "searches.json"))["finished"].size(), 3u);

  // Everything finished: --resume runs nothing and reports the same.
  auto again = toy(resume_args);
  EXPECT_OK(again);
  EXPECT_TRUE(contains(again.stdout_data, "Resuming: 3 of 3 searches")) << again.stdout_data;
  EXPECT_FALSE(contains(again.stdout_data, "(rank 0)")) << again.stdout_data;
  EXPECT_EQ(nlohmann::json::parse(read_file(out / "results.json"))["best_actions"],
            expected["best_actions"]);

  // A record of other options, or a broken one, is refused and kept.
  auto other_seed = resume_args;
  other_seed[8] = "4";
  EXPECT_BAD(toy(other_seed), "was written by a search with options");
  write("resume/searches.json", "{not json");
  EXPECT_BAD(toy(resume_args), "is not a searches file of cgym random-search");
  EXPECT_EQ(read_file(out / "searches.json"), "{not json");
}

TEST_F(CliTest, RandomSearchBadInputs) {
  const std::string d = path("bad").string();
  auto rs = [&](std::vector<std::string> extra) {
    std::vector<std::string> a = {"random-search"};
    a.insert(a.end(), extra.begin(), extra.end());
    return toy(a);
  };
  EXPECT_BAD(rs({"--env", "toy-reward-v0", "--benchmark", "toy-v0/1", "--output-dir", d}),
             "needs a budget");
  EXPECT_BAD(rs({"--env", "nope-v0", "--benchmark", "toy-v0/1", "--steps", "5", "--output-dir", d}),
             "nope-v0");
  EXPECT_BAD(rs({"--env", "toy-reward-v0", "--benchmark", "benchmark://nope-v0/1", "--steps", "5",
                 "--output-dir", d}),
             "nope-v0");
  EXPECT_BAD(rs({"--env", "toy-reward-v0", "--benchmark", "toy-v0/1", "--steps", "abc",
                 "--output-dir", d}),
             "--steps: expected a positive integer, got 'abc'");
  EXPECT_BAD(rs({"--env", "toy-reward-v0", "--benchmark", "toy-v0/1", "--runtime", "0",
                 "--output-dir", d}),
             "--runtime: expected a positive number, got '0'");
  EXPECT_BAD(rs({"--env", "toy-reward-v0", "--benchmark", "toy-v0/1", "--steps", "5", "--seed",
                 "1.5", "--output-dir", d}),
             "--seed: expected an integer >= 0, got '1.5'");
  EXPECT_BAD(rs({"--env", "toy-reward-v0", "--benchmark", "toy-v0/1", "--steps", "5", "--nproc",
                 "0", "--output-dir", d}),
             "--nproc");
  EXPECT_BAD(rs({"--env", "toy-v0", "--benchmark", "toy-v0/1", "--steps", "5", "--output-dir", d}),
             "no default reward space");
  EXPECT_BAD(rs({"--env", "toy-reward-v0", "--benchmark", "toy-v0/1", "--steps", "5"}),
             "--output-dir is required");
  EXPECT_BAD(rs({"--env", "toy-reward-v0", "--benchmark", "toy-v0/1", "--steps", "5",
                 "--output-dir", d, "--bogus"}),
             "--bogus");
  write("a-file", "x");
  EXPECT_BAD(rs({"--env", "toy-reward-v0", "--benchmark", "toy-v0/1", "--steps", "5",
                 "--output-dir", path("a-file").string()}),
             "cannot create output directory");
}

TEST_F(CliTest, Greedy) {
  auto r = toy({"greedy", "--env", "toy-reward-v0", "--benchmark", "benchmark://toy-v0/1",
                "--output-dir", path("g").string()});
  EXPECT_OK(r);
  const auto& out = r.stdout_data;
  EXPECT_TRUE(contains(out, "step 1: inc  reward 0.2000  episode 0.2000")) << out;
  EXPECT_TRUE(contains(out, "step 5: inc  reward 0.2000  episode 1.8000")) << out;
  EXPECT_TRUE(contains(out, "Best reward (DistanceOz): 1.8000 after 5 actions")) << out;
  EXPECT_TRUE(contains(out, "Best command line: toyc --inc --double --double --inc --inc prog.toy"))
      << out;
  EXPECT_EQ(read_file(path("g") / "best_actions.txt"), "inc\ndouble\ndouble\ninc\ninc\n");
  auto two = toy({"greedy", "--env", "toy-reward-v0", "--benchmark", "toy-v0/1", "--steps", "2"});
  EXPECT_OK(two);
  EXPECT_TRUE(contains(two.stdout_data, "after 2 actions")) << two.stdout_data;
  auto other_reward =
      toy({"greedy", "--env", "toy-v0", "--benchmark", "toy-v0/1", "--reward", "Distance"});
  EXPECT_OK(other_reward);
  EXPECT_TRUE(contains(other_reward.stdout_data, "Best reward (Distance): 9.0000"))
      << other_reward.stdout_data;

  EXPECT_BAD(toy({"greedy", "--env", "toy-v0", "--benchmark", "toy-v0/1"}),
             "choose one with --reward NAME");
  EXPECT_BAD(toy({"greedy", "--env", "toy-reward-v0", "--benchmark", "toy-v0/x"}),
             "must name an integer");
  EXPECT_BAD(toy({"greedy", "--env", "toy-reward-v0", "--benchmark", "toy-v0/1", "--steps", "0"}),
             "--steps");
  EXPECT_BAD(toy({"greedy", "--env", "toy-reward-v0"}), "--benchmark is required");
}

// --branches, --confirm and --pick-best reach GreedySearchOptions: the toy's
// "toy.value" answers the counter, so what confirm accepts is exact.
TEST_F(CliTest, GreedyBranchesAndConfirm) {
  // Confirmed by the value (higher is better, unlike DistanceOz past 10),
  // so the step limit ends it: both branches reach 10 in 5 steps, the
  // second is not better, the first (inc) is applied and printed.
  auto r = toy({"greedy", "--env", "toy-reward-v0", "--benchmark", "toy-v0/1", "--steps", "5",
                "--branches", "2", "--confirm", "toy.value"});
  EXPECT_OK(r);
  EXPECT_TRUE(contains(r.stdout_data, "step 1: inc  reward 0.2000  episode 0.2000")) << describe(r);
  EXPECT_TRUE(contains(r.stdout_data, "step 5: inc  reward 0.2000  episode 1.8000")) << describe(r);
  EXPECT_TRUE(contains(r.stdout_data,
                       "Best command line: toyc --inc --double --double --inc --inc prog.toy"))
      << describe(r);
  // --pick-best: at 8, inc (9) ranks first by reward, but double (16) is
  // accepted too and confirm prefers it.
  auto best = toy({"greedy", "--env", "toy-reward-v0", "--benchmark", "toy-v0/1", "--steps", "4",
                   "--confirm", "toy.value", "--pick-best"});
  EXPECT_OK(best);
  EXPECT_TRUE(contains(best.stdout_data, "step 4: double  reward -0.8000  episode 0.6000"))
      << describe(best);
  // The value keeps rising past 10 (11 > 10), though the reward falls:
  // confirm, not the reward, decides.
  auto six = toy({"greedy", "--env", "toy-reward-v0", "--benchmark", "toy-v0/1", "--steps", "6",
                  "--confirm", "toy.value"});
  EXPECT_OK(six);
  EXPECT_TRUE(contains(six.stdout_data, "step 6: inc  reward -0.2000  episode 1.6000"))
      << describe(six);

  EXPECT_BAD(
      toy({"greedy", "--env", "toy-reward-v0", "--benchmark", "toy-v0/1", "--branches", "0"}),
      "--branches");
  EXPECT_BAD(toy({"greedy", "--env", "toy-reward-v0", "--benchmark", "toy-v0/1", "--pick-best"}),
             "--confirm");
  EXPECT_BAD(
      toy({"greedy", "--env", "toy-reward-v0", "--benchmark", "toy-v0/1", "--confirm", "toy.nope"}),
      "unknown session parameter 'toy.nope'");
  EXPECT_BAD(
      toy({"greedy", "--env", "toy-reward-v0", "--benchmark", "toy-v0/1", "--confirm", "toy.nope"}),
      "such as loopnest-v0's loopnest.remeasure");
  EXPECT_BAD(toy({"greedy", "--env", "toy-reward-v0", "--benchmark", "toy-v0/1", "--confirm", ""}),
             "needs a session parameter name");
  EXPECT_BAD(
      toy({"greedy", "--env", "toy-reward-v0", "--benchmark", "toy-v0/1", "--confirm", "toy.word"}),
      "not a number");
}

// --try-first orders the first round (a complete round chooses the same:
// the same steps as without it); --prune reaches prune_below_best, which
// needs a reward named after its observation (toy-reward-v0's DistanceOz
// is not one; loopnest-v0's flops is: tests/cuda/search_test.cc).
TEST_F(CliTest, GreedyTryFirstAndPrune) {
  auto r = toy({"greedy", "--env", "toy-reward-v0", "--benchmark", "toy-v0/1", "--steps", "2",
                "--try-first", "zero,double"});
  EXPECT_OK(r);
  EXPECT_TRUE(contains(r.stdout_data, "step 1: inc  reward 0.2000")) << describe(r);
  EXPECT_TRUE(contains(r.stdout_data, "step 2: double  reward 0.4000")) << describe(r);
  EXPECT_BAD(toy({"greedy", "--env", "toy-reward-v0", "--benchmark", "toy-v0/1", "--try-first",
                  "zero,tripple"}),
             "unknown action 'tripple' in action space 'toy'");
  EXPECT_BAD(toy({"greedy", "--env", "toy-reward-v0", "--benchmark", "toy-v0/1", "--try-first",
                  "inc,inc"}),
             "('inc') twice");
  EXPECT_BAD(
      toy({"greedy", "--env", "toy-reward-v0", "--benchmark", "toy-v0/1", "--prune", "toy.value"}),
      "has no observation named like its reward 'DistanceOz'");
  EXPECT_BAD(toy({"greedy", "--env", "toy-reward-v0", "--benchmark", "toy-v0/1", "--prune", ""}),
             "needs a session parameter name, such as loopnest.flops_floor");
  EXPECT_BAD(toy({"greedy", "--env", "toy-reward-v0", "--benchmark", "toy-v0/1", "--prebuild", ""}),
             "needs a session parameter name, such as loopnest.prebuild");
  EXPECT_BAD(toy({"greedy", "--env", "toy-reward-v0", "--benchmark", "toy-v0/1", "--prebuild",
                  "loopnest.prebuild"}),
             "unknown session parameter 'loopnest.prebuild'");

  // The real tool on loopnest-v0 (g++ builds and checks every schedule):
  // pruned, structured actions first, candidates built ahead, one step
  // that replays; flops_norm is not the change of an observation of its
  // name.
  if (!contains(real({"envs"}).stdout_data, "loopnest-v0")) {
    GTEST_SKIP() << "loopnest-v0 is not registered in this build of cgym (CGYM_WITH_CUDA=OFF)";
  }
  if (!find_program("g++")) GTEST_SKIP() << "g++ is not installed: loopnest-v0's cpu backend";
  const std::string mm = "loopnest-v0/matmul?m=48&n=40&k=32&backend=cpu";
  auto lnv =
      real({"greedy", "--env", "loopnest-v0", "--benchmark", mm, "--action-space", "direct",
            "--steps", "1", "--prune", "loopnest.flops_floor", "--try-first",
            "tile2d_8x16,cachetile_64", "--prebuild", "loopnest.prebuild", "--replays", "1"});
  EXPECT_OK(lnv);
  EXPECT_TRUE(contains(lnv.stdout_data, "step 1: ")) << describe(lnv);
  EXPECT_TRUE(contains(lnv.stdout_data, "stopped after 1 actions")) << describe(lnv);
  EXPECT_BAD(real({"greedy", "--env", "loopnest-v0", "--benchmark", mm, "--action-space", "direct",
                   "--reward", "flops_norm", "--prune", "loopnest.flops_floor"}),
             "has no observation named like its reward 'flops_norm'");
}

// ---- eval, replay, validate -----------------------------------------------------

TEST_F(CliTest, EvalReplayValidate) {
  const auto states = path("states.csv").string();
  auto r = toy({"eval", "--policy", "greedy", "--dataset", "toy-v0", "--env", "toy-reward-v0",
                "--limit", "3", "--output", states});
  EXPECT_OK(r);
  const auto& out = r.stdout_data;
  // Optima: from 0 and 2 the reward is 2, from 1 it is 1.8.
  EXPECT_TRUE(contains(out, "[1/3] benchmark://toy-v0/0  reward 2.0000")) << out;
  EXPECT_TRUE(contains(out, "[2/3] benchmark://toy-v0/1  reward 1.8000")) << out;
  EXPECT_TRUE(contains(out, "[3/3] benchmark://toy-v0/2  reward 2.0000")) << out;
  EXPECT_TRUE(contains(out, "Geomean DistanceOz: 1.9310 over 3 benchmarks")) << out;
  auto rows = read_state_csv_file(states);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].commandline, "toyc --inc --double --double --inc --inc prog.toy");

  auto replay = toy({"replay", states});  // env inferred from the states
  EXPECT_OK(replay);
  EXPECT_TRUE(contains(replay.stderr_data, "inferred")) << replay.stderr_data;
  EXPECT_TRUE(contains(replay.stdout_data,
                       "[2/3] benchmark://toy-v0/1  reward 1.8000  (recorded 1.8000)  5 actions"))
      << replay.stdout_data;
  EXPECT_TRUE(contains(replay.stdout_data, "Replayed 3 of 3 states")) << replay.stdout_data;

  auto valid = toy({"validate", states, "--env", "toy-reward-v0"});
  EXPECT_OK(valid);
  EXPECT_EQ(count_lines(valid.stdout_data), 4) << valid.stdout_data;
  EXPECT_TRUE(contains(valid.stdout_data, "Validated 3 of 3 states; geomean reward 1.9310"))
      << valid.stdout_data;
  // From stdin.
  auto piped =
      run_tool(CGYM_TOY_CLI_BINARY, {"validate", "-", "--env", "toy-reward-v0"}, read_file(states));
  EXPECT_OK(piped);

  // A row whose reward does not reproduce fails, and so does the run.
  write("wrong.csv",
        "benchmark,reward,walltime,commandline\n"
        "benchmark://toy-v0/1,1.8,0.1,toyc --inc --double --double --inc --inc prog.toy\n"
        "benchmark://toy-v0/1,1.0,0.1,toyc --inc prog.toy\n");
  auto wrong = toy({"validate", path("wrong.csv").string(), "--env", "toy-reward-v0"});
  EXPECT_NE(wrong.exit_code, 0) << describe(wrong);
  EXPECT_TRUE(contains(wrong.stdout_data, "FAILED  benchmark://toy-v0/1")) << wrong.stdout_data;
  EXPECT_TRUE(contains(wrong.stdout_data, "Validated 1 of 2 states")) << wrong.stdout_data;
  EXPECT_TRUE(contains(wrong.stderr_data, "1 of 2 states failed validation")) << wrong.stderr_data;
  // replay reports the mismatch but only fails on rows it cannot replay.
  auto mismatch = toy({"replay", path("wrong.csv").string(), "--env", "toy-reward-v0"});
  EXPECT_OK(mismatch);
  EXPECT_TRUE(contains(mismatch.stdout_data, "MISMATCH")) << mismatch.stdout_data;

  auto rnd = toy({"eval", "--policy", "random", "--dataset", "toy-v0", "--env", "toy-reward-v0",
                  "--limit", "2", "--steps", "300", "--output", path("random.csv").string()});
  EXPECT_OK(rnd);
  EXPECT_EQ(read_state_csv_file(path("random.csv")).size(), 2u);
  auto hc = toy({"eval", "--policy", "hill_climb", "--dataset", "toy-v0", "--env", "toy-reward-v0",
                 "--limit", "2", "--steps", "50", "--output", path("hc.csv").string()});
  EXPECT_OK(hc);
  EXPECT_TRUE(contains(hc.stdout_data, "Geomean DistanceOz")) << hc.stdout_data;
}

TEST_F(CliTest, EvalBadInputs) {
  const auto out = path("e.csv").string();
  EXPECT_BAD(toy({"eval", "--policy", "nope", "--dataset", "toy-v0", "--env", "toy-reward-v0",
                  "--output", out}),
             "nope");
  EXPECT_BAD(toy({"eval", "--policy", "greedy", "--dataset", "nope-v0", "--env", "toy-reward-v0",
                  "--output", out}),
             "nope-v0");
  EXPECT_BAD(toy({"eval", "--policy", "greedy", "--dataset", "toy-v0", "--env", "nope-v0",
                  "--output", out}),
             "nope-v0");
  EXPECT_BAD(toy({"eval", "--policy", "greedy", "--dataset", "toy-v0", "--env", "toy-v0",
                  "--output", out}),
             "no default reward space");
  EXPECT_BAD(toy({"eval", "--policy", "greedy", "--dataset", "toy-v0", "--env", "toy-reward-v0",
                  "--limit", "0", "--output", out}),
             "--limit");
  EXPECT_BAD(toy({"eval", "--policy", "random", "--dataset", "toy-v0", "--env", "toy-reward-v0",
                  "--budget", "soon", "--output", out}),
             "--budget: expected a positive number, got 'soon'");
  EXPECT_BAD(toy({"eval", "--dataset", "toy-v0"}), "--policy is required");
}

TEST_F(CliTest, ReplayAndValidateBadInputs) {
  for (std::string cmd : {"replay", "validate"}) {
    EXPECT_BAD(toy({cmd, path("missing.csv").string()}), "cannot read");
    EXPECT_BAD(toy({cmd, path("missing.csv").string()}), "missing.csv");
    write("header-only.csv", "benchmark,reward,walltime,commandline\n");
    EXPECT_BAD(toy({cmd, path("header-only.csv").string()}), "no states");
    write("malformed.csv",
          "benchmark,reward,walltime,commandline\nbenchmark://toy-v0/1,abc,0,toyc prog.toy\n");
    EXPECT_BAD(toy({cmd, path("malformed.csv").string(), "--env", "toy-v0"}), "line 2");
    write("unknown.csv",
          "benchmark,reward,walltime,commandline\nbenchmark://toy-v0/x,,0,toyc prog.toy\n");
    EXPECT_BAD(toy({cmd, path("unknown.csv").string(), "--env", "toy-v0"}), "failed");
    write("ok.csv",
          "benchmark,reward,walltime,commandline\nbenchmark://toy-v0/1,,0,toyc --inc prog.toy\n");
    EXPECT_BAD(toy({cmd, path("ok.csv").string(), "--env", "nope-v0"}), "nope-v0");
    write("alien.csv", "benchmark,reward,walltime,commandline\nbenchmark://alien-v0/1,,0,cc -O9\n");
    EXPECT_BAD(toy({cmd, path("alien.csv").string()}), "no registered env can replay");
    EXPECT_BAD(toy({cmd}), "STATES is required");
  }
}

// ---- the real tool on LLVM ------------------------------------------------------

class LlvmCliTest : public CliTest {
 protected:
  void SetUp() override {
    auto envs = real({"envs"});
    if (!contains(envs.stdout_data, "llvm-ic-v0")) {
      GTEST_SKIP() << "llvm-ic-v0 is not registered in this build of cgym";
    }
  }
};

TEST_F(LlvmCliTest, EnvsSpacesDatasetsAndBenchmarks) {
  auto envs = real({"envs"});
  EXPECT_TRUE(std::regex_search(envs.stdout_data, std::regex("llvm-ic-v0 +- +IrInstructionCountOz +"
                                                             "benchmark://cgym-v0/crc32")))
      << envs.stdout_data;
  auto spaces = real({"spaces", "--env", "llvm-ic-v0"});
  EXPECT_OK(spaces);
  for (const char* s : {"-mem2reg", "IrInstructionCountOz", "Autophase"}) {
    EXPECT_TRUE(contains(spaces.stdout_data, s)) << s;
  }
  auto d = real({"datasets", "--env", "llvm-ic-v0"});
  EXPECT_OK(d);
  EXPECT_TRUE(std::regex_search(d.stdout_data, std::regex("benchmark://cgym-v0 +[1-9][0-9]* ")))
      << d.stdout_data;
  EXPECT_TRUE(std::regex_search(d.stdout_data, std::regex("generator://csmith-v0 +∞")))
      << d.stdout_data;
  auto b = real({"benchmarks", "cgym-v0", "--limit", "3", "--env", "llvm-ic-v0"});
  EXPECT_OK(b);
  EXPECT_EQ(count_lines(b.stdout_data), 3) << b.stdout_data;
  auto g = real({"benchmarks", "generator://csmith-v0", "--env", "llvm-ic-v0"});
  EXPECT_OK(g);
  EXPECT_EQ(count_lines(g.stdout_data), 10);
  EXPECT_TRUE(contains(g.stdout_data, "generator://csmith-v0/0\n"));
}

TEST_F(LlvmCliTest, ManualSession) {
  auto r = real({"manual", "--env", "llvm-ic-v0"},
                "set_benchmark benchmark://cgym-v0/crc32\naction -mem2reg\n"
                "observation IrInstructionCount\nback\ncommandline\nexit\n");
  EXPECT_OK(r);
  const auto& out = r.stdout_data;
  EXPECT_TRUE(contains(out, "Episode started on benchmark://cgym-v0/crc32")) << out;
  EXPECT_TRUE(std::regex_search(out, std::regex("-mem2reg  reward 0\\.[0-9]{4}  episode"))) << out;
  EXPECT_TRUE(std::regex_search(out, std::regex("observation IrInstructionCount\n[1-9][0-9]*\n")))
      << out;
  EXPECT_TRUE(contains(out, "Undid -mem2reg; 0 actions remain")) << out;
  auto cmdline = out.substr(out.find("cgym> commandline\n") + 18);
  EXPECT_FALSE(contains(cmdline.substr(0, cmdline.find('\n')), "-mem2reg")) << out;
  EXPECT_TRUE(r.stderr_data.empty()) << r.stderr_data;
}

TEST_F(LlvmCliTest, SearchEvalReplayValidate) {
  auto rs = real({"random-search", "--env", "llvm-ic-v0", "--benchmark", "cgym-v0/crc32", "--steps",
                  "40", "--output-dir", path("rs").string()});
  EXPECT_OK(rs);
  EXPECT_TRUE(contains(rs.stdout_data, "Best reward (IrInstructionCountOz): ")) << rs.stdout_data;
  EXPECT_TRUE(
      std::regex_search(rs.stdout_data, std::regex("IrInstructionCount [0-9]+ vs [0-9]+ for "
                                                   "IrInstructionCountOz: [0-9.]+x")))
      << rs.stdout_data;
  EXPECT_TRUE(fs::exists(path("rs") / "results.json"));

  auto g = real({"greedy", "--env", "llvm-ic-v0", "--benchmark", "cgym-v0/crc32", "--steps", "2"});
  EXPECT_OK(g);
  EXPECT_TRUE(contains(g.stdout_data, "step 2: ")) << g.stdout_data;

  const auto states = path("states.csv").string();
  auto e = real({"eval", "--policy", "greedy", "--dataset", "cgym-v0", "--limit", "1", "--steps",
                 "2", "--output", states});
  EXPECT_OK(e);
  EXPECT_TRUE(contains(e.stdout_data, "Geomean IrInstructionCountOz: ")) << e.stdout_data;
  ASSERT_EQ(read_state_csv_file(states).size(), 1u);

  auto rp = real({"replay", states});
  EXPECT_OK(rp);
  EXPECT_TRUE(contains(rp.stdout_data, "Replayed 1 of 1 states")) << rp.stdout_data;
  EXPECT_FALSE(contains(rp.stdout_data, "MISMATCH")) << rp.stdout_data;
  auto v = real({"validate", states});
  EXPECT_OK(v);
  EXPECT_TRUE(contains(v.stdout_data, "Validated 1 of 1 states")) << v.stdout_data;

  EXPECT_BAD(real({"manual", "--env", "llvm-ic-v0", "--benchmark", "cgym-v0/nope"}, ""), "nope");
  EXPECT_BAD(real({"greedy", "--env", "llvm-ic-v0", "--benchmark", "file:///no/such/file.c"}),
             "/no/such/file.c");
}

// random-search and greedy search the action space they are given and say
// what a replay of the best result found, as eval does.
TEST_F(LlvmCliTest, RandomSearchAndGreedyInTheDeterministicSpace) {
  // The actions `cgym spaces` marks, read independently of the searches.
  auto spaces = real({"spaces", "--env", "llvm-ic-v0"});
  EXPECT_OK(spaces);
  std::set<std::string> marked;
  const std::regex line(R"(^\s*[0-9]+\s+(-\S+)\s.*\snondeterministic$)");
  std::istringstream lines(spaces.stdout_data);
  for (std::string l; std::getline(lines, l);) {
    std::smatch m;
    if (std::regex_match(l, m, line)) marked.insert(m[1]);
  }
  ASSERT_GE(marked.size(), 5u) << spaces.stdout_data;
  ASSERT_TRUE(marked.count("-newgvn")) << spaces.stdout_data;

  auto rs = real({"random-search", "--env", "llvm-ic-v0", "--benchmark", "cgym-v0/crc32", "--steps",
                  "120", "--action-space", "PassesLlvm19Deterministic", "--output-dir",
                  path("rs").string()});
  EXPECT_OK(rs);
  EXPECT_TRUE(contains(rs.stdout_data, "Replay: the best result replays to its reward"))
      << rs.stdout_data;
  std::ifstream in(path("rs") / "results.json");
  const auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j["options"]["action_space"], "PassesLlvm19Deterministic") << j.dump(2);
  EXPECT_EQ(j["reproducibility"]["verdict"], "reproducible") << j.dump(2);
  EXPECT_TRUE(j["nondeterministic_actions"].empty()) << j.dump(2);
  ASSERT_FALSE(j["best_actions"].empty()) << j.dump(2);
  for (const auto& name : j["best_actions"]) {
    EXPECT_FALSE(marked.count(name.get<std::string>())) << name << " in " << j.dump(2);
  }

  auto g = real({"greedy", "--env", "llvm-ic-v0", "--benchmark", "cgym-v0/crc32", "--steps", "3",
                 "--action-space", "PassesLlvm19Deterministic", "--replays", "2"});
  EXPECT_OK(g);
  EXPECT_TRUE(contains(g.stdout_data, "step 3: ")) << g.stdout_data;
  EXPECT_TRUE(contains(g.stdout_data, "Replay: the best result replays to its reward"))
      << g.stdout_data;
  auto g0 = real({"greedy", "--env", "llvm-ic-v0", "--benchmark", "cgym-v0/crc32", "--steps", "1",
                  "--replays", "0"});
  EXPECT_OK(g0);
  EXPECT_FALSE(contains(g0.stdout_data, "Replay:")) << g0.stdout_data;

  EXPECT_BAD(real({"greedy", "--env", "llvm-ic-v0", "--benchmark", "cgym-v0/crc32",
                   "--action-space", "Nope"}),
             "valid action spaces: PassesLlvm19, PassesLlvm19Deterministic");
  EXPECT_BAD(real({"random-search", "--env", "llvm-ic-v0", "--benchmark", "cgym-v0/crc32",
                   "--steps", "5", "--replays", "-1", "--output-dir", path("bad").string()}),
             "--replays");
}

}  // namespace
}  // namespace cgym
