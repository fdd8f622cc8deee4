// SqliteLogger: the database is reopened with SQLite itself and compared with
// what the env returned; and child processes that die mid-run leave a valid
// database with every committed batch.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <thread>

#include "cgym/cgym.h"
#include "wrappers/db_reader.h"
#include "wrappers/fake_ir_env.h"

namespace cgym {
namespace {

using ::testing::HasSubstr;
namespace wt = wrappers_test;
using wt::decompress;
using wt::Reader;

class SqliteLoggerTest : public ::testing::Test {
 protected:
  void SetUp() override { wt::register_test_envs(); }
  TempDir dir_{"cgym-logger-test"};
  std::filesystem::path db_path() const { return dir_.path() / "states.db"; }
};

std::string json_of(const std::vector<int64_t>& v) { return nlohmann::json(v).dump(); }

TEST_F(SqliteLoggerTest, LogsEveryStateOfAnEpisode) {
  std::vector<StepResult> results;
  std::vector<std::string> commandlines;
  std::vector<double> episode_rewards;
  {
    auto env = SqliteLogger(make("toy-reward-v0"), db_path());
    results.push_back(env->reset(ResetOptions{.benchmark = "benchmark://toy-v0/4"}));
    commandlines.push_back(env->commandline());
    episode_rewards.push_back(env->episode_reward());
    for (Action a : {0, 2, 3, 1, 6}) {
      results.push_back(env->step(a));
      commandlines.push_back(env->commandline());
      episode_rewards.push_back(env->episode_reward());
    }
    EXPECT_EQ(env->states_logged(), 6);
    env->close();
  }
  Reader db(db_path());
  EXPECT_EQ(db.integrity(), "ok");
  EXPECT_EQ(db.rows("PRAGMA journal_mode")[0][0], "wal");
  auto rows = db.rows(
      "SELECT env_id, benchmark, actions, action_count, reward, episode_reward, state_id, done, "
      "truncated, error_type, walltime >= 0, timestamp > 1.6e9 FROM States ORDER BY id");
  ASSERT_EQ(rows.size(), 6u);
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    EXPECT_EQ(r[0], "toy-reward-v0");
    EXPECT_EQ(r[1], "benchmark://toy-v0/4");
    EXPECT_EQ(r[2], commandlines[i]);
    EXPECT_EQ(std::stoll(r[3]), static_cast<int64_t>(i));
    EXPECT_DOUBLE_EQ(std::stod(r[4]), i == 0 ? 0.0 : results[i].reward);
    EXPECT_DOUBLE_EQ(std::stod(r[5]), episode_rewards[i]);
    // The toy has no IrSha1: the id hashes the benchmark and the actions.
    EXPECT_EQ(r[6], hash_bytes("benchmark://toy-v0/4\n" + commandlines[i]));
    EXPECT_EQ(r[7], i == 5 ? "1" : "0");  // the "end" action
    EXPECT_EQ(r[8], "0");
    EXPECT_EQ(r[9], "NULL");
    EXPECT_EQ(r[10], "1");
    EXPECT_EQ(r[11], "1");
  }
  EXPECT_EQ(rows[3][2], "toyc --inc --double --noop prog.toy");
  // The toy has none of the logged observations: rows of NULLs, one per state.
  EXPECT_EQ(db.count("Observations"), 6);
  EXPECT_EQ(db.count("Observations WHERE ir_instruction_count IS NULL AND compressed_ir IS NULL "
                     "AND autophase IS NULL AND instcount IS NULL"),
            6);
}

TEST_F(SqliteLoggerTest, StoresTheObservationsOfEachDistinctState) {
  {
    auto env = SqliteLogger(make("fakeir-v0"), db_path());
    env->reset(ResetOptions{.benchmark = "benchmark://toy-v0/3"});  // 3
    for (Action a : {0, 1, 2, 3, 1}) env->step(a);                  // 4, 3, 6, 6, 5
  }                                                                 // the destructor flushes
  Reader db(db_path());
  EXPECT_EQ(db.integrity(), "ok");
  EXPECT_EQ(db.count("States"), 6);
  const std::vector<int64_t> values = {3, 4, 3, 6, 6, 5};
  auto states = db.rows("SELECT state_id, reward FROM States ORDER BY id");
  ASSERT_EQ(states.size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(states[i][0], wt::fake_sha1(values[i])) << i;
    // fakeir's reward: the decrease in IrInstructionCount (40 + |v|).
    if (i > 0) {
      EXPECT_DOUBLE_EQ(std::stod(states[i][1]), double(values[i - 1] - values[i]));
    }
  }
  // One Observations row per distinct state: 3, 4, 6, 5.
  auto obs = db.rows(
      "SELECT state_id, ir_instruction_count, ir_size, compressed_ir, autophase, instcount "
      "FROM Observations ORDER BY rowid");
  ASSERT_EQ(obs.size(), 4u);
  const std::vector<int64_t> distinct = {3, 4, 6, 5};
  for (size_t i = 0; i < obs.size(); ++i) {
    const int64_t v = distinct[i];
    EXPECT_EQ(obs[i][0], wt::fake_sha1(v));
    EXPECT_EQ(std::stoll(obs[i][1]), wt::fake_instruction_count(v));
    EXPECT_EQ(std::stoll(obs[i][2]), static_cast<int64_t>(wt::fake_ir(v).size()));
    EXPECT_LT(obs[i][3].size(), wt::fake_ir(v).size() / 2);  // compressed
    EXPECT_EQ(decompress(obs[i][3]), wt::fake_ir(v));
    EXPECT_EQ(obs[i][4], json_of(wt::fake_autophase(v)));
    EXPECT_EQ(obs[i][5], json_of(wt::fake_instcount(v)));
  }
}

TEST_F(SqliteLoggerTest, FailedAndTruncatedStepsAreLogged) {
  {
    auto env = SqliteLogger(TimeLimit(make("fakeir-v0"), 2), db_path());
    env->reset();
    env->step(0);
    env->step(0);  // truncated
    env->reset();
    env->step(4);  // crash
  }
  Reader db(db_path());
  auto rows = db.rows(
      "SELECT action_count, done, truncated, error_type, error_details, state_id, episode_reward "
      "FROM States ORDER BY id");
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[2][1], "1");
  EXPECT_EQ(rows[2][2], "1");
  EXPECT_EQ(rows[2][3], "NULL");
  EXPECT_EQ(rows[4][1], "1");
  EXPECT_EQ(rows[4][2], "0");
  EXPECT_EQ(rows[4][3], "SessionError");
  EXPECT_THAT(rows[4][4], HasSubstr("crashed on purpose"));
  EXPECT_EQ(rows[4][5], hash_bytes("benchmark://toy-v0/1\nfake-opt -crash in.ll -o out.ll"));
  EXPECT_DOUBLE_EQ(std::stod(rows[4][6]), 0.0);  // the failure negated the returns
  // No observations for the failed state.
  EXPECT_EQ(db.count("Observations WHERE state_id = '" + rows[4][5] + "'"), 0);
}

TEST_F(SqliteLoggerTest, CommitsInBatchesByCount) {
  auto env = SqliteLogger(make("toy-v0"), db_path(),
                          SqliteLoggerOptions{.flush_every_steps = 3, .flush_every_seconds = 0});
  Reader db(db_path());
  env->reset();
  env->step(0);
  EXPECT_EQ(db.count("States"), 0);  // the batch is open
  env->step(0);
  EXPECT_EQ(db.count("States"), 3);
  env->step(0);
  env->step(0);
  EXPECT_EQ(db.count("States"), 3);
  env->flush();
  EXPECT_EQ(db.count("States"), 5);
  env->flush();  // nothing open: a no-op
  env->step(0);
  EXPECT_EQ(db.count("States"), 5);
  env->close();
  EXPECT_EQ(db.count("States"), 6);
  env->flush();  // after close: a no-op
  EXPECT_THROW(env->step(0), StateError);
}

TEST_F(SqliteLoggerTest, CommitsInBatchesByTime) {
  auto env = SqliteLogger(make("toy-v0"), db_path(),
                          SqliteLoggerOptions{.flush_every_steps = 0, .flush_every_seconds = 0.2});
  Reader db(db_path());
  env->reset();
  env->step(0);
  EXPECT_EQ(db.count("States"), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  env->step(0);  // the batch is older than 0.2 s: committed with this state
  EXPECT_EQ(db.count("States"), 3);
}

TEST_F(SqliteLoggerTest, ForksAndOtherLoggersShareTheDatabase) {
  auto env =
      SqliteLogger(make("toy-v0"), db_path(), SqliteLoggerOptions{.flush_every_steps = 1000});
  env->reset();
  env->step(0);
  auto fork = env->fork();
  auto* logger_fork = dynamic_cast<SqliteLoggerWrapper*>(fork.get());
  ASSERT_NE(logger_fork, nullptr);
  EXPECT_EQ(logger_fork->path(), env->path());
  // A second logger on the same file, in the same thread: no lock waits.
  auto other =
      SqliteLogger(make("toy-v0"), db_path(),
                   SqliteLoggerOptions{.flush_every_steps = 1000, .busy_timeout_seconds = 1});
  other->reset();
  for (int i = 0; i < 3; ++i) {
    env->step(0);
    fork->step(2);
    other->step(1);
  }
  fork->close();
  Reader db(db_path());
  // The shared batch was committed by the fork's close().
  EXPECT_EQ(db.count("States"), 2 + 3 + 3 + 1 + 3);
  EXPECT_EQ(db.count("States WHERE actions = 'toyc --inc --double --double --double prog.toy'"), 1);
  EXPECT_EQ(db.count("States WHERE actions = 'toyc --dec --dec --dec prog.toy'"), 1);
}

TEST_F(SqliteLoggerTest, ForksLogFromSeveralThreads) {
  auto env =
      SqliteLogger(make("fakeir-v0"), db_path(), SqliteLoggerOptions{.flush_every_steps = 7});
  env->reset();
  std::vector<EnvPtr> forks;
  for (int i = 0; i < 3; ++i) forks.push_back(env->fork());
  std::vector<std::thread> threads;
  for (size_t t = 0; t < forks.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) forks[t]->step((i + static_cast<int>(t)) % 2);
    });
  }
  for (auto& th : threads) th.join();
  forks.clear();  // destroying the forks flushes
  Reader db(db_path());
  EXPECT_EQ(db.integrity(), "ok");
  EXPECT_EQ(db.count("States"), 1 + 3 * 50);
  // The fake env's states are values 0..2 apart: few distinct programs.
  EXPECT_EQ(db.count("Observations"), db.rows("SELECT DISTINCT state_id FROM States").size());
}

TEST_F(SqliteLoggerTest, ReopeningAppends) {
  for (int run = 0; run < 2; ++run) {
    auto env = SqliteLogger(make("toy-v0"), db_path());
    env->reset();
    env->step(0);
  }
  Reader db(db_path());
  EXPECT_EQ(db.count("States"), 4);
  // The same states: their observations are stored once.
  EXPECT_EQ(db.count("Observations"), 2);
}

TEST_F(SqliteLoggerTest, ObservationsCanBeLeftOut) {
  {
    auto env =
        SqliteLogger(make("fakeir-v0"), db_path(), SqliteLoggerOptions{.log_observations = false});
    env->reset();
    env->step(0);
  }
  Reader db(db_path());
  EXPECT_EQ(db.count("States"), 2);
  EXPECT_EQ(db.count("Observations"), 0);
  // The state ids are still the IR hashes.
  EXPECT_EQ(db.rows("SELECT state_id FROM States ORDER BY id")[1][0], wt::fake_sha1(2));
}

TEST_F(SqliteLoggerTest, BadPathsThrowIoErrorNamingThePath) {
  auto expect_io_error = [&](const std::filesystem::path& path, const std::string& why) {
    try {
      SqliteLogger(make("toy-v0"), path);
      ADD_FAILURE() << "expected IoError for " << path;
    } catch (const IoError& e) {
      EXPECT_THAT(e.what(), HasSubstr(path.string()));
      EXPECT_THAT(e.what(), HasSubstr(why));
    }
  };
  expect_io_error(dir_.path() / "no" / "such" / "dir" / "x.db", "does not exist");
  expect_io_error(dir_.path(), "is a directory");
  std::ofstream(dir_.path() / "garbage.db") << std::string(4096, 'x');
  expect_io_error(dir_.path() / "garbage.db", "not a database");
  std::ofstream(dir_.path() / "file") << "x";
  expect_io_error(dir_.path() / "file" / "x.db", "not a directory");
  expect_io_error("/proc/cgym-test.db", "/proc/cgym-test.db");
  EXPECT_THROW(SqliteLogger(make("toy-v0"), ""), IoError);
  EXPECT_THROW(SqliteLogger(make("toy-v0"), db_path(), SqliteLoggerOptions{.compression_level = 0}),
               InvalidArgument);
}

// ---- child processes killed mid-run --------------------------------------------

ProcessResult run_helper(const std::string& mode, const std::filesystem::path& db, double timeout) {
  return run_process(
      ProcessOptions{.argv = {CGYM_LOGGER_HELPER, mode, db.string()}, .timeout_seconds = timeout});
}

TEST_F(SqliteLoggerTest, KilledChildKeepsEveryCommittedBatch) {
  auto r = run_helper("sigkill", db_path(), 60);
  EXPECT_EQ(r.exit_code, -SIGKILL) << r.stderr_data;
  Reader db(db_path());
  EXPECT_EQ(db.integrity(), "ok");
  // 35 states in batches of 10: the 3 committed batches, not the open one.
  EXPECT_EQ(db.count("States"), 30);
  EXPECT_EQ(db.count("Observations WHERE compressed_ir IS NOT NULL"), db.count("Observations"));
  auto last = db.rows("SELECT action_count FROM States ORDER BY id DESC LIMIT 1");
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0][0], "29");
}

TEST_F(SqliteLoggerTest, ExitWithoutFlushKeepsCommittedBatches) {
  auto r = run_helper("exit", db_path(), 60);
  EXPECT_EQ(r.exit_code, 0) << r.stderr_data;
  Reader db(db_path());
  EXPECT_EQ(db.integrity(), "ok");
  EXPECT_EQ(db.count("States"), 30);
}

TEST_F(SqliteLoggerTest, NormalExitFlushesEverything) {
  auto r = run_helper("normal", db_path(), 60);
  EXPECT_EQ(r.exit_code, 0) << r.stderr_data;
  Reader db(db_path());
  EXPECT_EQ(db.integrity(), "ok");
  EXPECT_EQ(db.count("States"), 35);
}

TEST_F(SqliteLoggerTest, ChildKilledAtAnArbitraryMomentLeavesAValidDatabase) {
  auto r = run_helper("forever", db_path(), 1.5);
  EXPECT_TRUE(r.timed_out) << r.stderr_data;
  EXPECT_THAT(r.stderr_data, HasSubstr("ready"));
  Reader db(db_path());
  EXPECT_EQ(db.integrity(), "ok");
  const int64_t n = db.count("States");
  EXPECT_GE(n, 10);
  EXPECT_EQ(n % 10, 0) << n;  // only whole batches
  // Every committed state has its observations (written in the same batch).
  EXPECT_EQ(db.count("States s WHERE NOT EXISTS (SELECT 1 FROM Observations o WHERE "
                     "o.state_id = s.state_id)"),
            0);
  // The database is still writable.
  auto env = SqliteLogger(make("toy-v0"), db_path());
  env->reset();
  env->close();
  EXPECT_EQ(db.count("States"), n + 1);
}

}  // namespace
}  // namespace cgym
