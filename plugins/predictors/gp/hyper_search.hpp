// Where the marginal-likelihood fit searches: bounds scaled to the data (the targets' variance,
// the median pairwise d^p) and its starting points (the previous optimum, then random ones).
#pragma once

#include "gp_math.hpp"
#include "gp_options.hpp"
#include "gp_types.hpp"

#include <cstdint>
#include <vector>

namespace nas::gp {

// The median of the positive off-diagonal entries of `dp`; 1 when there are none.
double median_spread(const Matrix &dp);

// Natural-log bounds of (signal_variance, lengthscale, noise_variance) for targets of
// variance `y_variance` and distances of median d^p `spread`.
void set_bounds(FitOptions &fit, const GpOptions &o, double y_variance, double spread);

// `current` (clamped into the bounds) first, then `restarts` points drawn log-uniformly in
// the middle 80% of the bounds from `seed`.
std::vector<Hyper> starts(const Hyper &current, const FitOptions &fit, int restarts, uint64_t seed);

} // namespace nas::gp
