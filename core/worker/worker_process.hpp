// One worker process as the host sees it: started with fork+exec of the host's own binary
// (`nas worker --in 3 --out 4`), its two pipes (non-blocking on the host's side, so a
// stuck worker never blocks the host), its limits, and how it ended.
#pragma once

#include "../json.hpp"
#include "frame_codec.hpp"

#include <memory>
#include <stdexcept>
#include <string>
#include <sys/types.h>
#include <vector>

namespace nas::core::worker {

// How a worker process ended.
struct ExitStatus {
  bool signaled = false;
  int code = 0;   // the exit status when !signaled
  int signal = 0; // the signal when signaled
  // "exited with status 2", "was killed by SIGSEGV (Segmentation fault)"
  std::string describe() const;
};

// "SIGSEGV", or "signal 77" for a number without a name.
std::string signal_name(int signal);

struct SpawnError : std::runtime_error {
  SpawnError(const std::string &what, bool joining_cgroup)
      : std::runtime_error(what), joining_cgroup(joining_cgroup) {}
  bool joining_cgroup; // the child could not join its cgroup; the rest may work without
};

struct SpawnOptions {
  std::vector<std::string> environment; // the child's whole environment, "KEY=value"
  std::string cgroup;                   // a group to join before exec, or ""
  int64_t address_space_limit = 0;      // RLIMIT_AS in bytes, 0: none
};

class WorkerProcess {
public:
  // Forks and execs; returns once the exec succeeded. Throws SpawnError.
  static std::unique_ptr<WorkerProcess> start(const SpawnOptions &options);
  // Kills (SIGKILL) and reaps a worker still running, removes its cgroup.
  ~WorkerProcess();
  WorkerProcess(const WorkerProcess &) = delete;
  WorkerProcess &operator=(const WorkerProcess &) = delete;

  pid_t pid() const { return pid_; }
  int read_fd() const { return from_worker_; }
  int write_fd() const { return to_worker_; }
  const std::string &cgroup() const { return cgroup_; }

  // Queues a message and writes what the pipe takes now; the rest goes with flush().
  void send(const Json &message);
  // Writes queued bytes without blocking. A worker that is gone loses them: its end of
  // input shows on the other pipe.
  void flush();
  bool wants_write() const { return to_worker_ >= 0 && !outbox_.empty(); }
  // Reads what has arrived and appends the whole messages to `out`. Returns false at end
  // of input (the worker closed its pipe or died). Throws FrameError on garbage.
  bool receive(std::vector<Json> &out);
  // Closes the host's end of the input pipe: the worker sees end of input and quits.
  void close_input();

  void signal(int sig) const;
  // Waits up to `grace` seconds for the process to end, then kills it; returns how it ended.
  ExitStatus reap(double grace);
  bool reaped() const { return reaped_; }
  // The kernel killed it for going past its cgroup's memory.max.
  bool oom_killed() const;

private:
  WorkerProcess() = default;
  pid_t pid_ = -1;
  int to_worker_ = -1, from_worker_ = -1;
  std::string cgroup_;
  std::string outbox_;
  FrameDecoder decoder_;
  bool reaped_ = false;
  ExitStatus status_;
};

} // namespace nas::core::worker
