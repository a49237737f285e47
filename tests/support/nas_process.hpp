// Test support: the built `nas` as a child process the test controls, for tests that stop
// it from outside (kill -9 at a chosen instant, Ctrl-C). It runs in its own process group,
// as a shell job does, so a signal can go to the whole group as a terminal's Ctrl-C does.
#pragma once

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace nas::test {

class NasProcess {
public:
  using Clock = std::chrono::steady_clock;

  // Starts `nas <args...>` with `env` ("NAME=value") added to the environment; stdout and
  // stderr go to `log_file`.
  NasProcess(const std::vector<std::string> &args, const std::string &log_file,
             const std::vector<std::string> &env = {})
      : log_file_(log_file) {
    std::vector<std::string> argv_text{NAS_BINARY};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<char *> argv;
    for (auto &a : argv_text)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_text = env; // prepared before fork: the child only execs
    started_ = Clock::now();
    pid_ = ::fork();
    if (pid_ < 0)
      throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::setpgid(0, 0);
      int out = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int in = ::open("/dev/null", O_RDONLY);
      if (out < 0 || in < 0)
        ::_exit(127);
      ::dup2(in, 0);
      ::dup2(out, 1);
      ::dup2(out, 2);
      for (auto &e : env_text)
        ::putenv(e.data());
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::setpgid(pid_, pid_); // also here: no race with a signal sent right after the start
  }

  ~NasProcess() {
    if (running()) {
      ::kill(-pid_, SIGKILL);
      wait_for(std::chrono::seconds(10));
    }
  }

  NasProcess(const NasProcess &) = delete;
  NasProcess &operator=(const NasProcess &) = delete;

  pid_t pid() const { return pid_; }
  Clock::time_point started() const { return started_; }
  double seconds_since_start() const {
    return std::chrono::duration<double>(Clock::now() - started_).count();
  }

  // Whether it has not ended yet (reaps it when it has).
  bool running() {
    if (exit_code_ >= 0)
      return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      record(status);
      return false;
    }
    return true;
  }

  // Sends `signal` to the host only.
  void signal(int sig) { ::kill(pid_, sig); }
  // Sends `signal` to the host and every process of its group (its workers): Ctrl-C in a
  // terminal.
  void signal_group(int sig) { ::kill(-pid_, sig); }

  // Kills the host with SIGKILL (kill -9; its workers are not signalled) and reaps it.
  // Returns the exit code as a shell reports it: 137 when the kill ended it, else the
  // code it had already ended with.
  int kill9() {
    if (running())
      ::kill(pid_, SIGKILL);
    return wait();
  }

  // Waits for the end; the exit code as a shell reports it (128 + signal when signalled).
  int wait() {
    if (exit_code_ < 0) {
      int status = 0;
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      record(status);
    }
    return exit_code_;
  }

  // Waits at most `limit`; -1 when it is still running then.
  int wait_for(Clock::duration limit) {
    auto until = Clock::now() + limit;
    while (running()) {
      if (Clock::now() >= until)
        return -1;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return exit_code_;
  }

  // What it wrote to stdout and stderr so far.
  std::string output() const {
    std::ifstream in(log_file_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

private:
  void record(int status) {
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  std::string log_file_;
  pid_t pid_ = -1;
  int exit_code_ = -1;
  Clock::time_point started_;
};

} // namespace nas::test
