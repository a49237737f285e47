#include "dense_linalg.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

// The hot loops get an AVX2 + FMA clone next to the portable one; the dynamic loader picks the
// one this CPU runs (GCC's function multiversioning). Other compilers get the portable code.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define NAS_GP_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define NAS_GP_CLONES
#endif

// The vector helpers below are internal and always inlined: no call passes a vector, so the
// AVX ABI note GCC gives for them does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace nas::gp {

namespace {

// Four doubles; GCC splits it into two SSE2 halves where AVX is missing. aligned(8): rows
// start anywhere.
typedef double v4 __attribute__((vector_size(32), aligned(8)));

inline v4 load(const double *p) {
  v4 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

inline double sum(v4 v) { return (v[0] + v[1]) + (v[2] + v[3]); }

constexpr size_t kTile = 4;
// Rows of a block: its 4-row tiles take turns with each column tile, so the column tile's
// rows are read from memory once per block (from cache for the block's other tiles) and the
// block's own rows (32 x n doubles: 256 KB at n = 1,000) stay in L2.
constexpr size_t kBlock = 32;

// The tiles (i0, j0), j0 <= i0, of an n x n lower triangle are visited in an order where every
// tile comes after the tiles of the rows above it and the tiles to its left: blocks of rows
// top to bottom, column tiles left to right, the block's row tiles top to bottom. Written out
// as loops in each routine (not a helper taking a lambda): the lambda would be compiled
// without the AVX2 clone's target.

// out[r][c] = sum_{k0 <= k < k1} a[r][k] b[c][k] for a 4 x 4 tile of row pointers, in two
// 4 x 2 halves (8 accumulators, 4 + 1 loads in flight: fits 16 vector registers).
inline __attribute__((always_inline)) void dot_tile(const double *const a[4],
                                                    const double *const b[4], size_t k0,
                                                    size_t k1, double out[4][4]) {
  for (int half = 0; half < 4; half += 2) {
    v4 acc[4][2] = {};
    size_t k = k0;
    for (; k + 4 <= k1; k += 4) {
      v4 x0 = load(a[0] + k), x1 = load(a[1] + k), x2 = load(a[2] + k), x3 = load(a[3] + k);
      for (int c = 0; c < 2; ++c) {
        v4 y = load(b[half + c] + k);
        acc[0][c] += x0 * y;
        acc[1][c] += x1 * y;
        acc[2][c] += x2 * y;
        acc[3][c] += x3 * y;
      }
    }
    for (int r = 0; r < 4; ++r)
      for (int c = 0; c < 2; ++c) {
        double s = sum(acc[r][c]);
        for (size_t t = k; t < k1; ++t)
          s += a[r][t] * b[half + c][t];
        out[r][half + c] = s;
      }
  }
}

// Row pointers of a tile starting at row `first`; rows past n repeat the last row (their
// results are discarded).
inline void rows_of(const double *m, size_t n, size_t first, const double *out[4]) {
  for (size_t r = 0; r < kTile; ++r)
    out[r] = m + std::min(first + r, n - 1) * n;
}

} // namespace

NAS_GP_CLONES double dot(const double *a, const double *b, size_t n) {
  v4 acc0 = {}, acc1 = {};
  size_t k = 0;
  for (; k + 8 <= n; k += 8) {
    acc0 += load(a + k) * load(b + k);
    acc1 += load(a + k + 4) * load(b + k + 4);
  }
  double s = sum(acc0 + acc1);
  for (; k < n; ++k)
    s += a[k] * b[k];
  return s;
}

// Crout's row-oriented order: tile (i0, j0) of L needs rows i0.. and j0.. left of column j0
// (earlier tiles) for its dot products, then the columns inside the tile left to right.
NAS_GP_CLONES bool cholesky_lower(std::vector<double> &a, size_t n) {
  double *l = a.data();
  for (size_t i = 0; i < n; ++i)
    std::fill(l + i * n + i + 1, l + (i + 1) * n, 0.0);
  for (size_t b0 = 0; b0 < n; b0 += kBlock) {
    const size_t b1 = std::min(b0 + kBlock, n);
    for (size_t j0 = 0; j0 < b1; j0 += kTile)
      for (size_t i0 = std::max(b0, j0); i0 < b1; i0 += kTile) {
        const double *ra[4], *rb[4];
        double s[4][4];
        const size_t ni = std::min(kTile, n - i0), nj = std::min(kTile, n - j0);
        rows_of(l, n, i0, ra);
        rows_of(l, n, j0, rb);
        dot_tile(ra, rb, 0, j0, s);
        for (size_t c = 0; c < nj; ++c) {
          const size_t j = j0 + c;
          const double *lj = l + j * n;
          for (size_t r = 0; r < ni; ++r) {
            const size_t i = i0 + r;
            if (i < j)
              continue;
            double *li = l + i * n;
            double v = li[j] - s[r][c];
            for (size_t k = j0; k < j; ++k)
              v -= li[k] * lj[k];
            if (i == j) {
              if (!(v > 0))
                return false;
              li[j] = std::sqrt(v);
            } else {
              li[j] = v / lj[j];
            }
          }
        }
      }
  }
  return true;
}

// W = L^-1 is kept transposed (wt[j][i] = W[i][j], upper triangular) so that both W's
// recurrence, W[i][j] = -sum_{j <= k < i} L[i][k] W[k][j] / L[i][i], and K^-1[i][j] =
// sum_k W[k][i] W[k][j] are dot products of contiguous rows. The zeros below wt's diagonal
// let every tile run its dot products over a common range.
NAS_GP_CLONES void inverse_from_cholesky(const std::vector<double> &lower, size_t n,
                                         std::vector<double> &inv, std::vector<double> &work) {
  const double *l = lower.data();
  work.assign(n * n, 0.0);
  double *wt = work.data();
  for (size_t b0 = 0; b0 < n; b0 += kBlock) {
    const size_t b1 = std::min(b0 + kBlock, n);
    for (size_t j0 = 0; j0 < b1; j0 += kTile)
      for (size_t i0 = std::max(b0, j0); i0 < b1; i0 += kTile) {
        const double *ra[4], *rb[4];
        double s[4][4];
        const size_t ni = std::min(kTile, n - i0), nj = std::min(kTile, n - j0);
        rows_of(l, n, i0, ra);
        rows_of(wt, n, j0, rb);
        dot_tile(ra, rb, j0, i0, s); // k < i0: rows above this tile, all done
        for (size_t r = 0; r < ni; ++r) {
          const size_t i = i0 + r;
          const double *li = l + i * n;
          for (size_t c = 0; c < nj; ++c) {
            const size_t j = j0 + c;
            if (i < j)
              continue;
            double *wj = wt + j * n;
            if (i == j) {
              wj[i] = 1.0 / li[i];
              continue;
            }
            double v = s[r][c];
            for (size_t k = i0; k < i; ++k) // rows of this tile above i
              v += li[k] * wj[k];
            wj[i] = -v / li[i];
          }
        }
      }
  }
  inv.assign(n * n, 0.0);
  double *out = inv.data();
  for (size_t b0 = 0; b0 < n; b0 += kBlock) {
    const size_t b1 = std::min(b0 + kBlock, n);
    for (size_t j0 = 0; j0 < b1; j0 += kTile)
      for (size_t i0 = std::max(b0, j0); i0 < b1; i0 += kTile) {
        const double *ra[4], *rb[4];
        double s[4][4];
        const size_t ni = std::min(kTile, n - i0), nj = std::min(kTile, n - j0);
        rows_of(wt, n, i0, ra);
        rows_of(wt, n, j0, rb);
        dot_tile(ra, rb, i0, n, s); // wt[i][k] = 0 for k < i
        for (size_t r = 0; r < ni; ++r)
          for (size_t c = 0; c < nj; ++c)
            if (j0 + c <= i0 + r)
              out[(i0 + r) * n + j0 + c] = s[r][c];
      }
  }
}

void solve_lower(const std::vector<double> &lower, size_t n, std::vector<double> &b) {
  for (size_t i = 0; i < n; ++i) {
    const double *li = lower.data() + i * n;
    b[i] = (b[i] - dot(li, b.data(), i)) / li[i];
  }
}

void solve_lower_transposed(const std::vector<double> &lower, size_t n, std::vector<double> &b) {
  // Column-oriented: once x[i] is known, take its share out of every earlier row.
  for (size_t i = n; i-- > 0;) {
    const double *li = lower.data() + i * n;
    b[i] /= li[i];
    const double x = b[i];
    for (size_t k = 0; k < i; ++k)
      b[k] -= li[k] * x;
  }
}

} // namespace nas::gp
