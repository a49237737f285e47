// Test support: reads a run store (RUN_DIR/run.sqlite) the way a user's sqlite3 would, but
// read-only, so the test never changes what the next `nas` session finds (a read-only
// connection neither checkpoints nor removes the write-ahead log). Link SQLite::SQLite3.
#pragma once

#include <sqlite3.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace nas::test {

class StoreReader {
public:
  using Row = std::vector<std::string>;

  // Opens RUN_DIR/run.sqlite read-only; throws std::runtime_error when it cannot.
  explicit StoreReader(const std::string &run_dir) : path_(run_dir + "/run.sqlite") {
    if (!std::filesystem::exists(path_))
      throw std::runtime_error(path_ + " does not exist");
    if (sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw std::runtime_error(path_ + ": " + message);
    }
    sqlite3_busy_timeout(db_, 2000);
  }
  ~StoreReader() { sqlite3_close(db_); }
  StoreReader(const StoreReader &) = delete;
  StoreReader &operator=(const StoreReader &) = delete;

  // Every row of `sql`, each column as text: NULL as "NULL", reals with 17 digits, blobs
  // as their bytes. Throws std::runtime_error on an SQL error.
  std::vector<Row> rows(const std::string &sql) {
    sqlite3_stmt *s = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK)
      throw std::runtime_error(path_ + ": " + sqlite3_errmsg(db_) + " in: " + sql);
    std::vector<Row> out;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      Row row;
      for (int c = 0; c < sqlite3_column_count(s); ++c)
        row.push_back(column(s, c));
      out.push_back(std::move(row));
    }
    std::string error = rc == SQLITE_DONE ? "" : sqlite3_errmsg(db_);
    sqlite3_finalize(s);
    if (!error.empty())
      throw std::runtime_error(path_ + ": " + error + " in: " + sql);
    return out;
  }

  // The single value `sql` answers.
  std::string value(const std::string &sql) {
    auto r = rows(sql);
    if (r.empty() || r.front().empty())
      throw std::runtime_error("no value for: " + sql);
    return r.front().front();
  }
  long long number(const std::string &sql) { return std::stoll(value(sql)); }

  // Every row of the trials table by id, all columns joined: what "unchanged" compares.
  std::map<long long, std::string> trial_rows() {
    std::map<long long, std::string> out;
    for (const Row &r : rows("SELECT * FROM trials ORDER BY id")) {
      std::string joined;
      for (const auto &c : r)
        joined += c + "\x1f";
      out[std::stoll(r.at(0))] = joined;
    }
    return out;
  }

  // Every table's rows in a fixed order: the whole store's content, to compare.
  std::string dump() {
    std::string out;
    for (const Row &t : rows("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")) {
      out += "table " + t[0] + "\n";
      for (const Row &r : rows("SELECT * FROM \"" + t[0] + "\" ORDER BY rowid")) {
        for (const auto &c : r)
          out += c + "\x1f";
        out += "\n";
      }
    }
    return out;
  }

private:
  static std::string column(sqlite3_stmt *s, int c) {
    switch (sqlite3_column_type(s, c)) {
    case SQLITE_NULL:
      return "NULL";
    case SQLITE_INTEGER:
      return std::to_string(sqlite3_column_int64(s, c));
    case SQLITE_FLOAT: {
      char text[40];
      std::snprintf(text, sizeof text, "%.17g", sqlite3_column_double(s, c));
      return text;
    }
    default: {
      const auto *p = static_cast<const char *>(sqlite3_column_blob(s, c));
      return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(s, c))) : "";
    }
    }
  }

  std::string path_;
  sqlite3 *db_ = nullptr;
};

// The run's trials by id (all columns joined), or nothing when there is no store or it
// cannot be read yet (a run killed before its store was complete).
inline std::map<long long, std::string> trial_rows_of(const std::string &run_dir) {
  try {
    return StoreReader(run_dir).trial_rows();
  } catch (const std::exception &) {
    return {};
  }
}

// The bytes of a file ("" when it does not exist).
inline std::string file_bytes(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

} // namespace nas::test
