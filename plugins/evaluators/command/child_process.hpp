// Runs one command as its own process group (posix_spawn, no shell unless the user's
// command is one) and supervises it: its stdout and stderr go to a log file, the last
// bytes of stderr are kept for messages, and it is stopped (SIGTERM to the group, then
// SIGKILL after a grace period) on a timeout or when the caller asks.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace nas::command {

struct SpawnSpec {
  std::vector<std::string> argv;
  std::string workdir;
  std::vector<std::pair<std::string, std::string>> env; // set on top of this process's
  std::string log_file; // receives stdout and stderr; "" discards them
};

enum class StopReason { none, timeout, stop_requested, cancelled };

struct Supervision {
  double timeout = 0;    // seconds; 0: none
  double term_grace = 5; // seconds between SIGTERM and SIGKILL
  // Called about every 100 ms while the command runs: follow its files, ask the host
  // whether to stop. A reason other than none stops the command.
  std::function<StopReason()> tick;
};

struct ChildOutcome {
  bool exited = false; // by itself, with exit_status; else killed by `signal`
  int exit_status = -1;
  int signal = 0;
  StopReason stopped = StopReason::none; // why we stopped it, if we did
  std::string stderr_tail;               // the last ~2 KB of its stderr
  double seconds = 0;
};

// Throws std::runtime_error when the command cannot be started (no such program, ...).
ChildOutcome run_child(const SpawnSpec &spec, const Supervision &supervision);

// "SIGSEGV", or "signal 42".
std::string signal_name(int signal);

} // namespace nas::command
