#include "transport.hpp"

#include <algorithm>
#include <limits>

namespace nas::distances {

// The Hungarian method with potentials (shortest augmenting paths, O(N^3)): rows are added
// one at a time, each reaching a free column along the cheapest path in reduced costs.
double least_transport_cost(const std::vector<double> &cost, size_t rows, size_t cols,
                            double unmatched) {
  const size_t n = rows + cols; // each side padded with a dummy per layer of the other
  const double cap = 2 * unmatched;
  auto at = [&](size_t i, size_t j) -> double {
    if (i < rows && j < cols)
      return std::min(cost[i * cols + j], cap); // above 2x unmatched, leave both unmatched
    if (i < rows || j < cols)
      return unmatched; // a layer to a dummy
    return 0;           // dummy to dummy
  };
  const double inf = std::numeric_limits<double>::infinity();
  thread_local std::vector<double> u, v, least;
  thread_local std::vector<size_t> match, way; // match[j]: the row (1-based) column j holds
  thread_local std::vector<char> used;
  u.assign(n + 1, 0);
  v.assign(n + 1, 0);
  match.assign(n + 1, 0);
  way.assign(n + 1, 0);
  for (size_t i = 1; i <= n; ++i) {
    match[0] = i;
    size_t j0 = 0;
    least.assign(n + 1, inf);
    used.assign(n + 1, 0);
    do {
      used[j0] = 1;
      const size_t i0 = match[j0];
      double delta = inf;
      size_t j1 = 0;
      for (size_t j = 1; j <= n; ++j) {
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
      for (size_t j = 0; j <= n; ++j) {
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
  double total = 0;
  for (size_t j = 1; j <= n; ++j)
    total += at(match[j] - 1, j - 1);
  return total;
}

} // namespace nas::distances
