// A whole run: the run folder, the instances, every stage in order, the summary.
#pragma once

#include "assembly.hpp"
#include "pipeline.hpp"
#include "registry.hpp"
#include "stage_runner.hpp"

#include <memory>
#include <string>
#include <vector>

namespace nas::core {

struct RunResult {
  std::string run_dir;
  std::vector<StageSummary> stages;
  bool interrupted = false;
  RunState state;
};

// The run folder for `wanted`: itself when new or empty, else the first free "wanted-N"
// (nothing stored by an earlier run is touched).
std::string choose_run_dir(const std::string &wanted);

// Runs every stage of `pipeline` with the instances of `assembly`, writing into
// run->run_dir (which exists). `run` carries the seed and the cancel flag.
std::unique_ptr<RunResult> run_pipeline(const Pipeline &pipeline, const Assembly &assembly,
                                        std::shared_ptr<RunContext> run);

// The JSON summary of a finished run (written as summary.json).
Json summarize(const Pipeline &pipeline, const RunResult &result);

} // namespace nas::core
