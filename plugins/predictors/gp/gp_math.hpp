// The GP's matrix work behind a torch-free interface: maximizing the log marginal likelihood
// (LibTorch's L-BFGS or Adam stepping the parameters; the likelihood and its gradient from
// marginal_likelihood, plain C++), factorizing the kernel matrix with jitter (dense_linalg;
// a PSD projection through LibTorch's eigh where the distance gives no valid kernel), and the
// joint posterior (LibTorch). gp_math.cpp is the plugin's only file that includes torch (~40 s
// to compile).
//
// Every input matrix holds d^p (the distance to the kernel's power), every target vector is
// already standardized; results are on that standardized scale.
#pragma once

#include "gp_types.hpp"

#include <array>
#include <cstdint>
#include <utility>
#include <vector>

namespace nas::gp {

// How the kernel matrix is treated: `psd_known` skips the eigenvalue check (an RBF on
// features is PSD by construction); otherwise negative eigenvalues are clipped when
// `repair`, and left to fail the factorization when not.
struct KernelPolicy {
  bool psd_known = false;
  bool repair = true;
};

enum class Optimizer { lbfgs, adam };

struct FitOptions {
  KernelPolicy policy;
  Optimizer optimizer = Optimizer::lbfgs;
  int steps = 50; // optimizer iterations per start
  LogBox bounds;
};

struct FitResult {
  Hyper hyper;
  double log_likelihood = 0; // the best reached, standardized targets
  int evaluations = 0;       // likelihood evaluations over all starts
};

// Maximizes the log marginal likelihood from each of `starts` (clamped into the bounds);
// returns the best point any evaluation reached. Throws nas::Failed when no start gave a
// kernel matrix that factorizes.
FitResult fit_hyperparameters(const Matrix &dp, const std::vector<double> &y,
                              const std::vector<Hyper> &starts, const FitOptions &options);

// The Cholesky factor of K = s^2 C + (noise + jitter) I and alpha = K^-1 y.
struct Factor {
  size_t n = 0;
  std::vector<double> lower; // n*n row-major, lower triangle
  std::vector<double> alpha; // n
  double jitter = 0;         // what was added to the diagonal
  bool repaired = false;     // C had negative eigenvalues that were clipped
  double log_likelihood = 0;
};

// Tries jitter = `jitter` x the mean diagonal, then 10x more up to `retries` times (from
// 1e-12 when `jitter` is 0); throws nas::Failed naming the matrix when all fail.
Factor factorize(const Matrix &dp, const std::vector<double> &y, const Hyper &hyper,
                 const KernelPolicy &policy, double jitter, int retries);

// The joint posterior of the latent function at m points: `cross` (m x n) and `self`
// (m x m) hold d^p to the training points and among the points. Returns {mean, covariance}.
std::pair<std::vector<double>, std::vector<double>>
joint_posterior(const Factor &factor, const Hyper &hyper, const Matrix &cross, const Matrix &self);

// torch's intra-op threads (process-wide).
void set_threads(int threads);

} // namespace nas::gp
