// The run folder's record until the SQLite store lands: every trial as one line of
// trials.jsonl, intermediate reports in reports.jsonl, and summary.json at the end.
#pragma once

#include "json.hpp"
#include "trial.hpp"

#include <cstdio>
#include <string>

namespace nas::core {

class ResultsWriter {
public:
  // Creates `run_dir/trials.jsonl` and `run_dir/reports.jsonl`; throws RunError on failure.
  explicit ResultsWriter(const std::string &run_dir);
  ~ResultsWriter();
  ResultsWriter(const ResultsWriter &) = delete;
  ResultsWriter &operator=(const ResultsWriter &) = delete;

  void write(const TrialRecord &trial);
  void write_report(int64_t trial, const std::string &path, int64_t step, const std::string &json);
  // Pushes buffered lines to the file (done at least every 0.5 s and at every stage end).
  void flush();
  void write_summary(const Json &summary);

private:
  void write_line(std::FILE *f, const std::string &line);
  std::string run_dir_;
  std::FILE *trials_ = nullptr;
  std::FILE *reports_ = nullptr;
  double last_flush_ = 0;
};

// Reads RUN_DIR/trials.jsonl; throws RunError naming the file and line when it is damaged.
std::vector<TrialRecord> read_trials(const std::string &run_dir);

} // namespace nas::core
