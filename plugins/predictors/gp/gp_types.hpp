// Plain types shared by the torch-free side of the GP and its one torch file: hyperparameters
// and a row-major dense matrix. No torch here, so including this costs nothing.
#pragma once

#include <array>
#include <cstddef>
#include <vector>

namespace nas::gp {

// k(a, b) = signal_variance * exp(-d(a, b)^p / lengthscale), plus noise_variance on the
// diagonal; all on the scale of the (standardized) targets.
struct Hyper {
  double signal_variance = 1.0;
  double lengthscale = 1.0;
  double noise_variance = 1e-2;
};

// Natural-log bounds of (signal_variance, lengthscale, noise_variance).
struct LogBox {
  std::array<double, 3> lo{}, hi{};
};

struct Matrix {
  size_t rows = 0, cols = 0;
  std::vector<double> data; // row-major
  Matrix() = default;
  Matrix(size_t r, size_t c) : rows(r), cols(c), data(r * c, 0.0) {}
  double &operator()(size_t i, size_t j) { return data[i * cols + j]; }
  double operator()(size_t i, size_t j) const { return data[i * cols + j]; }
};

} // namespace nas::gp
