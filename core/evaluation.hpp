// One call of an evaluator, with its failure turned into a trial status: shared by every
// executor, in the host or in a worker.
#pragma once

#include "executor.hpp"
#include "instance.hpp"

namespace nas::core {

TrialOutcome evaluate_trial(const Instance &evaluator, const TrialJob &job);

// The trial status for an evaluator's error code (abi.h, nas_evaluator_v1_t::evaluate).
int32_t status_for_error(nas_status_t code);

double now_seconds();

} // namespace nas::core
