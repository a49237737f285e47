#include "thompson.hpp"

#include <algorithm>
#include <cmath>

namespace nas::bo {

namespace {

// sum_k a[k] b[k] over k < n, in four independent partial sums: the dependency chain of one
// sum would bound the loop to one multiply-add per latency (pools of 2,000 take m^3/6 of them).
double dot(const double *a, const double *b, size_t n) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  size_t k = 0;
  for (; k + 4 <= n; k += 4) {
    s0 += a[k] * b[k];
    s1 += a[k + 1] * b[k + 1];
    s2 += a[k + 2] * b[k + 2];
    s3 += a[k + 3] * b[k + 3];
  }
  for (; k < n; ++k)
    s0 += a[k] * b[k];
  return (s0 + s1) + (s2 + s3);
}

// In-place lower Cholesky factor of a positive semidefinite `a` (row-major m x m, row by row
// so inner loops run over contiguous rows). A pivot at or below `tiny` (a candidate the
// earlier ones determine: a pool's duplicates under the model, such as cells with the same
// path encoding) gets a zero column, so the sample gives it the value they imply, instead of
// failing and refactorizing with ever more jitter. False when a pivot is clearly negative
// (below -`tiny` x 1e4): not PSD.
bool cholesky_semidefinite(std::vector<double> &a, size_t m, double tiny) {
  for (size_t i = 0; i < m; ++i) {
    double *ri = &a[i * m];
    for (size_t j = 0; j <= i; ++j) {
      const double *rj = &a[j * m];
      double sum = ri[j] - dot(ri, rj, j);
      if (i == j) {
        if (sum < -1e4 * tiny)
          return false;
        ri[i] = sum > tiny ? std::sqrt(sum) : 0.0;
      } else {
        ri[j] = rj[j] > 0 ? sum / rj[j] : 0.0;
      }
    }
  }
  return true;
}

constexpr int kJitterTries = 10; // none, then 1e-10 .. 1e-2 of the mean diagonal

} // namespace

std::optional<std::vector<double>> joint_sample(const std::vector<double> &mean,
                                                std::vector<double> covariance, Rng &rng) {
  const size_t m = mean.size();
  double diagonal = 0;
  for (size_t i = 0; i < m; ++i)
    diagonal += std::max(covariance[i * m + i], 0.0);
  diagonal = m > 0 && diagonal > 0 ? diagonal / static_cast<double>(m) : 1;
  const std::vector<double> original = covariance;
  bool ok = false;
  for (int t = 0; t < kJitterTries && !ok; ++t) {
    covariance = original;
    double jitter = t == 0 ? 0.0 : 1e-10 * std::pow(10.0, t - 1) * diagonal;
    for (size_t i = 0; i < m; ++i)
      covariance[i * m + i] += jitter;
    ok = cholesky_semidefinite(covariance, m, 1e-12 * diagonal);
  }
  if (!ok)
    return std::nullopt;
  std::vector<double> z(m), out = mean;
  for (double &v : z)
    v = rng.normal();
  for (size_t i = 0; i < m; ++i) {
    const double *row = &covariance[i * m];
    for (size_t k = 0; k <= i; ++k)
      out[i] += row[k] * z[k];
  }
  return out;
}

std::vector<double> marginal_sample(const std::vector<double> &mean,
                                    const std::vector<double> &variance, Rng &rng) {
  std::vector<double> out(mean.size());
  for (size_t i = 0; i < mean.size(); ++i)
    out[i] = mean[i] + std::sqrt(std::max(variance[i], 0.0)) * rng.normal();
  return out;
}

} // namespace nas::bo
