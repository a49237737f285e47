#include "objective.hpp"

#include <nas/abi.h>

#include <cmath>

namespace nas::core {

Score score(const Objective &objective, int32_t status, const Json &metrics) {
  if (status != NAS_TRIAL_OK)
    return {status, NAN, ""};
  auto it = metrics.find(objective.metric);
  if (it == metrics.end() || !it->is_number())
    return {NAS_TRIAL_FAILED, NAN,
            "the result has no number for the objective metric '" + objective.metric + "'"};
  double value = it->get<double>();
  if (!std::isfinite(value))
    return {NAS_TRIAL_FAILED, NAN, "the objective metric '" + objective.metric + "' is not finite"};
  for (const auto &c : objective.constraints) {
    auto m = metrics.find(c.metric);
    if (m == metrics.end() || !m->is_number())
      return {NAS_TRIAL_FAILED, NAN,
              "the result has no number for '" + c.metric + "', which the constraint \"" + c.text +
                  "\" needs"};
    if (!c.holds(m->get<double>()))
      return {NAS_TRIAL_INFEASIBLE, NAN, "violates \"" + c.text + "\""};
  }
  return {NAS_TRIAL_OK, objective.maximize ? value : -value, ""};
}

} // namespace nas::core
