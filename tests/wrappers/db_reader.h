// Test helpers that read a SqliteLogger database with SQLite itself.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <zstd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace cgym::wrappers_test {

// A read-only connection of the test's own, independent of the logger's.
class Reader {
 public:
  explicit Reader(const std::filesystem::path& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << "cannot open " << path << ": " << sqlite3_errmsg(db_);
    }
  }
  ~Reader() { sqlite3_close_v2(db_); }

  // Every row of `sql`, each column as text ("NULL" for NULL, reals with
  // every digit); blobs as their raw bytes.
  std::vector<std::vector<std::string>> rows(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    std::vector<std::vector<std::string>> out;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
      return out;
    }
    while (sqlite3_step(s) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(s); ++i) {
        const int type = sqlite3_column_type(s, i);
        if (type == SQLITE_NULL) {
          row.push_back("NULL");
        } else if (type == SQLITE_FLOAT) {
          char buf[64];
          std::snprintf(buf, sizeof buf, "%.17g", sqlite3_column_double(s, i));
          row.push_back(buf);
        } else {
          const void* p = sqlite3_column_blob(s, i);
          row.emplace_back(static_cast<const char*>(p),
                           static_cast<size_t>(sqlite3_column_bytes(s, i)));
        }
      }
      out.push_back(std::move(row));
    }
    sqlite3_finalize(s);
    return out;
  }
  int64_t count(const std::string& table) {
    auto r = rows("SELECT COUNT(*) FROM " + table);
    return r.empty() ? -1 : std::stoll(r[0][0]);
  }
  std::string integrity() {
    auto r = rows("PRAGMA integrity_check");
    return r.empty() ? "" : r[0][0];
  }

 private:
  sqlite3* db_ = nullptr;
};

inline std::string decompress(const std::string& frame) {
  const auto size = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) return "<bad frame>";
  std::string out(size, '\0');
  const size_t n = ZSTD_decompress(out.data(), out.size(), frame.data(), frame.size());
  if (ZSTD_isError(n)) return "<bad frame>";
  out.resize(n);
  return out;
}

}  // namespace cgym::wrappers_test
