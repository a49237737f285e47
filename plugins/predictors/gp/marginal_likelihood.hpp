// The quantity the hyperparameter fit minimizes: -log p(y | K) / n with its gradient in the
// natural logs of (signal variance, lengthscale, noise variance), for K = s^2 C + noise I and
// C = exp(-d^p / l). Plain C++ on dense_linalg (no torch, no autograd): one Cholesky, one
// inverse from the factor and O(n^2) contractions per evaluation.
//
// Gradient (Rasmussen and Williams, eq. 5.9): d(-log p)/d theta = tr((K^-1 - alpha alpha^T)
// dK/d theta) / 2 with alpha = K^-1 y, dK/d log s^2 = s^2 C, dK/d log l = s^2 C o d^p / l,
// dK/d log noise = noise I.
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

  // -log p(y | theta) / n at theta = exp(log_theta); `gradient` gets its derivatives in
  // log_theta. NaN (gradient untouched) when K does not factorize.
  double evaluate(const std::array<double, 3> &log_theta, std::array<double, 3> &gradient);

  // Whether an evaluation so far had to project C.
  bool repaired() const { return repaired_; }

private:
  Matrix dp_;
  std::vector<double> y_;
  PsdRepair repair_;
  bool repaired_ = false;
  // Scratch reused across evaluations (n x n each, n for alpha).
  std::vector<double> raw_, fixed_, k_, inv_, work_, alpha_;
};

} // namespace nas::gp
