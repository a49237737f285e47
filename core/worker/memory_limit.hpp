// How `trial_memory` is enforced on worker processes. Preferred: a cgroup v2 group per
// worker with memory.max (resident memory, page cache included; the kernel kills the
// worker when it goes past, and memory.events tells us so). That needs a cgroup v2
// hierarchy where the host may create child groups with the memory controller (a
// delegated group, or the root of a container's namespace). Otherwise: RLIMIT_AS on the
// worker, set before exec. Its caveats: it limits virtual address space, not resident
// memory, so libraries that reserve address space up front (glibc's per-thread malloc
// arenas of 64 MiB each, thread stacks, CUDA, some BLAS builds) count against it long
// before that memory is used, and a limit near the real need fails early; an allocation
// past it fails (std::bad_alloc -> status oom) instead of the process being killed.
#pragma once

#include <cstdint>
#include <string>

namespace nas::core::worker {

class MemoryLimit {
public:
  // `bytes` 0: no limit. Probes cgroup v2 at once, so method() is known before any worker.
  explicit MemoryLimit(int64_t bytes);
  int64_t bytes() const { return bytes_; }
  // "cgroup", "rlimit", or "" without a limit.
  const std::string &method() const { return method_; }
  bool uses_cgroup() const { return method_ == "cgroup"; }

  // A new group for one worker process, memory.max set ("" unless uses_cgroup()).
  std::string create_group(const std::string &name);
  // Stops using cgroups (a worker could not join its group): RLIMIT_AS from now on.
  void give_up_cgroup(const std::string &why);

  // Whether the kernel's OOM killer killed a process of `group` (memory.events).
  static bool oom_killed(const std::string &group);
  // Removes an empty group; errors are ignored (the group may still be draining).
  static void remove_group(const std::string &group);

private:
  int64_t bytes_;
  std::string method_;
  std::string parent_; // the folder new groups go in (cgroup method only)
};

// The cgroup v2 folder the host runs in, able to hold child groups with the memory
// controller, or "" and `why` says what is missing.
std::string find_memory_cgroup(std::string &why);

} // namespace nas::core::worker
