// Supernets: a mixed op outputs the weighted sum of its options, architecture weights get
// gradients, entries group by decision (tied) or by edge (DARTS), and an architecture's own
// IR maps to its path through the supernet.
#include <nas/torch/supernet.hpp>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>
#include <vector>

namespace {

namespace ir = nas::ir;
using nas::torch::Supernet;

const std::vector<std::string> kNb201Ops = {"none", "skip_connect", "nor_conv_1x1",
                                            "nor_conv_3x3", "avg_pool_3x3"};
const int kNb201Edges[6][2] = {{0, 1}, {0, 2}, {1, 2}, {0, 3}, {1, 3}, {2, 3}};

// A small NB201 supernet (C = 4, 2 cells per stage), or one architecture of it.
ir::Network nb201(const std::vector<std::string> *ops = nullptr) {
  ir::Network net;
  net.input = {1, 12, 12};
  net.num_classes = 10;
  net.supernet = ops == nullptr;
  ir::Cell cell;
  cell.inputs = 1;
  cell.nodes = 4;
  for (int e = 0; e < 6; ++e) {
    if (ops)
      cell.edges.emplace_back(kNb201Edges[e][0], kNb201Edges[e][1], (*ops)[e]);
    else
      cell.edges.emplace_back(kNb201Edges[e][0], kNb201Edges[e][1], kNb201Ops, e);
  }
  net.cells["nb201"] = cell;
  net.layers = {ir::op_layer("conv3x3_bn", 4), ir::cell_layer("nb201", 4, 2),
                ir::op_layer("resblock", 8, 2), ir::cell_layer("nb201", 8, 1),
                ir::head_layer()};
  return net;
}

// One searchable op layer between a stem and the head: the head is affine, so the logits
// of a mixture are the same mixture of each option's logits when the weights sum to 1.
ir::Network one_choice(const std::vector<std::string> &options) {
  ir::Network net;
  net.input = {1, 8, 8};
  net.num_classes = 3;
  net.supernet = true;
  net.layers = {ir::op_layer("conv3x3_bn", 4), ir::choice_layer(options, -1, 4),
                ir::head_layer()};
  return net;
}

std::vector<torch::Tensor> uniform_alphas(const Supernet &net, bool grad) {
  std::vector<torch::Tensor> alphas;
  for (const auto &g : net->groups())
    alphas.push_back(
        torch::randn({static_cast<int64_t>(g.options.size())}).requires_grad_(grad));
  return alphas;
}

std::vector<torch::Tensor> softmax_all(const std::vector<torch::Tensor> &alphas) {
  std::vector<torch::Tensor> w;
  for (const auto &a : alphas)
    w.push_back(torch::softmax(a, 0));
  return w;
}

TEST(Supernet, AMixedOpOutputsTheWeightedSumOfItsOptions) {
  torch::manual_seed(1);
  Supernet net(one_choice({"nor_conv_1x1", "nor_conv_3x3", "skip_connect", "none",
                           "avg_pool_3x3"}));
  net->eval(); // the same BN statistics for every forward
  ASSERT_EQ(net->groups().size(), 1u);
  auto x = torch::randn({5, 1, 8, 8});
  auto w = torch::softmax(torch::randn({5}), 0);
  auto mixed = net->forward(x, {w});
  auto expected = torch::zeros_like(mixed);
  for (int64_t i = 0; i < 5; ++i)
    expected += w[i] * net->forward_path(x, {i});
  EXPECT_TRUE(torch::allclose(mixed, expected, 1e-4, 1e-5))
      << (mixed - expected).abs().max().item<float>();
  // A one-hot mixture is that option alone.
  auto one_hot = torch::zeros({5});
  one_hot[1] = 1;
  EXPECT_TRUE(torch::allclose(net->forward(x, {one_hot}), net->forward_path(x, {1}), 1e-5));
}

TEST(Supernet, ArchitectureWeightsGetGradientsAndTheNetworkHoldsOnlyWeights) {
  torch::manual_seed(2);
  Supernet net(nb201());
  auto alphas = uniform_alphas(net, true);
  for (const auto &p : net->parameters())
    for (const auto &a : alphas)
      EXPECT_FALSE(p.is_same(a)) << "alphas are the method's, not the module's parameters";
  auto x = torch::randn({4, 1, 12, 12});
  auto y = torch::tensor({0, 1, 2, 3}, torch::kInt64);
  auto loss = torch::nn::functional::cross_entropy(net->forward(x, softmax_all(alphas)), y);
  loss.backward();
  for (size_t g = 0; g < alphas.size(); ++g) {
    ASSERT_TRUE(alphas[g].grad().defined()) << "group " << g;
    EXPECT_GT(alphas[g].grad().abs().sum().item<double>(), 0) << "group " << g;
  }
}

TEST(Supernet, TiedDecisionsFormOneGroupAndFreeEntriesOnePerCellEdge) {
  Supernet tied(nb201());
  ASSERT_EQ(tied->groups().size(), 6u); // 3 cell copies follow the 6 decisions
  for (int e = 0; e < 6; ++e) {
    EXPECT_EQ(tied->groups()[e].decision, e);
    EXPECT_EQ(tied->groups()[e].options, kNb201Ops);
  }
  // The same cell with decision -1 on every edge: one group per edge of the cell, shared
  // by its copies (DARTS' alphas).
  ir::Network free = nb201();
  for (auto &edge : free.cells["nb201"].edges)
    edge.decision = -1;
  Supernet darts_like(free);
  ASSERT_EQ(darts_like->groups().size(), 6u);
  EXPECT_EQ(darts_like->groups()[3].path, "/cells/nb201/edges/3");
  EXPECT_EQ(darts_like->groups()[3].from, 0);
  EXPECT_EQ(darts_like->groups()[3].to, 3);
  // Copies share the group but not the weights: each cell copy has its own conv modules.
  auto x = torch::randn({2, 1, 12, 12});
  std::vector<int64_t> path(6, 3); // nor_conv_3x3 everywhere
  EXPECT_EQ(darts_like->forward_path(x, path).sizes(), (std::vector<int64_t>{2, 10}));
}

TEST(Supernet, AnArchitecturesIrMapsToItsPath) {
  Supernet net(nb201());
  std::vector<std::string> ops = {"nor_conv_3x3", "none", "skip_connect",
                                  "avg_pool_3x3", "nor_conv_1x1", "nor_conv_3x3"};
  EXPECT_EQ(net->path_of(nb201(&ops)), (std::vector<int64_t>{3, 0, 1, 4, 2, 3}));
  // An edge the architecture's cell lacks is `none`.
  ir::Network fewer = nb201(&ops);
  fewer.cells["nb201"].edges.erase(fewer.cells["nb201"].edges.begin());
  EXPECT_EQ(net->path_of(fewer)[0], 0);
  // An op the supernet does not offer is an error at the architecture's entry.
  ops[2] = "sep_conv_3x3";
  try {
    net->path_of(nb201(&ops));
    FAIL() << "an op outside the options was accepted";
  } catch (const ir::Error &e) {
    EXPECT_NE(std::string(e.what()).find("/cells/nb201/edges/2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("sep_conv_3x3"), std::string::npos) << e.what();
  }
}

TEST(Supernet, RefusesAnArchitectureIrAndMismatchedWeights) {
  std::vector<std::string> ops(6, "skip_connect");
  EXPECT_THROW(Supernet{nb201(&ops)}, ir::Error);
  Supernet net(nb201());
  auto x = torch::randn({2, 1, 12, 12});
  EXPECT_THROW(net->forward(x, {torch::ones({5})}), std::invalid_argument);
  EXPECT_THROW(net->forward_path(x, std::vector<int64_t>(6, 5)), std::invalid_argument);
}

} // namespace
