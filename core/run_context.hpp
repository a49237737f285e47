// What every plugin instance of one run shares: the seed, the folders, the cancel flag and
// where intermediate reports and progress go.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

namespace nas::core {

struct RunContext {
  uint64_t seed = 0;
  std::string run_dir;    // "" when not running (validate, describe)
  std::string config_dir; // the pipeline's folder
  std::atomic<bool> cancelled{false};
  std::atomic<bool> stop_trial{false};   // the current trial should end early
  std::atomic<int64_t> current_trial{0}; // the trial being evaluated in this process
  // Called for host->report(step, json) of the trial being evaluated; may be empty.
  std::function<void(const std::string &path, int64_t step, const std::string &json)> on_report;
  // Called for host->progress; may be empty.
  std::function<void(const std::string &path, double done, double total, const std::string &)>
      on_progress;
};

} // namespace nas::core
