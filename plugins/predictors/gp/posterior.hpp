// A fitted GP as predictions need it: the factor of the kernel matrix, the hyperparameters and
// how the targets were standardized. Single predictions are a forward substitution in plain
// C++ (no torch call per candidate); the joint posterior goes through gp_math.
#pragma once

#include "gp_math.hpp"
#include "gp_types.hpp"

#include <utility>
#include <vector>

namespace nas::gp {

// d^p, the kernel's argument; exact for p = 1 and p = 2.
double powered(double d, double p);
Matrix powered(const Matrix &d, double p);

struct Posterior {
  Factor factor;
  Hyper hyper;
  double power = 1;
  double y_mean = 0, y_scale = 1; // targets were (y - y_mean) / y_scale

  // {mean, variance} of the latent function at a point at distances `d` from the training
  // points (in their order). The variance leaves out the noise and is never negative.
  // [thread-safe]
  std::pair<double, double> predict(const std::vector<double> &d) const;

  // The joint posterior at m points: `cross` (m x n) and `self` (m x m) are distances.
  // Returns {mean (m), covariance (m x m, row-major)} on the targets' scale. [thread-safe]
  std::pair<std::vector<double>, std::vector<double>> joint(const Matrix &cross,
                                                            const Matrix &self) const;
};

} // namespace nas::gp
