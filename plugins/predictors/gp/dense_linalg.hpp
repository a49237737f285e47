// The dense linear algebra a GP fit repeats per likelihood evaluation, in plain C++: Cholesky
// factorization, the inverse from the factor, triangular solves. Row-major n x n buffers.
//
// Why not LibTorch's (LAPACK's) routines: Debian links LibTorch to the reference BLAS, about
// 1 GFLOP/s on these routines; these are tiled dot-product loops over contiguous rows (4 x 4
// tiles, 4-wide vectors) compiled with -O3 and, where the CPU has it, AVX2 + FMA (a clone
// chosen at load time), several times faster at n = 1,000 (bench/gp measures it).
#pragma once

#include <cstddef>
#include <vector>

namespace nas::gp {

// Overwrites the lower triangle of `a` (n x n, symmetric, only the lower triangle read) with
// its Cholesky factor L (a = L L^T) and zeroes the upper triangle. False, leaving `a` partly
// overwritten, when a pivot is not positive (or NaN): `a` is not positive definite.
bool cholesky_lower(std::vector<double> &a, size_t n);

// From the factor L of `cholesky_lower`, the lower triangle of K^-1 = L^-T L^-1 (the upper
// triangle zero). `work` is scratch of n*n (kept by the caller to avoid reallocations).
void inverse_from_cholesky(const std::vector<double> &lower, size_t n, std::vector<double> &inv,
                           std::vector<double> &work);

// Solves L x = b in place (forward substitution).
void solve_lower(const std::vector<double> &lower, size_t n, std::vector<double> &b);
// Solves L^T x = b in place (back substitution).
void solve_lower_transposed(const std::vector<double> &lower, size_t n, std::vector<double> &b);

// sum a[i] b[i], with independent partial sums so it vectorizes.
double dot(const double *a, const double *b, size_t n);

} // namespace nas::gp
