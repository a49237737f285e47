// The local engine: N worker processes (`nas worker`, the host's own binary started by
// fork+exec), each loading the space and the stage's evaluator once and evaluating one
// trial at a time. A worker that crashes, hangs past trial_timeout, goes past trial_memory
// or sends garbage costs its one trial (status crashed, timeout or oom, with a message that
// says what happened) and is replaced; the search goes on.
#pragma once

#include "executor.hpp"
#include "run_context.hpp"
#include "worker/memory_limit.hpp"
#include "worker/messages.hpp"
#include "worker/worker_process.hpp"

#include <chrono>
#include <csignal>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

namespace nas::core {

struct LocalExecutorOptions {
  size_t workers = 1;
  double trial_timeout = 0;   // seconds, 0: none
  int64_t trial_memory = 0;   // bytes, 0: none
  int threads_per_worker = 1; // OMP_NUM_THREADS and NAS_NUM_THREADS of each worker
  worker::Hello hello;        // what every worker loads (its id and limits are filled in)
};

class LocalExecutor : public Executor {
public:
  // Starts the workers at once, so they load while the strategy gets ready.
  LocalExecutor(LocalExecutorOptions options, RunContext &run);
  // Asks idle workers to quit and kills busy ones.
  ~LocalExecutor() override;

  size_t capacity() const override { return slots_.size(); }
  size_t in_flight() const override;
  void submit(TrialJob job) override;
  TrialOutcome wait_one() override;

private:
  using Clock = std::chrono::steady_clock;
  struct Slot {
    int id = 0; // 1..N, TrialOutcome::worker
    std::unique_ptr<worker::WorkerProcess> process;
    bool ready = false;
    bool busy = false;
    int64_t trial = 0;                         // the trial it holds when busy
    double handed_at = 0;                      // when it got the trial (seconds since the epoch)
    std::optional<Clock::time_point> deadline; // trial_timeout, from when it is both ready and busy
  };

  void start(Slot &slot);
  void read_from(Slot &slot);
  // Handles one message; false when the worker was dropped for it.
  bool handle(Slot &slot, const Json &message);
  void on_end_of_input(Slot &slot);
  void check_deadlines();
  void forward_cancel();
  // Kills the worker, charges its trial (if any) with `status` and `error`, starts another.
  void replace(Slot &slot, int32_t status, const std::string &error);
  std::string who(const Slot &slot) const;

  LocalExecutorOptions options_;
  RunContext &run_;
  worker::MemoryLimit memory_;
  std::vector<std::string> environment_;
  std::vector<Slot> slots_;
  std::deque<TrialOutcome> done_;
  struct sigaction previous_sigpipe_ {};
  bool cancel_forwarded_ = false;
  int started_ = 0; // worker processes started, replacements included
};

} // namespace nas::core
