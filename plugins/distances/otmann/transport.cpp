#include "transport.hpp"

#include <algorithm>
#include <limits>

namespace nas::distances {

// Leaving a layer unmatched costs `unmatched`, so matching i with j saves 2 x unmatched -
// cost(i, j) over leaving both; pairs that save nothing are never worth it. The least total
// is therefore unmatched x (rows + cols) minus the largest saving of a matching, and savings
// are >= 0, so some largest matching covers the smaller side: a rectangular assignment
// (smaller side x larger side) on costs min(cost, 2 unmatched) - 2 unmatched, solved by the
// Hungarian method with potentials (shortest augmenting paths, O(small^2 x large)): rows are
// added one at a time, each reaching a free column along the cheapest path in reduced costs.
double least_transport_cost(const std::vector<double> &cost, size_t rows, size_t cols,
                            double unmatched) {
  const bool transposed = rows > cols;
  const size_t n = transposed ? cols : rows, m = transposed ? rows : cols;
  const double cap = 2 * unmatched;
  auto at = [&](size_t i, size_t j) { // i < n, j < m
    const double c = transposed ? cost[j * cols + i] : cost[i * cols + j];
    return std::min(c, cap) - cap;
  };
  const double inf = std::numeric_limits<double>::infinity();
  thread_local std::vector<double> u, v, least;
  thread_local std::vector<size_t> match, way; // match[j]: the row (1-based) column j holds
  thread_local std::vector<char> used;
  u.assign(n + 1, 0);
  v.assign(m + 1, 0);
  match.assign(m + 1, 0);
  way.assign(m + 1, 0);
  for (size_t i = 1; i <= n; ++i) {
    match[0] = i;
    size_t j0 = 0;
    least.assign(m + 1, inf);
    used.assign(m + 1, 0);
    do {
      used[j0] = 1;
      const size_t i0 = match[j0];
      double delta = inf;
      size_t j1 = 0;
      for (size_t j = 1; j <= m; ++j) {
        if (used[j])
          continue;
        const double reduced = at(i0 - 1, j - 1) - u[i0] - v[j];
        if (reduced < least[j]) {
          least[j] = reduced;
          way[j] = j0;
        }
        if (least[j] < delta) {
          delta = least[j];
          j1 = j;
        }
      }
      for (size_t j = 0; j <= m; ++j) {
        if (used[j]) {
          u[match[j]] += delta;
          v[j] -= delta;
        } else {
          least[j] -= delta;
        }
      }
      j0 = j1;
    } while (match[j0] != 0);
    do { // flip the augmenting path
      const size_t j1 = way[j0];
      match[j0] = match[j1];
      j0 = j1;
    } while (j0 != 0);
  }
  double total = unmatched * static_cast<double>(rows + cols);
  for (size_t j = 1; j <= m; ++j)
    if (match[j] != 0)
      total += at(match[j] - 1, j - 1);
  return total;
}

} // namespace nas::distances
