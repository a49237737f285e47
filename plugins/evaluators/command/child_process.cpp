#include "child_process.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace nas::command {

namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kTailBytes = 2048;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Owns a file descriptor.
class Fd {
public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd &) = delete;
  Fd &operator=(const Fd &) = delete;
  int get() const { return fd_; }
  void reset(int fd = -1) {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = fd;
  }

private:
  int fd_ = -1;
};

// Everything posix_spawn needs, freed on every path.
struct SpawnAttributes {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnAttributes() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnAttributes() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
};

// This process's environment with `extra` set on top (an extra name replaces the old value).
std::vector<std::string>
merged_environment(const std::vector<std::pair<std::string, std::string>> &extra) {
  std::vector<std::string> out;
  for (char **e = environ; e && *e; ++e) {
    std::string entry(*e);
    std::string name = entry.substr(0, entry.find('='));
    bool replaced =
        std::any_of(extra.begin(), extra.end(), [&](const auto &kv) { return kv.first == name; });
    if (!replaced)
      out.push_back(std::move(entry));
  }
  for (const auto &[name, value] : extra)
    out.push_back(name + "=" + value);
  return out;
}

std::vector<char *> pointers_to(std::vector<std::string> &strings) {
  std::vector<char *> out;
  for (std::string &s : strings)
    out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Starts the child as the leader of a new process group, stdin from /dev/null, stdout and
// stderr into the given pipes, no other descriptor of ours, default signal dispositions
// and an empty signal mask (the host may block signals in its threads).
pid_t spawn(const SpawnSpec &spec, int out_fd, int err_fd) {
  SpawnAttributes s;
  posix_spawn_file_actions_addopen(&s.actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&s.actions, out_fd, 1);
  posix_spawn_file_actions_adddup2(&s.actions, err_fd, 2);
  posix_spawn_file_actions_addclosefrom_np(&s.actions, 3);
  if (!spec.workdir.empty())
    posix_spawn_file_actions_addchdir_np(&s.actions, spec.workdir.c_str());

  sigset_t none, all_default;
  sigemptyset(&none);
  sigemptyset(&all_default);
  for (int sig = 1; sig < NSIG; ++sig)
    if (sig != SIGKILL && sig != SIGSTOP)
      sigaddset(&all_default, sig);
  posix_spawnattr_setsigmask(&s.attr, &none);
  posix_spawnattr_setsigdefault(&s.attr, &all_default);
  posix_spawnattr_setpgroup(&s.attr, 0);
  posix_spawnattr_setflags(&s.attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<std::string> args = spec.argv, env = merged_environment(spec.env);
  std::vector<char *> argv = pointers_to(args), envp = pointers_to(env);
  pid_t pid = -1;
  // posix_spawnp searches PATH for a bare program name; a name with a slash is used as is
  // (relative to workdir, which the child enters first).
  int error = posix_spawnp(&pid, argv[0], &s.actions, &s.attr, argv.data(), envp.data());
  if (error != 0)
    throw std::runtime_error("cannot start '" + spec.argv[0] + "' in " + spec.workdir + ": " +
                             std::strerror(error));
  return pid;
}

// The last kTailBytes of a stream, cut at a line start when it had to be cut.
class Tail {
public:
  void add(const char *data, size_t n) {
    text_.append(data, n);
    if (text_.size() > 2 * kTailBytes) {
      text_.erase(0, text_.size() - kTailBytes);
      cut_ = true;
    }
  }
  std::string text() const {
    std::string t = text_.size() > kTailBytes ? text_.substr(text_.size() - kTailBytes) : text_;
    bool cut = cut_ || t.size() < text_.size();
    if (cut) {
      size_t line = t.find('\n');
      if (line != std::string::npos && line + 1 < t.size())
        t.erase(0, line + 1);
      t = "..." + t;
    }
    return t;
  }

private:
  std::string text_;
  bool cut_ = false;
};

struct Stream {
  Fd fd;
  bool is_stderr = false;
};

} // namespace

ChildOutcome run_child(const SpawnSpec &spec, const Supervision &supervision) {
  // The read ends are ours (close-on-exec, so no other child inherits them); the write
  // ends go to the child and are closed here once it holds them.
  Stream streams[2];
  streams[1].is_stderr = true;
  Fd write_ends[2];
  for (int i = 0; i < 2; ++i) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
      throw std::runtime_error(std::string("cannot make a pipe: ") + std::strerror(errno));
    streams[i].fd.reset(pipe_fds[0]);
    write_ends[i].reset(pipe_fds[1]);
    ::fcntl(pipe_fds[0], F_SETFL, O_NONBLOCK | ::fcntl(pipe_fds[0], F_GETFL));
  }
  Fd log;
  if (!spec.log_file.empty()) {
    log.reset(::open(spec.log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (log.get() < 0)
      throw std::runtime_error("cannot write " + spec.log_file + ": " + std::strerror(errno));
  }

  Clock::time_point start = Clock::now();
  pid_t pid = spawn(spec, write_ends[0].get(), write_ends[1].get());
  write_ends[0].reset(); // EOF comes once the child and its descendants close them
  write_ends[1].reset();

  ChildOutcome outcome;
  Tail tail;
  auto drain = [&](Stream &s) {
    char buffer[8192];
    for (;;) {
      ssize_t n = ::read(s.fd.get(), buffer, sizeof buffer);
      if (n > 0) {
        if (log.get() >= 0 && ::write(log.get(), buffer, static_cast<size_t>(n)) < 0)
          log.reset(); // a full disk loses the log, not the trial
        if (s.is_stderr)
          tail.add(buffer, static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return;     // nothing more for now
      s.fd.reset(); // EOF (or an error): no more from this stream
      return;
    }
  };

  bool reaped = false, terminating = false, killed = false;
  Clock::time_point kill_at{};
  auto stop = [&](StopReason why) {
    if (terminating)
      return;
    terminating = true;
    outcome.stopped = why;
    ::kill(-pid, SIGTERM);
    kill_at = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                 std::chrono::duration<double>(supervision.term_grace));
  };

  while (!reaped) {
    pollfd fds[2];
    nfds_t n = 0;
    for (Stream &s : streams)
      if (s.fd.get() >= 0)
        fds[n++] = pollfd{s.fd.get(), POLLIN, 0};
    if (n > 0)
      ::poll(fds, n, 100);
    else
      ::usleep(20 * 1000);
    for (Stream &s : streams)
      if (s.fd.get() >= 0)
        drain(s);

    int status = 0;
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      reaped = true;
      outcome.exited = WIFEXITED(status);
      outcome.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      outcome.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
      break;
    }
    if (supervision.tick) {
      StopReason why = supervision.tick();
      if (why != StopReason::none)
        stop(why);
    }
    if (supervision.timeout > 0 && seconds_since(start) > supervision.timeout)
      stop(StopReason::timeout);
    if (terminating && !killed && Clock::now() >= kill_at) {
      ::kill(-pid, SIGKILL);
      killed = true;
    }
  }
  outcome.seconds = seconds_since(start);

  // What the command left behind in its group (a background job) goes with it, so the
  // pipes close and no stray process keeps training.
  ::kill(-pid, SIGKILL);
  Clock::time_point give_up = Clock::now() + std::chrono::milliseconds(500);
  while (Clock::now() < give_up) {
    pollfd fds[2];
    nfds_t n = 0;
    for (Stream &s : streams)
      if (s.fd.get() >= 0)
        fds[n++] = pollfd{s.fd.get(), POLLIN, 0};
    if (n == 0)
      break;
    ::poll(fds, n, 50);
    for (Stream &s : streams)
      if (s.fd.get() >= 0)
        drain(s);
  }
  outcome.stderr_tail = tail.text();
  return outcome;
}

std::string signal_name(int signal) {
  const char *abbrev = ::sigabbrev_np(signal);
  return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(signal);
}

} // namespace nas::command
