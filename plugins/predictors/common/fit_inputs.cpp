#include "fit_inputs.hpp"

#include <cmath>
#include <string>

namespace nas::predictors {

void check_fit_inputs(const std::vector<Choices> &archs, const std::vector<double> &values) {
  if (archs.size() != values.size())
    throw Error(NAS_ERR_INVALID_ARGUMENT, std::to_string(archs.size()) + " architectures but " +
                                              std::to_string(values.size()) + " values");
  for (size_t i = 0; i < archs.size(); ++i) {
    if (!std::isfinite(values[i]))
      throw Error(NAS_ERR_INVALID_ARGUMENT,
                  "value " + std::to_string(i) + " is not finite: fit only trials with a value");
    if (archs[i].size() != archs[0].size())
      throw Error(NAS_ERR_INVALID_ARGUMENT,
                  "architecture " + std::to_string(i) + " has " + std::to_string(archs[i].size()) +
                      " decisions, the first has " + std::to_string(archs[0].size()));
  }
}

} // namespace nas::predictors
