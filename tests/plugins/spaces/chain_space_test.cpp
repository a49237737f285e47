// nas.space.chain, the built plugin called through the C ABI: its decisions and their
// active_if, canonical form, exact strings, equivalence keys, IR, config errors, and
// progressive search growing it by depth.
#include "plugin_harness.hpp"

#include <nas/ir.hpp>
#include <nas/random.hpp>

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace {

using nas::Choices;
using nas::test::Harness;
using nas::test::Json;
namespace ir = nas::ir;

constexpr const char *kChain = "nas.space.chain";

// A small chain: depth 2..4, three ops, two widths, reductions at layers 0 and 2.
Json small_config() {
  return {{"min_depth", 2},
          {"max_depth", 4},
          {"ops", {"mbconv_e3_k3", "sep_conv_3x3", "identity"}},
          {"widths", {0.5, 1.0}},
          {"channels", 16},
          {"reduce_at", {0, 2}}};
}

// Uniform choices over every decision (not canonical).
Choices random_choices(const nas::SpaceRef &space, nas::Rng &rng) {
  Choices c(space.num_decisions());
  for (uint32_t d = 0; d < c.size(); ++d)
    c[d] = static_cast<int32_t>(rng.below(space.num_options(d)));
  return c;
}

// depth option `depth - 2`, then (op, width) per layer of the small config.
Choices small(int depth, const std::vector<std::pair<int, int>> &layers) {
  Choices c = {depth - 2, 0, 0, 0, 0, 0, 0, 0, 0};
  for (size_t i = 0; i < layers.size(); ++i) {
    c[1 + 2 * i] = layers[i].first;
    c[2 + 2 * i] = layers[i].second;
  }
  return c;
}

TEST(ChainSpace, DescribesDepthThenOpAndWidthPerLayer) {
  Harness h(1, kChain, small_config());
  const nas::SpaceRef &space = h.space();
  ASSERT_EQ(space.num_decisions(), 9u);
  Json d = Json::parse(space.describe())["decisions"];
  ASSERT_EQ(d.size(), 9u);
  EXPECT_EQ(d[0]["name"], "depth");
  EXPECT_EQ(d[0]["options"], Json({"2", "3", "4"}));
  EXPECT_EQ(d[0]["tags"], Json({"ordinal", "depth"}));
  for (int i = 0; i < 4; ++i) {
    const Json &op = d[1 + 2 * i], &width = d[2 + 2 * i];
    EXPECT_EQ(op["name"], "op_" + std::to_string(i));
    EXPECT_EQ(op["options"], Json({"mbconv_e3_k3", "sep_conv_3x3", "identity"}));
    EXPECT_EQ(width["name"], "width_" + std::to_string(i));
    EXPECT_EQ(width["options"], Json({"0.5", "1"}));
    EXPECT_EQ(width["tags"], Json({"ordinal"}));
    EXPECT_EQ(space.num_options(1 + 2 * i), 3u);
    EXPECT_EQ(space.num_options(2 + 2 * i), 2u);
  }
  // Layers 0 and 1 exist at every depth; layer 2 from depth 3 (option 1), layer 3 at 4.
  for (int d_index : {1, 2, 3, 4})
    EXPECT_FALSE(d[d_index].contains("active_if")) << d[d_index];
  const Json layer2 = {{"decision", 0}, {"values", {1, 2}}};
  const Json layer3 = {{"decision", 0}, {"values", {2}}};
  EXPECT_EQ(d[5]["active_if"], layer2);
  EXPECT_EQ(d[6]["active_if"], layer2);
  EXPECT_EQ(d[7]["active_if"], layer3);
  EXPECT_EQ(d[8]["active_if"], layer3);
  EXPECT_EQ(space.num_options(9), 0u);
}

TEST(ChainSpace, CanonicalizeZeroesTheLayersPastTheDepth) {
  Harness h(1, kChain, small_config());
  Choices c = {0, 1, 1, 2, 0, 2, 1, 1, 1}; // depth 2: layers 2 and 3 inactive
  h.space().canonicalize(c);
  EXPECT_EQ(c, (Choices{0, 1, 1, 2, 0, 0, 0, 0, 0}));
  Choices full = {2, 1, 1, 2, 0, 2, 1, 1, 1}; // depth 4: nothing to zero
  Choices same = full;
  h.space().canonicalize(same);
  EXPECT_EQ(same, full);
  Choices out_of_range = {3, 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_THROW(h.space().canonicalize(out_of_range), nas::Error);
}

TEST(ChainSpace, StringsShowTheActiveLayersAndReadBack) {
  Harness h(1, kChain, small_config());
  const nas::SpaceRef &space = h.space();
  const Choices c = small(3, {{0, 1}, {2, 0}, {1, 1}});
  EXPECT_EQ(space.to_string(c), "mbconv_e3_k3@1|identity@0.5|sep_conv_3x3@1");
  EXPECT_EQ(space.from_string("mbconv_e3_k3@1|identity@0.5|sep_conv_3x3@1"), c);
  // Inactive decisions do not show: the string is the canonical form's.
  Choices noisy = c;
  noisy[7] = 2;
  EXPECT_EQ(space.to_string(noisy), space.to_string(c));

  nas::Rng rng(11);
  std::set<int> depths;
  for (int k = 0; k < 300; ++k) {
    Choices r = random_choices(space, rng);
    space.canonicalize(r);
    const std::string text = space.to_string(r);
    ASSERT_EQ(space.from_string(text), r) << text;
    depths.insert(r[0] + 2);
  }
  EXPECT_EQ(depths, (std::set<int>{2, 3, 4}));
}

TEST(ChainSpace, RejectsBadStringsSayingWhatAndWhere) {
  Harness h(1, kChain, small_config());
  const nas::SpaceRef &space = h.space();
  auto error_of = [&](const std::string &text) -> std::string {
    try {
      space.from_string(text);
    } catch (const nas::Error &e) {
      EXPECT_EQ(e.code(), NAS_ERR_INVALID_ARCH) << text;
      return e.what();
    }
    ADD_FAILURE() << "accepted: " << text;
    return "";
  };
  std::string e = error_of("mbconv_e3_k3@1|conv_7x7@1");
  EXPECT_NE(e.find("layer 1 has op 'conv_7x7'"), std::string::npos) << e;
  EXPECT_NE(e.find("position 15"), std::string::npos) << e;
  EXPECT_NE(e.find("mbconv_e3_k3, sep_conv_3x3, identity"), std::string::npos) << e;
  e = error_of("mbconv_e3_k3@1|identity@2");
  EXPECT_NE(e.find("layer 1 has width '2', expected one of 0.5, 1"), std::string::npos) << e;
  e = error_of("mbconv_e3_k3@1|identity");
  EXPECT_NE(e.find("layer 1 has no '@width'"), std::string::npos) << e;
  e = error_of("identity@1");
  EXPECT_NE(e.find("fewer than min_depth (2)"), std::string::npos) << e;
  e = error_of("identity@1|identity@1|identity@1|identity@1|identity@1");
  EXPECT_NE(e.find("more than max_depth (4)"), std::string::npos) << e;
  error_of("");
  error_of("identity@1||identity@1");
  error_of("identity@1|identity@1|");
  error_of("identity@1.0|identity@1"); // widths are written as describe() labels them
}

TEST(ChainSpace, EquivalenceKeyDropsIdentitiesThatPassTheInputThrough) {
  Harness h(1, kChain, small_config());
  const nas::SpaceRef &space = h.space();
  // Widths: layers 0-1 at 32 channels (layer 0 strided), layers 2-3 at 64 (layer 2 strided).
  // An identity at stride 1 and its input's width maps x to x.
  const Choices a = small(3, {{0, 1}, {2, 1}, {1, 1}});         // layer 1 a no-op
  const Choices b = small(4, {{0, 1}, {2, 1}, {1, 1}, {2, 1}}); // layers 1 and 3 no-ops
  EXPECT_NE(space.to_string(a), space.to_string(b));
  EXPECT_EQ(space.equivalence_key(a), space.equivalence_key(b));
  EXPECT_EQ(space.equivalence_key(a), "mbconv_e3_k3:32:2|sep_conv_3x3:64:2");
  // An identity that changes the width is a 1x1 projection; a strided one too.
  const Choices projection = small(3, {{0, 1}, {2, 0}, {1, 1}});
  const Choices strided = small(3, {{0, 1}, {1, 1}, {2, 1}});
  EXPECT_NE(space.equivalence_key(projection), space.equivalence_key(a));
  EXPECT_EQ(space.equivalence_key(strided), "mbconv_e3_k3:32:2|sep_conv_3x3:32:1|identity:64:2");
  // Inactive decisions never change the key.
  Choices noisy = a;
  noisy[7] = 1;
  EXPECT_EQ(space.equivalence_key(noisy), space.equivalence_key(a));
}

TEST(ChainSpace, RendersTheActiveLayersAsAValidChain) {
  Json config = small_config();
  config["head_channels"] = 64;
  config["input_channels"] = 1;
  config["input_size"] = 28;
  Harness h(1, kChain, config);
  const nas::SpaceRef &space = h.space();
  ir::Network net = ir::read(space.to_ir(small(3, {{0, 1}, {2, 0}, {1, 1}})));
  EXPECT_FALSE(net.supernet);
  EXPECT_EQ(net.input, (ir::Shape{1, 28, 28}));
  EXPECT_TRUE(net.cells.empty());
  const std::vector<ir::Layer> expected = {
      ir::op_layer("conv3x3_bn_relu", 16, 1), ir::op_layer("mbconv_e3_k3", 32, 2),
      ir::op_layer("identity", 16, 1),        ir::op_layer("sep_conv_3x3", 64, 2),
      ir::op_layer("conv1x1_bn_relu", 64, 1), ir::head_layer("global_avg")};
  EXPECT_EQ(net.layers, expected);

  // Random architectures of the default space: valid IR, one op layer per active layer.
  Harness d(1, kChain);
  nas::Rng rng(5);
  for (int k = 0; k < 200; ++k) {
    Choices c = random_choices(d.space(), rng);
    d.space().canonicalize(c);
    ir::Network n;
    ASSERT_NO_THROW(n = ir::read(d.space().to_ir(c))) << d.space().to_string(c);
    EXPECT_EQ(n.layers.size(), static_cast<size_t>(c[0] + 2) + 2); // stem, layers, head
  }
}

TEST(ChainSpace, SupernetOffersEveryOpAtFullDepth) {
  Harness h(1, kChain, small_config());
  ir::Network net = ir::read(h.space().supernet_ir());
  EXPECT_TRUE(net.supernet);
  ASSERT_EQ(net.layers.size(), 6u); // stem, 4 layers, head
  for (int i = 0; i < 4; ++i) {
    const ir::Layer &l = net.layers[1 + i];
    EXPECT_EQ(l.options, (std::vector<std::string>{"mbconv_e3_k3", "sep_conv_3x3", "identity"}));
    EXPECT_EQ(l.decision, 1 + 2 * i); // the layer's op decision
    EXPECT_EQ(l.stride, i == 0 || i == 2 ? 2 : 1);
  }
}

TEST(ChainSpace, RejectsBadConfigsNamingTheKey) {
  Harness h;
  auto error_of = [&](Json config) {
    auto e = h.create_error(kChain, config);
    EXPECT_TRUE(e.has_value()) << config.dump();
    return e ? std::make_pair(e->key(), std::string(e->what())) : std::make_pair("", "");
  };
  auto [key, message] = error_of({{"ops", {"identity", "conv_7x7"}}});
  EXPECT_EQ(key, "ops[1]");
  EXPECT_NE(message.find("unknown op 'conv_7x7'"), std::string::npos) << message;
  EXPECT_NE(message.find("mbconv_e6_k5"), std::string::npos) << message; // lists known ops
  std::tie(key, message) = error_of({{"ops", {"avg_pool_3x3"}}});
  EXPECT_EQ(key, "ops[0]");
  EXPECT_NE(message.find("keeps its input's channels"), std::string::npos) << message;
  EXPECT_EQ(error_of({{"ops", {"identity", "identity"}}}).first, "ops[1]");
  EXPECT_EQ(error_of({{"ops", Json::array()}}).first, "ops");
  EXPECT_EQ(error_of({{"ops", "identity"}}).first, "ops");
  EXPECT_EQ(error_of({{"min_depth", 5}, {"max_depth", 4}}).first, "min_depth");
  EXPECT_EQ(error_of({{"max_depth", 0}}).first, "max_depth");
  EXPECT_EQ(error_of({{"widths", {1.0, 0.0}}}).first, "widths[1]");
  EXPECT_EQ(error_of({{"widths", {1.0, "wide"}}}).first, "widths[1]");
  EXPECT_EQ(error_of({{"max_depth", 4}, {"reduce_at", {0, 4}}}).first, "reduce_at");
  EXPECT_EQ(error_of({{"reduce_at", {1, 1}}}).first, "reduce_at");
  EXPECT_EQ(error_of({{"stem", "global_avg"}}).first, "stem");
  EXPECT_EQ(error_of({{"head_channels", -1}}).first, "head_channels");
  EXPECT_EQ(error_of({{"channels", 0}}).first, "channels");
  // A max_depth below the default reductions keeps the ones that fit.
  EXPECT_FALSE(h.create_error(kChain, {{"max_depth", 2}, {"min_depth", 1}}).has_value());
}

TEST(ChainSpace, ProgressiveSearchGrowsItOneLayerPerLevel) {
  // Depth 1..3, two ops, one width: level l opens layer l alone (2 children per parent).
  Harness h(3, kChain,
            {{"min_depth", 1},
             {"max_depth", 3},
             {"ops", {"identity", "mbconv_e3_k3"}},
             {"widths", {1.0}},
             {"reduce_at", {0}}});
  nas::test::StrategyClient s = h.strategy("nas.strategy.progressive", {{"beam", 1}});
  std::vector<int> depths;
  for (int64_t id = 1; id <= 20; ++id) {
    nas::test::Proposal p = s.ask(id);
    if (p.status == NAS_DONE)
      break;
    ASSERT_TRUE(p.ok()) << p;
    Choices c = p.choices;
    h.space().canonicalize(c);
    EXPECT_EQ(c, p.choices) << "proposals are canonical";
    depths.push_back(p.choices[0] + 1);
    // Prefer mbconv layers, so the kept parent is known.
    double value = 0;
    for (int i = 0; i < 3; ++i)
      value += p.choices[1 + 2 * i];
    ASSERT_TRUE(s.tell(id, p.choices, value).ok());
  }
  // Level 1: depth 1 with both ops; levels 2 and 3: the kept parent grown by one layer.
  EXPECT_EQ(depths, (std::vector<int>{1, 1, 2, 2, 3, 3}));
}

} // namespace
