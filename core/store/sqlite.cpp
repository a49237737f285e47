#include "sqlite.hpp"

#include <cmath>

namespace nas::core::sql {

namespace {

// A file: URI for sqlite3_open_v2, with the characters URIs reserve escaped.
std::string immutable_uri(const std::string &path) {
  std::string uri = "file:";
  for (char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      const char *hex = "0123456789ABCDEF";
      uri += '%';
      uri += hex[(c >> 4) & 0xf];
      uri += hex[c & 0xf];
    } else {
      uri += c;
    }
  }
  return uri + "?immutable=1";
}

} // namespace

Database::Database(const std::string &path, Access access) : path_(path) {
  int flags = 0;
  std::string name = path;
  switch (access) {
  case Access::read_write: flags = SQLITE_OPEN_READWRITE; break;
  case Access::create: flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE; break;
  case Access::read_only: flags = SQLITE_OPEN_READONLY; break;
  case Access::immutable:
    flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI;
    name = immutable_uri(path);
    break;
  }
  int rc = sqlite3_open_v2(name.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw Error(path + ": " + message, rc);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, 5000);
}

Database::~Database() { sqlite3_close(db_); }

void Database::fail(const std::string &what, int code) const {
  throw Error(path_ + ": " + what + ": " + sqlite3_errmsg(db_), code);
}

void Database::exec(const std::string &sql) {
  char *message = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string text = message ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    throw Error(path_ + ": " + text, rc);
  }
}

Statement Database::prepare(const std::string &sql) { return Statement(*this, sql); }

Statement::Statement(const Database &db, const std::string &sql) : db_(&db) {
  int rc = sqlite3_prepare_v2(db.raw(), sql.c_str(), -1, &stmt_, nullptr);
  if (rc != SQLITE_OK)
    db.fail("cannot prepare \"" + sql.substr(0, 60) + "\"", rc);
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement &&other) noexcept : db_(other.db_), stmt_(other.stmt_) {
  other.stmt_ = nullptr;
}

Statement &Statement::bind(int i, int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}
Statement &Statement::bind(int i, double v) {
  if (std::isnan(v))
    sqlite3_bind_null(stmt_, i);
  else
    sqlite3_bind_double(stmt_, i, v);
  return *this;
}
Statement &Statement::bind(int i, const std::string &v) {
  sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement &Statement::bind_blob(int i, const std::string &v) {
  sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement &Statement::bind_null(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW)
    return true;
  if (rc == SQLITE_DONE)
    return false;
  sqlite3_reset(stmt_);
  db_->fail("a statement failed", rc);
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

double Statement::real(int col) const {
  return is_null(col) ? NAN : sqlite3_column_double(stmt_, col);
}

std::string Statement::text(int col) const {
  const auto *p = sqlite3_column_blob(stmt_, col);
  int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string(static_cast<const char *>(p), static_cast<size_t>(n)) : std::string();
}

} // namespace nas::core::sql
