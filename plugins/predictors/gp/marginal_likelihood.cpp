#include "marginal_likelihood.hpp"

#include "dense_linalg.hpp"

#include <cmath>
#include <limits>

namespace nas::gp {

namespace {
const double kHalfLog2Pi = 0.5 * std::log(2.0 * M_PI);
}

MarginalLikelihood::MarginalLikelihood(const Matrix &dp, std::vector<double> y, PsdRepair repair)
    : dp_(dp), y_(std::move(y)), repair_(std::move(repair)) {}

double MarginalLikelihood::evaluate(const std::array<double, 3> &log_theta,
                                    std::array<double, 3> &gradient) {
  const size_t n = y_.size();
  const double s2 = std::exp(log_theta[0]), l = std::exp(log_theta[1]),
               noise = std::exp(log_theta[2]);
  // C's lower triangle; the whole matrix only where a repair needs it.
  raw_.assign(n * n, 0.0);
  for (size_t i = 0; i < n; ++i) {
    const double *d = &dp_.data[i * n];
    double *c = &raw_[i * n];
    for (size_t j = 0; j <= i; ++j)
      c[j] = std::exp(-d[j] / l);
  }
  const double *value = raw_.data(); // C as K uses it
  if (repair_) {
    for (size_t i = 0; i < n; ++i)
      for (size_t j = 0; j < i; ++j)
        raw_[j * n + i] = raw_[i * n + j];
    if (repair_(raw_, n, fixed_)) {
      repaired_ = true;
      value = fixed_.data();
    }
  }
  k_.assign(n * n, 0.0);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j <= i; ++j)
      k_[i * n + j] = s2 * value[i * n + j];
    k_[i * n + i] += noise;
  }
  if (!cholesky_lower(k_, n))
    return std::numeric_limits<double>::quiet_NaN();
  alpha_ = y_;
  solve_lower(k_, n, alpha_);
  solve_lower_transposed(k_, n, alpha_);
  double log_det_half = 0;
  for (size_t i = 0; i < n; ++i)
    log_det_half += std::log(k_[i * n + i]);
  const double nn = static_cast<double>(n);
  const double loss = (0.5 * dot(y_.data(), alpha_.data(), n) + log_det_half) / nn + kHalfLog2Pi;

  inverse_from_cholesky(k_, n, inv_, work_);
  // tr(G M) over the lower triangle, off-diagonal terms twice (G and M are symmetric), with
  // G = K^-1 - alpha alpha^T.
  double along_c = 0, along_l = 0, trace = 0;
  for (size_t i = 0; i < n; ++i) {
    const double *g = &inv_[i * n], *c = &value[i * n], *r = &raw_[i * n], *d = &dp_.data[i * n];
    const double ai = alpha_[i];
    double row_c = 0, row_l = 0;
    for (size_t j = 0; j < i; ++j) {
      const double gij = g[j] - ai * alpha_[j];
      row_c += gij * c[j];
      row_l += gij * r[j] * d[j];
    }
    const double gii = g[i] - ai * ai;
    along_c += 2 * row_c + gii * c[i];
    along_l += 2 * row_l + gii * r[i] * d[i]; // d_ii is 0 unless an architecture repeats
    trace += gii;
  }
  gradient = {0.5 * s2 * along_c / nn, 0.5 * s2 / l * along_l / nn, 0.5 * noise * trace / nn};
  return loss;
}

} // namespace nas::gp
