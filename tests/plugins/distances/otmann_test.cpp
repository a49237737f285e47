// The built nas.distance.otmann through the C ABI: hand-computed values on NB201 cells (a label
// mismatch, layers that never match, a structural cost, a dead edge), the metric axioms on
// random NB201 and NAS-Bench-Macro architectures, isomorphic cells at 0, DARTS-like cells,
// rendered against decoded networks, config errors and calls from several threads; and the
// parts compiled into this test: op names read as labels, the assignment solver.
#include "distance_test_support.hpp"
#include "label_costs.hpp" // compiled into this test
#include "plugin_harness.hpp"
#include "transport.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

namespace {

using nas::Choices;
using nas::DistanceRef;
using nas::test::Harness;
using nas::test::nb201_cell;
using nas::test::random_arch;

constexpr const char *kName = "nas.distance.otmann";
const double kConv1To3 = std::sqrt(2.0) / 10 * std::sqrt(2.0); // kernel_scale x sqrt(|3 - 1|)

TEST(OtmannLabels, OpNamesAreReadAsGroupKernelAndKind) {
  using nas::distances::OpGroup;
  using nas::distances::read_op_label;
  EXPECT_EQ(read_op_label("nor_conv_3x3").group, OpGroup::conv);
  EXPECT_EQ(read_op_label("nor_conv_3x3").kernel, 3);
  EXPECT_EQ(read_op_label("nor_conv_3x3").kind, "nor_conv_");
  EXPECT_EQ(read_op_label("sep_conv_5x5").kind, "sep_conv_");
  EXPECT_EQ(read_op_label("mbconv_e6_k5").kernel, 5);
  EXPECT_EQ(read_op_label("mbconv_e6_k5").kind, "mbconv_e6_");
  EXPECT_EQ(read_op_label("conv1x1_bn_relu").kernel, 1);
  EXPECT_EQ(read_op_label("conv1x1_bn_relu").kind, "conv_bn_relu");
  EXPECT_EQ(read_op_label("avg_pool_3x3").group, OpGroup::pool);
  EXPECT_EQ(read_op_label("skip_connect").group, OpGroup::other);
  EXPECT_EQ(read_op_label("skip_connect").kernel, 0);
}

TEST(OtmannLabels, CostsFollowGroupsKernelsAndKinds) {
  nas::distances::LabelCosts c(
      {"nor_conv_3x3", "nor_conv_1x1", "sep_conv_5x5", "avg_pool_3x3", "max_pool_3x3", "skip"},
      {});
  EXPECT_EQ(c(0, 0), 0.0);
  EXPECT_NEAR(c(0, 1), kConv1To3, 1e-15);
  EXPECT_NEAR(c(1, 2), std::sqrt(2.0) / 10 * 2 + 0.1, 1e-15); // kernels 1, 5 and kinds differ
  EXPECT_EQ(c(3, 4), 0.5);
  EXPECT_EQ(c(0, 3), nas::distances::LabelCosts::kNever);
  EXPECT_EQ(c(5, 0), nas::distances::LabelCosts::kNever);
  for (int a = 0; a < 6; ++a)
    for (int b = 0; b < 6; ++b)
      EXPECT_EQ(c(a, b), c(b, a));
}

// The least cost over every way to match rows to columns (or leave them), by brute force.
double brute_force(const std::vector<double> &cost, size_t rows, size_t cols, double unmatched) {
  std::vector<size_t> pick(rows + cols); // row i takes column pick[i] when < cols
  std::iota(pick.begin(), pick.end(), 0);
  double best = 1e300;
  do {
    double total = 0;
    std::vector<char> taken(cols, 0);
    for (size_t i = 0; i < rows; ++i)
      if (pick[i] < cols) {
        total += std::min(cost[i * cols + pick[i]], 2 * unmatched);
        taken[pick[i]] = 1;
      } else {
        total += unmatched;
      }
    for (size_t j = 0; j < cols; ++j)
      total += taken[j] ? 0 : unmatched;
    best = std::min(best, total);
  } while (std::next_permutation(pick.begin(), pick.end()));
  return best;
}

TEST(OtmannTransport, MatchesBruteForce) {
  nas::Rng rng(5);
  for (int trial = 0; trial < 300; ++trial) {
    const size_t rows = rng.below(5), cols = rng.below(5);
    std::vector<double> cost(rows * cols);
    for (double &c : cost)
      c = rng.below(4) == 0 ? nas::distances::LabelCosts::kNever : 3 * rng.uniform();
    const double unmatched = 0.2 + rng.uniform();
    ASSERT_NEAR(nas::distances::least_transport_cost(cost, rows, cols, unmatched),
                brute_force(cost, rows, cols, unmatched), 1e-12)
        << rows << "x" << cols;
  }
}

TEST(OtmannNb201, HandComputedValues) {
  Harness h(0, "nas.space.nb201");
  DistanceRef d = h.distance(kName);
  const Choices c3 = nb201_cell("- - - c3 - -"); // one layer, input to output
  EXPECT_EQ(d(c3, c3), 0.0);
  // Same place, kernel 3 against 1: the label cost alone.
  EXPECT_NEAR(d(c3, nb201_cell("- - - c1 - -")), kConv1To3, 1e-12);
  // A convolution never matches a pooling layer or a skip: both are left unmatched.
  EXPECT_NEAR(d(c3, nb201_cell("- - - avg - -")), 2.0, 1e-12);
  EXPECT_NEAR(d(c3, nb201_cell("- - - skip - -")), 2.0, 1e-12);
  EXPECT_NEAR(d(c3, nb201_cell("- - - - - -")), 1.0, 1e-12); // one layer unmatched
  // Two convolutions in series (3 <- 1 <- 0): either one matches c3 with 6 of the 18 path
  // lengths off by 1 (towards the output for the first, from the input for the second:
  // shortest, longest, walk over all layers and over convolutions), structure weight 0.5;
  // the other is unmatched.
  const Choices series = nb201_cell("c3 - - - c3 -");
  EXPECT_NEAR(d(c3, series), 0.5 * 6.0 / 18.0 + 1.0, 1e-12);
  EXPECT_NEAR(d(series, c3), d(c3, series), 1e-15);
  // Costs are configurable: no structural cost, a dearer unmatched layer.
  DistanceRef flat = h.distance(kName, {{"structure", 0.0}, {"non_assignment", 2.0}});
  EXPECT_NEAR(flat(c3, series), 2.0, 1e-12);
  EXPECT_NEAR(flat(c3, nb201_cell("- - - c1 - -")), 2.0 * kConv1To3, 1e-12); // in units of nu
}

TEST(OtmannNb201, AnEdgeNoPathUsesCostsNothing) {
  Harness h(0, "nas.space.nb201");
  DistanceRef d = h.distance(kName);
  // 1 <- 0 leads nowhere without 2 <- 1 or 3 <- 1: a dead layer.
  EXPECT_EQ(d(nb201_cell("c3 - - c1 - -"), nb201_cell("avg - - c1 - -")), 0.0);
  EXPECT_EQ(d(nb201_cell("- - - - - -"), nb201_cell("c3 - - - - -")), 0.0);
  // Once a path uses it, it counts.
  EXPECT_GT(d(nb201_cell("c3 - - c1 c1 -"), nb201_cell("avg - - c1 c1 -")), 0.0);
}

TEST(OtmannNb201, IsAMetricUpToIsomorphism) {
  Harness h(0, "nas.space.nb201");
  DistanceRef d = h.distance(kName);
  nas::Rng rng(31);
  for (int i = 0; i < 20000; ++i) {
    Choices a = random_arch(h.space(), rng), b = random_arch(h.space(), rng),
            c = random_arch(h.space(), rng);
    ASSERT_EQ(d(a, a), 0.0);
    ASSERT_EQ(d(a, b), d(b, a));
    ASSERT_GE(d(a, b), 0.0);
    ASSERT_LE(d(a, c), d(a, b) + d(b, c) + 1e-12);
    // Nodes 1 and 2 swapped (a cell when 2 <- 1 is none): the same network.
    if (a[2] == 0)
      ASSERT_EQ(d(a, {a[1], a[0], a[2], a[3], a[5], a[4]}), 0.0);
  }
}

TEST(OtmannNb201, RenderedNetworksGiveTheSameDistances) {
  Harness h(0, "nas.space.nb201");
  DistanceRef fast = h.distance(kName), rendered = h.distance(kName, {{"render", true}});
  nas::Rng rng(32);
  for (int i = 0; i < 500; ++i) {
    Choices a = random_arch(h.space(), rng), b = random_arch(h.space(), rng);
    ASSERT_EQ(rendered(a, b), fast(a, b));
  }
}

TEST(OtmannMacro, ChainLayersMatchAcrossPositions) {
  Harness h(0, "nas.space.nasbench_macro");
  DistanceRef d = h.distance(kName);
  EXPECT_FALSE(d.has_features());
  nas::Rng rng(33);
  for (int i = 0; i < 3000; ++i) {
    Choices a = random_arch(h.space(), rng), b = random_arch(h.space(), rng),
            c = random_arch(h.space(), rng);
    ASSERT_EQ(d(a, a), 0.0);
    ASSERT_EQ(d(b, a), d(a, b));
    ASSERT_LE(d(a, c), d(a, b) + d(b, c) + 1e-12);
  }
  // One layer's block e3 k3 -> e6 k5, nothing else moves: kernel and kind differ.
  Choices a(8, 1), b(8, 1);
  b[3] = 2;
  EXPECT_NEAR(d(a, b), std::sqrt(2.0) / 10 * std::sqrt(2.0) + 0.1, 1e-12);
}

// DARTS-like cells: two inputs, every computed node concatenated into the output, two cell
// types and a stem layer in the chain; each part adds its own transport cost.
TEST(OtmannTwoCells, EachCellAndTheChainCount) {
  nas::test::TwoCellHarness h;
  nas::SpaceRef space = h.space("decisions", 7);
  DistanceRef d = h.distance(kName);
  nas::Rng rng(34);
  for (int i = 0; i < 2000; ++i) {
    Choices a = random_arch(space, rng), b = random_arch(space, rng), c = random_arch(space, rng);
    ASSERT_EQ(d(a, a), 0.0);
    ASSERT_EQ(d(a, b), d(b, a));
    ASSERT_LE(d(a, c), d(a, b) + d(b, c) + 1e-12);
  }
  // Only edge 2 <- 0 in both cells (a layer from an input straight into the concatenated
  // output), sep_conv_3x3; the stem conv3x3_bn.
  Choices base(19, 0);
  base[nas::test::two_cell_decision(0, 0, 2)] = 2;
  base[nas::test::two_cell_decision(1, 0, 2)] = 2;
  Choices cell0 = base, cell1 = base, stem = base, both = base;
  cell0[nas::test::two_cell_decision(0, 0, 2)] = 3; // sep_conv_5x5
  cell1[nas::test::two_cell_decision(1, 0, 2)] = 4; // dil_conv_3x3
  stem[18] = 1;                                     // conv3x3_bn_relu
  both = cell0;
  both[nas::test::two_cell_decision(1, 0, 2)] = 4;
  both[18] = 1;
  const double kernel = std::sqrt(2.0) / 10 * std::sqrt(2.0); // 3 against 5
  EXPECT_NEAR(d(base, cell0), kernel, 1e-12);
  EXPECT_NEAR(d(base, cell1), 0.1, 1e-12); // another kind of convolution
  EXPECT_NEAR(d(base, stem), 0.1, 1e-12);
  EXPECT_NEAR(d(base, both), kernel + 0.2, 1e-12);
}

TEST(Otmann, RejectsBadCosts) {
  Harness h(0, "nas.space.nb201");
  for (const auto &[config, key] : std::vector<std::pair<nas::core::Json, std::string>>{
           {{{"non_assignment", 0.0}}, "non_assignment"},
           {{{"structure", -1.0}}, "structure"},
           {{{"label", -0.5}}, "label"},
           {{{"pooling", -1.0}}, "pooling"}}) {
    auto error = h.create_error(kName, config);
    ASSERT_TRUE(error.has_value()) << config.dump();
    EXPECT_EQ(error->key(), key);
  }
}

TEST(Otmann, IsThreadSafe) {
  Harness h(0, "nas.space.nb201");
  DistanceRef reference = h.distance(kName), shared = h.distance(kName);
  nas::Rng rng(35);
  std::vector<Choices> archs;
  for (int i = 0; i < 200; ++i)
    archs.push_back(random_arch(h.space(), rng));
  std::vector<double> expected;
  for (size_t i = 0; i < archs.size(); ++i)
    for (size_t j = 0; j < archs.size(); ++j)
      expected.push_back(reference(archs[i], archs[j]));
  std::vector<int> wrong(4, 0);
  nas::test::on_threads(4, [&](int t) {
    for (size_t i = 0; i < archs.size(); ++i)
      for (size_t j = static_cast<size_t>(t); j < archs.size(); j += 4)
        wrong[t] += shared(archs[i], archs[j]) != expected[i * archs.size() + j];
  });
  EXPECT_EQ(wrong, std::vector<int>(4, 0));
}

TEST(Otmann, NeedsABoundSpaceAndValidArchitectures) {
  nas::test::expect_needs_a_bound_space_and_valid_architectures(kName);
}

} // namespace
