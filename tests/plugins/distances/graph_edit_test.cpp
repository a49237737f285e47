// The built nas.distance.graph_edit through the C ABI: hand-computed edit distances on NB201
// cells (substitutions, edge insertions and deletions, the node 1/2 relabelling), costs, an
// independent NB201 computation, the metric axioms, NAS-Bench-Macro's chain, rendered
// against decoded networks, config errors and calls from several threads.
#include "distance_test_support.hpp"
#include "network_edit.hpp" // compiled into this test: cells the spaces cannot make
#include "plugin_harness.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <set>
#include <string>
#include <vector>

namespace {

using nas::Choices;
using nas::DistanceRef;
using nas::test::Harness;
using nas::test::nb201_cell;
using nas::test::random_arch;

constexpr const char *kName = "nas.distance.graph_edit";

// One slot with op a against op b (0 = none), unit costs.
double slot(int a, int b) { return a == b ? 0.0 : 1.0; }

// NB201's exact edit distance with unit costs, written out: nodes 0 and 3 are fixed, so the
// only relabelling swaps nodes 1 and 2. Swapped, a's edges 1<-0, 2<-0, 3<-1, 3<-2 land on
// b's 2<-0, 1<-0, 3<-2, 3<-1, and a's 2<-1 becomes 1<-2, which no cell has.
double nb201_edit_distance(const Choices &a, const Choices &b) {
  double fixed = 0;
  for (size_t i = 0; i < 6; ++i)
    fixed += slot(a[i], b[i]);
  const double swapped = slot(a[0], b[1]) + slot(a[1], b[0]) + slot(a[3], b[3]) + slot(a[4], b[5]) +
                         slot(a[5], b[4]) + (a[2] != 0) + (b[2] != 0);
  return std::min(fixed, swapped);
}

// The same cell with nodes 1 and 2 swapped (a cell only when 2<-1 is none).
Choices swap_nodes(const Choices &c) { return {c[1], c[0], c[2], c[3], c[5], c[4]}; }

TEST(GraphEditNb201, HandComputedValues) {
  Harness h(0, "nas.space.nb201");
  DistanceRef d = h.distance(kName);
  const Choices all_c3 = nb201_cell("c3 c3 c3 c3 c3 c3");
  EXPECT_EQ(d(all_c3, all_c3), 0.0);
  EXPECT_EQ(d(all_c3, nb201_cell("c3 c3 c3 - c3 c3")), 1.0);     // one edge deleted
  EXPECT_EQ(d(nb201_cell("- - - - - -"), all_c3), 6.0);          // six edges inserted
  EXPECT_EQ(d(all_c3, nb201_cell("skip c3 c3 c3 c3 avg")), 2.0); // two substitutions
  // One substitution (2<-0), two insertions (2<-1, 3<-0), one deletion (3<-2): by number,
  // 4; with nodes 1 and 2 swapped, 6 (every slot differs).
  const Choices a = nb201_cell("c3 skip - - c1 avg"), b = nb201_cell("c3 c1 c3 c1 c1 -");
  EXPECT_EQ(d(a, b), 4.0);
  EXPECT_EQ(d(b, a), 4.0);
  // The node 1/2 relabelling: the same cell written two ways is at 0, by number at 4
  // (edges 1<-0 and 3<-1 deleted, 2<-0 and 3<-2 inserted).
  const Choices via_1 = nb201_cell("c3 - - - c1 -"), via_2 = nb201_cell("- c3 - - - c1");
  EXPECT_EQ(d(via_1, via_2), 0.0);
  EXPECT_EQ(h.distance(kName, {{"permute", false}})(via_1, via_2), 4.0);
  // Relabelling beats matching by number: one substitution (3<-2) after the swap, not four.
  const Choices c = nb201_cell("c3 c1 - skip avg c1"), e = nb201_cell("c1 c3 - skip c1 c3");
  EXPECT_EQ(d(c, e), 1.0);
  EXPECT_EQ(h.distance(kName, {{"permute", false}})(c, e), 4.0);
}

TEST(GraphEditNb201, CostsAreConfigurable) {
  Harness h(0, "nas.space.nb201");
  const Choices all_c3 = nb201_cell("c3 c3 c3 c3 c3 c3"), one_gone = nb201_cell("c3 c3 c3 - c3 c3"),
                two_subs = nb201_cell("skip c3 c3 c3 c3 avg");
  DistanceRef edges = h.distance(kName, {{"edge", 2.5}});
  EXPECT_EQ(edges(all_c3, one_gone), 2.5);
  EXPECT_EQ(edges(all_c3, two_subs), 2.0);
  DistanceRef cheap = h.distance(kName, {{"substitution", 0.5}});
  EXPECT_EQ(cheap(all_c3, two_subs), 1.0);
  EXPECT_EQ(cheap(all_c3, one_gone), 1.0);
  // A substitution never costs more than deleting the edge and inserting it anew.
  DistanceRef dear = h.distance(kName, {{"substitution", 3.0}, {"edge", 1}});
  EXPECT_EQ(dear(all_c3, two_subs), 4.0);
  // The mixed pair above: by number 1 substitution + 3 insertions/deletions.
  DistanceRef mixed = h.distance(kName, {{"substitution", 1.0}, {"edge", 2.0}});
  EXPECT_EQ(mixed(nb201_cell("c3 skip - - c1 avg"), nb201_cell("c3 c1 c3 c1 c1 -")), 7.0);
}

TEST(GraphEditNb201, MatchesAnIndependentComputation) {
  Harness h(0, "nas.space.nb201");
  DistanceRef d = h.distance(kName), by_number = h.distance(kName, {{"permute", false}});
  nas::Rng rng(21);
  for (int i = 0; i < 20000; ++i) {
    Choices a = random_arch(h.space(), rng), b = random_arch(h.space(), rng);
    if (i % 3 == 0) // isomorphic pairs and their neighbours
      b = swap_nodes(a), b[2] = 0, a[2] = i % 2 ? 0 : a[2];
    const double ab = d(a, b);
    ASSERT_EQ(ab, nb201_edit_distance(a, b))
        << h.space().to_string(a) << " vs " << h.space().to_string(b);
    ASSERT_EQ(d(b, a), ab);
    ASSERT_EQ(d(a, a), 0.0);
    size_t hamming = 0; // by number with unit costs, every differing slot costs 1
    for (size_t j = 0; j < 6; ++j)
      hamming += a[j] != b[j];
    ASSERT_EQ(by_number(a, b), static_cast<double>(hamming));
  }
}

TEST(GraphEditNb201, IsomorphicCellsAreAtZero) {
  Harness h(0, "nas.space.nb201");
  DistanceRef d = h.distance(kName);
  nas::Rng rng(22);
  for (int i = 0; i < 2000; ++i) {
    Choices a = random_arch(h.space(), rng);
    a[2] = 0;
    ASSERT_EQ(d(a, swap_nodes(a)), 0.0) << h.space().to_string(a);
  }
}

// Edit distance under symmetric costs with substitution <= 2 x edge, minimized over a group
// of relabellings, is a metric: the triangle inequality must hold.
TEST(GraphEditNb201, TriangleInequalityHolds) {
  Harness h(0, "nas.space.nb201");
  DistanceRef d = h.distance(kName), skewed = h.distance(kName, {{"substitution", 1.5}});
  nas::Rng rng(23);
  for (int i = 0; i < 20000; ++i) {
    Choices a = random_arch(h.space(), rng), b = random_arch(h.space(), rng),
            c = random_arch(h.space(), rng);
    ASSERT_LE(d(a, c), d(a, b) + d(b, c));
    ASSERT_LE(skewed(a, c), skewed(a, b) + skewed(b, c));
  }
}

TEST(GraphEditNb201, RenderedNetworksGiveTheSameDistances) {
  Harness h(0, "nas.space.nb201");
  DistanceRef fast = h.distance(kName), rendered = h.distance(kName, {{"render", true}});
  nas::Rng rng(24);
  std::vector<Choices> archs;
  for (int i = 0; i < 300; ++i)
    archs.push_back(random_arch(h.space(), rng));
  for (size_t i = 0; i < archs.size(); ++i)
    for (size_t j = i; j < archs.size(); j += 7)
      ASSERT_EQ(rendered(archs[i], archs[j]), fast(archs[i], archs[j]));
}

TEST(GraphEditMacro, ChainLayersAreSubstitutedPerPosition) {
  Harness h(0, "nas.space.nasbench_macro");
  for (bool render : {false, true}) {
    DistanceRef d = h.distance(kName, {{"render", render}, {"substitution", 0.75}});
    EXPECT_FALSE(d.has_features());
    nas::Rng rng(25);
    for (int i = 0; i < 3000; ++i) {
      Choices a = random_arch(h.space(), rng), b = random_arch(h.space(), rng),
              c = random_arch(h.space(), rng);
      size_t hamming = 0;
      for (size_t j = 0; j < a.size(); ++j)
        hamming += a[j] != b[j];
      ASSERT_EQ(d(a, b), 0.75 * static_cast<double>(hamming));
      ASSERT_EQ(d(b, a), d(a, b));
      ASSERT_LE(d(a, c), d(a, b) + d(b, c));
    }
  }
}

// ---- test.space.two_cells: two inputs, concat output, two cell types, a stem decision ----

// two_cells' edit distance with unit costs, written out: per cell, the minimum over the 6
// relabellings of computed nodes 2, 3, 4 (all feed the concatenated output; the inputs
// stay), of the slots that differ; plus 1 when the stems differ.
double two_cell_edit_distance(const Choices &a, const Choices &b) {
  double total = a[18] != b[18];
  for (int cell = 0; cell < 2; ++cell) {
    std::map<std::pair<int, int>, int> sb;
    for (int to = 2; to < 5; ++to)
      for (int from = 0; from < to; ++from)
        if (int op = b[nas::test::two_cell_decision(cell, from, to)])
          sb[{from, to}] = op;
    std::vector<int> p = {0, 1, 2, 3, 4};
    double best = 1e9;
    do {
      std::map<std::pair<int, int>, int> sa;
      for (int to = 2; to < 5; ++to)
        for (int from = 0; from < to; ++from)
          if (int op = a[nas::test::two_cell_decision(cell, from, to)])
            sa[{p[from], p[to]}] = op;
      std::set<std::pair<int, int>> slots;
      for (const auto &[k, v] : sa)
        slots.insert(k);
      for (const auto &[k, v] : sb)
        slots.insert(k);
      double cost = 0;
      for (const auto &k : slots)
        cost += (sa.count(k) ? sa[k] : 0) != (sb.count(k) ? sb[k] : 0);
      best = std::min(best, cost);
    } while (std::next_permutation(p.begin() + 2, p.end()));
    total += best;
  }
  return total;
}

// The cell relabelled: computed node i becomes perm[i - 2] (the edges keep their ops; an
// edge that would run backwards must be none: it has no decision).
Choices relabel(const Choices &c, int cell, const std::vector<int> &perm) {
  Choices out = c;
  auto at = [&](int node) { return node < 2 ? node : perm[static_cast<size_t>(node - 2)]; };
  for (int to = 2; to < 5; ++to)
    for (int from = 0; from < to; ++from)
      if (at(from) < at(to)) // the caller made the others none
        out[nas::test::two_cell_decision(cell, at(from), at(to))] =
            c[nas::test::two_cell_decision(cell, from, to)];
  return out;
}

TEST(GraphEditTwoCells, MatchesAnIndependentComputationWhicheverTheSupernet) {
  for (const char *supernet : {"decisions", "free", "shifted"}) {
    SCOPED_TRACE(supernet);
    nas::test::TwoCellHarness h;
    nas::SpaceRef space = h.space(supernet);
    DistanceRef d = h.distance(kName);
    nas::Rng rng(27);
    for (int i = 0; i < 2000; ++i) {
      Choices a = random_arch(space, rng), b = random_arch(space, rng), c = random_arch(space, rng);
      if (i % 3 == 0) // near pairs
        b = a, b[rng.below(19)] = static_cast<int32_t>(rng.below(2));
      const double ab = d(a, b);
      ASSERT_EQ(ab, two_cell_edit_distance(a, b))
          << space.to_string(a) << " vs " << space.to_string(b);
      ASSERT_EQ(d(b, a), ab);
      ASSERT_EQ(d(a, a), 0.0);
      ASSERT_LE(d(a, c), ab + d(b, c));
    }
  }
}

TEST(GraphEditTwoCells, RelabelledCellsAreAtZero) {
  nas::test::TwoCellHarness h;
  nas::SpaceRef space = h.space("decisions");
  DistanceRef d = h.distance(kName), by_number = h.distance(kName, {{"permute", false}});
  nas::Rng rng(28);
  for (int i = 0; i < 500; ++i) {
    Choices a = random_arch(space, rng);
    // Swapping nodes 3 and 4 keeps the DAG's order when edge 4<-3 is absent.
    a[nas::test::two_cell_decision(1, 3, 4)] = 0;
    const Choices b = relabel(a, 1, {2, 4, 3});
    ASSERT_EQ(d(a, b), 0.0) << space.to_string(a);
    if (b != a) {
      ASSERT_GT(by_number(a, b), 0.0);
    }
  }
}

// ---- network_edit.cpp directly: parallel edges, cells of different sizes, chains ----------

using nas::distances::cell_edit_distance;
using nas::distances::chain_edit_distance;
using nas::distances::EditCosts;
using nas::distances::kAbsent;
using nas::distances::OpCell;

OpCell last_cell(int nodes, std::vector<nas::distances::OpEdge> edges) {
  OpCell c;
  c.inputs = 1;
  c.nodes = nodes;
  c.edges = std::move(edges);
  return c;
}

// The edit distance of two 1-input "last" cells written out with multisets per slot: the
// minimum over relabellings of nodes 1 .. n-2 of, per slot, equal ops paired for free, then
// changes, then insertions/deletions.
double multiset_edit_distance(const OpCell &a, const OpCell &b, const EditCosts &c) {
  std::map<std::pair<int, int>, std::multiset<int>> sb;
  for (const auto &e : b.edges)
    sb[{e.from, e.to}].insert(e.op);
  std::vector<int> p(static_cast<size_t>(a.nodes));
  std::iota(p.begin(), p.end(), 0);
  double best = 1e18;
  do {
    std::map<std::pair<int, int>, std::multiset<int>> sa;
    for (const auto &e : a.edges)
      sa[{p[e.from], p[e.to]}].insert(e.op);
    std::set<std::pair<int, int>> slots;
    for (const auto &kv : sa)
      slots.insert(kv.first);
    for (const auto &kv : sb)
      slots.insert(kv.first);
    double cost = 0;
    for (const auto &k : slots) {
      std::multiset<int> x = sa[k], y = sb[k];
      size_t equal = 0;
      for (auto it = x.begin(); it != x.end(); ++it)
        if (auto f = y.find(*it); f != y.end())
          y.erase(f), ++equal;
      const size_t rx = x.size() - equal, ry = y.size();
      cost += static_cast<double>(std::min(rx, ry)) * c.change() +
              static_cast<double>(std::max(rx, ry) - std::min(rx, ry)) * c.edge;
    }
    best = std::min(best, cost);
  } while (std::next_permutation(p.begin() + 1, p.end() - 1));
  return best;
}

TEST(GraphEditCells, ParallelEdgesAreMultisetsOfOps) {
  const EditCosts unit;
  const int c3 = 0, skip = 1, c1 = 2;
  const OpCell two = last_cell(2, {{0, 1, c3}, {0, 1, skip}});
  EXPECT_EQ(cell_edit_distance(two, last_cell(2, {{0, 1, c3}}), unit, 7), 1.0);
  EXPECT_EQ(cell_edit_distance(two, last_cell(2, {{0, 1, c1}, {0, 1, c1}}), unit, 7), 2.0);
  EXPECT_EQ(cell_edit_distance(two, last_cell(2, {{0, 1, skip}, {0, 1, c1}, {0, 1, c3}}), unit, 7),
            1.0);
  EditCosts dear; // a change costs at most a deletion and an insertion
  dear.substitution = 3.0;
  EXPECT_EQ(cell_edit_distance(two, last_cell(2, {{0, 1, c1}, {0, 1, c1}}), dear, 7), 4.0);
  // Parallel edges through node 1 against the same through node 2: a relabelling.
  const OpCell via_1 = last_cell(4, {{0, 1, c3}, {0, 1, skip}, {1, 3, c1}, {0, 2, c1}, {2, 3, c1}});
  const OpCell via_2 = last_cell(4, {{0, 2, c3}, {0, 2, skip}, {2, 3, c1}, {0, 1, c1}, {1, 3, c1}});
  EXPECT_EQ(cell_edit_distance(via_1, via_2, unit, 7), 0.0);
  EXPECT_EQ(cell_edit_distance(via_1, via_2, unit, 0), 4.0); // by number
}

TEST(GraphEditCells, MatchesMultisetsOnRandomCellsWithParallelEdges) {
  nas::Rng rng(29);
  EditCosts costs;
  costs.substitution = 1.5;
  for (int i = 0; i < 3000; ++i) {
    auto random_cell = [&] {
      std::vector<nas::distances::OpEdge> edges;
      for (int to = 1; to < 5; ++to)
        for (int from = 0; from < to; ++from)
          for (int k = static_cast<int>(rng.below(3)); k > 0; --k) // 0 to 2 edges per slot
            edges.push_back({from, to, static_cast<int>(rng.below(3))});
      return last_cell(5, edges);
    };
    const OpCell a = random_cell(), b = random_cell();
    ASSERT_EQ(cell_edit_distance(a, b, costs, 7), multiset_edit_distance(a, b, costs));
  }
}

TEST(GraphEditCells, CellsOfDifferentSizesArePadded) {
  const EditCosts unit;
  // 0 -> 1 -> 2 (output) against 0 -> 1 -> 3 (output) with node 2 isolated, and 0 -> 3:
  // outputs meet, so one insertion.
  EXPECT_EQ(cell_edit_distance(last_cell(3, {{0, 1, 0}, {1, 2, 1}}),
                               last_cell(4, {{0, 1, 0}, {1, 3, 1}, {0, 3, 2}}), unit, 7),
            1.0);
  OpCell concat = last_cell(3, {{0, 1, 0}, {1, 2, 1}});
  concat.concat = true;
  EXPECT_THROW(cell_edit_distance(concat, last_cell(3, {{0, 1, 0}, {1, 2, 1}}), unit, 7),
               nas::Error);
}

TEST(GraphEditCells, ChainsCompareLayerByLayer) {
  EditCosts costs;
  costs.substitution = 0.5;
  costs.edge = 2.0;
  EXPECT_EQ(chain_edit_distance({kAbsent, 1, 2, kAbsent}, {kAbsent, 1, 2, kAbsent}, costs), 0.0);
  EXPECT_EQ(chain_edit_distance({kAbsent, 1, 2}, {kAbsent, 3, 2}, costs), 0.5);
  EXPECT_EQ(chain_edit_distance({kAbsent, 1, 2}, {kAbsent, 1}, costs), 2.0);          // one deleted
  EXPECT_EQ(chain_edit_distance({kAbsent, kAbsent, 2}, {kAbsent, 1, 2}, costs), 2.0); // none
}

TEST(GraphEdit, RejectsBadCosts) {
  Harness h(0, "nas.space.nb201");
  for (const auto &[config, key] : std::vector<std::pair<nas::core::Json, std::string>>{
           {{{"edge", -1.0}}, "edge"},
           {{{"substitution", -0.5}}, "substitution"},
           {{{"max_permuted_nodes", 12}}, "max_permuted_nodes"},
           {{{"max_permuted_nodes", -1}}, "max_permuted_nodes"}}) {
    auto error = h.create_error(kName, config);
    ASSERT_TRUE(error.has_value()) << config.dump();
    EXPECT_EQ(error->key(), key);
  }
}

TEST(GraphEdit, IsThreadSafe) {
  Harness h(0, "nas.space.nb201");
  for (bool render : {false, true}) {
    DistanceRef d = h.distance(kName, {{"render", render}});
    nas::Rng rng(26);
    std::vector<Choices> archs;
    for (int i = 0; i < 300; ++i)
      archs.push_back(random_arch(h.space(), rng));
    std::vector<int> wrong(4, 0);
    nas::test::on_threads(4, [&](int t) {
      for (size_t i = 0; i < archs.size(); ++i)
        for (size_t j = static_cast<size_t>(t); j < archs.size(); j += 4)
          wrong[t] += d(archs[i], archs[j]) != nb201_edit_distance(archs[i], archs[j]);
    });
    EXPECT_EQ(wrong, std::vector<int>(4, 0)) << "render = " << render;
  }
}

TEST(GraphEdit, NeedsABoundSpaceAndValidArchitectures) {
  nas::test::expect_needs_a_bound_space_and_valid_architectures(kName);
}

} // namespace
