// nas.space.cell, the built plugin called through the C ABI: with 4 nodes and NB201's ops it
// keys exactly as nas.space.nb201 (so the NB201 table serves it); other node counts, bad
// strings, equivalence keys, IR and config errors. Also nas.space.nb201 at Fashion-MNIST's
// input shape.
#include "plugin_harness.hpp"

#include <nas/ir.hpp>
#include <nas/random.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using nas::Choices;
using nas::test::Harness;
using nas::test::Json;
namespace ir = nas::ir;

constexpr const char *kCell = "nas.space.cell";
constexpr const char *kNb201 = "nas.space.nb201";

Choices random_choices(const nas::SpaceRef &space, nas::Rng &rng) {
  Choices c(space.num_decisions());
  for (uint32_t d = 0; d < c.size(); ++d)
    c[d] = static_cast<int32_t>(rng.below(space.num_options(d)));
  return c;
}

// The message of from_string's error on `text`, checking it is an invalid-arch error.
std::string parse_error(const nas::SpaceRef &space, const std::string &text) {
  try {
    space.from_string(text);
  } catch (const nas::Error &e) {
    EXPECT_EQ(e.code(), NAS_ERR_INVALID_ARCH) << text;
    return e.what();
  }
  ADD_FAILURE() << "accepted: " << text;
  return "";
}

TEST(CellSpace, WithFourNodesItKeysEveryCellAsNb201Does) {
  Harness h(1);
  h.use_space(h.create(kNb201, Json::object(), "nb201"));
  const nas::SpaceRef nb201 = h.space();
  h.use_space(h.create(kCell, Json::object(), "cell"));
  const nas::SpaceRef cell = h.space();
  ASSERT_EQ(cell.num_decisions(), nb201.num_decisions());
  EXPECT_EQ(Json::parse(cell.describe()), Json::parse(nb201.describe()));
  // All 15,625 cells: the same exact string, parsed back the same, the same equivalence key.
  Choices c(6, 0);
  int cells = 0;
  for (bool more = true; more; ++cells) {
    const std::string text = cell.to_string(c);
    ASSERT_EQ(text, nb201.to_string(c));
    ASSERT_EQ(cell.from_string(text), c);
    ASSERT_EQ(cell.equivalence_key(c), nb201.equivalence_key(c)) << text;
    more = false;
    for (size_t i = c.size(); i-- > 0;) {
      if (++c[i] < 5) {
        more = true;
        break;
      }
      c[i] = 0;
    }
  }
  EXPECT_EQ(cells, 15625);
}

TEST(CellSpace, FiveNodesHaveTenEdgesInNb201Order) {
  Harness h(1, kCell, {{"nodes", 5}});
  const nas::SpaceRef &space = h.space();
  ASSERT_EQ(space.num_decisions(), 10u);
  Json d = Json::parse(space.describe())["decisions"];
  const std::vector<std::string> names = {"edge_1_0", "edge_2_0", "edge_2_1", "edge_3_0",
                                          "edge_3_1", "edge_3_2", "edge_4_0", "edge_4_1",
                                          "edge_4_2", "edge_4_3"};
  for (size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(d[i]["name"], names[i]);
    EXPECT_EQ(space.num_options(static_cast<uint32_t>(i)), 5u);
  }
  const Choices c = {3, 3, 3, 1, 3, 2, 4, 0, 1, 3};
  const std::string text = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|"
                           "nor_conv_3x3~1|nor_conv_1x1~2|+|avg_pool_3x3~0|none~1|"
                           "skip_connect~2|nor_conv_3x3~3|";
  EXPECT_EQ(space.to_string(c), text);
  EXPECT_EQ(space.from_string(text), c);
  nas::Rng rng(3);
  for (int k = 0; k < 500; ++k) {
    Choices r = random_choices(space, rng);
    ASSERT_EQ(space.from_string(space.to_string(r)), r);
  }
  // A 4-node string is not a 5-node cell, and says where it ends too early.
  std::string e = parse_error(space, "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|");
  EXPECT_NE(e.find("expected '+' before the inputs of node 4 at position 47"), std::string::npos)
      << e;
}

TEST(CellSpace, RejectsBadStringsSayingWhatAndWhere) {
  Harness h(1, kCell);
  const nas::SpaceRef &space = h.space();
  std::string e =
      parse_error(space, "|nor_conv_3x3~0|+|conv_7x7~0|nor_conv_3x3~1|+|none~0|none~1|none~2|");
  EXPECT_NE(e.find("expected an op of edge 2<-0"), std::string::npos) << e;
  EXPECT_NE(e.find("position 18"), std::string::npos) << e;
  EXPECT_NE(e.find("avg_pool_3x3"), std::string::npos) << e; // lists the ops
  e = parse_error(space, "|none~0|+|none~1|none~1|+|none~0|none~1|none~2|");
  EXPECT_NE(e.find("expected input node 0 of edge 2<-0 at position 15"), std::string::npos) << e;
  e = parse_error(space, "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|+|none~0|");
  EXPECT_NE(e.find("expected the end of the string (a cell of 4 nodes)"), std::string::npos) << e;
  parse_error(space, "");
  parse_error(space, "|none~0|+|none~0|none~12|+|none~0|none~1|none~2|");
  parse_error(space, "|none~0|+|none~0|none~1|+|none~0|none~1|none~2");
}

TEST(CellSpace, EquivalenceKeyMergesDeadEdgesAndRelabelledNodes) {
  Harness h(1, kCell, {{"nodes", 5}});
  const nas::SpaceRef &space = h.space();
  // Ops: 0 none, 1 skip, 2 conv1x1, 3 conv3x3, 4 pool. Edges: 1<-0 2<-0 2<-1 3<-0 3<-1 3<-2
  // 4<-0 4<-1 4<-2 4<-3.
  // Node 1 feeds nothing that reaches node 4: its edges are dead.
  const Choices dead = {3, 2, 0, 0, 0, 0, 1, 0, 3, 0};
  const Choices pruned = {0, 2, 0, 0, 0, 0, 1, 0, 3, 0};
  EXPECT_EQ(space.equivalence_key(dead), space.equivalence_key(pruned));
  // The output unreachable: every such cell computes zero and shares the all-none key.
  const Choices cut = {3, 3, 3, 3, 3, 3, 0, 0, 0, 0};
  EXPECT_EQ(space.equivalence_key(cut), space.equivalence_key(Choices(10, 0)));
  const std::string cut_text = space.to_string(cut), tail = "+|none~0|none~1|none~2|none~3|";
  EXPECT_EQ(cut_text.substr(cut_text.size() - tail.size()), tail); // kept as it is
  // Three parallel branches 0 -> k -> 4 (k = 1, 2, 3) with different ops, permuted.
  const Choices branches = {2, 3, 0, 4, 0, 0, 0, 1, 1, 1};
  const Choices permuted = {4, 2, 0, 3, 0, 0, 0, 1, 1, 1};
  EXPECT_NE(space.to_string(branches), space.to_string(permuted));
  EXPECT_EQ(space.equivalence_key(branches), space.equivalence_key(permuted));
  // A chain 0 -> 1 -> 2 -> 3 -> 4 relabels to nothing else; another op order differs.
  const Choices chain = {3, 0, 2, 0, 0, 4, 0, 0, 0, 1};
  const Choices other_chain = {2, 0, 3, 0, 0, 4, 0, 0, 0, 1};
  EXPECT_EQ(space.equivalence_key(chain), space.to_string(chain));
  EXPECT_NE(space.equivalence_key(chain), space.equivalence_key(other_chain));
  // The key is itself a cell string of the class.
  nas::Rng rng(9);
  for (int k = 0; k < 300; ++k) {
    Choices r = random_choices(space, rng);
    const std::string key = space.equivalence_key(r);
    ASSERT_EQ(space.equivalence_key(space.from_string(key)), key);
  }
}

TEST(CellSpace, RendersNb201sNetworkAroundTheCell) {
  Harness h(1, kCell, {{"nodes", 5}, {"channels", 8}, {"cells_per_stage", 2}});
  const nas::SpaceRef &space = h.space();
  nas::Rng rng(4);
  for (int k = 0; k < 200; ++k) {
    Choices c = random_choices(space, rng);
    ir::Network net;
    ASSERT_NO_THROW(net = ir::read(space.to_ir(c))) << space.to_string(c);
    const ir::Cell &cell = net.cells.at("cell");
    EXPECT_EQ(cell.nodes, 5);
    ASSERT_EQ(cell.edges.size(), 10u); // `none` edges stay, so every node has an input
  }
  ir::Network net = ir::read(space.to_ir(Choices(10, 0))); // the output unreachable
  const std::vector<ir::Layer> expected = {
      ir::op_layer("conv3x3_bn", 8, 1), ir::cell_layer("cell", 8, 2),
      ir::op_layer("resblock", 16, 2),  ir::cell_layer("cell", 16, 2),
      ir::op_layer("resblock", 32, 2),  ir::cell_layer("cell", 32, 2),
      ir::op_layer("bn_relu", 32, 1),   ir::head_layer("global_avg")};
  EXPECT_EQ(net.layers, expected);
  ir::Network super = ir::read(space.supernet_ir());
  EXPECT_TRUE(super.supernet);
  for (size_t i = 0; i < 10; ++i)
    EXPECT_EQ(super.cells.at("cell").edges[i].decision, static_cast<int>(i));
}

TEST(CellSpace, TakesOtherOpsAndNodeCounts) {
  Harness h(1, kCell, {{"nodes", 3}, {"ops", {"sep_conv_3x3", "max_pool_3x3"}}});
  const nas::SpaceRef &space = h.space();
  ASSERT_EQ(space.num_decisions(), 3u);
  const Choices c = {0, 1, 0};
  EXPECT_EQ(space.to_string(c), "|sep_conv_3x3~0|+|max_pool_3x3~0|sep_conv_3x3~1|");
  EXPECT_EQ(space.equivalence_key(c), space.to_string(c)); // no none: nothing merges
  EXPECT_NO_THROW(ir::read(space.to_ir(c)));
}

TEST(CellSpace, RejectsBadConfigsNamingTheKey) {
  Harness h;
  auto key_of = [&](const Json &config) {
    auto e = h.create_error(kCell, config);
    EXPECT_TRUE(e.has_value()) << config.dump();
    return e ? e->key() : "";
  };
  EXPECT_EQ(key_of({{"nodes", 1}}), "nodes");
  EXPECT_EQ(key_of({{"nodes", 17}}), "nodes");
  EXPECT_EQ(key_of({{"ops", {"none", "conv_7x7"}}}), "ops[1]");
  EXPECT_EQ(key_of({{"ops", {"none", "global_avg"}}}), "ops[1]");
  EXPECT_EQ(key_of({{"ops", {"none", "none"}}}), "ops[1]");
  EXPECT_EQ(key_of({{"channels", 0}}), "channels");
  auto e = h.create_error(kCell, {{"ops", {"conv_7x7"}}});
  ASSERT_TRUE(e.has_value());
  EXPECT_NE(std::string(e->what()).find("unknown op 'conv_7x7'"), std::string::npos) << e->what();
}

TEST(Nb201Space, BuildsAValidNetworkForFashionMnistShapes) {
  Harness h(1, kNb201, {{"input_channels", 1}, {"input_size", 28}});
  const nas::SpaceRef &space = h.space();
  nas::Rng rng(2);
  for (int k = 0; k < 50; ++k) {
    ir::Network net = ir::read(space.to_ir(random_choices(space, rng)));
    EXPECT_EQ(net.input, (ir::Shape{1, 28, 28}));
    EXPECT_EQ(net.num_classes, 10);
  }
  EXPECT_EQ(ir::read(space.supernet_ir()).input, (ir::Shape{1, 28, 28}));
}

} // namespace
