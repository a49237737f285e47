// One stage of a pipeline: the search loop. Asks the strategy while the executor has room
// and the budget allows, answers repeats from earlier results (status cached, no budget),
// hands the rest to the executor, scores what comes back and tells the strategy.
#pragma once

#include "assembly.hpp"
#include "executor.hpp"
#include "pipeline.hpp"
#include "progress_display.hpp"
#include "results_writer.hpp"
#include "trial.hpp"

#include <deque>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace nas::core {

// Every trial of the run, shared by its stages: what seeds the next stage and answers
// repeats.
struct RunState {
  std::deque<TrialRecord> trials; // in the order they ended (a deque keeps references stable)
  std::unordered_map<int64_t, size_t> index_of;      // trial id -> position in `trials`
  std::unordered_map<std::string, int64_t> answered; // cache key -> trial id
  // dedupe = "none": how often each (evaluator, architecture) was evaluated: the next repeat
  std::unordered_map<std::string, uint32_t> evaluations;
  int64_t next_id = 1;
  const TrialRecord &trial(int64_t id) const { return trials.at(index_of.at(id)); }
  const TrialRecord &add(TrialRecord t) {
    index_of[t.id] = trials.size();
    trials.push_back(std::move(t));
    return trials.back();
  }
  // The best `k` distinct architectures of `stage` (ok trials, best objective first).
  std::vector<const TrialRecord *> top(const std::string &stage, size_t k) const;
};

struct StageSummary {
  std::string name;
  long trials = 0;    // recorded, cached included
  long evaluated = 0; // handed to the evaluator
  long cached = 0;
  std::map<std::string, long> by_status;
  double seconds = 0;
  std::string end_reason;
  bool failed = false; // the stage could not go on: the run fails after it
  const TrialRecord *best = nullptr;
};

struct StageContext {
  const Pipeline &pipeline;
  size_t index;
  const StageInstances &instances;
  const Instance &space;
  Executor &executor;
  RunState &state;
  ResultsWriter &writer;
  ProgressDisplay &progress;
  RunContext &run;
};

StageSummary run_stage(StageContext &context);

} // namespace nas::core
