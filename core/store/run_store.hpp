// The run store: one SQLite database per run (RUN_DIR/run.sqlite, WAL). It holds the
// pipeline as given, the host's and plugins' versions, every trial, intermediate reports,
// the ordered ask/tell log of each stage and strategy snapshots. Writes go into one open
// transaction that commit() ends, so a trial, its log entries and reports land together.
// The schema is documented in core/store/SCHEMA.md.
#pragma once

#include "../trial.hpp"
#include "sqlite.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nas::core {

enum class Durability { normal, full }; // normal survives a killed host, full a power loss

// How a store is opened:
// - create: a new store, built under a temporary name; publish() gives it its real name once
//   it holds the run's identity, so a kill never leaves a half-made run.sqlite behind.
// - resume: an existing store to write to: checked (identity, schema, integrity) before
//   anything is written, so a store nas does not understand is left exactly as it was.
// - read: an existing store, never written to, also on read-only media.
enum class StoreMode { create, resume, read };

// An intermediate result a plugin reported during a trial (an epoch's accuracy, alphas).
struct ReportRow {
  int64_t trial = 0;
  std::string source; // the reporting instance's pipeline path
  int64_t step = 0;
  Json metrics;
};

struct LogEntry {
  int64_t seq = 0;
  int stage = 0;
  std::string kind; // "ask" or "tell"
  int64_t trial = 0;
  std::string detail; // JSON: what the ask returned
};

struct StageRow {
  int index = 0;
  std::string name;
  std::string status; // "running", "done", "failed"
  std::string end_reason;
  double elapsed = 0; // seconds spent in the stage over every session
};

class RunStore {
public:
  static std::string path_in(const std::string &run_dir) { return run_dir + "/run.sqlite"; }
  // Where a store being created lives until publish().
  static std::string creating_path(const std::string &store);
  // Throws RunError naming the file and the reason (damaged, foreign, newer schema, not
  // writable, disk full).
  RunStore(const std::string &run_dir, StoreMode mode, Durability durability = Durability::normal);
  ~RunStore();

  // create mode: commits and moves the store to its real name (run.sqlite).
  void publish();

  void set_info(const std::string &key, const std::string &value);
  std::optional<std::string> info(const std::string &key);
  void set_plugin(const std::string &path, const std::string &name, const std::string &version,
                  const std::string &file);
  void add_trial(const TrialRecord &trial, int worker);
  // Replaces the trial's reports from `source` at `step` and later (those of a session that
  // ran it further before a kill).
  void add_report(int64_t trial, const std::string &source, int64_t step, const std::string &json);
  // Forgets a trial's reports: it runs again from the start.
  void drop_reports(int64_t trial);
  int64_t log(int stage, const std::string &kind, int64_t trial, const std::string &detail);
  void add_snapshot(int stage, int64_t seq, const std::string &state);
  void set_stage(const StageRow &row);
  // Ends the open transaction: everything written since the last commit becomes durable.
  void commit();

  std::vector<TrialRecord> trials();
  std::vector<ReportRow> reports(); // by trial, then step
  std::vector<LogEntry> log_after(int stage, int64_t seq);
  // The newest snapshot of `stage`: {seq it follows, state}.
  std::optional<std::pair<int64_t, std::string>> last_snapshot(int stage);
  std::vector<StageRow> stages();
  int64_t last_seq() const { return next_seq_ - 1; }

private:
  void open(const std::string &file, StoreMode mode);
  sql::Access read_access(const std::string &file);
  static void require_writable(const std::string &file);
  void prepare_statements();
  void close();
  void begin();
  void create_schema();
  void check_identity();
  void check_integrity();
  // Rethrows a SQLite error as a RunError that names the store and says what to do.
  [[noreturn]] void fail(const sql::Error &e) const;
  std::string path_;    // run.sqlite
  std::string working_; // the file open now: path_, its temporary name, or a private copy
  std::string copy_dir_; // read mode in a read-only folder with a WAL: where the copy is
  Durability durability_;
  std::unique_ptr<sql::Database> db_;
  std::unique_ptr<sql::Statement> insert_trial_, insert_report_, drop_later_reports_, insert_log_,
      begin_, commit_;
  bool in_transaction_ = false;
  int64_t next_seq_ = 1;
};

} // namespace nas::core
