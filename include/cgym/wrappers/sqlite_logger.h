// SqliteLogger: records every state an env visits in a SQLite database.
//
//   auto env = cgym::SqliteLogger(cgym::make("llvm-ic-v0"), "/tmp/states.db");
//   env->reset();
//   env->step(0);   // one row per reset() and per step
//   env->flush();   // commit now (close() and the destructor also do)
//
// The schema (docs/wrappers.md has the full description):
//
//   CREATE TABLE States (
//     id INTEGER PRIMARY KEY,      -- insertion order
//     env_id TEXT NOT NULL,
//     benchmark TEXT NOT NULL,     -- URI
//     actions TEXT NOT NULL,       -- commandline() of the episode so far
//     action_count INTEGER NOT NULL,
//     reward REAL,                 -- this step's reward (0 for a reset; NULL: no reward space)
//     episode_reward REAL,         -- NULL: no reward space
//     state_id TEXT NOT NULL,      -- IrSha1 when the env has it, else a hash of
//                                  -- benchmark + actions
//     done INTEGER NOT NULL,
//     truncated INTEGER NOT NULL,
//     error_type TEXT,
//     error_details TEXT,          -- NULL unless the step failed
//     walltime REAL NOT NULL,      -- seconds since the episode's reset()
//     timestamp REAL NOT NULL);    -- Unix time, seconds
//   CREATE TABLE Observations (
//     state_id TEXT PRIMARY KEY,
//     ir_instruction_count INTEGER,  -- "IrInstructionCount"
//     ir_size INTEGER,               -- bytes of "Ir" before compression
//     compressed_ir BLOB,            -- "Ir" as one zstd frame
//     autophase TEXT,                -- "Autophase" as a JSON array
//     instcount TEXT,                -- "InstCount" as a JSON array
//     timestamp REAL NOT NULL);
//
// Durability: the database is in WAL mode and states are written in batched
// transactions, committed every `flush_every_steps` states or when the open
// batch is older than `flush_every_seconds` (checked at each logged state:
// there is no background thread), on flush(), close() and destruction. A
// process killed at any moment leaves a valid database holding every
// committed batch; only the open batch is lost.
// Forks and sharing: a fork logs to the same database through the same
// connection, and so does any other logger of this process opened on the
// same file: they share one batch (each logger's flush policy is applied to
// it), so they never wait on each other's write lock. Another process may
// write to the same file; it waits (up to `busy_timeout_seconds`) while a
// batch is open here.
// Errors: a database that cannot be opened or created throws IoError naming
// the path; a write that fails throws IoError from the step that logged it
// (after the wrapped env took the step), and the open batch is rolled back.
// Threads: loggers sharing a database may be used on different threads (a
// mutex serialises the writes).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "cgym/wrappers/wrapper.h"

namespace cgym {

/// When SqliteLoggerWrapper commits, and what it logs.
struct SqliteLoggerOptions {
  /// Commit after this many logged states (0: no limit by count).
  size_t flush_every_steps = 256;
  /// Commit when the open batch is older than this (<= 0: no limit by time).
  double flush_every_seconds = 5.0;
  /// Log the Observations table (each distinct state once per logger).
  bool log_observations = true;
  /// zstd compression level of the IR (1..19).
  int compression_level = 3;
  /// How long a write waits for another process's lock.
  double busy_timeout_seconds = 30.0;
};

namespace internal {
class SqliteDatabase;
}

/// Records every state the env visits (one row per reset() and per step) in
/// a SQLite database, in batched transactions; see docs/wrappers.md for the
/// schema. Forks log to the same database through the same connection.
class SqliteLoggerWrapper final : public CopyableWrapper<SqliteLoggerWrapper> {
 public:
  /// Opens (creating if needed) the database at `db_path` and its tables.
  /// Throws IoError naming the path when it cannot (missing directory,
  /// unwritable location, a file that is not a database), InvalidArgument
  /// for a compression level outside 1..19.
  SqliteLoggerWrapper(EnvPtr env, const std::filesystem::path& db_path,
                      SqliteLoggerOptions options = {});
  /// Commits the open batch (errors are logged, not thrown).
  ~SqliteLoggerWrapper() override;

  StepResult reset(const ResetOptions& options = {}) override;
  StepResult step(Action action, const StepOptions& options = {}) override;
  StepResult multistep(std::span<const Action> actions, const StepOptions& options = {}) override;
  /// Commits the open batch, then closes the wrapped env. Idempotent.
  void close() override;

  /// Commits the open batch now. Throws IoError. A no-op after close().
  void flush();
  /// The database file.
  const std::filesystem::path& path() const;
  /// The options it was made with.
  const SqliteLoggerOptions& options() const { return options_; }
  /// States this logger wrote, committed or not (a fork starts from the
  /// count of the logger it was forked from).
  int64_t states_logged() const { return states_logged_; }

 private:
  void log_state(const StepResult& result, bool is_reset);

  std::shared_ptr<internal::SqliteDatabase> db_;
  std::filesystem::path path_;
  SqliteLoggerOptions options_;
  /// The observations this env has: "IrSha1", "IrInstructionCount", ...
  bool has_sha1_ = false, has_count_ = false, has_ir_ = false, has_autophase_ = false,
       has_instcount_ = false;
  int64_t states_logged_ = 0;
  bool closed_ = false;
};

/// Wraps `env` in a SqliteLoggerWrapper logging to `db_path`.
std::unique_ptr<SqliteLoggerWrapper> SqliteLogger(EnvPtr env, const std::filesystem::path& db_path,
                                                  SqliteLoggerOptions options = {});

}  // namespace cgym
