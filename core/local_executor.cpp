#include "local_executor.hpp"

#include "errors.hpp"
#include "evaluation.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <poll.h>
#include <unistd.h>

extern char **environ;

namespace nas::core {

namespace {

// Thread counts that OpenMP, BLAS libraries, torch (through OpenMP) and plugins read.
const char *const kThreadVariables[] = {"OMP_NUM_THREADS", "MKL_NUM_THREADS",
                                        "OPENBLAS_NUM_THREADS", "NAS_NUM_THREADS"};

std::vector<std::string> worker_environment(int threads) {
  std::vector<std::string> env;
  for (char **e = environ; e && *e; ++e) {
    std::string entry(*e);
    std::string name = entry.substr(0, entry.find('='));
    bool replaced = name == "NAS_WORKER_ID";
    for (const char *v : kThreadVariables)
      replaced = replaced || name == v;
    if (!replaced)
      env.push_back(std::move(entry));
  }
  for (const char *v : kThreadVariables)
    env.push_back(std::string(v) + "=" + std::to_string(threads));
  return env;
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", s);
  return buf;
}

std::string mib_text(int64_t bytes) { return std::to_string(bytes / (1024 * 1024)) + " MiB"; }

// The host's peak resident memory, from /proc/self/status.
std::string host_peak_memory() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmHWM:", 0) == 0)
      return line.substr(line.find_first_not_of(" \t", 6));
  return "unknown";
}

spdlog::level::level_enum log_level(int level) {
  return static_cast<spdlog::level::level_enum>(std::clamp(
      level, static_cast<int>(spdlog::level::trace), static_cast<int>(spdlog::level::critical)));
}

} // namespace

LocalExecutor::LocalExecutor(LocalExecutorOptions options, RunContext &run)
    : options_(std::move(options)), run_(run), memory_(options_.trial_memory),
      environment_(worker_environment(options_.threads_per_worker)) {
  // A worker that dies makes writes to its pipe fail with EPIPE, not kill the host.
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &previous_sigpipe_);
  slots_.resize(std::max<size_t>(1, options_.workers));
  for (size_t i = 0; i < slots_.size(); ++i) {
    slots_[i].id = static_cast<int>(i + 1);
    start(slots_[i]);
  }
  spdlog::debug("local engine: {} worker(s), {} thread(s) each, trial_timeout {}, "
                "trial_memory {}",
                slots_.size(), options_.threads_per_worker,
                options_.trial_timeout > 0 ? seconds_text(options_.trial_timeout) : "none",
                memory_.bytes() > 0 ? mib_text(memory_.bytes()) + " (" + memory_.method() + ")"
                                    : "none");
}

LocalExecutor::~LocalExecutor() {
  for (Slot &slot : slots_) {
    if (!slot.process)
      continue;
    if (slot.busy)
      slot.process->signal(SIGKILL); // nobody will take its answer
    else
      slot.process->send(worker::quit_message());
    slot.process->close_input();
  }
  auto deadline = Clock::now() + std::chrono::seconds(3);
  for (Slot &slot : slots_) {
    if (!slot.process)
      continue;
    double left = std::chrono::duration<double>(deadline - Clock::now()).count();
    slot.process->reap(std::max(0.0, left));
  }
  slots_.clear();
  ::sigaction(SIGPIPE, &previous_sigpipe_, nullptr);
  spdlog::debug("local engine: {} worker process(es) started; host peak memory (VmHWM) {}",
                started_, host_peak_memory());
}

size_t LocalExecutor::in_flight() const {
  size_t n = done_.size();
  for (const Slot &slot : slots_)
    n += slot.busy ? 1 : 0;
  return n;
}

std::string LocalExecutor::who(const Slot &slot) const {
  return "worker " + std::to_string(slot.id) + " (pid " +
         std::to_string(slot.process ? slot.process->pid() : 0) + ")";
}

void LocalExecutor::start(Slot &slot) {
  ++started_;
  std::string group =
      memory_.create_group("w" + std::to_string(slot.id) + "-" + std::to_string(started_));
  worker::SpawnOptions spawn;
  spawn.environment = environment_;
  spawn.environment.push_back("NAS_WORKER_ID=" + std::to_string(slot.id));
  spawn.cgroup = group;
  spawn.address_space_limit = memory_.method() == "rlimit" ? memory_.bytes() : 0;
  try {
    try {
      slot.process = worker::WorkerProcess::start(spawn);
    } catch (const worker::SpawnError &e) {
      worker::MemoryLimit::remove_group(group);
      if (!e.joining_cgroup)
        throw;
      memory_.give_up_cgroup(e.what());
      spawn.cgroup.clear();
      spawn.address_space_limit = memory_.bytes();
      slot.process = worker::WorkerProcess::start(spawn);
    }
  } catch (const worker::SpawnError &e) {
    throw RunError("cannot start worker " + std::to_string(slot.id) + ": " + e.what());
  }
  slot.ready = slot.busy = false;
  slot.deadline.reset();
  worker::Hello hello = options_.hello;
  hello.worker = slot.id;
  hello.threads = options_.threads_per_worker;
  hello.memory_limit = memory_.bytes();
  hello.memory_method = memory_.method();
  slot.process->send(worker::hello_message(hello));
  if (cancel_forwarded_)
    slot.process->signal(SIGUSR1);
  spdlog::debug("{} started", who(slot));
}

void LocalExecutor::submit(TrialJob job) {
  Slot *chosen = nullptr;
  for (Slot &slot : slots_)
    if (!chosen && !slot.busy && slot.process && slot.ready)
      chosen = &slot;
  for (Slot &slot : slots_)
    if (!chosen && !slot.busy)
      chosen = &slot;
  if (!chosen)
    throw std::logic_error("LocalExecutor::submit with every worker busy");
  if (!chosen->process)
    start(*chosen);
  chosen->busy = true;
  chosen->trial = job.id;
  chosen->handed_at = now_seconds();
  if (chosen->ready && options_.trial_timeout > 0)
    chosen->deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                          std::chrono::duration<double>(options_.trial_timeout));
  chosen->process->send(worker::trial_message(job));
}

TrialOutcome LocalExecutor::wait_one() {
  if (in_flight() == 0)
    throw std::logic_error("LocalExecutor::wait_one with no trial in flight");
  for (;;) {
    if (!done_.empty()) {
      TrialOutcome out = std::move(done_.front());
      done_.pop_front();
      return out;
    }
    forward_cancel();
    struct Watch {
      size_t slot;
      pid_t pid;
      bool write;
    };
    std::vector<pollfd> fds;
    std::vector<Watch> watched;
    for (size_t i = 0; i < slots_.size(); ++i) {
      const auto &p = slots_[i].process;
      if (!p)
        continue;
      fds.push_back({p->read_fd(), POLLIN, 0});
      watched.push_back({i, p->pid(), false});
      if (p->wants_write()) {
        fds.push_back({p->write_fd(), POLLOUT, 0});
        watched.push_back({i, p->pid(), true});
      }
    }
    // Wake for the nearest deadline, and now and then to see a cancel from another thread.
    int timeout_ms = 250;
    auto now = Clock::now();
    for (const Slot &slot : slots_)
      if (slot.deadline) {
        auto ms = std::chrono::ceil<std::chrono::milliseconds>(*slot.deadline - now).count();
        timeout_ms = static_cast<int>(std::clamp<int64_t>(ms, 0, timeout_ms));
      }
    int n = ::poll(fds.data(), fds.size(), timeout_ms);
    if (n < 0 && errno != EINTR)
      throw RunError(std::string("waiting for the workers failed: ") + std::strerror(errno));
    for (size_t k = 0; n > 0 && k < fds.size(); ++k) {
      if (!fds[k].revents)
        continue;
      Slot &slot = slots_[watched[k].slot];
      if (!slot.process || slot.process->pid() != watched[k].pid)
        continue; // replaced while handling an earlier descriptor
      if (watched[k].write)
        slot.process->flush();
      else
        read_from(slot);
    }
    check_deadlines();
  }
}

void LocalExecutor::read_from(Slot &slot) {
  std::vector<Json> messages;
  bool open = true;
  try {
    open = slot.process->receive(messages);
  } catch (const worker::FrameError &e) {
    replace(slot, NAS_TRIAL_CRASHED, who(slot) + " sent an unreadable message: " + e.what());
    return;
  }
  for (const Json &message : messages)
    if (!handle(slot, message))
      return;
  if (!open)
    on_end_of_input(slot);
}

bool LocalExecutor::handle(Slot &slot, const Json &m) {
  using worker::field;
  const std::string type = worker::type_of(m);
  const std::string what = type + " message";
  try {
    if (type == "log") {
      spdlog::log(log_level(field<int>(m, "level", what)), "worker {}: {}", slot.id,
                  field<std::string>(m, "message", what));
    } else if (type == "report") {
      auto trial = field<int64_t>(m, "trial", what);
      auto path = field<std::string>(m, "path", what);
      auto step = field<int64_t>(m, "step", what);
      auto json = field<std::string>(m, "json", what);
      if (!slot.busy || trial != slot.trial) {
        spdlog::debug("worker {}: a report for trial {}, which it does not hold, is dropped",
                      slot.id, trial);
      } else if (run_.on_report) {
        int64_t previous = run_.current_trial;
        run_.current_trial = trial;
        run_.on_report(path, step, json);
        run_.current_trial = previous;
      }
    } else if (type == "progress") {
      auto path = field<std::string>(m, "path", what);
      auto done = field<double>(m, "done", what);
      auto total = field<double>(m, "total", what);
      auto text = field<std::string>(m, "message", what);
      if (run_.on_progress)
        run_.on_progress(path, done, total, text);
    } else if (type == "result") {
      TrialOutcome out = worker::outcome_from_json(field<Json>(m, "outcome", what));
      if (!slot.busy || out.id != slot.trial)
        throw worker::FrameError("a result for trial " + std::to_string(out.id) +
                                 ", which it does not hold");
      out.worker = slot.id;
      slot.busy = false;
      slot.deadline.reset();
      done_.push_back(std::move(out));
    } else if (type == "ready") {
      if (slot.ready)
        throw worker::FrameError("a second ready message");
      slot.ready = true;
      if (slot.busy)
        slot.handed_at = now_seconds(); // its trial starts now, not while it was loading
      if (slot.busy && options_.trial_timeout > 0)
        slot.deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(options_.trial_timeout));
      spdlog::debug("{} ready", who(slot));
    } else if (type == "error") {
      throw RunError(who(slot) +
                     " cannot load its evaluator: " + field<std::string>(m, "message", what));
    } else {
      throw worker::FrameError("a message of unknown type \"" + type + "\"");
    }
  } catch (const worker::FrameError &e) {
    replace(slot, NAS_TRIAL_CRASHED, who(slot) + " sent an unreadable message: " + e.what());
    return false;
  }
  return true;
}

void LocalExecutor::on_end_of_input(Slot &slot) {
  worker::ExitStatus status = slot.process->reap(2.0);
  if (slot.process->oom_killed()) {
    replace(slot, NAS_TRIAL_OOM,
            who(slot) + " went past trial_memory (" + mib_text(memory_.bytes()) +
                ", its cgroup's memory.max) and the kernel's OOM killer ended it (" +
                status.describe() + ")");
    return;
  }
  std::string message = who(slot) + " " + status.describe();
  if (status.signaled && status.signal == SIGKILL)
    message += " (not by the host: the kernel's OOM killer when memory ran out, or a user)";
  if (slot.ready)
    message += slot.busy ? " while evaluating this trial" : " while idle";
  replace(slot, NAS_TRIAL_CRASHED, message);
}

void LocalExecutor::replace(Slot &slot, int32_t status, const std::string &error) {
  slot.process->signal(SIGKILL);
  slot.process->reap(0);
  if (!slot.ready)
    throw RunError(error + ", before it had loaded its evaluator (its messages above may "
                           "say why); the run stops, since every worker would do the same");
  if (slot.busy) {
    TrialOutcome out;
    out.id = slot.trial;
    out.status = status;
    out.error = error;
    out.started = slot.handed_at;
    out.ended = now_seconds();
    out.worker = slot.id;
    spdlog::warn("trial {}: {}; starting another worker", slot.trial, error);
    done_.push_back(std::move(out));
  } else {
    spdlog::warn("{}; starting another worker", error);
  }
  slot.process.reset();
  slot.ready = slot.busy = false;
  slot.deadline.reset();
  start(slot);
}

void LocalExecutor::check_deadlines() {
  auto now = Clock::now();
  for (Slot &slot : slots_)
    if (slot.process && slot.busy && slot.deadline && now >= *slot.deadline)
      replace(slot, NAS_TRIAL_TIMEOUT,
              "the trial ran past trial_timeout (" + seconds_text(options_.trial_timeout) +
                  "): " + who(slot) + " was killed");
}

void LocalExecutor::forward_cancel() {
  if (cancel_forwarded_ || !run_.cancelled)
    return;
  cancel_forwarded_ = true;
  for (Slot &slot : slots_)
    if (slot.process)
      slot.process->signal(SIGUSR1);
}

} // namespace nas::core
