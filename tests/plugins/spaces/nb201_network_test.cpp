// Tests for the NAS-Bench-201 network IR: it reads back and has the benchmark's shape.
#include "nb201_cell.hpp"
#include "nb201_network.hpp"

#include <nas/ir.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using nas::Choices;
using namespace nas::nb201;
namespace ir = nas::ir;

const std::string kBest =
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|"
    "nor_conv_1x1~2|";

// The JSON of example `name` in sdk/IR.md (found from this file's path), or "" if absent.
std::string ir_md_example(const std::string &name) {
  const std::string self = __FILE__;
  std::ifstream in(self.substr(0, self.rfind("tests/plugins/spaces/")) + "sdk/IR.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string md = text.str(), fence = "```json\n";
  size_t at = md.find("<!-- example: " + name + " -->");
  if (at == std::string::npos || (at = md.find(fence, at)) == std::string::npos)
    return {};
  at += fence.size();
  return md.substr(at, md.find("```", at) - at);
}

TEST(Nb201Network, ReadsBackAsWritten) {
  ir::Network net = network(parse(kBest), NetworkShape{});
  EXPECT_EQ(ir::read(ir::write(net)), net);
}

TEST(Nb201Network, MatchesTheExamplesOfIrMd) {
  // IR.md shows this plugin's output; the two must not drift apart.
  const std::string network_json = ir_md_example("nb201");
  const std::string supernet_json = ir_md_example("nb201_supernet");
  if (network_json.empty() || supernet_json.empty())
    GTEST_SKIP() << "sdk/IR.md or its nb201 examples not found from " << __FILE__;
  EXPECT_EQ(ir::read(network_json), network(parse(kBest), NetworkShape{}));
  EXPECT_EQ(ir::read(supernet_json), supernet(NetworkShape{}));
}

TEST(Nb201Network, HasTheBenchmarksMacroStructure) {
  ir::Network net = ir::read(ir::write(network(parse(kBest), NetworkShape{})));
  EXPECT_FALSE(net.supernet);
  EXPECT_EQ(net.input, (ir::Shape{3, 32, 32}));
  EXPECT_EQ(net.num_classes, 10);
  const std::vector<ir::Layer> expected = {
      ir::op_layer("conv3x3_bn", 16, 1), ir::cell_layer("nb201", 16, 5),
      ir::op_layer("resblock", 32, 2),   ir::cell_layer("nb201", 32, 5),
      ir::op_layer("resblock", 64, 2),   ir::cell_layer("nb201", 64, 5),
      ir::op_layer("bn_relu", 64, 1),    ir::head_layer("global_avg")};
  EXPECT_EQ(net.layers, expected);
}

TEST(Nb201Network, TheCellCarriesEveryEdgeInDecisionOrder) {
  ir::Network net = network(parse(kBest), NetworkShape{});
  ASSERT_EQ(net.cells.count("nb201"), 1u);
  const ir::Cell &c = net.cells.at("nb201");
  EXPECT_EQ(c.inputs, 1);
  EXPECT_EQ(c.nodes, 4);
  EXPECT_EQ(c.output, ir::CellOutput::last);
  EXPECT_FALSE(c.reduction);
  const std::vector<std::string> ops = {"nor_conv_3x3", "nor_conv_3x3", "nor_conv_3x3",
                                        "skip_connect", "nor_conv_3x3", "nor_conv_1x1"};
  ASSERT_EQ(c.edges.size(), ops.size());
  for (size_t i = 0; i < ops.size(); ++i) {
    EXPECT_EQ(c.edges[i].from, edges()[i].from);
    EXPECT_EQ(c.edges[i].to, edges()[i].to);
    EXPECT_EQ(c.edges[i].op, ops[i]);
  }
}

TEST(Nb201Network, CellsAcrossTheSpaceGiveAValidIr) {
  // `none` edges stay in the IR, so every computed node has an incoming edge. Every 61st
  // cell puts every op on every edge and stays fast in an unoptimized build.
  std::vector<std::set<int32_t>> ops_seen(kNumEdges);
  for (int i = 0; i < kNumCells; i += 61) {
    Choices c = cell_at(i);
    ASSERT_NO_THROW(ir::read(ir::write(network(c, NetworkShape{})))) << format(c);
    for (int e = 0; e < kNumEdges; ++e)
      ops_seen[e].insert(c[e]);
  }
  for (const auto &seen : ops_seen)
    EXPECT_EQ(seen.size(), static_cast<size_t>(kNumOps));
}

TEST(Nb201Network, FollowsTheShapeConfig) {
  NetworkShape shape;
  shape.channels = 8;
  shape.cells_per_stage = 1;
  shape.input_channels = 1;
  shape.input_size = 28;
  shape.num_classes = 7;
  ir::Network net = ir::read(ir::write(network(cell_at(0), shape)));
  EXPECT_EQ(net.input, (ir::Shape{1, 28, 28}));
  EXPECT_EQ(net.num_classes, 7);
  EXPECT_EQ(net.layers[1], ir::cell_layer("nb201", 8, 1));
  EXPECT_EQ(net.layers[4], ir::op_layer("resblock", 32, 2));
}

TEST(Nb201Network, RejectsAnInvalidCell) {
  EXPECT_THROW(network({0, 0, 0}, NetworkShape{}), nas::InvalidArch);
}

TEST(Nb201Supernet, OffersAllFiveOpsOnEveryEdge) {
  ir::Network net = ir::read(ir::write(supernet(NetworkShape{})));
  EXPECT_TRUE(net.supernet);
  const ir::Cell &c = net.cells.at("nb201");
  const std::vector<std::string> options = {"none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3",
                                            "avg_pool_3x3"};
  ASSERT_EQ(c.edges.size(), static_cast<size_t>(kNumEdges));
  for (int i = 0; i < kNumEdges; ++i) {
    EXPECT_TRUE(c.edges[i].op.empty());
    EXPECT_EQ(c.edges[i].options, options);
    EXPECT_EQ(c.edges[i].decision, i); // the space's decision for this edge
  }
  // Apart from the cell, the supernet is the network.
  ir::Network fixed = network(cell_at(0), NetworkShape{});
  EXPECT_EQ(net.layers, fixed.layers);
}

} // namespace
