// Human-readable output of runs and trials: the end-of-run report and `nas results`.
#pragma once

#include "../pipeline.hpp"
#include "../run.hpp"
#include "../trial.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace nas::cli {

void print_run_report(std::ostream &out, const core::Pipeline &pipeline,
                      const core::RunResult &result);

// Trials as an aligned table: id, stage, status, objective, the metrics, canonical string;
// with `runs` (one label per trial), a first column says which run each trial is from.
void print_trial_table(std::ostream &out, const std::vector<const core::TrialRecord *> &trials,
                       const std::string &objective_metric,
                       const std::vector<std::string> *runs = nullptr);
void print_trial_csv(std::ostream &out, const std::vector<const core::TrialRecord *> &trials);

// Orders trials best first by objective (NaN last), leaving out cached repeats: a trial
// appears once, as the one that was evaluated.
void sort_best_first(std::vector<const core::TrialRecord *> &trials);

// Formats a number compactly (up to 6 significant digits), "-" for NaN.
std::string format_number(double v);

} // namespace nas::cli
