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

// The profile over s^2 is the full loss at the best s^2 the box allows, no full-loss point on
// that fiber is lower, and its gradient matches finite differences: free, held by the signal
// box, and held by the noise floor (where s^2 moves with r).
TEST(MarginalLikelihood, ProfileIsTheFullLossMinimizedOverTheSignalVarianceWithinTheBox) {
  const size_t n = 40;
  Matrix dp = distances(n, 5);
  std::vector<double> y(n);
  for (size_t i = 0; i < n; ++i)
    y[i] = std::sin(0.9 * static_cast<double>(i)) + 0.2 * dp(i, 1);
  nas::gp::MarginalLikelihood lik(dp, y);
  struct Case {
    const char *name;
    nas::gp::LogBox box;
    std::array<double, 2> u; // log l, log r
  };
  const double lg = std::log(10.0);
  const Case cases[] = {
      {"free", {{-5 * lg, -3, -6 * lg}, {5 * lg, 3, 1 * lg}}, {std::log(2.0), std::log(0.1)}},
      {"signal box", {{-5 * lg, -3, -6 * lg}, {-2 * lg, 3, 1 * lg}}, {std::log(2.0), -1.0}},
      {"noise floor", {{-5 * lg, -3, -1 * lg}, {5 * lg, 3, 1 * lg}}, {std::log(2.0), -4.0}},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(c.name);
    double log_s2 = 0;
    std::array<double, 2> grad{}, unused2{};
    std::array<double, 3> unused3{};
    const double profile = lik.evaluate_profile(c.u, c.box, log_s2, grad);
    const double lo = std::max(c.box.lo[0], c.box.lo[2] - c.u[1]),
                 hi = std::min(c.box.hi[0], c.box.hi[2] - c.u[1]);
    ASSERT_GE(log_s2, lo - 1e-12);
    ASSERT_LE(log_s2, hi + 1e-12);
    EXPECT_NEAR(profile, lik.evaluate({log_s2, c.u[0], log_s2 + c.u[1]}, unused3), 1e-12);
    for (int k = 0; k <= 20; ++k) {
      const double s = lo + (hi - lo) * k / 20.0;
      EXPECT_GE(lik.evaluate({s, c.u[0], s + c.u[1]}, unused3), profile - 1e-12) << s;
    }
    for (int p = 0; p < 2; ++p) {
      const double h = 1e-6;
      std::array<double, 2> up = c.u, down = c.u;
      up[p] += h;
      down[p] -= h;
      double ignored = 0;
      const double numeric = (lik.evaluate_profile(up, c.box, ignored, unused2) -
                              lik.evaluate_profile(down, c.box, ignored, unused2)) /
                             (2 * h);
      EXPECT_NEAR(grad[p], numeric, 1e-6 * (1 + std::abs(numeric))) << "parameter " << p;
    }
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
