// The files a command and the evaluator exchange in the trial's folder: the trial file the
// evaluator writes, the metrics file the command writes back.
#pragma once

#include <nas/plugin.hpp>

#include <string>

namespace nas::command {

struct TrialPaths {
  std::string folder;  // the trial's artifact folder
  std::string trial;   // NAS_TRIAL_FILE
  std::string metrics; // NAS_METRICS_FILE
  std::string reports; // NAS_REPORT_FILE
  std::string log;     // the command's stdout and stderr
};

// Writes the trial as JSON (nas-trial/1): id, choices, canonical, ir (parsed), fidelity,
// seed, repeat, tag, artifact_dir, resume_from (null when none) and the two file paths.
// Throws Failed when the IR is not JSON or the file cannot be written.
void write_trial_file(const Trial &trial, const TrialPaths &paths);

// The metrics the command wrote, checked: a JSON object of numbers, returned as compact
// JSON. Throws std::runtime_error saying what is wrong (absent, empty, not JSON, not an
// object, a value that is not a number); the caller adds what it knows of the command.
std::string read_metrics_file(const std::string &path);

// Whether `text` is a JSON object; fills `step` from its integer "step" when it has one.
bool is_report_object(const std::string &text, int64_t &step, std::string &problem);

} // namespace nas::command
