#include "network_edit.hpp"

#include <nas/plugin.hpp>

#include <algorithm>
#include <limits>
#include <numeric>
#include <tuple>

namespace nas::distances {

namespace {

bool edge_less(const OpEdge &x, const OpEdge &y) {
  return std::tie(x.from, x.to, x.op) < std::tie(y.from, y.to, y.op);
}
bool same_slot(const OpEdge &x, const OpEdge &y) { return x.from == y.from && x.to == y.to; }

// The edges of `c` numbered in a cell of `n` nodes: a "last" cell's output becomes n - 1.
void number(const OpCell &c, int n, std::vector<OpEdge> &out) {
  out.assign(c.edges.begin(), c.edges.end());
  if (!c.concat)
    for (OpEdge &e : out)
      if (e.to == c.nodes - 1)
        e.to = n - 1;
}

// Two multisets of ops on one slot (each sorted): equal ops pair up for free; of the rest,
// as many as possible change op, the others are inserted or deleted.
double slot_cost(const OpEdge *a, size_t na, const OpEdge *b, size_t nb, const EditCosts &c) {
  if (na == 1 && nb == 1) // the common case: one edge per slot
    return c.single(a->op, b->op);
  size_t i = 0, j = 0, equal = 0;
  while (i < na && j < nb) {
    if (a[i].op < b[j].op)
      ++i;
    else if (b[j].op < a[i].op)
      ++j;
    else
      ++equal, ++i, ++j;
  }
  const size_t ra = na - equal, rb = nb - equal;
  return static_cast<double>(std::min(ra, rb)) * c.change() +
         static_cast<double>(std::max(ra, rb) - std::min(ra, rb)) * c.edge;
}

// The cost of editing sorted edges `a` into sorted edges `b`, slot by slot; stops once it
// reaches `bound` (the caller only needs to know it is no better).
double edges_cost(const std::vector<OpEdge> &a, const std::vector<OpEdge> &b, const EditCosts &c,
                  double bound) {
  double cost = 0;
  size_t i = 0, j = 0;
  while ((i < a.size() || j < b.size()) && cost < bound) {
    const OpEdge &slot = j == b.size() || (i < a.size() && edge_less(a[i], b[j])) ? a[i] : b[j];
    size_t i2 = i, j2 = j;
    while (i2 < a.size() && same_slot(a[i2], slot))
      ++i2;
    while (j2 < b.size() && same_slot(b[j2], slot))
      ++j2;
    cost += slot_cost(a.data() + i, i2 - i, b.data() + j, j2 - j, c);
    i = i2, j = j2;
  }
  return cost;
}

// The common case as n x n op matrices (kAbsent where no edge), false when a slot holds
// several edges. A "last" cell's output becomes node n - 1.
bool as_matrix(const OpCell &c, int n, std::vector<int> &m) {
  m.assign(static_cast<size_t>(n * n), kAbsent);
  for (const OpEdge &e : c.edges) {
    const int to = !c.concat && e.to == c.nodes - 1 ? n - 1 : e.to;
    int &slot = m[static_cast<size_t>(e.from * n + to)];
    if (slot != kAbsent)
      return false;
    slot = e.op;
  }
  return true;
}

// Slot (u, v) of a against slot (node[u], node[v]) of b: that visits every slot of b once.
double matrix_cost(const std::vector<int> &a, const std::vector<int> &b, int n,
                   const std::vector<int> &node, const EditCosts &c, double bound) {
  double cost = 0;
  for (int u = 0; u < n && cost < bound; ++u)
    for (int v = 0; v < n; ++v) {
      const int x = a[static_cast<size_t>(u * n + v)];
      const int y =
          b[static_cast<size_t>(node[static_cast<size_t>(u)] * n + node[static_cast<size_t>(v)])];
      if (x != y)
        cost += c.single(x, y);
    }
  return cost;
}

} // namespace

int intermediate_nodes(int inputs, int nodes, bool concat) {
  return std::max(0, nodes - inputs - (concat ? 0 : 1));
}

double cell_edit_distance(const OpCell &a, const OpCell &b, const EditCosts &costs,
                          int max_permuted) {
  if (a.inputs != b.inputs || a.concat != b.concat)
    throw Failed("cells with different inputs or outputs cannot be compared");
  thread_local std::vector<OpEdge> ea, eb, mapped; // reused: no allocation per call
  thread_local std::vector<int> node, ma, mb;
  const int n = std::max(a.nodes, b.nodes);
  node.resize(static_cast<size_t>(n));
  std::iota(node.begin(), node.end(), 0); // node[u]: where a's node u goes in b
  const int m = intermediate_nodes(a.inputs, n, a.concat);
  const bool permute = m >= 2 && m <= max_permuted;
  const auto first = node.begin() + a.inputs, last = first + m;
  double best = std::numeric_limits<double>::infinity();

  if (as_matrix(a, n, ma) && as_matrix(b, n, mb)) {
    do
      best = std::min(best, matrix_cost(ma, mb, n, node, costs, best));
    while (best > 0 && permute && std::next_permutation(first, last));
    return best;
  }
  // Several edges on one slot: sorted edge lists, slot by slot.
  number(a, n, ea);
  number(b, n, eb);
  std::sort(eb.begin(), eb.end(), edge_less);
  do {
    mapped.clear();
    for (const OpEdge &e : ea)
      mapped.push_back({node[static_cast<size_t>(e.from)], node[static_cast<size_t>(e.to)], e.op});
    std::sort(mapped.begin(), mapped.end(), edge_less);
    best = std::min(best, edges_cost(mapped, eb, costs, best));
  } while (best > 0 && permute && std::next_permutation(first, last));
  return best;
}

double chain_edit_distance(const std::vector<int> &a, const std::vector<int> &b,
                           const EditCosts &costs) {
  double cost = 0;
  for (size_t i = 0; i < std::max(a.size(), b.size()); ++i)
    cost += costs.single(i < a.size() ? a[i] : kAbsent, i < b.size() ? b[i] : kAbsent);
  return cost;
}

double network_edit_distance(const OpNetwork &a, const OpNetwork &b, const EditCosts &costs,
                             int max_permuted) {
  double cost = chain_edit_distance(a.chain, b.chain, costs);
  for (size_t i = 0; i < std::min(a.cells.size(), b.cells.size()); ++i)
    cost += cell_edit_distance(a.cells[i], b.cells[i], costs, max_permuted);
  return cost;
}

} // namespace nas::distances
