// The built nas.distance.path_encoding through the C ABI: hand-computed path sets on NB201
// cells, an independent count of NB201's four paths, the indicator features, NAS-Bench-Macro's
// chain, rendered against decoded networks, and calls from several threads.
#include "distance_test_support.hpp"
#include "plugin_harness.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace {

using nas::Choices;
using nas::DistanceRef;
using nas::test::Harness;
using nas::test::nb201_cell;
using nas::test::random_arch;

constexpr const char *kName = "nas.distance.path_encoding";

// NB201's input-to-output paths as decision indices (the blueprints of BANANAS/NASLib):
// 0->3, 0->1->3, 0->2->3, 0->1->2->3. A path is present when none of its edges is none, and
// labelled by its ops only, so 0->1->3 and 0->2->3 with the same ops are one path.
std::set<std::vector<int>> nb201_paths(const Choices &c) {
  static const std::vector<std::vector<int>> blueprints = {{3}, {0, 4}, {1, 5}, {0, 2, 5}};
  std::set<std::vector<int>> out;
  for (const auto &edges : blueprints) {
    std::vector<int> ops;
    for (int e : edges)
      ops.push_back(c[e]);
    if (std::find(ops.begin(), ops.end(), 0) == ops.end())
      out.insert(ops);
  }
  return out;
}

double nb201_path_distance(const Choices &a, const Choices &b) {
  auto pa = nb201_paths(a), pb = nb201_paths(b);
  size_t common = 0;
  for (const auto &p : pa)
    common += pb.count(p);
  return static_cast<double>(pa.size() + pb.size() - 2 * common);
}

double squared(const std::vector<double> &x, const std::vector<double> &y) {
  double s = 0;
  for (size_t i = 0; i < x.size(); ++i)
    s += (x[i] - y[i]) * (x[i] - y[i]);
  return s;
}

TEST(PathEncodingNb201, HandComputedValues) {
  Harness h(0, "nas.space.nb201");
  DistanceRef d = h.distance(kName);
  const Choices all_c3 = nb201_cell("c3 c3 c3 c3 c3 c3"); // {c3, c3>c3, c3>c3>c3}
  const Choices none = nb201_cell("- - - - - -");         // no path
  EXPECT_EQ(d(all_c3, none), 3.0);
  EXPECT_EQ(d(none, none), 0.0);
  // Deleting edge 3<-0 removes the one-op path only.
  EXPECT_EQ(d(all_c3, nb201_cell("c3 c3 c3 - c3 c3")), 1.0);
  // Only edge 3<-0 = {c3}: five edge insertions turn it into all_c3 and add two paths.
  const Choices only_30 = nb201_cell("- - - c3 - -");
  EXPECT_EQ(d(only_30, all_c3), 2.0);
  EXPECT_EQ(d(only_30, none), 1.0);
  // A substitution on 1<-0 changes both paths through node 1 and keeps c3>c3 (via node 2):
  // {c3, skip>c3, c3>c3, skip>c3>c3} against {c3, c3>c3, c3>c3>c3}.
  EXPECT_EQ(d(nb201_cell("skip c3 c3 c3 c3 c3"), all_c3), 3.0);
  // The best NB201 cell: {skip, c3>c3, c3>c1, c3>c3>c1}; shares c3>c3 with all_c3.
  EXPECT_EQ(d(nb201_cell("c3 c3 c3 skip c3 c1"), all_c3), 5.0);
  // Insertions and deletions that move a path from node 1 to node 2: same labelled path.
  EXPECT_EQ(d(nb201_cell("c3 - - - c1 -"), nb201_cell("- c3 - - - c1")), 0.0);
  // The same edges with the ops swapped: {c3>c1} against {c1>c3}.
  EXPECT_EQ(d(nb201_cell("c3 - - - c1 -"), nb201_cell("c1 - - - c3 -")), 2.0);
  // Deleting 3<-2 and inserting 3<-0 and 3<-1: {avg>c1>skip} against {skip, avg>c1}.
  EXPECT_EQ(d(nb201_cell("avg - c1 - - skip"), nb201_cell("avg - c1 skip c1 -")), 3.0);
}

TEST(PathEncodingNb201, EdgesNoPathUsesDoNotCount) {
  Harness h(0, "nas.space.nb201");
  DistanceRef d = h.distance(kName);
  // Node 1 gets no input (1<-0 is none): edges 2<-1 and 3<-1 leave a node nothing reaches.
  EXPECT_EQ(d(nb201_cell("- c3 c1 skip avg c3"), nb201_cell("- c3 avg skip c3 c3")), 0.0);
  EXPECT_EQ(d(nb201_cell("- c3 c1 skip avg c3"), nb201_cell("- c3 - skip - c3")), 0.0);
  // Node 2 reaches no output (3<-2 is none): edges 2<-0 and 2<-1 lead nowhere.
  EXPECT_EQ(d(nb201_cell("c3 c1 c3 skip c3 -"), nb201_cell("c3 avg skip skip c3 -")), 0.0);
  // ... but changing an edge that a path uses does count.
  EXPECT_GT(d(nb201_cell("c3 c1 c3 skip c3 -"), nb201_cell("c3 c1 c3 skip c1 -")), 0.0);
}

TEST(PathEncodingNb201, MatchesAnIndependentCountOfTheFourPaths) {
  Harness h(0, "nas.space.nb201");
  DistanceRef d = h.distance(kName);
  nas::Rng rng(11);
  for (int i = 0; i < 20000; ++i) {
    Choices a = random_arch(h.space(), rng), b = random_arch(h.space(), rng);
    if (i % 4 == 0) // many near pairs too: one edge changed
      b = a, b[rng.below(6)] = static_cast<int32_t>(rng.below(5));
    const double ab = d(a, b);
    ASSERT_EQ(ab, nb201_path_distance(a, b))
        << h.space().to_string(a) << " vs " << h.space().to_string(b);
    ASSERT_EQ(d(b, a), ab);
    ASSERT_EQ(d(a, a), 0.0);
  }
}

TEST(PathEncodingNb201, TriangleInequalityHolds) {
  Harness h(0, "nas.space.nb201");
  DistanceRef d = h.distance(kName);
  nas::Rng rng(12);
  for (int i = 0; i < 20000; ++i) {
    Choices a = random_arch(h.space(), rng), b = random_arch(h.space(), rng),
            c = random_arch(h.space(), rng);
    ASSERT_LE(d(a, c), d(a, b) + d(b, c));
  }
}

TEST(PathEncodingNb201, FeaturesAreThePathIndicatorVector) {
  Harness h(0, "nas.space.nb201");
  DistanceRef d = h.distance(kName);
  ASSERT_TRUE(d.has_features());
  // 4 one-op paths + 16 two-op + 64 three-op (none ends a path): BANANAS's 84 for NB201.
  const std::vector<double> f0 = d.features(Choices(6, 0));
  ASSERT_EQ(f0.size(), 84u);
  // Over the whole space: equal features exactly when the path sets are equal.
  std::map<std::set<std::vector<int>>, std::vector<double>> by_paths;
  std::map<std::vector<double>, std::set<std::vector<int>>> by_features;
  for (int32_t index = 0; index < 15625; ++index) {
    Choices c(6);
    for (int e = 5, v = index; e >= 0; --e, v /= 5)
      c[e] = v % 5;
    std::vector<double> f = d.features(c);
    size_t ones = 0;
    for (double x : f) {
      ASSERT_TRUE(x == 0.0 || x == 1.0);
      ones += x == 1.0;
    }
    const auto paths = nb201_paths(c);
    ASSERT_EQ(ones, paths.size());
    ASSERT_EQ(by_paths.emplace(paths, f).first->second, f);
    ASSERT_EQ(by_features.emplace(f, paths).first->second, paths);
  }
  EXPECT_EQ(by_paths.size(), by_features.size());
  // Squared Euclidean distance of the features = the distance, exactly.
  nas::Rng rng(13);
  for (int i = 0; i < 5000; ++i) {
    Choices a = random_arch(h.space(), rng), b = random_arch(h.space(), rng);
    ASSERT_EQ(squared(d.features(a), d.features(b)), d(a, b));
  }
}

TEST(PathEncodingNb201, RenderedNetworksGiveTheSameEncoding) {
  Harness h(0, "nas.space.nb201");
  DistanceRef fast = h.distance(kName), rendered = h.distance(kName, {{"render", true}});
  for (int32_t index = 0; index < 15625; index += 3) {
    Choices c(6);
    for (int e = 5, v = index; e >= 0; --e, v /= 5)
      c[e] = v % 5;
    ASSERT_EQ(rendered.features(c), fast.features(c)) << h.space().to_string(c);
  }
  nas::Rng rng(14);
  for (int i = 0; i < 3000; ++i) {
    Choices a = random_arch(h.space(), rng), b = random_arch(h.space(), rng);
    ASSERT_EQ(rendered(a, b), fast(a, b));
  }
}

TEST(PathEncodingMacro, ChainLayersAreOneHotPerPosition) {
  Harness h(0, "nas.space.nasbench_macro");
  for (bool render : {false, true}) {
    DistanceRef d = h.distance(kName, {{"render", render}});
    ASSERT_TRUE(d.has_features());
    ASSERT_EQ(d.features(Choices(8, 0)).size(), 24u); // 8 layers x 3 ops
    nas::Rng rng(15);
    for (int i = 0; i < 3000; ++i) {
      Choices a = random_arch(h.space(), rng), b = random_arch(h.space(), rng),
              c = random_arch(h.space(), rng);
      size_t hamming = 0;
      for (size_t j = 0; j < a.size(); ++j)
        hamming += a[j] != b[j];
      const double ab = d(a, b);
      ASSERT_EQ(ab, 2.0 * static_cast<double>(hamming)); // one path out, one in, per layer
      ASSERT_EQ(d(b, a), ab);
      ASSERT_EQ(d(a, a), 0.0);
      ASSERT_EQ(squared(d.features(a), d.features(b)), ab);
      ASSERT_LE(d(a, c), ab + d(b, c));
    }
  }
}

// ---- test.space.two_cells: two inputs, concat output, two cell types, a stem decision ----

// Every labelled path of two_cells, enumerated from the choices: {cell, input, ops...} for
// each path from input 0 or 1 to any computed node (all feed the concatenated output), and
// {-1, 0, stem op} for the stem layer.
std::set<std::vector<int>> two_cell_paths(const Choices &c) {
  std::set<std::vector<int>> out;
  for (int cell = 0; cell < 2; ++cell) {
    std::vector<int> label;
    auto extend = [&](auto &self, int node) -> void {
      for (int to = std::max(node + 1, 2); to < 5; ++to) {
        const int op = c[nas::test::two_cell_decision(cell, node, to)];
        if (op == 0)
          continue;
        label.push_back(op);
        out.insert(label);
        self(self, to);
        label.pop_back();
      }
    };
    for (int input = 0; input < 2; ++input) {
      label = {cell, input};
      extend(extend, input);
    }
  }
  out.insert({-1, 0, c[18]});
  return out;
}

double two_cell_path_distance(const Choices &a, const Choices &b) {
  auto pa = two_cell_paths(a), pb = two_cell_paths(b);
  size_t common = 0;
  for (const auto &p : pa)
    common += pb.count(p);
  return static_cast<double>(pa.size() + pb.size() - 2 * common);
}

// Decoded ("decisions"), rendered because the supernet cannot say ("free"), and rendered
// because the supernet says wrongly ("shifted": the sample check at bind must notice).
TEST(PathEncodingTwoCells, MatchesAnIndependentEnumerationWhicheverTheSupernet) {
  for (const char *supernet : {"decisions", "free", "shifted"}) {
    SCOPED_TRACE(supernet);
    nas::test::TwoCellHarness h;
    nas::SpaceRef space = h.space(supernet);
    DistanceRef d = h.distance(kName);
    ASSERT_TRUE(d.has_features());
    // Per cell, 2 inputs x (2 + 4 + 8) op sequences of 1 to 3 ops; 2 stem ops.
    ASSERT_EQ(d.features(Choices(19, 0)).size(), 58u);
    nas::Rng rng(17);
    for (int i = 0; i < 2000; ++i) {
      Choices a = random_arch(space, rng), b = random_arch(space, rng), c = random_arch(space, rng);
      if (i % 3 == 0) // near pairs
        b = a, b[rng.below(19)] = static_cast<int32_t>(rng.below(2));
      const double ab = d(a, b);
      ASSERT_EQ(ab, two_cell_path_distance(a, b))
          << space.to_string(a) << " vs " << space.to_string(b);
      ASSERT_EQ(d(b, a), ab);
      ASSERT_EQ(squared(d.features(a), d.features(b)), ab);
      ASSERT_LE(d(a, c), ab + d(b, c));
    }
  }
}

// 6 ops per edge: 2 x 2 x (5 + 25 + 125) + 2 = 622 paths, too many for bit sets, so sets
// are sorted index vectors (decoded), and cached (rendered).
TEST(PathEncodingTwoCells, LargeVocabulariesUseSortedSets) {
  for (const char *supernet : {"decisions", "free"}) {
    SCOPED_TRACE(supernet);
    nas::test::TwoCellHarness h;
    nas::SpaceRef space = h.space(supernet, 6);
    DistanceRef d = h.distance(kName);
    ASSERT_EQ(d.features(Choices(19, 0)).size(), 622u);
    nas::Rng rng(18);
    for (int i = 0; i < 1000; ++i) {
      Choices a = random_arch(space, rng), b = random_arch(space, rng);
      ASSERT_EQ(d(a, b), two_cell_path_distance(a, b));
      ASSERT_EQ(squared(d.features(a), d.features(b)), d(a, b));
    }
  }
}

TEST(PathEncodingTwoCells, HandComputedValues) {
  nas::test::TwoCellHarness h;
  h.space("decisions");
  DistanceRef d = h.distance(kName);
  auto with = [](std::vector<std::pair<int, int>> set) { // {decision, op}
    Choices c(19, 0);
    for (auto [decision, op] : set)
      c[decision] = op;
    return c;
  };
  const int skip = 1, sep = 2;
  const int n20 = nas::test::two_cell_decision(0, 0, 2),
            n21 = nas::test::two_cell_decision(0, 1, 2),
            n32 = nas::test::two_cell_decision(0, 2, 3),
            r20 = nas::test::two_cell_decision(1, 0, 2);
  const Choices empty = with({});
  // A path that ends at an intermediate node counts (the cell concatenates its nodes).
  EXPECT_EQ(d(empty, with({{n20, skip}})), 1.0);
  // Paths are labelled with their input: skip from input 0 is not skip from input 1.
  EXPECT_EQ(d(with({{n20, skip}}), with({{n21, skip}})), 2.0);
  // ... and with their cell: the same edge in the reduction cell is another path.
  EXPECT_EQ(d(with({{n20, skip}}), with({{r20, skip}})), 2.0);
  // Extending a path keeps its prefix (node 2 is an output too): one path more.
  EXPECT_EQ(d(with({{n20, skip}}), with({{n20, skip}, {n32, sep}})), 1.0);
  // The stem is a chain layer: another op there is one path out and one in.
  EXPECT_EQ(d(empty, with({{18, 1}})), 2.0);
}

TEST(PathEncoding, IsThreadSafe) {
  Harness h(0, "nas.space.nb201");
  for (bool render : {false, true}) {
    DistanceRef d = h.distance(kName, {{"render", render}});
    nas::Rng rng(16);
    std::vector<Choices> archs;
    for (int i = 0; i < 400; ++i)
      archs.push_back(random_arch(h.space(), rng));
    std::vector<int> wrong(4, 0);
    nas::test::on_threads(4, [&](int t) {
      for (size_t i = 0; i < archs.size(); ++i)
        for (size_t j = static_cast<size_t>(t); j < archs.size(); j += 4)
          wrong[t] += d(archs[i], archs[j]) != nb201_path_distance(archs[i], archs[j]);
    });
    EXPECT_EQ(wrong, std::vector<int>(4, 0)) << "render = " << render;
  }
}

TEST(PathEncoding, NeedsABoundSpaceAndValidArchitectures) {
  Harness h(0);
  nas::core::Instance &space = h.create("nas.space.nb201");
  nas::core::Instance &dist = h.create(kName);
  EXPECT_EQ(dist.interface<nas_features_v1_t>(NAS_FEATURES_V1), nullptr);
  Choices ok(6, 0);
  EXPECT_THROW(DistanceRef(dist.raw())(ok, ok), nas::Error);
  h.bind(dist, "space", space);
  DistanceRef d(dist.raw());
  ASSERT_TRUE(d.has_features());
  Choices short_arch(5, 0), out_of_range = ok;
  out_of_range[5] = 5;
  EXPECT_THROW(d(ok, short_arch), nas::Error);
  EXPECT_THROW(d(out_of_range, ok), nas::Error);
  EXPECT_THROW(d.features(out_of_range), nas::Error);
  EXPECT_EQ(d(ok, ok), 0.0);
}

} // namespace
