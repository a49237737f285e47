#include "marginal_likelihood.hpp"

#include "dense_linalg.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace nas::gp {

namespace {
const double kHalfLog2Pi = 0.5 * std::log(2.0 * M_PI);
}

MarginalLikelihood::MarginalLikelihood(const Matrix &dp, std::vector<double> y, PsdRepair repair)
    : dp_(dp), y_(std::move(y)), repair_(std::move(repair)) {}

bool MarginalLikelihood::factor(double l, double r, Terms &t) {
  const size_t n = y_.size();
  // C's lower triangle; the whole matrix only where a repair needs it.
  raw_.assign(n * n, 0.0);
  for (size_t i = 0; i < n; ++i) {
    const double *d = &dp_.data[i * n];
    double *c = &raw_[i * n];
    for (size_t j = 0; j <= i; ++j)
      c[j] = std::exp(-d[j] / l);
  }
  const double *value = raw_.data(); // C as B uses it
  if (repair_) {
    for (size_t i = 0; i < n; ++i)
      for (size_t j = 0; j < i; ++j)
        raw_[j * n + i] = raw_[i * n + j];
    if (repair_(raw_, n, fixed_)) {
      repaired_ = true;
      value = fixed_.data();
    }
  }
  b_.assign(n * n, 0.0);
  for (size_t i = 0; i < n; ++i) {
    std::copy(value + i * n, value + i * n + i + 1, &b_[i * n]);
    b_[i * n + i] += r;
  }
  if (!cholesky_lower(b_, n))
    return false;
  beta_ = y_;
  solve_lower(b_, n, beta_);
  solve_lower_transposed(b_, n, beta_);
  t = Terms{};
  t.fit = dot(y_.data(), beta_.data(), n);
  for (size_t i = 0; i < n; ++i)
    t.log_det_half += std::log(b_[i * n + i]);

  inverse_from_cholesky(b_, n, inv_, work_);
  // Traces of products of symmetric matrices over the lower triangle, off-diagonal terms twice.
  for (size_t i = 0; i < n; ++i) {
    const double *g = &inv_[i * n], *v = &value[i * n], *c = &raw_[i * n], *d = &dp_.data[i * n];
    const double bi = beta_[i];
    double inv_v = 0, beta_v = 0, inv_rd = 0, beta_rd = 0;
    for (size_t j = 0; j < i; ++j) {
      const double rd = c[j] * d[j];
      inv_v += g[j] * v[j];
      beta_v += beta_[j] * v[j];
      inv_rd += g[j] * rd;
      beta_rd += beta_[j] * rd;
    }
    const double rd = c[i] * d[i]; // d_ii is 0 unless an architecture repeats
    t.inv_v += 2 * inv_v + g[i] * v[i];
    t.beta_v_beta += bi * (2 * beta_v + bi * v[i]);
    t.inv_rd += 2 * inv_rd + g[i] * rd;
    t.beta_rd_beta += bi * (2 * beta_rd + bi * rd);
    t.trace_inv += g[i];
    t.beta_beta += bi * bi;
  }
  return true;
}

double MarginalLikelihood::evaluate(const std::array<double, 3> &log_theta,
                                    std::array<double, 3> &gradient) {
  const double s2 = std::exp(log_theta[0]), l = std::exp(log_theta[1]),
               r = std::exp(log_theta[2] - log_theta[0]);
  Terms t;
  if (!factor(l, r, t))
    return std::numeric_limits<double>::quiet_NaN();
  const double nn = static_cast<double>(y_.size());
  // log|K| = n log s^2 + log|B|.
  const double loss =
      (0.5 * t.fit / s2 + 0.5 * nn * log_theta[0] + t.log_det_half) / nn + kHalfLog2Pi;
  // dK/d log s^2 = s^2 V, dK/d log l = s^2 (R o D) / l, dK/d log noise = noise I = s^2 r I.
  gradient = {0.5 * (t.inv_v - t.beta_v_beta / s2) / nn,
              0.5 * (t.inv_rd - t.beta_rd_beta / s2) / l / nn,
              0.5 * r * (t.trace_inv - t.beta_beta / s2) / nn};
  return loss;
}

double MarginalLikelihood::evaluate_profile(const std::array<double, 2> &u, const LogBox &box,
                                            double &log_s2, std::array<double, 2> &gradient) {
  const double l = std::exp(u[0]), r = std::exp(u[1]);
  Terms t;
  if (!factor(l, r, t))
    return std::numeric_limits<double>::quiet_NaN();
  const double nn = static_cast<double>(y_.size());
  // s^2 within its own box and such that noise = r s^2 stays within the noise box.
  const double lo_signal = box.lo[0], lo_noise = box.lo[2] - u[1];
  const double hi_signal = box.hi[0], hi_noise = box.hi[2] - u[1];
  const double lo = std::max(lo_signal, lo_noise), hi = std::min(hi_signal, hi_noise);
  const double free = std::log(std::max(t.fit, 1e-300) / nn); // where d loss / d log s^2 = 0
  log_s2 = std::min(std::max(free, lo), hi);
  const double s2 = std::exp(log_s2);
  const double loss = (0.5 * t.fit / s2 + 0.5 * nn * log_s2 + t.log_det_half) / nn + kHalfLog2Pi;
  // At fixed s^2, dB/d log l = (R o D) / l and dB/d log r = r I. Where a noise bound holds
  // s^2 (log s^2 = that bound - log r), log s^2 moves against log r: add -d loss / d log s^2.
  double along_r = 0.5 * r * (t.trace_inv - t.beta_beta / s2) / nn;
  const bool held_by_noise = (log_s2 == lo && lo_noise > lo_signal && free < lo) ||
                             (log_s2 == hi && hi_noise < hi_signal && free > hi);
  if (held_by_noise)
    along_r -= (-0.5 * t.fit / s2 + 0.5 * nn) / nn;
  gradient = {0.5 * (t.inv_rd - t.beta_rd_beta / s2) / l / nn, along_r};
  return loss;
}

} // namespace nas::gp
