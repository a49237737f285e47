#include "run_store.hpp"

#include "../errors.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <unistd.h>

namespace fs = std::filesystem;

namespace nas::core {

namespace {

constexpr int64_t kApplicationId = 0x4E415331; // "NAS1": marks a nas run store
constexpr int64_t kSchemaVersion = 1;

const char *kSchema = R"(
CREATE TABLE run(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE plugins(path TEXT PRIMARY KEY, name TEXT NOT NULL, version TEXT NOT NULL,
                     file TEXT NOT NULL);
CREATE TABLE stages(idx INTEGER PRIMARY KEY, name TEXT NOT NULL, status TEXT NOT NULL,
                    end_reason TEXT NOT NULL DEFAULT '', elapsed REAL NOT NULL DEFAULT 0);
CREATE TABLE trials(id INTEGER PRIMARY KEY, stage TEXT NOT NULL, choices TEXT NOT NULL,
                    canonical TEXT NOT NULL, key TEXT NOT NULL, fidelity REAL NOT NULL,
                    repeat INTEGER NOT NULL, seed INTEGER NOT NULL, tag TEXT NOT NULL,
                    status TEXT NOT NULL, metrics TEXT NOT NULL, objective REAL,
                    error TEXT NOT NULL, worker INTEGER NOT NULL, started REAL NOT NULL,
                    ended REAL NOT NULL, cached_from INTEGER);
CREATE TABLE reports(trial INTEGER NOT NULL, source TEXT NOT NULL, step INTEGER NOT NULL,
                     metrics TEXT NOT NULL);
CREATE INDEX reports_by_trial ON reports(trial);
CREATE TABLE log(seq INTEGER PRIMARY KEY, stage INTEGER NOT NULL, kind TEXT NOT NULL,
                 trial INTEGER NOT NULL, detail TEXT NOT NULL);
CREATE TABLE snapshots(stage INTEGER NOT NULL, seq INTEGER NOT NULL, state BLOB NOT NULL,
                       PRIMARY KEY(stage, seq));
)";

} // namespace

RunStore::RunStore(const std::string &run_dir, StoreMode mode, Durability durability)
    : path_(path_in(run_dir)), durability_(durability) {
  try {
    open(mode == StoreMode::create ? creating_path(path_) : path_, mode);
  } catch (const sql::Error &e) {
    fail(e);
  }
}

RunStore::~RunStore() {
  if (in_transaction_) {
    try {
      commit(); // what was written before an exception is kept
    } catch (...) {
    }
  }
  close();
  if (!copy_dir_.empty()) {
    std::error_code ec;
    fs::remove_all(copy_dir_, ec);
  }
}

std::string RunStore::creating_path(const std::string &store) { return store + ".creating"; }

void RunStore::open(const std::string &file, StoreMode mode) {
  working_ = file;
  if (mode == StoreMode::create) {
    for (const char *suffix : {"", "-wal", "-shm"}) // a killed creation's leftovers
      fs::remove(file + suffix);
    db_ = std::make_unique<sql::Database>(file, sql::Access::create);
  } else {
    if (!fs::exists(file))
      throw RunError(file + " does not exist");
    if (mode == StoreMode::resume)
      require_writable(file);
    db_ = std::make_unique<sql::Database>(file, mode == StoreMode::read ? read_access(file)
                                                                        : sql::Access::read_write);
    // Nothing is written before the store is known to be ours and whole.
    check_identity();
    check_integrity();
  }
  if (mode != StoreMode::read) {
    db_->exec("PRAGMA journal_mode=WAL");
    // Checkpoints (which fsync) every 16k pages instead of 1k: they dominated small commits.
    db_->exec("PRAGMA wal_autocheckpoint=16384");
    db_->exec(durability_ == Durability::full ? "PRAGMA synchronous=FULL"
                                              : "PRAGMA synchronous=NORMAL");
  }
  if (mode == StoreMode::create)
    create_schema();
  prepare_statements();
}

// read mode: no WAL beside the store means no writer and nothing outside the file, so it is
// read as immutable (no -shm needed, nothing created in the folder). A WAL in a folder nas
// cannot write to is read from a private copy, where SQLite may replay it.
sql::Access RunStore::read_access(const std::string &file) {
  if (!fs::exists(file + "-wal"))
    return sql::Access::immutable;
  if (::access(fs::path(file).parent_path().c_str(), W_OK) == 0)
    return sql::Access::read_only;
  char tmpl[] = "/tmp/nas-store-XXXXXX";
  if (!::mkdtemp(tmpl))
    throw RunError(file + ": cannot make a private copy to read it: " + std::strerror(errno));
  copy_dir_ = tmpl;
  for (const char *suffix : {"", "-wal"})
    fs::copy_file(file + suffix, copy_dir_ + "/run.sqlite" + suffix);
  working_ = copy_dir_ + "/run.sqlite";
  return sql::Access::read_write;
}

void RunStore::require_writable(const std::string &file) {
  for (const std::string &p : {fs::path(file).parent_path().string(), file})
    if (::access(p.c_str(), W_OK) != 0)
      throw RunError(file + ": cannot resume the run: " + p + " is not writable (" +
                     std::strerror(errno) + ")");
}

void RunStore::prepare_statements() {
  insert_trial_ = std::make_unique<sql::Statement>(
      db_->prepare("INSERT OR REPLACE INTO trials VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  insert_report_ =
      std::make_unique<sql::Statement>(db_->prepare("INSERT INTO reports VALUES(?,?,?,?)"));
  // A one-shot search run again after a kill continues from its checkpoint and reports the
  // steps after it again: each report replaces those of the same trial at its step and
  // later, so the store keeps one report per step.
  drop_later_reports_ = std::make_unique<sql::Statement>(
      db_->prepare("DELETE FROM reports WHERE trial = ? AND source = ? AND step >= ?"));
  insert_log_ =
      std::make_unique<sql::Statement>(db_->prepare("INSERT INTO log VALUES(?,?,?,?,?)"));
  begin_ = std::make_unique<sql::Statement>(db_->prepare("BEGIN"));
  commit_ = std::make_unique<sql::Statement>(db_->prepare("COMMIT"));
  auto max_seq = db_->prepare("SELECT COALESCE(MAX(seq), 0) FROM log");
  max_seq.step();
  next_seq_ = max_seq.integer(0) + 1;
}

void RunStore::close() {
  insert_trial_.reset();
  insert_report_.reset();
  drop_later_reports_.reset();
  insert_log_.reset();
  begin_.reset();
  commit_.reset();
  db_.reset(); // the last connection folds the WAL into the file and removes it
}

void RunStore::publish() {
  try {
    commit();
    close();
    std::error_code ec;
    fs::rename(working_, path_, ec);
    if (ec)
      throw RunError("cannot create " + path_ + ": " + ec.message());
    open(path_, StoreMode::resume);
  } catch (const sql::Error &e) {
    fail(e);
  }
}

void RunStore::fail(const sql::Error &e) const {
  int primary = e.code & 0xff;
  if (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT)
    throw RunError(path_ + " is damaged or not a SQLite database (" + e.what() +
                   "); nothing was changed. Run with --fresh to start a new run beside it");
  if (primary == SQLITE_FULL)
    throw RunError(path_ + ": the disk is full (" + e.what() +
                   "); what was stored before is kept: free some space and run again to resume");
  throw RunError(std::string("cannot use the run store ") + path_ + ": " + e.what());
}

void RunStore::create_schema() {
  db_->exec("BEGIN");
  db_->exec(kSchema);
  db_->exec("PRAGMA application_id=" + std::to_string(kApplicationId));
  db_->exec("PRAGMA user_version=" + std::to_string(kSchemaVersion));
  db_->exec("COMMIT");
}

void RunStore::check_integrity() {
  auto check = db_->prepare("PRAGMA quick_check");
  std::string problems;
  for (int n = 0; check.step() && n < 3; ++n)
    if (check.text(0) != "ok")
      problems += (problems.empty() ? "" : "; ") + check.text(0);
  if (!problems.empty())
    throw RunError(path_ + " is damaged (" + problems +
                   "); nothing was changed. Run with --fresh to start a new run beside it");
}

void RunStore::check_identity() {
  auto id = db_->prepare("PRAGMA application_id");
  id.step();
  if (id.integer(0) != kApplicationId)
    throw RunError(path_ + " is a SQLite database but not a nas run store (application_id " +
                   std::to_string(id.integer(0)) + "); nothing was changed");
  auto version = db_->prepare("PRAGMA user_version");
  version.step();
  if (version.integer(0) > kSchemaVersion)
    throw RunError(path_ + " was written by a newer nas (store schema " +
                   std::to_string(version.integer(0)) + ", this host reads up to " +
                   std::to_string(kSchemaVersion) + ")");
}

void RunStore::begin() {
  if (!in_transaction_) {
    begin_->run();
    in_transaction_ = true;
  }
}

void RunStore::commit() {
  if (in_transaction_) {
    try {
      commit_->run();
    } catch (const sql::Error &e) {
      fail(e); // a full disk, most likely: what was committed before stays
    }
    in_transaction_ = false;
  }
}

void RunStore::set_info(const std::string &key, const std::string &value) {
  begin();
  db_->prepare("INSERT OR REPLACE INTO run VALUES(?,?)").bind(1, key).bind(2, value).run();
}

std::optional<std::string> RunStore::info(const std::string &key) {
  auto s = db_->prepare("SELECT value FROM run WHERE key = ?");
  s.bind(1, key);
  if (!s.step())
    return std::nullopt;
  return s.text(0);
}

void RunStore::set_plugin(const std::string &path, const std::string &name,
                          const std::string &version, const std::string &file) {
  begin();
  db_->prepare("INSERT OR REPLACE INTO plugins VALUES(?,?,?,?)")
      .bind(1, path)
      .bind(2, name)
      .bind(3, version)
      .bind(4, file)
      .run();
}

void RunStore::add_trial(const TrialRecord &t, int worker) {
  begin();
  auto &s = *insert_trial_;
  s.bind(1, t.id).bind(2, t.stage).bind(3, Json(t.choices).dump()).bind(4, t.canonical);
  s.bind(5, t.key).bind(6, t.fidelity).bind(7, static_cast<int64_t>(t.repeat));
  int64_t seed = 0;
  std::memcpy(&seed, &t.seed, sizeof seed); // SQLite integers are signed 64-bit
  s.bind(8, seed).bind(9, t.tag).bind(10, std::string(status_name(t.status)));
  s.bind(11, t.metrics.dump()).bind(12, t.objective).bind(13, t.error);
  s.bind(14, static_cast<int64_t>(worker)).bind(15, t.started).bind(16, t.ended);
  if (t.cached_from >= 0)
    s.bind(17, t.cached_from);
  else
    s.bind_null(17);
  s.run();
}

void RunStore::add_report(int64_t trial, const std::string &source, int64_t step,
                          const std::string &json) {
  begin();
  drop_later_reports_->bind(1, trial).bind(2, source).bind(3, step).run();
  insert_report_->bind(1, trial).bind(2, source).bind(3, step).bind(4, json).run();
}

void RunStore::drop_reports(int64_t trial) {
  begin();
  auto drop = db_->prepare("DELETE FROM reports WHERE trial = ?");
  drop.bind(1, trial).run();
}

int64_t RunStore::log(int stage, const std::string &kind, int64_t trial,
                      const std::string &detail) {
  begin();
  int64_t seq = next_seq_++;
  insert_log_->bind(1, seq).bind(2, static_cast<int64_t>(stage)).bind(3, kind);
  insert_log_->bind(4, trial).bind(5, detail).run();
  return seq;
}

void RunStore::add_snapshot(int stage, int64_t seq, const std::string &state) {
  begin();
  db_->prepare("INSERT OR REPLACE INTO snapshots VALUES(?,?,?)")
      .bind(1, static_cast<int64_t>(stage))
      .bind(2, seq)
      .bind_blob(3, state)
      .run();
}

void RunStore::set_stage(const StageRow &row) {
  begin();
  db_->prepare("INSERT OR REPLACE INTO stages VALUES(?,?,?,?,?)")
      .bind(1, static_cast<int64_t>(row.index))
      .bind(2, row.name)
      .bind(3, row.status)
      .bind(4, row.end_reason)
      .bind(5, row.elapsed)
      .run();
}

std::vector<ReportRow> RunStore::reports() {
  std::vector<ReportRow> out;
  auto s = db_->prepare("SELECT trial, source, step, metrics FROM reports ORDER BY trial, step");
  while (s.step())
    out.push_back({s.integer(0), s.text(1), s.integer(2), Json::parse(s.text(3))});
  return out;
}

std::vector<TrialRecord> RunStore::trials() {
  std::vector<TrialRecord> out;
  auto s = db_->prepare("SELECT id, stage, choices, canonical, key, fidelity, repeat, seed, tag, "
                        "status, metrics, objective, error, started, ended, cached_from "
                        "FROM trials ORDER BY id");
  while (s.step()) {
    TrialRecord t;
    t.id = s.integer(0);
    t.stage = s.text(1);
    t.choices = Json::parse(s.text(2)).get<std::vector<int32_t>>();
    t.canonical = s.text(3);
    t.key = s.text(4);
    t.fidelity = s.real(5);
    t.repeat = static_cast<uint32_t>(s.integer(6));
    int64_t seed = s.integer(7);
    std::memcpy(&t.seed, &seed, sizeof seed);
    t.tag = s.text(8);
    t.status = status_from_name(s.text(9));
    t.metrics = Json::parse(s.text(10));
    t.objective = s.real(11);
    t.error = s.text(12);
    t.started = s.real(13);
    t.ended = s.real(14);
    t.cached_from = s.is_null(15) ? -1 : s.integer(15);
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<LogEntry> RunStore::log_after(int stage, int64_t seq) {
  std::vector<LogEntry> out;
  auto s = db_->prepare(
      "SELECT seq, stage, kind, trial, detail FROM log WHERE stage = ? AND seq > ? ORDER BY seq");
  s.bind(1, static_cast<int64_t>(stage)).bind(2, seq);
  while (s.step())
    out.push_back(
        {s.integer(0), static_cast<int>(s.integer(1)), s.text(2), s.integer(3), s.text(4)});
  return out;
}

std::optional<std::pair<int64_t, std::string>> RunStore::last_snapshot(int stage) {
  auto s =
      db_->prepare("SELECT seq, state FROM snapshots WHERE stage = ? ORDER BY seq DESC LIMIT 1");
  s.bind(1, static_cast<int64_t>(stage));
  if (!s.step())
    return std::nullopt;
  return std::make_pair(s.integer(0), s.text(1));
}

std::vector<StageRow> RunStore::stages() {
  std::vector<StageRow> out;
  auto s = db_->prepare("SELECT idx, name, status, end_reason, elapsed FROM stages ORDER BY idx");
  while (s.step())
    out.push_back({static_cast<int>(s.integer(0)), s.text(1), s.text(2), s.text(3), s.real(4)});
  return out;
}

} // namespace nas::core
