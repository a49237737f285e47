// The run folder of `nas run`: a new one, or an existing one to resume. Resuming checks
// that the pipeline did not change in a way that breaks the run (space, strategy,
// evaluator, stages, seed), naming what changed.
#pragma once

#include "pipeline.hpp"
#include "store/run_store.hpp"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace nas::core {

// An exclusive flock on the run folder itself, held while a host runs there, so a second
// `nas run` on the same folder is refused at once instead of corrupting the run. Locking
// the directory creates no file in it; the descriptor is not inherited by workers.
class FolderLock {
public:
  FolderLock() = default;
  explicit FolderLock(const std::string &dir); // throws RunError when the folder is in use
  FolderLock(FolderLock &&other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  FolderLock &operator=(FolderLock &&other) noexcept;
  ~FolderLock();

private:
  int fd_ = -1;
};

struct RunFolder {
  std::string dir; // absolute
  bool resumed = false;
  FolderLock lock; // declared before the store: released after it is closed
  std::unique_ptr<RunStore> store;
};

// What identifies a run: changing any of it makes the stored trials another run's.
Json run_fingerprint(const Pipeline &pipeline);

// Where a run of `pipeline` goes: pipeline.output itself to resume it when it holds a run
// store (unless `fresh`), else the first free one of pipeline.output, DIR-2, DIR-3, ...
// Decides without creating anything, so a bad pipeline leaves no folder behind.
RunFolder plan_run_folder(const Pipeline &pipeline, bool fresh);

// Opens the planned folder's store (resume: checks it and that the pipeline did not change)
// or creates folder and store. Throws RunError (damaged or foreign store, no permission)
// or UsageError naming what changed in the pipeline.
void open_run_folder(RunFolder &folder, const Pipeline &pipeline,
                     const std::vector<std::string> &overrides);

} // namespace nas::core
