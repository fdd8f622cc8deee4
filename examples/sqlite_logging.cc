// Logs one episode to SQLite with the SqliteLogger wrapper, then reads it
// back with the SQLite C API. The episode is -mem2reg followed by random
// passes.
//
//   sqlite_logging [--db FILE] [--benchmark URI] [--steps N] [--seed S]
//
// The logger writes one States row per reset() and step(), and one
// Observations row per distinct program state (keyed by its IR hash), so
// the query joins the two to show the instruction count of every state.
// docs/wrappers.md describes the schema.
#include <cgym/cgym.h>
#include <sqlite3.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iomanip>
#include <iostream>

namespace {

// Prints every logged state of the database, in order; returns the row count.
int print_states(const std::filesystem::path& db_path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw cgym::IoError("cannot open " + db_path.string() + ": " + message);
  }
  const char* sql =
      "SELECT s.id, s.action_count, s.reward, s.episode_reward, o.ir_instruction_count, "
      "s.done, s.actions FROM States s LEFT JOIN Observations o ON o.state_id = s.state_id "
      "ORDER BY s.id";
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) {
    std::string message = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw cgym::IoError("cannot query " + db_path.string() + ": " + message);
  }
  std::cout << "id\taction_count\treward\tepisode_reward\tinstructions\tdone\tactions\n";
  int rows = 0;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    ++rows;
    std::cout << sqlite3_column_int64(stmt, 0) << "\t" << sqlite3_column_int64(stmt, 1) << "\t"
              << sqlite3_column_double(stmt, 2) << "\t" << sqlite3_column_double(stmt, 3) << "\t"
              << sqlite3_column_int64(stmt, 4) << "\t" << sqlite3_column_int(stmt, 5) << "\t"
              << reinterpret_cast<const char*>(sqlite3_column_text(stmt, 6)) << "\n";
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return rows;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Log an llvm-ic-v0 episode to SQLite and read it back"};
  std::string db = "sqlite_logging.db";
  std::string benchmark = "benchmark://cgym-v0/crc32";
  int steps = 10;
  uint64_t seed = 0;
  app.add_option("--db", db, "database file (replaced if it exists)")->capture_default_str();
  app.add_option("--benchmark", benchmark, "program to optimize")->capture_default_str();
  app.add_option("--steps", steps, "passes to apply: -mem2reg, then random ones")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--seed", seed, "random seed")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  try {
    // Start from an empty database so that the rows are this episode's only.
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
    cgym::Rng rng(seed);
    {
      auto env = cgym::SqliteLogger(cgym::make("llvm-ic-v0"), db);
      env->reset({.benchmark = benchmark});
      // -mem2reg first, so that the random passes after it have work to do.
      env->step(env->action_space().index("-mem2reg"));
      for (int t = 1; t < steps; ++t) {
        if (env->step(env->action_space().sample(rng)).done) break;
      }
      std::cout << std::fixed << std::setprecision(6)
                << "episode:          " << env->actions().size() << " steps on " << benchmark
                << ", reward " << env->episode_reward() << ", "
                << env->observation("IrInstructionCount").as<int64_t>() << " instructions\n"
                << "command line:     " << env->commandline() << "\n"
                << "logged:           " << env->states_logged() << " states to " << db << "\n";
      // close() commits the last batch (the destructor would too).
      env->close();
    }
    const int rows = print_states(db);
    std::cout << "rows read back:   " << rows << "\n";
  } catch (const cgym::Error& e) {
    std::cerr << "sqlite_logging: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
