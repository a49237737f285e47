#include "memory_limit.hpp"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace nas::core::worker {

namespace {

std::string read_file(const std::string &path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Writes `text` to a cgroup control file; on failure fills `error` with the reason.
bool write_file(const std::string &path, const std::string &text, std::string &error) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    error = "cannot open " + path + ": " + std::strerror(errno);
    return false;
  }
  ssize_t n = ::write(fd, text.data(), text.size());
  int saved = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(text.size())) {
    error = "cannot write \"" + text + "\" to " + path + ": " + std::strerror(saved);
    return false;
  }
  return true;
}

bool has_word(const std::string &list, const std::string &word) {
  std::istringstream in(list);
  for (std::string w; in >> w;)
    if (w == word)
      return true;
  return false;
}

// The cgroup v2 mount point and the root it shows, from /proc/self/mountinfo.
bool cgroup2_mount(std::string &mount_point, std::string &root) {
  std::ifstream in("/proc/self/mountinfo");
  for (std::string line; std::getline(in, line);) {
    size_t dash = line.find(" - ");
    if (dash == std::string::npos || line.compare(dash + 3, 8, "cgroup2 ") != 0)
      continue;
    std::istringstream fields(line.substr(0, dash));
    std::string id, parent, dev;
    fields >> id >> parent >> dev >> root >> mount_point;
    return true;
  }
  return false;
}

// cgroup v2 lets a group hand controllers to its children only while it holds no process
// itself. When the host is alone in its group (a delegated scope of its own, as
// `systemd-run --user --scope -p Delegate=yes nas run ...` makes), it moves into a leaf
// group `nas-host-PID` there, so the workers' groups can sit beside it with the memory
// controller. The leaf stays until the scope ends.
bool hand_down_memory(const std::string &dir, std::string &error) {
  std::istringstream procs(read_file(dir + "/cgroup.procs"));
  std::vector<std::string> pids;
  for (std::string pid; procs >> pid;)
    pids.push_back(pid);
  const std::string self = std::to_string(::getpid());
  if (pids != std::vector<std::string>{self}) {
    error += "; other processes share the host's group, so it cannot hand the controller down";
    return false;
  }
  const std::string leaf = dir + "/nas-host-" + self;
  std::string step_error;
  if ((::mkdir(leaf.c_str(), 0755) != 0 && errno != EEXIST) ||
      !write_file(leaf + "/cgroup.procs", self, step_error)) {
    error += "; moving the host into " + leaf +
             " failed: " + (step_error.empty() ? std::strerror(errno) : step_error);
    ::rmdir(leaf.c_str());
    return false;
  }
  if (!write_file(dir + "/cgroup.subtree_control", "+memory", step_error)) {
    error = step_error;
    std::string ignored;
    write_file(dir + "/cgroup.procs", self, ignored); // back where it was
    ::rmdir(leaf.c_str());
    return false;
  }
  spdlog::debug("trial_memory: the host moved into {} so that worker groups get memory.max", leaf);
  return true;
}

} // namespace

std::string find_memory_cgroup(std::string &why) {
  std::string mount_point, root;
  if (!cgroup2_mount(mount_point, root)) {
    why = "no cgroup v2 hierarchy is mounted";
    return "";
  }
  std::string own;
  std::ifstream in("/proc/self/cgroup");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("0::", 0) == 0)
      own = line.substr(3);
  if (own.empty()) {
    why = "/proc/self/cgroup names no cgroup v2 group";
    return "";
  }
  if (root != "/" && own.rfind(root, 0) == 0)
    own = own.substr(root.size());
  std::string dir = mount_point + (own == "/" ? "" : own);
  if (!has_word(read_file(dir + "/cgroup.controllers"), "memory")) {
    why = "the memory controller is not available in " + dir;
    return "";
  }
  if (!has_word(read_file(dir + "/cgroup.subtree_control"), "memory")) {
    std::string error;
    if (!write_file(dir + "/cgroup.subtree_control", "+memory", error) &&
        !hand_down_memory(dir, error)) {
      why = "child groups of " + dir + " cannot get the memory controller (" + error + ")";
      return "";
    }
  }
  return dir;
}

MemoryLimit::MemoryLimit(int64_t bytes) : bytes_(bytes) {
  if (bytes_ <= 0)
    return;
  std::string why;
  parent_ = find_memory_cgroup(why);
  if (!parent_.empty()) {
    std::string probe = create_group("probe");
    remove_group(probe);
    if (probe.empty())
      return; // create_group gave up and said why
    method_ = "cgroup";
    spdlog::debug("trial_memory: each worker in its own cgroup under {} (memory.max)", parent_);
    return;
  }
  method_ = "rlimit";
  spdlog::info("trial_memory: enforced as an address-space limit (RLIMIT_AS) on each worker, "
               "since cgroup v2 is not usable here: {}",
               why);
}

std::string MemoryLimit::create_group(const std::string &name) {
  if (parent_.empty())
    return "";
  std::string group = parent_ + "/nas-" + std::to_string(::getpid()) + "-" + name;
  std::string error;
  if (::mkdir(group.c_str(), 0755) != 0 && errno != EEXIST) {
    give_up_cgroup("cannot create " + group + ": " + std::strerror(errno));
    return "";
  }
  if (!write_file(group + "/memory.max", std::to_string(bytes_), error)) {
    remove_group(group);
    give_up_cgroup(error);
    return "";
  }
  // Without swap the limit is a limit; one process of the worker going means all go.
  std::string ignored;
  write_file(group + "/memory.swap.max", "0", ignored);
  write_file(group + "/memory.oom.group", "1", ignored);
  return group;
}

void MemoryLimit::give_up_cgroup(const std::string &why) {
  parent_.clear();
  method_ = "rlimit";
  spdlog::info("trial_memory: enforced as an address-space limit (RLIMIT_AS) on each worker, "
               "since cgroup v2 is not usable here: {}",
               why);
}

bool MemoryLimit::oom_killed(const std::string &group) {
  if (group.empty())
    return false;
  std::istringstream in(read_file(group + "/memory.events"));
  for (std::string key; in >> key;) {
    long long count = 0;
    in >> count;
    if (key == "oom_kill" && count > 0)
      return true;
  }
  return false;
}

void MemoryLimit::remove_group(const std::string &group) {
  if (!group.empty())
    ::rmdir(group.c_str());
}

} // namespace nas::core::worker
