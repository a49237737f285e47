#include "posterior.hpp"

#include "dense_linalg.hpp"

#include <algorithm>
#include <cmath>

namespace nas::gp {

double powered(double d, double p) { return p == 1 ? d : p == 2 ? d * d : std::pow(d, p); }

Matrix powered(const Matrix &d, double p) {
  Matrix out = d;
  if (p != 1)
    for (double &v : out.data)
      v = powered(v, p);
  return out;
}

std::pair<double, double> Posterior::predict(const std::vector<double> &d) const {
  const size_t n = factor.n;
  const double s2 = hyper.signal_variance;
  std::vector<double> v(n);
  double mean = 0;
  for (size_t i = 0; i < n; ++i) {
    double k = s2 * std::exp(-powered(d[i], power) / hyper.lengthscale);
    mean += k * factor.alpha[i];
    // Forward substitution L v = k, one row at a time.
    const double *row = &factor.lower[i * n];
    v[i] = (k - dot(row, v.data(), i)) / row[i];
  }
  double explained = 0;
  for (double x : v)
    explained += x * x;
  double variance = std::max(s2 - explained, 0.0);
  return {y_mean + y_scale * mean, y_scale * y_scale * variance};
}

std::pair<std::vector<double>, std::vector<double>> Posterior::joint(const Matrix &cross,
                                                                     const Matrix &self) const {
  auto [mean, cov] = joint_posterior(factor, hyper, powered(cross, power), powered(self, power));
  for (double &m : mean)
    m = y_mean + y_scale * m;
  for (double &c : cov)
    c *= y_scale * y_scale;
  return {std::move(mean), std::move(cov)};
}

} // namespace nas::gp
