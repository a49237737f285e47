// One trial run by the stage's runner, with its failure turned into a trial status: shared
// by every executor, in the host or in a worker.
#pragma once

#include "executor.hpp"
#include "instance.hpp"

namespace nas::core {

// Runs `job` on `runner`: an evaluator evaluates it; a one-shot strategy (job.oneshot, or
// an instance that offers nas.oneshot/1 and no evaluator) runs its search, and the
// outcome carries the derived architecture in `choices`.
TrialOutcome evaluate_trial(const Instance &runner, const TrialJob &job);

// The trial status for an evaluator's error code (abi.h, nas_evaluator_v1_t::evaluate).
int32_t status_for_error(nas_status_t code);

double now_seconds();

} // namespace nas::core
