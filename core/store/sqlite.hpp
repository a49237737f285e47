// A thin RAII layer over SQLite's C API: a connection, prepared statements with typed
// binds and columns, and errors as exceptions that carry SQLite's message.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace nas::core::sql {

struct Error : std::runtime_error {
  Error(const std::string &what, int code) : std::runtime_error(what), code(code) {}
  int code;
};

class Statement;

// read_only still sees a live writer's WAL; immutable reads the file alone, without locks or
// a -shm file (for a store with no WAL beside it, in a folder nas may not write to).
enum class Access { read_write, create, read_only, immutable };

class Database {
public:
  // Opens the database at `path`; throws Error.
  Database(const std::string &path, Access access);
  ~Database();
  Database(const Database &) = delete;
  Database &operator=(const Database &) = delete;

  void exec(const std::string &sql);
  Statement prepare(const std::string &sql);
  sqlite3 *raw() const { return db_; }
  [[noreturn]] void fail(const std::string &what, int code) const;

private:
  sqlite3 *db_ = nullptr;
  std::string path_;
};

class Statement {
public:
  Statement(const Database &db, const std::string &sql);
  ~Statement();
  Statement(Statement &&other) noexcept;
  Statement(const Statement &) = delete;
  Statement &operator=(const Statement &) = delete;

  Statement &bind(int i, int64_t v);
  Statement &bind(int i, double v); // NaN is stored as NULL
  Statement &bind(int i, const std::string &v);
  Statement &bind_blob(int i, const std::string &v);
  Statement &bind_null(int i);
  // Steps once: true while there is a row to read.
  bool step();
  // Steps to the end (an INSERT or UPDATE) and resets for the next use.
  void run();
  void reset();

  int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  double real(int col) const; // NULL reads as NaN
  std::string text(int col) const;
  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

private:
  const Database *db_;
  sqlite3_stmt *stmt_ = nullptr;
};

} // namespace nas::core::sql
