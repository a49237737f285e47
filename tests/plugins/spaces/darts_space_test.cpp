// nas.space.darts, the built plugin called through the C ABI: its 24 decisions, canonical
// order, genotype strings (DARTS' own DARTS_V2 among them), bad strings, equivalence keys,
// IR and supernet IR, and config errors.
#include "plugin_harness.hpp"

#include <nas/ir.hpp>
#include <nas/random.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using nas::Choices;
using nas::test::Harness;
using nas::test::Json;
namespace ir = nas::ir;

constexpr const char *kDarts = "nas.space.darts";

// DARTS (second order), as DARTS' search prints a derived genotype.
const std::string kDartsV2 =
    "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), "
    "('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), "
    "('dil_conv_3x3', 2)], normal_concat=range(2, 6), reduce=[('max_pool_3x3', 0), "
    "('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), "
    "('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=range(2, 6))";

// The same genotype as DARTS' genotypes.py writes it: lists for the concats, and here on
// several lines with a trailing comma.
const std::string kDartsV2Literal = R"(Genotype(
  normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1),
          ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2),],
  normal_concat=[2, 3, 4, 5],
  reduce=[("max_pool_3x3", 0), ("max_pool_3x3", 1), ("skip_connect", 2), ("max_pool_3x3", 1),
          ("max_pool_3x3", 0), ("skip_connect", 2), ("skip_connect", 2), ("max_pool_3x3", 1)],
  reduce_concat=[2, 3, 4, 5]
))";

// The ```json block after "<!-- example: darts -->" in sdk/IR.md.
std::string ir_md_darts_example() {
  std::ifstream in(NAS_IR_MD);
  std::string line, block;
  bool in_example = false, in_json = false;
  while (std::getline(in, line)) {
    if (line == "<!-- example: darts -->")
      in_example = true;
    else if (in_example && line == "```json")
      in_json = true;
    else if (in_json && line == "```")
      return block;
    else if (in_json)
      block += line + "\n";
  }
  ADD_FAILURE() << "no darts example in " << NAS_IR_MD;
  return "";
}

Choices random_choices(const nas::SpaceRef &space, nas::Rng &rng) {
  Choices c(space.num_decisions());
  for (uint32_t d = 0; d < c.size(); ++d)
    c[d] = static_cast<int32_t>(rng.below(space.num_options(d)));
  return c;
}

Choices canonical(const nas::SpaceRef &space, Choices c) {
  space.canonicalize(c);
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

// `text` with the first occurrence of `from` replaced by `to`.
std::string replaced(std::string text, const std::string &from, const std::string &to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

TEST(DartsSpace, HasThreeDecisionsPerNodeInEachCell) {
  Harness h(1, kDarts);
  const nas::SpaceRef &space = h.space();
  ASSERT_EQ(space.num_decisions(), 24u);
  Json d = Json::parse(space.describe())["decisions"];
  ASSERT_EQ(d.size(), 24u);
  EXPECT_EQ(d[0]["name"], "normal_2_inputs");
  EXPECT_EQ(d[0]["options"], Json({"0,1", "1,0"}));
  EXPECT_EQ(d[1]["name"], "normal_2_op_a");
  EXPECT_EQ(d[2]["name"], "normal_2_op_b");
  EXPECT_EQ(d[11]["name"], "normal_5_op_b");
  EXPECT_EQ(d[12]["name"], "reduce_2_inputs");
  EXPECT_EQ(d[23]["name"], "reduce_5_op_b");
  const Json ops = {"max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3",
                    "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5"};
  double size = 1;
  for (uint32_t i = 0; i < 24; ++i) {
    const int node = 2 + static_cast<int>(i % 12) / 3;
    if (i % 3 == 0) {
      // Ordered pairs of distinct earlier nodes.
      EXPECT_EQ(space.num_options(i), static_cast<uint32_t>(node * (node - 1))) << i;
      size *= node * (node - 1) / 2; // unordered: the canonical ones
    } else {
      EXPECT_EQ(d[i]["options"], ops) << i;
      size *= 7;
    }
    EXPECT_EQ(d[i]["options"].size(), space.num_options(i)) << i;
  }
  EXPECT_EQ(space.num_options(24), 0u);
  // The paper's count: about 10^18 architectures.
  EXPECT_GT(size, 1e18);
  EXPECT_LT(size, 1e19);
}

TEST(DartsSpace, DartsV2ParsesAndPrintsBackIdentically) {
  Harness h(1, kDarts);
  const nas::SpaceRef &space = h.space();
  const Choices v2 = space.from_string(kDartsV2);
  EXPECT_EQ(space.to_string(v2), kDartsV2);
  EXPECT_EQ(space.from_string(kDartsV2Literal), v2);
  // Its IR is IR.md's DARTS example: node 4's edges in the genotype's order.
  const ir::Network net = ir::read(space.to_ir(v2));
  const ir::Cell &normal = net.cells.at("normal");
  ASSERT_EQ(normal.edges.size(), 8u);
  EXPECT_EQ(normal.edges[4], ir::Edge(1, 4, "sep_conv_3x3"));
  EXPECT_EQ(normal.edges[5], ir::Edge(0, 4, "skip_connect"));
  EXPECT_EQ(normal.edges[7], ir::Edge(2, 5, "dil_conv_3x3"));
  EXPECT_EQ(net.cells.at("reduce").edges[2], ir::Edge(2, 3, "skip_connect"));
  // With the default config, exactly IR.md's DARTS network.
  EXPECT_EQ(net, ir::read(ir_md_darts_example()));
}

TEST(DartsSpace, CanonicalizeOrdersEachNodesInputs) {
  Harness h(1, kDarts);
  const nas::SpaceRef &space = h.space();
  const Choices v2 = space.from_string(kDartsV2);
  // Node 4 of the normal cell lists input 1 before 0; the canonical form swaps the pairs.
  const Choices c = canonical(space, v2);
  EXPECT_NE(c, v2);
  const std::string text = space.to_string(c);
  EXPECT_TRUE(contains(text, "('sep_conv_3x3', 1), ('skip_connect', 0), ('sep_conv_3x3', 1)"))
      << text;
  // The same cells written with every node's pairs in the other order: equal once canonical.
  Choices swapped = v2;
  for (int d = 0; d < 24; d += 3) {
    const int node = 2 + (d % 12) / 3;
    const int a = v2[d] / (node - 1), rest = v2[d] % (node - 1);
    const int b = rest < a ? rest : rest + 1;
    swapped[d] = b * (node - 1) + (a < b ? a : a - 1);
    std::swap(swapped[d + 1], swapped[d + 2]);
  }
  ASSERT_NE(swapped, v2);
  EXPECT_EQ(canonical(space, swapped), c);
  EXPECT_EQ(space.equivalence_key(swapped), space.equivalence_key(v2));
  // Canonical choices are a fixed point; every canonical node lists its lower input first.
  EXPECT_EQ(canonical(space, c), c);
  nas::Rng rng(3);
  for (int k = 0; k < 200; ++k) {
    const Choices r = canonical(space, random_choices(space, rng));
    Json d = Json::parse(space.describe())["decisions"];
    for (int i = 0; i < 24; i += 3) {
      const std::string label = d[i]["options"][r[i]];
      EXPECT_LT(label[0], label[2]) << label;
    }
  }
}

TEST(DartsSpace, RandomArchitecturesRoundTripThroughTheirStrings) {
  Harness h(1, kDarts);
  const nas::SpaceRef &space = h.space();
  nas::Rng rng(5);
  for (int k = 0; k < 300; ++k) {
    const Choices c = random_choices(space, rng);
    const std::string text = space.to_string(c);
    ASSERT_EQ(space.from_string(text), c) << text;
    const Choices canon = canonical(space, c);
    EXPECT_EQ(space.from_string(space.to_string(canon)), canon);
    EXPECT_EQ(space.equivalence_key(c), space.equivalence_key(canon));
  }
}

TEST(DartsSpace, EquivalenceKeyMergesRelabelledIntermediateNodes) {
  Harness h(1, kDarts);
  const nas::SpaceRef &space = h.space();
  const Choices v2 = space.from_string(kDartsV2);
  // Normal nodes 2 and 3 both read only nodes 0 and 1: exchanging their edges relabels them.
  const std::string exchanged =
      "Genotype(normal=[('sep_conv_3x3', 0), ('dil_conv_5x5', 1), ('sep_conv_3x3', 0), "
      "('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), "
      "('dil_conv_3x3', 2)], normal_concat=range(2, 6), reduce=[('max_pool_3x3', 0), "
      "('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), "
      "('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], "
      "reduce_concat=range(2, 6))";
  const Choices a = space.from_string(exchanged);
  // Node 5 reads node 2: with 2 and 3 exchanged it reads node 3 instead.
  const Choices b = space.from_string(
      replaced(replaced(exchanged,
                        "('sep_conv_3x3', 0), ('dil_conv_5x5', 1), ('sep_conv_3x3', 0), "
                        "('sep_conv_3x3', 1)",
                        "('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), "
                        "('dil_conv_5x5', 1)"),
               "('dil_conv_3x3', 2)", "('dil_conv_3x3', 3)"));
  EXPECT_NE(space.to_string(canonical(space, a)), space.to_string(canonical(space, b)));
  EXPECT_EQ(space.equivalence_key(a), space.equivalence_key(b));
  // A different op is a different function.
  EXPECT_NE(space.equivalence_key(a), space.equivalence_key(v2));
  // The key is a genotype of the same space.
  EXPECT_EQ(space.equivalence_key(space.from_string(space.equivalence_key(a))),
            space.equivalence_key(a));
}

TEST(DartsSpace, RejectsBadStringsSayingWhy) {
  Harness h(1, kDarts);
  const nas::SpaceRef &space = h.space();
  auto error = [&](const std::string &text) { return parse_error(space, text); };
  std::string e = error("");
  EXPECT_TRUE(contains(e, "expected 'Genotype' at position 0")) << e;
  e = error(replaced(kDartsV2, "('dil_conv_3x3', 2)", "('conv_7x7', 2)"));
  EXPECT_TRUE(contains(e, "unknown op 'conv_7x7'")) << e;
  EXPECT_TRUE(contains(e, "'normal' pair 7")) << e;
  e = error(replaced(kDartsV2, "('dil_conv_3x3', 2)", "('none', 2)"));
  EXPECT_TRUE(contains(e, "'none' is the supernet's zero op")) << e;
  e = error(replaced(kDartsV2, "('dil_conv_3x3', 2)", "('dil_conv_3x3', 5)"));
  EXPECT_TRUE(contains(e, "input 5 is not an earlier node (expected 0..4)")) << e;
  e = error(replaced(kDartsV2, "('sep_conv_3x3', 1)", "('sep_conv_3x3', 0)"));
  EXPECT_TRUE(contains(e, "both edges of the node read node 0")) << e;
  e = error(replaced(kDartsV2, ", ('dil_conv_3x3', 2)]", "]"));
  EXPECT_TRUE(contains(e, "'normal' has 7 pairs, expected 8")) << e;
  e = error(replaced(kDartsV2, "reduce_concat=range(2, 6)", "reduce_concat=[4, 5]"));
  EXPECT_TRUE(contains(e, "'reduce_concat' is '[4, 5]'")) << e;
  e = error(replaced(kDartsV2, "normal_concat", "normal_cat"));
  EXPECT_TRUE(contains(e, "expected 'normal_concat' at position")) << e;
  e = error(kDartsV2 + " x");
  EXPECT_TRUE(contains(e, "expected the end of the genotype")) << e;
  e = error(replaced(kDartsV2, "('sep_conv_3x3', 1)", "('sep_conv_3x3' 1)"));
  EXPECT_TRUE(contains(e, "expected ','")) << e;
}

TEST(DartsSpace, NetworkIrValidatesWithDartsShape) {
  Harness h(1, kDarts);
  const nas::SpaceRef &space = h.space();
  nas::Rng rng(7);
  for (int k = 0; k < 100; ++k) {
    const Choices c = random_choices(space, rng);
    const ir::Network net = ir::read(space.to_ir(c)); // read validates
    ASSERT_NO_THROW(ir::validate(net));
    EXPECT_FALSE(net.supernet);
    for (const char *name : {"normal", "reduce"}) {
      const ir::Cell &cell = net.cells.at(name);
      EXPECT_EQ(cell.inputs, 2);
      EXPECT_EQ(cell.nodes, 6);
      EXPECT_EQ(cell.output, ir::CellOutput::concat);
      EXPECT_EQ(cell.reduction, std::string(name) == "reduce");
      EXPECT_EQ(cell.edges.size(), 8u);
    }
  }
  // DARTS' 8-cell search network: stem 3C, reductions at cells 2 and 5 doubling C.
  const ir::Network net = ir::read(space.to_ir(random_choices(space, rng)));
  ASSERT_EQ(net.layers.size(), 7u);
  EXPECT_EQ(net.layers[0], ir::op_layer("conv3x3_bn", 48, 1));
  EXPECT_EQ(net.layers[1], ir::cell_layer("normal", 16, 2));
  EXPECT_EQ(net.layers[2], ir::cell_layer("reduce", 32, 1));
  EXPECT_EQ(net.layers[3], ir::cell_layer("normal", 32, 2));
  EXPECT_EQ(net.layers[4], ir::cell_layer("reduce", 64, 1));
  EXPECT_EQ(net.layers[5], ir::cell_layer("normal", 64, 2));
  EXPECT_EQ(net.layers[6], ir::head_layer("global_avg"));
  EXPECT_EQ(net.input, (ir::Shape{3, 32, 32}));
}

TEST(DartsSpace, SmallConfigsShapeTheNetwork) {
  Harness h(1, kDarts,
            {{"layers", 3},
             {"channels", 4},
             {"input_channels", 1},
             {"input_size", 28},
             {"num_classes", 7}});
  const nas::SpaceRef &space = h.space();
  nas::Rng rng(8);
  const ir::Network net = ir::read(space.to_ir(random_choices(space, rng)));
  EXPECT_EQ(net.input, (ir::Shape{1, 28, 28}));
  EXPECT_EQ(net.num_classes, 7);
  // Three cells: reductions at 3/3 = 1 and 6/3 = 2.
  ASSERT_EQ(net.layers.size(), 5u);
  EXPECT_EQ(net.layers[0], ir::op_layer("conv3x3_bn", 12, 1));
  EXPECT_EQ(net.layers[1], ir::cell_layer("normal", 4, 1));
  EXPECT_EQ(net.layers[2], ir::cell_layer("reduce", 8, 1));
  EXPECT_EQ(net.layers[3], ir::cell_layer("reduce", 16, 1));
  // One cell: reductions at 0 and 0, a single reduction cell.
  Harness one(1, kDarts, {{"layers", 1}});
  const ir::Network single = ir::read(one.space().to_ir(random_choices(one.space(), rng)));
  ASSERT_EQ(single.layers.size(), 3u);
  EXPECT_EQ(single.layers[1], ir::cell_layer("reduce", 32, 1));
}

TEST(DartsSpace, SupernetHasEveryEdgeWithTheEightPrimitives) {
  Harness h(1, kDarts, {{"layers", 5}, {"channels", 8}});
  const ir::Network net = ir::read(h.space().supernet_ir()); // read validates
  EXPECT_TRUE(net.supernet);
  const std::vector<std::string> primitives = {"none",         "max_pool_3x3", "avg_pool_3x3",
                                               "skip_connect", "sep_conv_3x3", "sep_conv_5x5",
                                               "dil_conv_3x3", "dil_conv_5x5"};
  for (const char *name : {"normal", "reduce"}) {
    const ir::Cell &cell = net.cells.at(name);
    ASSERT_EQ(cell.edges.size(), 14u);
    size_t k = 0;
    for (int to = 2; to < 6; ++to)
      for (int from = 0; from < to; ++from, ++k) {
        EXPECT_EQ(cell.edges[k], ir::Edge(from, to, primitives, -1)) << name << " " << k;
      }
  }
  // The same chain as an architecture's network.
  nas::Rng rng(9);
  const ir::Network arch = ir::read(h.space().to_ir(random_choices(h.space(), rng)));
  EXPECT_EQ(net.layers, arch.layers);
}

TEST(DartsSpace, RejectsBadConfigsNamingTheKey) {
  Harness h;
  auto key_of = [&](const Json &config) {
    auto e = h.create_error(kDarts, config);
    EXPECT_TRUE(e.has_value()) << config.dump();
    return e ? e->key() : "";
  };
  EXPECT_EQ(key_of({{"layers", 0}}), "layers");
  EXPECT_EQ(key_of({{"layers", 1001}}), "layers");
  EXPECT_EQ(key_of({{"channels", 0}}), "channels");
  EXPECT_EQ(key_of({{"input_size", -1}}), "input_size");
  EXPECT_EQ(key_of({{"num_classes", 0}}), "num_classes");
}

} // namespace
