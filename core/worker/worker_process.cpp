#include "worker_process.hpp"

#include "memory_limit.hpp"
#include "pipe_io.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <system_error>
#include <thread>
#include <unistd.h>

namespace nas::core::worker {

namespace {

// What the child reports on its status pipe when it fails before exec.
struct ChildFailure {
  int32_t step;
  int32_t error;
};
enum : int32_t { kStepDup = 1, kStepCgroup, kStepRlimit, kStepExec };

[[noreturn]] void child_fail(int status_fd, int32_t step) {
  ChildFailure f{step, errno};
  (void)!::write(status_fd, &f, sizeof f);
  ::_exit(127);
}

// Decimal digits of `value` into `buffer` (async-signal-safe, unlike snprintf).
size_t format_decimal(char *buffer, long value) {
  char digits[24];
  size_t n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value > 0);
  for (size_t i = 0; i < n; ++i)
    buffer[i] = digits[n - 1 - i];
  return n;
}

// Closes every descriptor from `first` up, except `keep`.
void close_from(int first, int keep, long max_fd) {
#ifdef SYS_close_range
  if (::syscall(SYS_close_range, first, keep - 1, 0) == 0 &&
      ::syscall(SYS_close_range, keep + 1, ~0U, 0) == 0)
    return;
#endif
  for (long fd = first; fd < max_fd; ++fd)
    if (fd != keep)
      ::close(static_cast<int>(fd));
}

std::string step_name(int32_t step) {
  switch (step) {
  case kStepDup:
    return "arranging its pipes";
  case kStepCgroup:
    return "joining its cgroup";
  case kStepRlimit:
    return "setting its address-space limit";
  default:
    return "executing /proc/self/exe";
  }
}

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

} // namespace

std::string signal_name(int signal) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
  if (const char *abbrev = ::sigabbrev_np(signal))
    return std::string("SIG") + abbrev;
#endif
  return "signal " + std::to_string(signal);
}

std::string ExitStatus::describe() const {
  if (!signaled)
    return "exited with status " + std::to_string(code);
  std::string out = "was killed by " + signal_name(signal);
  if (const char *text = ::strsignal(signal))
    out += std::string(" (") + text + ")";
  return out;
}

std::unique_ptr<WorkerProcess> WorkerProcess::start(const SpawnOptions &options) {
  // Everything the child needs is prepared here: between fork and exec it may only make
  // async-signal-safe calls (the host may have other threads holding locks).
  std::vector<char *> envp;
  for (const auto &e : options.environment)
    envp.push_back(const_cast<char *>(e.c_str()));
  envp.push_back(nullptr);
  const char *argv[] = {"nas", "worker", "--in", "3", "--out", "4", nullptr};
  const std::string procs = options.cgroup.empty() ? "" : options.cgroup + "/cgroup.procs";
  const pid_t host = ::getpid();
  const long max_fd = std::min(::sysconf(_SC_OPEN_MAX), 65536L);
  const rlimit address_space{static_cast<rlim_t>(options.address_space_limit),
                             static_cast<rlim_t>(options.address_space_limit)};

  int to[2], from[2], status[2];
  if (::pipe2(to, O_CLOEXEC) != 0)
    throw SpawnError(std::string("cannot create a pipe: ") + std::strerror(errno), false);
  if (::pipe2(from, O_CLOEXEC) != 0 || ::pipe2(status, O_CLOEXEC) != 0) {
    int saved = errno;
    ::close(to[0]);
    ::close(to[1]);
    throw SpawnError(std::string("cannot create a pipe: ") + std::strerror(saved), false);
  }
  int devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);

  // No handler of the host may run in the child before exec.
  sigset_t all, old;
  sigfillset(&all);
  ::pthread_sigmask(SIG_BLOCK, &all, &old);
  pid_t pid = ::fork();
  if (pid == 0) {
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int s = 1; s < NSIG; ++s)
      ::sigaction(s, &dfl, nullptr);
    struct sigaction ign {};
    ign.sa_handler = SIG_IGN;
    ::sigaction(SIGINT, &ign, nullptr); // Ctrl-C is for the host to interpret
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != host)
      ::_exit(1); // the host is already gone

    int st = ::fcntl(status[1], F_DUPFD_CLOEXEC, 10);
    int in = ::fcntl(to[0], F_DUPFD, 10), out = ::fcntl(from[1], F_DUPFD, 10);
    int nul = devnull >= 0 ? ::fcntl(devnull, F_DUPFD, 10) : -1;
    if (st < 0 || in < 0 || out < 0)
      child_fail(st >= 0 ? st : status[1], kStepDup);
    if (nul >= 0)
      ::dup2(nul, 0);
    // A plugin printing to stdout must not mix with the host's output.
    if (::dup2(2, 1) < 0 && nul >= 0)
      ::dup2(nul, 1);
    if (::dup2(in, 3) < 0 || ::dup2(out, 4) < 0)
      child_fail(st, kStepDup);
    close_from(5, st, max_fd);

    // The kernel's OOM killer takes workers first, never the host.
    int adj = ::open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (adj >= 0) {
      (void)!::write(adj, "1000", 4);
      ::close(adj);
    }
    if (!procs.empty()) {
      char digits[24];
      size_t n = format_decimal(digits, static_cast<long>(::getpid()));
      int fd = ::open(procs.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd < 0 || ::write(fd, digits, n) != static_cast<ssize_t>(n))
        child_fail(st, kStepCgroup);
      ::close(fd);
    }
    if (options.address_space_limit > 0 && ::setrlimit(RLIMIT_AS, &address_space) != 0)
      child_fail(st, kStepRlimit);

    // SIGUSR1 (cancel) stays blocked until the worker has its handler in place.
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    ::sigprocmask(SIG_SETMASK, &mask, nullptr);
    ::execve("/proc/self/exe", const_cast<char **>(argv), envp.data());
    child_fail(st, kStepExec);
  }
  int fork_error = errno;
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  ::close(to[0]);
  ::close(from[1]);
  ::close(status[1]);
  if (devnull >= 0)
    ::close(devnull);
  if (pid < 0) {
    ::close(to[1]);
    ::close(from[0]);
    ::close(status[0]);
    throw SpawnError(std::string("cannot fork a worker: ") + std::strerror(fork_error), false);
  }

  // The status pipe closes on exec: end of input means the worker runs.
  ChildFailure failure{};
  ssize_t n;
  do {
    n = ::read(status[0], &failure, sizeof failure);
  } while (n < 0 && errno == EINTR);
  ::close(status[0]);
  if (n == static_cast<ssize_t>(sizeof failure)) {
    ::waitpid(pid, nullptr, 0);
    ::close(to[1]);
    ::close(from[0]);
    throw SpawnError("a worker failed " + step_name(failure.step) + ": " +
                         std::strerror(failure.error) +
                         (failure.step == kStepCgroup ? " (" + procs + ")" : ""),
                     failure.step == kStepCgroup);
  }

  std::unique_ptr<WorkerProcess> p(new WorkerProcess());
  p->pid_ = pid;
  p->to_worker_ = to[1];
  p->from_worker_ = from[0];
  p->cgroup_ = options.cgroup;
  set_nonblocking(p->to_worker_);
  set_nonblocking(p->from_worker_);
  return p;
}

WorkerProcess::~WorkerProcess() {
  if (!reaped_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    reap(0);
  }
  if (to_worker_ >= 0)
    ::close(to_worker_);
  if (from_worker_ >= 0)
    ::close(from_worker_);
  MemoryLimit::remove_group(cgroup_);
}

void WorkerProcess::send(const Json &message) {
  outbox_ += encode_frame(message);
  flush();
}

void WorkerProcess::flush() {
  while (to_worker_ >= 0 && !outbox_.empty()) {
    ssize_t n = ::write(to_worker_, outbox_.data(), outbox_.size());
    if (n > 0) {
      outbox_.erase(0, static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      if (n < 0 && errno != EAGAIN)
        outbox_.clear(); // EPIPE: the worker is gone, which its other pipe will show
      return;
    }
  }
}

bool WorkerProcess::receive(std::vector<Json> &out) {
  char buffer[65536];
  bool open = true;
  // Bounded, so one chatty worker cannot starve the others.
  for (size_t total = 0; total < (size_t{1} << 20);) {
    ssize_t n = read_some(from_worker_, buffer, sizeof buffer);
    if (n > 0) {
      decoder_.feed(buffer, static_cast<size_t>(n));
      total += static_cast<size_t>(n);
      continue;
    }
    if (n == 0 || errno != EAGAIN)
      open = false;
    break;
  }
  while (std::optional<Json> message = decoder_.next())
    out.push_back(std::move(*message));
  return open;
}

void WorkerProcess::close_input() {
  if (to_worker_ >= 0) {
    flush();
    ::close(to_worker_);
    to_worker_ = -1;
  }
}

void WorkerProcess::signal(int sig) const {
  if (!reaped_ && pid_ > 0)
    ::kill(pid_, sig);
}

ExitStatus WorkerProcess::reap(double grace) {
  if (reaped_)
    return status_;
  using clock = std::chrono::steady_clock;
  auto deadline = clock::now() + std::chrono::duration<double>(grace);
  int raw = 0;
  for (;;) {
    pid_t r = ::waitpid(pid_, &raw, WNOHANG);
    if (r == pid_)
      break;
    if (r < 0 && errno != EINTR) { // not our child any more: nothing to learn
      raw = 0;
      break;
    }
    if (clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      while (::waitpid(pid_, &raw, 0) < 0 && errno == EINTR) {
      }
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  reaped_ = true;
  status_.signaled = WIFSIGNALED(raw);
  status_.signal = status_.signaled ? WTERMSIG(raw) : 0;
  status_.code = WIFEXITED(raw) ? WEXITSTATUS(raw) : 0;
  return status_;
}

bool WorkerProcess::oom_killed() const { return MemoryLimit::oom_killed(cgroup_); }

} // namespace nas::core::worker
