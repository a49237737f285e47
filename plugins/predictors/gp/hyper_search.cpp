#include "hyper_search.hpp"

#include <nas/random.hpp>

#include <algorithm>
#include <cmath>

namespace nas::gp {

double median_spread(const Matrix &dp) {
  std::vector<double> off;
  for (size_t i = 0; i < dp.rows; ++i)
    for (size_t j = i + 1; j < dp.cols; ++j)
      if (dp(i, j) > 0)
        off.push_back(dp(i, j));
  if (off.empty())
    return 1;
  auto mid = off.begin() + static_cast<std::ptrdiff_t>(off.size() / 2);
  std::nth_element(off.begin(), mid, off.end());
  return *mid;
}

void set_bounds(FitOptions &fit, const GpOptions &o, double y_variance, double spread) {
  const double v = y_variance > 0 ? y_variance : 1;
  fit.bounds.lo = {std::log(1e-2 * v), std::log(spread / 100), std::log(o.noise_floor * v)};
  fit.bounds.hi = {std::log(1e2 * v), std::log(spread * 100), std::log(10 * v)};
}

std::vector<Hyper> starts(const Hyper &current, const FitOptions &fit, int restarts,
                          uint64_t seed) {
  auto clamp = [&](double value, int i) {
    return std::exp(std::min(std::max(std::log(value), fit.bounds.lo[i]), fit.bounds.hi[i]));
  };
  std::vector<Hyper> out = {{clamp(current.signal_variance, 0), clamp(current.lengthscale, 1),
                             clamp(current.noise_variance, 2)}};
  Rng rng(seed);
  for (int r = 0; r < restarts; ++r) {
    double t[3];
    for (int i = 0; i < 3; ++i)
      t[i] =
          std::exp(fit.bounds.lo[i] + (0.1 + 0.8 * rng.uniform()) * (fit.bounds.hi[i] - fit.bounds.lo[i]));
    out.push_back({t[0], t[1], t[2]});
  }
  return out;
}

} // namespace nas::gp
