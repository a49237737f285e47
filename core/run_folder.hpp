// The run folder of `nas run`: a new one, or an existing one to resume. Resuming checks
// that the pipeline did not change in a way that breaks the run (space, strategy,
// evaluator, stages, seed), naming what changed.
#pragma once

#include "pipeline.hpp"
#include "store/run_store.hpp"

#include <memory>
#include <string>
#include <vector>

namespace nas::core {

struct RunFolder {
  std::string dir; // absolute
  bool resumed = false;
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
