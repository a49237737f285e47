// The GP's own dense linear algebra and marginal likelihood (plugins/predictors/gp, torch-free,
// compiled in): factor, inverse and solves against their definitions at sizes that cross the
// 4 x 4 tiles and 32-row blocks, and the likelihood's value against a textbook computation and
// its gradient against finite differences.
#include "dense_linalg.hpp"
#include "marginal_likelihood.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace {

using nas::gp::Matrix;

// A random SPD matrix: exp(-|x_i - x_j|^2 / 4) of points in 5 dimensions plus `ridge` I.
std::vector<double> spd(size_t n, double ridge, unsigned seed) {
  std::mt19937 g(seed);
  std::normal_distribution<double> normal;
  std::vector<double> x(n * 5);
  for (double &v : x)
    v = normal(g);
  std::vector<double> a(n * n);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j) {
      double d = 0;
      for (size_t k = 0; k < 5; ++k)
        d += (x[i * 5 + k] - x[j * 5 + k]) * (x[i * 5 + k] - x[j * 5 + k]);
      a[i * n + j] = std::exp(-d / 4) + (i == j ? ridge : 0);
    }
  return a;
}

class DenseLinalg : public ::testing::TestWithParam<size_t> {};

TEST_P(DenseLinalg, FactorTimesItsTransposeIsTheMatrix) {
  const size_t n = GetParam();
  const std::vector<double> a = spd(n, 0.1, 1);
  std::vector<double> l = a;
  ASSERT_TRUE(nas::gp::cholesky_lower(l, n));
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j) {
      if (j > i) {
        EXPECT_EQ(l[i * n + j], 0.0) << "upper triangle at " << i << "," << j;
      }
      double s = 0;
      for (size_t k = 0; k <= std::min(i, j); ++k)
        s += l[i * n + k] * l[j * n + k];
      EXPECT_NEAR(s, a[i * n + j], 1e-12) << i << "," << j;
    }
}

TEST_P(DenseLinalg, InverseAndSolvesUndoTheMatrix) {
  const size_t n = GetParam();
  const std::vector<double> a = spd(n, 0.1, 2);
  std::vector<double> l = a, inv, work;
  ASSERT_TRUE(nas::gp::cholesky_lower(l, n));
  nas::gp::inverse_from_cholesky(l, n, inv, work);
  auto inverse = [&](size_t i, size_t j) { return i >= j ? inv[i * n + j] : inv[j * n + i]; };
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j) {
      double s = 0;
      for (size_t k = 0; k < n; ++k)
        s += a[i * n + k] * inverse(k, j);
      EXPECT_NEAR(s, i == j ? 1.0 : 0.0, 1e-9) << i << "," << j;
    }
  std::vector<double> b(n), x;
  for (size_t i = 0; i < n; ++i)
    b[i] = std::sin(1.0 + static_cast<double>(i));
  x = b; // A x = b through L (L^T x) = b
  nas::gp::solve_lower(l, n, x);
  nas::gp::solve_lower_transposed(l, n, x);
  for (size_t i = 0; i < n; ++i)
    EXPECT_NEAR(nas::gp::dot(&a[i * n], x.data(), n), b[i], 1e-9);
}

INSTANTIATE_TEST_SUITE_P(Sizes, DenseLinalg, ::testing::Values(1, 3, 4, 5, 33, 70, 131));

TEST(DenseLinalgErrors, AMatrixThatIsNotPositiveDefiniteIsRefused) {
  const size_t n = 40;
  std::vector<double> a = spd(n, 0.0, 3);
  a[17 * n + 17] = -1; // a negative diagonal entry: not positive definite
  EXPECT_FALSE(nas::gp::cholesky_lower(a, n));
  std::vector<double> nan(4, std::nan(""));
  EXPECT_FALSE(nas::gp::cholesky_lower(nan, 2));
}

// d^p for Hamming-like distances between random strings of 8 symbols over 3 letters.
Matrix distances(size_t n, unsigned seed) {
  std::mt19937 g(seed);
  std::vector<int> s(n * 8);
  for (int &v : s)
    v = static_cast<int>(g() % 3);
  Matrix d(n, n);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j)
      for (size_t k = 0; k < 8; ++k)
        d(i, j) += s[i * 8 + k] != s[j * 8 + k];
  return d;
}

// -log p(y) / n the textbook way: a plain Cholesky, no tiles.
double reference_loss(const Matrix &dp, const std::vector<double> &y, double s2, double l,
                      double noise) {
  const size_t n = y.size();
  std::vector<double> k(n * n), c(n * n, 0.0);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j)
      k[i * n + j] = s2 * std::exp(-dp(i, j) / l) + (i == j ? noise : 0);
  for (size_t j = 0; j < n; ++j)
    for (size_t i = j; i < n; ++i) {
      double v = k[i * n + j];
      for (size_t m = 0; m < j; ++m)
        v -= c[i * n + m] * c[j * n + m];
      c[i * n + j] = i == j ? std::sqrt(v) : v / c[j * n + j];
    }
  std::vector<double> z = y; // L z = y: y^T K^-1 y = |z|^2
  double fit = 0, log_det = 0;
  for (size_t i = 0; i < n; ++i) {
    for (size_t m = 0; m < i; ++m)
      z[i] -= c[i * n + m] * z[m];
    z[i] /= c[i * n + i];
    fit += z[i] * z[i];
    log_det += 2 * std::log(c[i * n + i]);
  }
  return (0.5 * fit + 0.5 * log_det) / static_cast<double>(n) + 0.5 * std::log(2 * M_PI);
}

TEST(MarginalLikelihood, ValueMatchesTheTextbookAndGradientMatchesFiniteDifferences) {
  const size_t n = 45;
  Matrix dp = distances(n, 4);
  std::vector<double> y(n);
  for (size_t i = 0; i < n; ++i)
    y[i] = std::cos(0.7 * static_cast<double>(i)) + 0.1 * dp(i, 0);
  nas::gp::MarginalLikelihood lik(dp, y);
  const std::array<double, 3> at = {std::log(1.3), std::log(2.5), std::log(0.05)};
  std::array<double, 3> grad{}, unused{};
  const double loss = lik.evaluate(at, grad);
  EXPECT_NEAR(loss, reference_loss(dp, y, 1.3, 2.5, 0.05), 1e-12);
  for (int p = 0; p < 3; ++p) {
    const double h = 1e-5;
    std::array<double, 3> up = at, down = at;
    up[p] += h;
    down[p] -= h;
    const double numeric = (lik.evaluate(up, unused) - lik.evaluate(down, unused)) / (2 * h);
    EXPECT_NEAR(grad[p], numeric, 1e-7 * (1 + std::abs(numeric))) << "parameter " << p;
  }
}

TEST(MarginalLikelihood, AMatrixThatDoesNotFactorizeGivesNaN) {
  // Two identical points and a noise of 1e-300: K = [[1, 1], [1, 1]] to the last bit, singular.
  Matrix dp(2, 2);
  nas::gp::MarginalLikelihood lik(dp, {1.0, -1.0});
  std::array<double, 3> grad = {7, 7, 7};
  EXPECT_TRUE(std::isnan(lik.evaluate({0.0, 0.0, std::log(1e-300)}, grad)));
  EXPECT_EQ(grad[0], 7); // untouched
}

} // namespace
