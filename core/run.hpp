// A whole run: the run folder, the instances, every stage in order, the summary.
#pragma once

#include "assembly.hpp"
#include "pipeline.hpp"
#include "registry.hpp"
#include "stage_runner.hpp"
#include "store/run_store.hpp"

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

// Runs every stage of `pipeline` with the instances of `assembly`, storing into `store`
// (in run->run_dir). Stages an earlier session finished are skipped, an unfinished one
// resumes. `run` carries the seed and the cancel flag.
std::unique_ptr<RunResult> run_pipeline(const Pipeline &pipeline, const Assembly &assembly,
                                        std::shared_ptr<RunContext> run, RunStore &store);

// summary.json, replaced atomically.
void write_summary(const std::string &run_dir, const Json &summary);
// trials.jsonl: every trial, in id order, as one JSON object per line (an export of the
// store, written when a run ends).
void export_trials(const std::string &run_dir, const RunState &state);

// The JSON summary of a finished run (written as summary.json).
Json summarize(const Pipeline &pipeline, const RunResult &result);

} // namespace nas::core
