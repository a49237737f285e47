// The costs of the graph edit distance: an op substitution on an edge, and an edge inserted
// or deleted (a `none` op is an absent edge).
#ifndef NAS_PLUGINS_DISTANCES_GRAPH_EDIT_EDIT_COSTS_HPP
#define NAS_PLUGINS_DISTANCES_GRAPH_EDIT_EDIT_COSTS_HPP

#include <algorithm>

namespace nas::distances {

struct EditCosts {
  double substitution = 1.0;
  double edge = 1.0;
  // What changing an edge's op costs: a substitution, unless deleting the edge and
  // inserting it again is cheaper (the distance is the cheapest edit sequence).
  double change() const { return std::min(substitution, 2.0 * edge); }
  // One slot holding op `a` or none (kAbsent, < 0) against one holding `b`.
  double single(int a, int b) const {
    if (a == b)
      return 0.0;
    return (a < 0 || b < 0) ? edge : change();
  }
};

} // namespace nas::distances

#endif
