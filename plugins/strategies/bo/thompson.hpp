// Thompson sampling over a candidate pool: one draw from the joint posterior (not independent
// marginals, which ignore that nearby candidates move together), then its argmax.
#pragma once

#include <nas/random.hpp>

#include <optional>
#include <vector>

namespace nas::bo {

// mean + L z with L the Cholesky factor of `covariance` (m x m, row-major; semidefinite:
// candidates the others determine get their implied value; jitter added, 10x more per try,
// only while a pivot is clearly negative) and z standard normals from `rng` (m draws).
// nullopt when it never factorizes; `rng` is then untouched.
std::optional<std::vector<double>> joint_sample(const std::vector<double> &mean,
                                                std::vector<double> covariance, Rng &rng);

// mean_i + sd_i z_i: independent marginals, for predictors without a joint posterior.
std::vector<double> marginal_sample(const std::vector<double> &mean,
                                    const std::vector<double> &variance, Rng &rng);

} // namespace nas::bo
