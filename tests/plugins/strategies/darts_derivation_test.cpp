// DARTS' derivation from hand-set mixing weights (NB201's argmax per edge, DARTS' top-2
// inputs per node with the strongest op other than none, the skip cap), and which images
// each search step uses. Torch-free: the plugin's files are compiled in.
#include "derivation.hpp"
#include "epoch_plan.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

namespace {

using namespace nas::darts_search;

const std::vector<std::string> kNb201 = {"none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3",
                                         "avg_pool_3x3"};
const std::vector<std::string> kDarts = {"none",         "max_pool_3x3", "avg_pool_3x3",
                                         "skip_connect", "sep_conv_3x3", "sep_conv_5x5",
                                         "dil_conv_3x3", "dil_conv_5x5"};

GroupWeights nb201_edge(int decision, std::vector<double> w) {
  GroupWeights g;
  g.decision = decision;
  g.cell = "nb201";
  g.path = "/cells/nb201/edges/" + std::to_string(decision);
  g.options = kNb201;
  g.weights = std::move(w);
  return g;
}

// A DARTS cell whose every edge has weight `base` on every op, then `set` on top.
std::vector<GroupWeights> darts_cell(const std::string &cell) {
  std::vector<GroupWeights> groups;
  for (int to = 2; to < 6; ++to)
    for (int from = 0; from < to; ++from) {
      GroupWeights g;
      g.cell = cell;
      g.from = from;
      g.to = to;
      g.path = "/cells/" + cell + "/edges/" + std::to_string(groups.size());
      g.options = kDarts;
      g.weights.assign(kDarts.size(), 0.1);
      groups.push_back(g);
    }
  return groups;
}

void set_weight(std::vector<GroupWeights> &groups, const std::string &cell, int from, int to,
                const std::string &op, double w) {
  for (auto &g : groups)
    if (g.cell == cell && g.from == from && g.to == to) {
      size_t i = static_cast<size_t>(std::find(kDarts.begin(), kDarts.end(), op) - kDarts.begin());
      g.weights[i] = w;
      return;
    }
  FAIL() << "no edge " << from << "->" << to;
}

TEST(DartsDerivation, Nb201TakesTheLargestWeightPerEdge) {
  std::vector<GroupWeights> groups;
  groups.push_back(nb201_edge(0, {0.1, 0.1, 0.2, 0.5, 0.1}));  // nor_conv_3x3
  groups.push_back(nb201_edge(1, {0.6, 0.1, 0.1, 0.1, 0.1}));  // none wins here
  groups.push_back(nb201_edge(2, {0.1, 0.5, 0.2, 0.1, 0.1}));  // skip_connect
  groups.push_back(nb201_edge(3, {0.1, 0.1, 0.1, 0.1, 0.6}));  // avg_pool_3x3
  groups.push_back(nb201_edge(4, {0.1, 0.1, 0.6, 0.1, 0.1}));  // nor_conv_1x1
  groups.push_back(nb201_edge(5, {0.1, 0.45, 0.1, 0.25, 0.1})); // skip_connect
  // `none` does not win an edge by default (edge 1 takes its next best: skip_connect, the
  // first of the 0.1s); with allow_none it does, as NB201's own DARTS baseline.
  Derived d = derive(groups);
  EXPECT_EQ(d.options, (std::map<int, int>{{0, 3}, {1, 1}, {2, 1}, {3, 4}, {4, 2}, {5, 1}}));
  Derived with_none = derive(groups, -1, /*allow_none=*/true);
  EXPECT_EQ(with_none.options,
            (std::map<int, int>{{0, 3}, {1, 0}, {2, 1}, {3, 4}, {4, 2}, {5, 1}}));
  EXPECT_EQ(d.skips.at("nb201"), 3);
  EXPECT_EQ(with_none.skips.at("nb201"), 2);
  // The skip cap, on the allow_none derivation.
  // A cap of 1 replaces the weaker skip (edge 5: 0.45 < 0.5) by its next best op.
  Derived capped = derive(groups, 1, true);
  EXPECT_EQ(capped.options.at(2), 1);
  EXPECT_EQ(capped.options.at(5), 3);
  EXPECT_EQ(capped.skips.at("nb201"), 1);
  // A cap of 0 leaves no skip at all.
  Derived none = derive(groups, 0, true);
  EXPECT_EQ(none.options.at(2), 2);
  EXPECT_EQ(none.skips.count("nb201"), 0u);
}

TEST(DartsDerivation, DartsCellsKeepTheTwoStrongestInputsPerNodeIgnoringNone) {
  std::vector<GroupWeights> groups = darts_cell("normal");
  std::vector<GroupWeights> reduce = darts_cell("reduce");
  groups.insert(groups.end(), reduce.begin(), reduce.end());
  // Node 2: edge from 1 is strong in sep_conv_3x3, edge from 0 in max_pool.
  set_weight(groups, "normal", 1, 2, "sep_conv_3x3", 0.5);
  set_weight(groups, "normal", 0, 2, "max_pool_3x3", 0.3);
  // Node 3: `none` is the largest weight on edge 0->3, but does not count.
  set_weight(groups, "normal", 0, 3, "none", 0.9);
  set_weight(groups, "normal", 2, 3, "dil_conv_5x5", 0.4);
  set_weight(groups, "normal", 1, 3, "sep_conv_5x5", 0.35);
  // Node 4: skips on two edges.
  set_weight(groups, "normal", 0, 4, "skip_connect", 0.6);
  set_weight(groups, "normal", 3, 4, "skip_connect", 0.55);
  // Node 5: the strongest edges come from 4 and 2.
  set_weight(groups, "normal", 4, 5, "dil_conv_3x3", 0.7);
  set_weight(groups, "normal", 2, 5, "avg_pool_3x3", 0.65);
  for (int to = 2; to < 6; ++to) { // the reduction cell: sep_conv_5x5 from 0 and 1
    set_weight(groups, "reduce", 0, to, "sep_conv_5x5", 0.8);
    set_weight(groups, "reduce", 1, to, "max_pool_3x3", 0.7);
  }
  Derived d = derive(groups);
  const auto &normal = d.cells.at("normal");
  ASSERT_EQ(normal.size(), 4u);
  auto edge = [](int input, const std::string &op) { return DerivedEdge{input, op}; };
  auto same = [](const std::vector<DerivedEdge> &a, const std::vector<DerivedEdge> &b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](auto &x, auto &y) {
             return x.input == y.input && x.op == y.op;
           });
  };
  EXPECT_TRUE(same(normal[0], {edge(0, "max_pool_3x3"), edge(1, "sep_conv_3x3")}));
  EXPECT_TRUE(same(normal[1], {edge(1, "sep_conv_5x5"), edge(2, "dil_conv_5x5")}));
  EXPECT_TRUE(same(normal[2], {edge(0, "skip_connect"), edge(3, "skip_connect")}));
  EXPECT_TRUE(same(normal[3], {edge(2, "avg_pool_3x3"), edge(4, "dil_conv_3x3")}));
  EXPECT_EQ(d.skips.at("normal"), 2);
  EXPECT_EQ(d.max_skips(), 2);
  EXPECT_EQ(darts_genotype(d).substr(0, 80),
            "Genotype(normal=[('max_pool_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_5x5', 1), ");

  // Cap 1: the weaker skip (3->4, 0.55) goes; node 4 takes its next strongest edge.
  Derived capped = derive(groups, 1);
  EXPECT_EQ(capped.skips.at("normal"), 1);
  const auto &node4 = capped.cells.at("normal")[2];
  EXPECT_EQ(node4[0].input, 0);
  EXPECT_EQ(node4[0].op, "skip_connect");
  EXPECT_NE(node4[1].op, "skip_connect");
}

TEST(DartsDerivation, RefusesMixedFormsAndShortNodes) {
  std::vector<GroupWeights> groups = darts_cell("normal");
  groups.push_back(nb201_edge(0, {0.2, 0.2, 0.2, 0.2, 0.2}));
  EXPECT_THROW(derive(groups), std::invalid_argument);
  std::vector<GroupWeights> one = darts_cell("normal");
  one.erase(one.begin()); // node 2 keeps only the edge from 1
  EXPECT_THROW(derive(one), std::invalid_argument);
}

TEST(DartsEpochPlan, WeightStepsSeeOnlyTrainingImagesAndAlphaStepsOnlyValidationImages) {
  const int64_t train = 1000, valid = 300, batch = 64;
  EpochBatches plan = plan_epoch(train, valid, batch, 7, 0);
  ASSERT_EQ(plan.train.size(), static_cast<size_t>(train / batch));
  ASSERT_EQ(plan.valid.size(), plan.train.size());
  std::set<int64_t> seen;
  for (size_t s = 0; s < plan.train.size(); ++s) {
    ASSERT_EQ(plan.train[s].size(), static_cast<size_t>(batch));
    ASSERT_EQ(plan.valid[s].size(), static_cast<size_t>(batch));
    for (int64_t i : plan.train[s]) {
      EXPECT_TRUE(i >= 0 && i < train);
      EXPECT_TRUE(seen.insert(i).second) << "image " << i << " twice in one epoch";
    }
    for (int64_t i : plan.valid[s])
      EXPECT_TRUE(i >= 0 && i < valid);
  }
  // Seeded by (seed, epoch): the same again, another epoch another order.
  EXPECT_EQ(plan_epoch(train, valid, batch, 7, 0).train, plan.train);
  EXPECT_NE(plan_epoch(train, valid, batch, 7, 1).train, plan.train);
}

} // namespace
