#include "cgym/wrappers/sqlite_logger.h"

#include <sqlite3.h>
#include <zstd.h>

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <unordered_set>

#include "cgym/errors.h"
#include "internal/logging.h"

namespace cgym {

namespace internal {

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS States (
  id INTEGER PRIMARY KEY,
  env_id TEXT NOT NULL,
  benchmark TEXT NOT NULL,
  actions TEXT NOT NULL,
  action_count INTEGER NOT NULL,
  reward REAL,
  episode_reward REAL,
  state_id TEXT NOT NULL,
  done INTEGER NOT NULL,
  truncated INTEGER NOT NULL,
  error_type TEXT,
  error_details TEXT,
  walltime REAL NOT NULL,
  timestamp REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS States_state_id ON States(state_id);
CREATE INDEX IF NOT EXISTS States_benchmark ON States(benchmark);
CREATE TABLE IF NOT EXISTS Observations (
  state_id TEXT PRIMARY KEY,
  ir_instruction_count INTEGER,
  ir_size INTEGER,
  compressed_ir BLOB,
  autophase TEXT,
  instcount TEXT,
  timestamp REAL NOT NULL
);
)sql";

constexpr const char* kInsertState =
    "INSERT INTO States (env_id, benchmark, actions, action_count, reward, episode_reward, "
    "state_id, done, truncated, error_type, error_details, walltime, timestamp) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
constexpr const char* kInsertObservations =
    "INSERT OR IGNORE INTO Observations (state_id, ir_instruction_count, ir_size, compressed_ir, "
    "autophase, instcount, timestamp) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr const char* kHasObservations = "SELECT 1 FROM Observations WHERE state_id = ?1";

double unix_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

/// One state row, ready to write.
struct StateRow {
  std::string env_id, benchmark, actions, state_id;
  int64_t action_count = 0;
  std::optional<double> reward, episode_reward;
  bool done = false, truncated = false;
  std::string error_type, error_details;
  double walltime = 0.0, timestamp = 0.0;
};

/// One Observations row; unset fields are NULL.
struct ObservationRow {
  std::string state_id;
  std::optional<int64_t> ir_instruction_count;
  std::optional<int64_t> ir_size;
  std::optional<std::string> compressed_ir;
  std::optional<std::string> autophase, instcount;
  double timestamp = 0.0;
};

// One connection per database file per process, shared by every logger on
// it (forks included): two connections of one thread, each holding an open
// batch, would wait on each other's write lock.
class SqliteDatabase {
 public:
  static std::shared_ptr<SqliteDatabase> open(const std::filesystem::path& path,
                                              double busy_timeout_seconds);
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;
  ~SqliteDatabase();

  const std::filesystem::path& path() const { return path_; }

  /// Whether the Observations of `state_id` are already stored.
  bool has_observations(const std::string& state_id);
  void write(const StateRow& state, const ObservationRow* observations,
             const SqliteLoggerOptions& policy);
  void flush();

 private:
  SqliteDatabase(std::filesystem::path path, std::string shown, sqlite3* db)
      : path_(std::move(path)), shown_(std::move(shown)), db_(db) {}
  [[noreturn]] void fail(const std::string& what);
  void exec(const char* sql);
  sqlite3_stmt* prepare(const char* sql);
  void commit_locked();

  std::mutex mu_;
  std::filesystem::path path_;
  /// The path as the first logger named it, for messages.
  std::string shown_;
  sqlite3* db_;
  sqlite3_stmt* insert_state_ = nullptr;
  sqlite3_stmt* insert_observations_ = nullptr;
  sqlite3_stmt* has_observations_ = nullptr;
  bool in_transaction_ = false;
  size_t pending_ = 0;
  std::chrono::steady_clock::time_point batch_start_;
  std::unordered_set<std::string> seen_;
};

namespace {

std::mutex& registry_mutex() {
  static std::mutex mu;
  return mu;
}
std::map<std::string, std::weak_ptr<SqliteDatabase>>& registry() {
  static std::map<std::string, std::weak_ptr<SqliteDatabase>> r;
  return r;
}

}  // namespace

std::shared_ptr<SqliteDatabase> SqliteDatabase::open(const std::filesystem::path& path,
                                                     double busy_timeout_seconds) {
  namespace fs = std::filesystem;
  const std::string shown = path.string();
  auto io_error = [&](const std::string& why) {
    return IoError("SqliteLogger: cannot open the database '" + shown + "': " + why);
  };
  if (path.empty()) throw io_error("the path is empty");
  std::error_code ec;
  const fs::path absolute = fs::absolute(path, ec);
  if (ec) throw io_error(ec.message());
  const fs::path parent = absolute.parent_path();
  if (!fs::is_directory(parent, ec)) {
    throw io_error("the directory '" + parent.string() +
                   "' does not exist or is not a directory; create it first");
  }
  if (fs::is_directory(absolute, ec)) throw io_error("it is a directory, not a file");
  fs::path canonical = fs::weakly_canonical(absolute, ec);
  const std::string key = (ec ? absolute : canonical).string();

  std::lock_guard<std::mutex> lock(registry_mutex());
  if (auto it = registry().find(key); it != registry().end()) {
    if (auto db = it->second.lock()) return db;
  }
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(
      key.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    sqlite3_close_v2(raw);
    throw io_error(msg + " (is the directory writable?)");
  }
  std::shared_ptr<SqliteDatabase> db(new SqliteDatabase(key, shown, raw));
  sqlite3_busy_timeout(raw, static_cast<int>(busy_timeout_seconds * 1000));
  // journal_mode returns the mode it ended up in: a file system without
  // shared memory, or a read-only file, stays in another mode.
  sqlite3_stmt* mode = db->prepare("PRAGMA journal_mode=WAL");
  std::string result;
  if (sqlite3_step(mode) == SQLITE_ROW) {
    result = reinterpret_cast<const char*>(sqlite3_column_text(mode, 0));
  }
  sqlite3_finalize(mode);
  if (result != "wal") {
    db->fail("cannot switch it to WAL mode (journal mode is '" + result +
             "'); is it on a file system without locking, or read-only?");
  }
  // In WAL mode NORMAL loses nothing committed when the process dies,
  // only (possibly) the last commits on a power failure.
  db->exec("PRAGMA synchronous=NORMAL");
  db->exec(kSchema);
  db->insert_state_ = db->prepare(kInsertState);
  db->insert_observations_ = db->prepare(kInsertObservations);
  db->has_observations_ = db->prepare(kHasObservations);
  registry()[key] = db;
  return db;
}

SqliteDatabase::~SqliteDatabase() {
  try {
    std::lock_guard<std::mutex> lock(mu_);
    commit_locked();
  } catch (const std::exception& e) {
    logger().error("SqliteLogger: the last batch for '{}' was lost: {}", shown_, e.what());
  }
  sqlite3_finalize(insert_state_);
  sqlite3_finalize(insert_observations_);
  sqlite3_finalize(has_observations_);
  sqlite3_close_v2(db_);
}

void SqliteDatabase::fail(const std::string& what) {
  throw IoError("SqliteLogger: database '" + shown_ + "': " + what);
}

void SqliteDatabase::exec(const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string msg = error ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    fail(msg);
  }
}

sqlite3_stmt* SqliteDatabase::prepare(const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr) != SQLITE_OK) {
    fail(std::string(sqlite3_errmsg(db_)) + " (is it a SQLite database?)");
  }
  return stmt;
}

bool SqliteDatabase::has_observations(const std::string& state_id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (seen_.count(state_id)) return true;
  sqlite3_bind_text(has_observations_, 1, state_id.data(), static_cast<int>(state_id.size()),
                    SQLITE_TRANSIENT);
  const int rc = sqlite3_step(has_observations_);
  sqlite3_reset(has_observations_);
  if (rc == SQLITE_ROW) {
    seen_.insert(state_id);
    return true;
  }
  return false;
}

namespace {

void bind_text(sqlite3_stmt* s, int i, const std::string& v) {
  sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
}
void bind_optional_text(sqlite3_stmt* s, int i, const std::optional<std::string>& v) {
  if (v) {
    bind_text(s, i, *v);
  } else {
    sqlite3_bind_null(s, i);
  }
}
void bind_optional_double(sqlite3_stmt* s, int i, std::optional<double> v) {
  if (v) {
    sqlite3_bind_double(s, i, *v);
  } else {
    sqlite3_bind_null(s, i);
  }
}
void bind_optional_int(sqlite3_stmt* s, int i, std::optional<int64_t> v) {
  if (v) {
    sqlite3_bind_int64(s, i, *v);
  } else {
    sqlite3_bind_null(s, i);
  }
}

}  // namespace

void SqliteDatabase::write(const StateRow& state, const ObservationRow* observations,
                           const SqliteLoggerOptions& policy) {
  std::lock_guard<std::mutex> lock(mu_);
  auto run = [&](sqlite3_stmt* stmt) {
    const int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    if (rc != SQLITE_DONE) {
      const std::string msg = sqlite3_errmsg(db_);
      if (in_transaction_) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        in_transaction_ = false;
        pending_ = 0;
      }
      fail("writing a state failed, the open batch was rolled back: " + msg);
    }
  };
  if (!in_transaction_) {
    exec("BEGIN IMMEDIATE");
    in_transaction_ = true;
    batch_start_ = std::chrono::steady_clock::now();
  }
  sqlite3_stmt* s = insert_state_;
  bind_text(s, 1, state.env_id);
  bind_text(s, 2, state.benchmark);
  bind_text(s, 3, state.actions);
  sqlite3_bind_int64(s, 4, state.action_count);
  bind_optional_double(s, 5, state.reward);
  bind_optional_double(s, 6, state.episode_reward);
  bind_text(s, 7, state.state_id);
  sqlite3_bind_int(s, 8, state.done ? 1 : 0);
  sqlite3_bind_int(s, 9, state.truncated ? 1 : 0);
  // SQLITE_STATIC: bound straight from `state`, which outlives the step.
  if (state.error_type.empty()) {
    sqlite3_bind_null(s, 10);
    sqlite3_bind_null(s, 11);
  } else {
    bind_text(s, 10, state.error_type);
    bind_text(s, 11, state.error_details);
  }
  sqlite3_bind_double(s, 12, state.walltime);
  sqlite3_bind_double(s, 13, state.timestamp);
  run(s);
  if (observations) {
    sqlite3_stmt* o = insert_observations_;
    bind_text(o, 1, observations->state_id);
    bind_optional_int(o, 2, observations->ir_instruction_count);
    bind_optional_int(o, 3, observations->ir_size);
    if (observations->compressed_ir) {
      sqlite3_bind_blob(o, 4, observations->compressed_ir->data(),
                        static_cast<int>(observations->compressed_ir->size()), SQLITE_STATIC);
    } else {
      sqlite3_bind_null(o, 4);
    }
    bind_optional_text(o, 5, observations->autophase);
    bind_optional_text(o, 6, observations->instcount);
    sqlite3_bind_double(o, 7, observations->timestamp);
    run(o);
    seen_.insert(observations->state_id);
  }
  ++pending_;
  const bool by_count = policy.flush_every_steps > 0 && pending_ >= policy.flush_every_steps;
  const bool by_time =
      policy.flush_every_seconds > 0 &&
      std::chrono::duration<double>(std::chrono::steady_clock::now() - batch_start_).count() >=
          policy.flush_every_seconds;
  if (by_count || by_time) commit_locked();
}

void SqliteDatabase::commit_locked() {
  if (!in_transaction_) return;
  char* error = nullptr;
  if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, &error) != SQLITE_OK) {
    std::string msg = error ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    in_transaction_ = false;
    pending_ = 0;
    fail("committing a batch failed, it was rolled back: " + msg);
  }
  in_transaction_ = false;
  pending_ = 0;
}

void SqliteDatabase::flush() {
  std::lock_guard<std::mutex> lock(mu_);
  commit_locked();
}

}  // namespace internal

namespace {

std::string compress(const std::string& data, int level) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  const size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), level);
  if (ZSTD_isError(n)) {
    throw IoError(std::string("SqliteLogger: zstd compression failed: ") + ZSTD_getErrorName(n));
  }
  out.resize(n);
  return out;
}

}  // namespace

SqliteLoggerWrapper::SqliteLoggerWrapper(EnvPtr env, const std::filesystem::path& db_path,
                                         SqliteLoggerOptions options)
    : CopyableWrapper(std::move(env)), options_(options) {
  if (options_.compression_level < 1 || options_.compression_level > 19) {
    throw InvalidArgument("SqliteLogger: compression_level must be in 1..19, got " +
                          std::to_string(options_.compression_level));
  }
  db_ = internal::SqliteDatabase::open(db_path, options_.busy_timeout_seconds);
  path_ = db_->path();
  for (const auto& spec : this->env().observation_spaces()) {
    if (spec.name == "IrSha1") has_sha1_ = true;
    if (spec.name == "IrInstructionCount") has_count_ = true;
    if (spec.name == "Ir") has_ir_ = true;
    if (spec.name == "Autophase") has_autophase_ = true;
    if (spec.name == "InstCount") has_instcount_ = true;
  }
}

SqliteLoggerWrapper::~SqliteLoggerWrapper() {
  if (closed_ || !db_) return;
  try {
    db_->flush();
  } catch (const std::exception& e) {
    logger().error("SqliteLogger: the last batch for '{}' was lost: {}", path_.string(), e.what());
  }
}

const std::filesystem::path& SqliteLoggerWrapper::path() const { return path_; }

void SqliteLoggerWrapper::flush() {
  if (db_) db_->flush();
}

void SqliteLoggerWrapper::close() {
  if (!closed_) {
    closed_ = true;
    std::shared_ptr<internal::SqliteDatabase> db = std::move(db_);
    db_.reset();
    // Close the env even when the commit fails, then report the failure.
    try {
      db->flush();
    } catch (...) {
      env().close();
      throw;
    }
  }
  env().close();
}

void SqliteLoggerWrapper::log_state(const StepResult& result, bool is_reset) {
  if (!db_) return;
  Env& e = env();
  internal::StateRow row;
  row.env_id = e.env_id();
  row.benchmark = e.benchmark() ? e.benchmark()->uri() : std::string();
  row.actions = e.commandline();
  row.action_count = static_cast<int64_t>(e.actions().size());
  if (e.reward_space()) {
    row.reward = is_reset ? 0.0 : result.reward;
    row.episode_reward = e.episode_reward();
  }
  row.done = result.done;
  row.truncated = result.info.truncated;
  row.error_type = result.info.error_type;
  row.error_details = result.info.error_details;
  row.walltime = e.episode_walltime();
  row.timestamp = internal::unix_seconds();

  // A failed step has no program state left to observe.
  const bool observable = !result.info.failed();
  if (observable && has_sha1_) {
    try {
      row.state_id = e.observation("IrSha1").as<std::string>();
    } catch (const std::exception&) {
      row.state_id.clear();
    }
  }
  if (row.state_id.empty()) row.state_id = hash_bytes(row.benchmark + "\n" + row.actions);

  std::optional<internal::ObservationRow> obs;
  if (observable && options_.log_observations && !db_->has_observations(row.state_id)) {
    obs.emplace();
    obs->state_id = row.state_id;
    obs->timestamp = row.timestamp;
    // Each observation is optional: one that fails is stored as NULL.
    try {
      if (has_count_) {
        obs->ir_instruction_count =
            static_cast<int64_t>(e.observation("IrInstructionCount").to_double());
      }
    } catch (const std::exception&) {
    }
    try {
      if (has_ir_) {
        const Observation ir = e.observation("Ir");
        const std::string& text = ir.as<std::string>();
        obs->ir_size = static_cast<int64_t>(text.size());
        obs->compressed_ir = compress(text, options_.compression_level);
      }
    } catch (const std::exception&) {
    }
    try {
      if (has_autophase_) obs->autophase = e.observation("Autophase").to_json().dump();
    } catch (const std::exception&) {
    }
    try {
      if (has_instcount_) obs->instcount = e.observation("InstCount").to_json().dump();
    } catch (const std::exception&) {
    }
  }
  db_->write(row, obs ? &*obs : nullptr, options_);
  ++states_logged_;
}

StepResult SqliteLoggerWrapper::reset(const ResetOptions& options) {
  StepResult result = env().reset(options);
  log_state(result, /*is_reset=*/true);
  return result;
}

StepResult SqliteLoggerWrapper::step(Action action, const StepOptions& options) {
  StepResult result = env().step(action, options);
  log_state(result, /*is_reset=*/false);
  return result;
}

StepResult SqliteLoggerWrapper::multistep(std::span<const Action> actions,
                                          const StepOptions& options) {
  StepResult result = env().multistep(actions, options);
  log_state(result, /*is_reset=*/false);
  return result;
}

std::unique_ptr<SqliteLoggerWrapper> SqliteLogger(EnvPtr env, const std::filesystem::path& db_path,
                                                  SqliteLoggerOptions options) {
  return std::make_unique<SqliteLoggerWrapper>(std::move(env), db_path, options);
}

}  // namespace cgym
