// The pipeline's objective and constraints turned into the one number strategies maximize.
#pragma once

#include "json.hpp"
#include "pipeline.hpp"

#include <string>

namespace nas::core {

struct Score {
  int32_t status;   // ok, or infeasible / failed when the metrics say so
  double objective; // maximized; NaN unless status is ok
  std::string error;
};

// `status` is the evaluator's; only an ok trial is scored.
Score score(const Objective &objective, int32_t status, const Json &metrics);

} // namespace nas::core
