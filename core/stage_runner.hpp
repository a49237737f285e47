// One stage of a pipeline: the search loop. Asks the strategy while the executor has room
// and the budget allows, answers repeats from earlier results (status cached, no budget),
// hands the rest to the executor, stores and scores what comes back, and tells the
// strategy only once the trial is committed. Every ask and tell goes into the store's log,
// so a stage interrupted at any moment resumes: the last snapshot is loaded, the log after
// it replayed, and the trials that were pending are run again.
//
// A one-shot stage (its strategy offers nas.oneshot/1, it has no evaluator) has exactly one
// trial: its ask (logged like any) proposes all-zero choices, tagged "one-shot search", the
// next ask is done. The strategy's search runs as that trial, by the same executors (so
// with the same timeout, memory limit and reports), on the space's supernet IR, with
// artifact_dir = RUN_DIR/stages/<stage name>: a stable folder that the next stage's plugins
// find by the stage's name. Rerun after an interrupted session, it gets resume_from = that
// same folder, to continue from its last checkpoint. The architecture it derives becomes
// the trial's (canonicalized; one the space refuses makes the trial invalid), scored like
// any trial; a later stage with from = { stage = ..., top = 1 } retrains it. The strategy is
// never told, and budgets do not apply.
#pragma once

#include "assembly.hpp"
#include "executor.hpp"
#include "pipeline.hpp"
#include "progress_display.hpp"
#include "run_state.hpp"
#include "store/run_store.hpp"
#include "trial.hpp"

#include <map>
#include <string>

namespace nas::core {

struct StageSummary {
  std::string name;
  long trials = 0;    // recorded, cached included
  long evaluated = 0; // handed to the evaluator
  long cached = 0;
  std::map<std::string, long> by_status;
  double seconds = 0;
  std::string end_reason;
  bool failed = false;  // the stage could not go on: the run fails after it
  bool resumed = false; // the stage continued an interrupted one
  const TrialRecord *best = nullptr;
};

struct StageContext {
  const Pipeline &pipeline;
  size_t index;
  const StageInstances &instances;
  const Instance &space;
  Executor &executor;
  RunState &state;
  RunStore &store;
  ProgressDisplay &progress;
  RunContext &run;
  double elapsed_before = 0; // seconds this stage ran in earlier sessions
};

StageSummary run_stage(StageContext &context);

// Repeats are answered only by the same runner: the stage's evaluator identity, or for a
// one-shot stage its strategy's.
std::string runner_identity(const StageSpec &spec, const StageInstances &instances);

// The summary of a stage that ended in an earlier session, from the stored trials.
StageSummary summary_of_finished_stage(const RunState &state, const StageRow &row);

} // namespace nas::core
