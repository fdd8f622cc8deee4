// Distributed runs of the cgym tool under a real mpiexec: the toy build of
// the tool (cgym_toy_cli) run by `mpiexec -n 2|3 --oversubscribe`. The truth
// is the same command in one process without MPI.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>

#include "cgym/cgym.h"

namespace cgym {
namespace {

namespace fs = std::filesystem;

ProcessResult run(std::vector<std::string> argv, double timeout = 240) {
  ProcessOptions o;
  o.argv = std::move(argv);
  o.timeout_seconds = timeout;
  auto r = run_process(o);
  EXPECT_FALSE(r.timed_out) << join_command_line(o.argv);
  return r;
}

std::vector<std::string> mpi(int ranks, std::vector<std::string> args,
                             std::vector<std::string> mpirun_flags = {}) {
  std::vector<std::string> argv = {CGYM_MPIEXEC, "-n", std::to_string(ranks), "--oversubscribe"};
  argv.insert(argv.end(), mpirun_flags.begin(), mpirun_flags.end());
  argv.push_back(CGYM_TOY_CLI_BINARY);
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

std::vector<std::string> local(std::vector<std::string> args) {
  args.insert(args.begin(), CGYM_TOY_CLI_BINARY);
  return args;
}

std::string describe(const ProcessResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout\n" + r.stdout_data + "--- stderr\n" +
         r.stderr_data;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The rows without walltime (which differs from run to run).
std::vector<std::string> rows_of(const fs::path& csv) {
  std::vector<std::string> out;
  for (const auto& s : read_state_csv_file(csv)) {
    out.push_back(s.benchmark + "," + (s.reward ? std::to_string(*s.reward) : "") + "," +
                  s.commandline);
  }
  return out;
}

class MpiCliTest : public ::testing::Test {
 public:
  TempDir dir_{"mpi-cli-test"};
  std::string path(const std::string& name) const { return (dir_.path() / name).string(); }
};

std::vector<std::string> eval_args(const std::string& output, const std::string& limit = "6") {
  return {"eval",          "--policy", "greedy", "--dataset", "toy-v0", "--env",
          "toy-reward-v0", "--limit",  limit,    "--output",  output};
}

TEST_F(MpiCliTest, DistributedEvalWritesTheSameCsvAsOneProcess) {
  auto one = run(local(eval_args(path("one.csv"))));
  ASSERT_EQ(one.exit_code, 0) << describe(one);
  for (int ranks : {2, 3}) {
    const auto out = path("n" + std::to_string(ranks) + ".csv");
    auto r = run(mpi(ranks, eval_args(out)));
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    EXPECT_EQ(rows_of(out), rows_of(path("one.csv"))) << describe(r);
    // Rank 0 alone prints: one header, one summary.
    EXPECT_TRUE(contains(r.stdout_data, "on " + std::to_string(ranks) + " MPI ranks"))
        << describe(r);
    EXPECT_EQ(r.stdout_data.find("Geomean"), r.stdout_data.rfind("Geomean")) << describe(r);
    EXPECT_TRUE(contains(r.stdout_data, "Geomean DistanceOz: ")) << describe(r);
    EXPECT_TRUE(contains(r.stdout_data, "(rank 1)")) << describe(r);
  }
}

TEST_F(MpiCliTest, DistributedValidateAndReplayWriteTheSameCsvAsOneProcess) {
  auto e = run(local(eval_args(path("states.csv"), "5")));
  ASSERT_EQ(e.exit_code, 0) << describe(e);
  for (std::string cmd : {"validate", "replay"}) {
    auto one = run(local(
        {cmd, path("states.csv"), "--env", "toy-reward-v0", "--output", path(cmd + "-one.csv")}));
    ASSERT_EQ(one.exit_code, 0) << describe(one);
    auto two = run(mpi(2, {cmd, path("states.csv"), "--env", "toy-reward-v0", "--output",
                           path(cmd + "-two.csv")}));
    ASSERT_EQ(two.exit_code, 0) << describe(two);
    EXPECT_EQ(rows_of(path(cmd + "-two.csv")), rows_of(path(cmd + "-one.csv")));
    EXPECT_EQ(rows_of(path(cmd + "-one.csv")).size(), 5u);
  }
  auto v = run(mpi(2, {"validate", path("states.csv"), "--env", "toy-reward-v0"}));
  EXPECT_TRUE(contains(v.stdout_data, "Validated 5 of 5 states; geomean reward")) << describe(v);
}

TEST_F(MpiCliTest, DistributedRandomSearchKeepsTheBestOfTheSameSeeds) {
  std::vector<std::string> args = {"random-search", "--env",      "toy-reward-v0",
                                   "--benchmark",   "toy-v0/3",   "--steps",
                                   "200",           "--searches", "3",
                                   "--seed",        "5"};
  auto one_args = args;
  one_args.insert(one_args.end(), {"--output-dir", path("one")});
  auto two_args = args;
  two_args.insert(two_args.end(), {"--output-dir", path("two")});
  auto one = run(local(one_args));
  ASSERT_EQ(one.exit_code, 0) << describe(one);
  auto two = run(mpi(2, two_args));
  ASSERT_EQ(two.exit_code, 0) << describe(two);
  auto read = [](const std::string& p) {
    std::ifstream in(p);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  EXPECT_EQ(read(path("two") + "/best_commandline.txt"),
            read(path("one") + "/best_commandline.txt"));
  for (const char* line : {"search 0 ", "search 1 ", "search 2 "}) {
    EXPECT_TRUE(contains(two.stdout_data, line)) << describe(two);
  }
}

// Rank 1 is SIGKILLed while it holds a benchmark (each takes ~0.5 s). Under
// mpirun's default, mpirun ends the job and names the rank; rank 0 prints
// what each rank held. The CSV so far is valid and --resume finishes it.
void killed_rank_then_resume(MpiCliTest& t, const std::vector<std::string>& mpirun_flags,
                             const std::vector<std::string>& extra, const std::string& expected) {
  const auto out = t.path("states.csv");
  std::vector<std::string> args = {"eval",  "--policy",      "random",  "--dataset", "toy-v0",
                                   "--env", "toy-reward-v0", "--limit", "10",        "--budget",
                                   "0.5",   "--output",      out};
  args.insert(args.end(), extra.begin(), extra.end());
  // Rank 1 kills itself 0.2 s after the first result is in the CSV: the
  // queue is running then, and rank 1 holds a benchmark (it gets the next
  // one as soon as it finishes one), however slow the start-up was.
  std::string command =
      "if [ \"$OMPI_COMM_WORLD_RANK\" = 1 ]; then (while [ \"$(cat '" + out +
      "' 2>/dev/null | wc -l)\" -lt 2 ]; do sleep 0.05; done; sleep 0.2; kill -9 $$) & fi; "
      "exec " +
      join_command_line([&] {
        std::vector<std::string> a = {CGYM_TOY_CLI_BINARY};
        a.insert(a.end(), args.begin(), args.end());
        return a;
      }());
  std::vector<std::string> argv = {CGYM_MPIEXEC, "-n", "2", "--oversubscribe"};
  argv.insert(argv.end(), mpirun_flags.begin(), mpirun_flags.end());
  argv.insert(argv.end(), {"sh", "-c", command});
  auto r = run(argv);
  // Measured with OpenMPI 4.1: under --enable-recovery mpirun exits 0 even
  // after rank 0's MPI_Abort, so only the default mode's status is checked.
  if (std::find(mpirun_flags.begin(), mpirun_flags.end(), "--enable-recovery") ==
      mpirun_flags.end()) {
    EXPECT_NE(r.exit_code, 0) << describe(r);
  }
  const std::string all = r.stdout_data + r.stderr_data;
  EXPECT_TRUE(contains(all, expected)) << describe(r);
  EXPECT_TRUE(contains(all, "--resume")) << describe(r);
  auto partial = read_state_csv_file(out);  // valid CSV
  EXPECT_LT(partial.size(), 10u) << describe(r);

  auto resumed = run(local({"eval", "--policy", "greedy", "--dataset", "toy-v0", "--env",
                            "toy-reward-v0", "--limit", "10", "--output", out, "--resume"}));
  ASSERT_EQ(resumed.exit_code, 0) << describe(resumed);
  EXPECT_TRUE(contains(resumed.stdout_data,
                       "Resuming: " + std::to_string(partial.size()) + " benchmarks already in"))
      << describe(resumed);
  auto full = read_state_csv_file(out);
  ASSERT_EQ(full.size(), 10u);
  std::set<std::string> unique;
  for (const auto& s : full) unique.insert(s.benchmark);
  EXPECT_EQ(unique.size(), 10u);
  // The rows from before the crash are kept as they were.
  for (const auto& p : partial) {
    EXPECT_TRUE(std::find(full.begin(), full.end(), p) != full.end()) << p.benchmark;
  }
}

TEST_F(MpiCliTest, KilledRankIsReportedAndResumeFinishesTheRun) {
  killed_rank_then_resume(*this, {}, {}, "rank 1 held benchmark://toy-v0/");
}

TEST_F(MpiCliTest, KilledRankIsFoundByHeartbeatsWithEnableRecovery) {
  killed_rank_then_resume(*this, {"--enable-recovery"}, {"--mpi-timeout", "3"},
                          "rank 1 sent nothing for 3 s while it held benchmark://toy-v0/");
}

// The same for random-search: rank 1 is killed once a search (about 1 s of
// toy steps each) is recorded in
// searches.json; --resume runs only the searches not recorded, and the best
// result is the one of an uninterrupted run with the same seeds.
TEST_F(MpiCliTest, KilledRankThenResumeFinishesARandomSearch) {
  std::vector<std::string> args = {
      "random-search", "--env", "toy-reward-v0", "--benchmark", "toy-v0/6",  "--steps", "300000",
      "--searches",    "6",     "--seed",        "9",           "--replays", "0"};
  auto with_dir = [&](const std::string& dir, bool resume) {
    auto a = args;
    a.insert(a.end(), {"--output-dir", path(dir)});
    if (resume) a.push_back("--resume");
    return a;
  };
  auto whole = run(local(with_dir("whole", false)));
  ASSERT_EQ(whole.exit_code, 0) << describe(whole);

  const std::string record = path("cut") + "/searches.json";
  std::vector<std::string> tool = {CGYM_TOY_CLI_BINARY};
  const auto cut_args = with_dir("cut", false);
  tool.insert(tool.end(), cut_args.begin(), cut_args.end());
  const std::string command = "if [ \"$OMPI_COMM_WORLD_RANK\" = 1 ]; then (while [ \"$(cat '" +
                              record +
                              "' 2>/dev/null | grep -c best_reward)\" -lt 1 ]; do sleep 0.05; "
                              "done; sleep 0.2; kill -9 $$) & fi; exec " +
                              join_command_line(tool);
  auto r = run({CGYM_MPIEXEC, "-n", "2", "--oversubscribe", "sh", "-c", command});
  EXPECT_NE(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(contains(r.stdout_data + r.stderr_data, "--resume")) << describe(r);
  const auto partial = nlohmann::json::parse(read_file(record));
  const size_t kept = partial["finished"].size();
  EXPECT_GE(kept, 1u) << partial.dump(1);
  EXPECT_LT(kept, 6u) << partial.dump(1);

  auto resumed = run(mpi(2, with_dir("cut", true)));
  ASSERT_EQ(resumed.exit_code, 0) << describe(resumed);
  EXPECT_TRUE(contains(resumed.stdout_data,
                       "Resuming: " + std::to_string(kept) + " of 6 searches already in"))
      << describe(resumed);
  // Only the missing searches ran again.
  size_t ran = 0;
  for (int k = 0; k < 6; ++k) {
    const bool recorded = partial["finished"].contains(std::to_string(k));
    const bool printed = contains(resumed.stdout_data, "search " + std::to_string(k) + " (rank");
    EXPECT_NE(recorded, printed) << "search " << k << "\n" << describe(resumed);
    ran += printed;
  }
  EXPECT_EQ(ran, 6 - kept);
  EXPECT_EQ(read_file(path("cut") + "/best_commandline.txt"),
            read_file(path("whole") + "/best_commandline.txt"));
  EXPECT_EQ(nlohmann::json::parse(read_file(record))["finished"].size(), 6u);
}

TEST_F(MpiCliTest, MpiFlagWithoutALauncherSaysHowToLaunch) {
  auto r = run(local({"eval", "--policy", "greedy", "--dataset", "toy-v0", "--env", "toy-reward-v0",
                      "--limit", "1", "--output", path("x.csv"), "--mpi"}));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(contains(r.stderr_data, "not started by an MPI launcher")) << describe(r);
  EXPECT_TRUE(contains(r.stderr_data, "mpirun -n 4 cgym eval")) << describe(r);
  EXPECT_TRUE(contains(r.stderr_data, "srun -n 4")) << describe(r);
  std::ofstream(path("x.csv")) << "benchmark,reward,walltime,commandline\n"
                                  "benchmark://toy-v0/1,1.0,0.1,toyc --inc prog.toy\n";
  auto v = run(local({"validate", path("x.csv"), "--mpi"}));
  EXPECT_TRUE(contains(v.stderr_data, "mpirun -n 4 cgym validate")) << describe(v);
  auto resume = run(local({"validate", path("x.csv"), "--resume"}));
  EXPECT_TRUE(contains(resume.stderr_data, "--resume needs --output")) << describe(resume);
}

}  // namespace
}  // namespace cgym
