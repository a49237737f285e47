// What every predictor's fit() checks of its inputs: one value per architecture, every value
// finite, every architecture as long as the first. Shared by nas.predictor.knn and
// nas.predictor.gp (this folder is not a plugin: no CMakeLists).
#ifndef NAS_PLUGINS_PREDICTORS_COMMON_FIT_INPUTS_HPP
#define NAS_PLUGINS_PREDICTORS_COMMON_FIT_INPUTS_HPP

#include <nas/plugin.hpp>

#include <vector>

namespace nas::predictors {

// Throws nas::Error(NAS_ERR_INVALID_ARGUMENT) saying which input is wrong.
void check_fit_inputs(const std::vector<Choices> &archs, const std::vector<double> &values);

} // namespace nas::predictors

#endif
