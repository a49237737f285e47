// The quantity the hyperparameter fit minimizes: -log p(y | K) / n with its gradient, for
// K = s^2 C + noise I and C = exp(-d^p / l). Plain C++ on dense_linalg (no torch, no autograd):
// one Cholesky, one inverse from the factor and O(n^2) contractions per evaluation.
//
// Both forms factor B = C + r I with r = noise / s^2, so K = s^2 B, K^-1 = B^-1 / s^2 and
// alpha = K^-1 y = beta / s^2 with beta = B^-1 y. Gradient (Rasmussen and Williams, eq. 5.9):
// d(-log p)/d theta = tr((K^-1 - alpha alpha^T) dK/d theta) / 2, which is
// tr((B^-1 - beta beta^T / s^2) dB/d theta) / 2 for a parameter of B at fixed s^2.
#pragma once

#include "gp_types.hpp"

#include <array>
#include <cstddef>
#include <functional>
#include <vector>

namespace nas::gp {

// Given C (n x n, row-major, symmetric), writes its projection onto the PSD cone into `fixed`
// and returns true, or returns false when C is PSD already (`fixed` untouched).
using PsdRepair =
    std::function<bool(const std::vector<double> &c, size_t n, std::vector<double> &fixed)>;

class MarginalLikelihood {
public:
  // `dp` holds d^p, `y` the standardized targets; both are copied. With `repair` set, each
  // evaluation's C is projected when it is not PSD; the gradient then still flows through the
  // raw C (the projection enters as a constant, as eigh's gradient is undefined at repeated
  // eigenvalues).
  MarginalLikelihood(const Matrix &dp, std::vector<double> y, PsdRepair repair = {});

  // -log p(y | theta) / n at theta = exp(log_theta), theta = (s^2, l, noise); `gradient` gets
  // its derivatives in log_theta. NaN (gradient untouched) when K does not factorize.
  double evaluate(const std::array<double, 3> &log_theta, std::array<double, 3> &gradient);

  // The profile of the same function over s^2: at l = exp(u[0]) and r = noise / s^2 = exp(u[1]),
  // the minimum over every s^2 that keeps (s^2, l, r s^2) inside `box`, which is s^2 = y^T B^-1
  // y / n clamped to that interval (the loss is unimodal in log s^2). Minimizing it over u is
  // minimizing the full function over the box with one parameter fewer. `log_s2` gets the
  // minimizing log s^2; `gradient` the total derivatives in u (through the clamp where a noise
  // bound holds s^2). u[1] must lie in [box.lo[2] - box.hi[0], box.hi[2] - box.lo[0]], where
  // that interval is never empty. NaN (outputs untouched) when B does not factorize.
  double evaluate_profile(const std::array<double, 2> &u, const LogBox &box, double &log_s2,
                          std::array<double, 2> &gradient);

  // Whether an evaluation so far had to project C.
  bool repaired() const { return repaired_; }

private:
  // What one factorization of B gives: beta^T y, log|B| / 2 and the contractions the gradients
  // are made of (V is C as B uses it, R the raw C, D the d^p matrix, o elementwise).
  struct Terms {
    double fit = 0, log_det_half = 0;
    double trace_inv = 0, beta_beta = 0;         // tr(B^-1), beta^T beta
    double inv_v = 0, beta_v_beta = 0;           // tr(B^-1 V), beta^T V beta
    double inv_rd = 0, beta_rd_beta = 0;         // tr(B^-1 (R o D)), beta^T (R o D) beta
  };
  bool factor(double l, double r, Terms &t);

  Matrix dp_;
  std::vector<double> y_;
  PsdRepair repair_;
  bool repaired_ = false;
  // Scratch reused across evaluations (n x n each, n for beta).
  std::vector<double> raw_, fixed_, b_, inv_, work_, beta_;
};

} // namespace nas::gp
