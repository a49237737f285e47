// The config of nas.evaluator.command, read and checked once at create.
#pragma once

#include <nas/plugin.hpp>

#include <string>
#include <utility>
#include <vector>

namespace nas::command {

struct CommandConfig {
  std::vector<std::string> argv; // a string command becomes {"/bin/sh", "-c", text}
  std::string workdir;           // absolute or relative to the pipeline's folder
  std::vector<std::pair<std::string, std::string>> env; // added to (or replacing) the host's
  double timeout = 0;                                   // seconds; 0: none
  double term_grace = 5;                                // SIGTERM to SIGKILL, seconds
  std::string metrics_file = "metrics.json";            // inside the trial's folder
  std::string report_file = "reports.jsonl";            // inside the trial's folder
};

// Throws ConfigError naming the key at fault.
CommandConfig read_command_config(const Config &config, const std::string &config_dir);

// The command as a user would type it, for messages: `python3 train.py --fast`.
std::string command_text(const std::vector<std::string> &argv);

} // namespace nas::command
