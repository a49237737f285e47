// The IR builder: NB201 cell networks, NAS-Bench-Macro chains and the DARTS example of
// sdk/IR.md give logits of the right shape; parameter and MAC counts equal closed forms and
// the NAS-Bench-Macro table; malformed IR and unknown ops are errors that point into the IR.
#include <nas/torch/count.hpp>
#include <nas/torch/network.hpp>

#include <gtest/gtest.h>
#include <torch/torch.h>
#include <zlib.h>

#include <array>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace ir = nas::ir;
using nas::torch::build_network;
using nas::torch::count_macs;
using nas::torch::count_parameters;

// --- NAS-Bench-201 ----------------------------------------------------------------------------

// NB201's edge order: 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2.
constexpr std::array<std::array<int, 2>, 6> kNb201Edges = {
    {{0, 1}, {0, 2}, {1, 2}, {0, 3}, {1, 3}, {2, 3}}};

// The NB201 network (as plugins/spaces/nb201 renders it) with the given edge ops.
ir::Network nb201(const std::array<std::string, 6> &ops, int c, int n, ir::Shape input) {
  ir::Network net;
  net.input = input;
  net.num_classes = 10;
  ir::Cell cell;
  cell.inputs = 1;
  cell.nodes = 4;
  for (size_t i = 0; i < ops.size(); ++i)
    cell.edges.emplace_back(kNb201Edges[i][0], kNb201Edges[i][1], ops[i]);
  net.cells["nb201"] = cell;
  net.layers = {ir::op_layer("conv3x3_bn", c),     ir::cell_layer("nb201", c, n),
                ir::op_layer("resblock", 2 * c, 2), ir::cell_layer("nb201", 2 * c, n),
                ir::op_layer("resblock", 4 * c, 2), ir::cell_layer("nb201", 4 * c, n),
                ir::op_layer("bn_relu", 4 * c),     ir::head_layer()};
  return net;
}

const std::array<std::string, 6> kBest = {"nor_conv_3x3", "nor_conv_3x3", "nor_conv_3x3",
                                          "skip_connect", "nor_conv_3x3", "nor_conv_1x1"};

// Closed forms: conv weights + BN scale and shift; NB201's edge ops.
int64_t nb201_edge_params(const std::string &op, int64_t c) {
  if (op == "nor_conv_3x3")
    return 9 * c * c + 2 * c;
  if (op == "nor_conv_1x1")
    return c * c + 2 * c;
  return 0; // none, skip_connect, avg_pool_3x3
}
int64_t nb201_edge_macs(const std::string &op, int64_t c, int64_t hw) {
  if (op == "nor_conv_3x3")
    return hw * 9 * c * c;
  if (op == "nor_conv_1x1")
    return hw * c * c;
  return 0;
}
int64_t nb201_params(const std::array<std::string, 6> &ops, int64_t c, int64_t n, int64_t in) {
  int64_t total = 9 * in * c + 2 * c; // stem
  for (int64_t s = 0, w = c; s < 3; ++s, w *= 2) {
    if (s > 0) // resblock w/2 -> w: two ReLU-conv3x3-BN, 1x1 shortcut
      total += 9 * (w / 2) * w + 2 * w + 9 * w * w + 2 * w + (w / 2) * w;
    for (const std::string &op : ops)
      total += n * nb201_edge_params(op, w);
  }
  return total + 2 * 4 * c + 4 * c * 10 + 10; // last BN, classifier
}
int64_t nb201_macs(const std::array<std::string, 6> &ops, int64_t c, int64_t n, int64_t in,
                   int64_t size) {
  int64_t total = size * size * 9 * in * c;
  for (int64_t s = 0, w = c; s < 3; ++s, w *= 2, size = (size + 1) / 2) {
    if (s > 0) {
      const int64_t hw = size * size; // this stage's (halved) resolution
      total += hw * (9 * (w / 2) * w + 9 * w * w + (w / 2) * w);
    }
    for (const std::string &op : ops)
      total += n * nb201_edge_macs(op, w, size * size);
  }
  return total + 4 * c * 10;
}

TEST(Nb201Network, LogitsForBothInputKinds) {
  torch::NoGradGuard no_grad;
  for (ir::Shape input : {ir::Shape{3, 32, 32}, ir::Shape{1, 28, 28}}) {
    nas::torch::Network net = build_network(nb201(kBest, 8, 2, input));
    const torch::Tensor y = net->forward(torch::randn({2, input.channels, input.height,
                                                       input.width}));
    EXPECT_EQ(y.sizes(), (std::vector<int64_t>{2, 10}));
    EXPECT_TRUE(torch::isfinite(y).all().item<bool>());
  }
}

TEST(Nb201Network, OneCellOfConv3x3EdgesHasTheClosedFormCount) {
  const int c = 16;
  ir::Network net = nb201({"nor_conv_3x3", "nor_conv_3x3", "nor_conv_3x3", "nor_conv_3x3",
                           "nor_conv_3x3", "nor_conv_3x3"},
                          c, 1, {3, 32, 32});
  net.layers = {ir::op_layer("conv3x3_bn", c), ir::cell_layer("nb201", c, 1), ir::head_layer()};
  const int64_t cell = 6 * (9 * c * c + 2 * c); // 14,016
  EXPECT_EQ(count_parameters(net), (27 * c + 2 * c) + cell + (c * 10 + 10));
}

TEST(Nb201Network, ParamsAndMacsMatchClosedForms) {
  const std::array<std::string, 6> mixed = {"avg_pool_3x3", "nor_conv_1x1", "skip_connect",
                                            "none",         "nor_conv_3x3", "nor_conv_1x1"};
  for (const auto &ops : {kBest, mixed})
    for (ir::Shape input : {ir::Shape{3, 32, 32}, ir::Shape{1, 28, 28}}) {
      const ir::Network net = nb201(ops, 16, 5, input);
      EXPECT_EQ(count_parameters(net), nb201_params(ops, 16, 5, input.channels));
      EXPECT_EQ(count_macs(net), nb201_macs(ops, 16, 5, input.channels, input.height));
    }
}

// --- NAS-Bench-Macro ------------------------------------------------------------------------

// Architecture digits 0/1/2 = identity / mbconv_e3_k3 / mbconv_e6_k5 (IR.md's macro example).
ir::Network macro(const std::string &arch, ir::Shape input) {
  static const char *kOps[] = {"identity", "mbconv_e3_k3", "mbconv_e6_k5"};
  const int channels[] = {64, 64, 128, 128, 128, 256, 256, 256};
  const int strides[] = {2, 1, 2, 1, 1, 2, 1, 1};
  ir::Network net;
  net.input = input;
  net.num_classes = 10;
  net.layers.push_back(ir::op_layer("conv3x3_bn_relu", 32));
  for (size_t i = 0; i < 8; ++i)
    net.layers.push_back(ir::op_layer(kOps[arch[i] - '0'], channels[i], strides[i]));
  net.layers.push_back(ir::op_layer("conv1x1_bn_relu", 1280));
  net.layers.push_back(ir::head_layer());
  return net;
}

TEST(MacroNetwork, LogitsForBothInputKinds) {
  torch::NoGradGuard no_grad;
  for (ir::Shape input : {ir::Shape{3, 32, 32}, ir::Shape{1, 28, 28}}) {
    nas::torch::Network net = build_network(macro("22212220", input));
    const torch::Tensor y = net->forward(torch::randn({2, input.channels, input.height,
                                                       input.width}));
    EXPECT_EQ(y.sizes(), (std::vector<int64_t>{2, 10}));
  }
}

nlohmann::json read_gzip_json(const std::string &path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr)
    throw std::runtime_error("cannot open " + path);
  std::string text;
  char buffer[1 << 16];
  int n;
  while ((n = gzread(f, buffer, sizeof buffer)) > 0)
    text.append(buffer, static_cast<size_t>(n));
  gzclose(f);
  return nlohmann::json::parse(text);
}

// The benchmark's own params and flops columns (CIFAR-10, 32x32x3) for a spread of
// architectures: every 500th key in file order, and the best.
TEST(MacroNetwork, ParamsAndMacsEqualTheNasBenchMacroTable) {
  const nlohmann::json table =
      read_gzip_json(std::string(NAS_DATA_DIR) + "/nasbench-macro/nas-bench-macro_cifar10.json.gz");
  std::vector<std::string> archs = {"22212220"};
  int i = 0;
  for (auto it = table.begin(); it != table.end(); ++it, ++i)
    if (i % 500 == 0)
      archs.push_back(it.key());
  ASSERT_GE(archs.size(), 10u);
  for (const std::string &arch : archs) {
    SCOPED_TRACE(arch);
    const ir::Network net = macro(arch, {3, 32, 32});
    EXPECT_EQ(count_parameters(net), table[arch]["params"].get<int64_t>());
    EXPECT_EQ(count_macs(net), table[arch]["flops"].get<int64_t>());
  }
}

// --- DARTS (two-input cells, concat, reduction): the example of sdk/IR.md --------------------

std::string ir_md_example(const std::string &name) {
  std::ifstream in(std::string(NAS_SOURCE_DIR) + "/sdk/IR.md");
  std::string line, text;
  bool found = false, inside = false;
  while (std::getline(in, line)) {
    if (line == "<!-- example: " + name + " -->")
      found = true;
    else if (found && !inside && line.rfind("```json", 0) == 0)
      inside = true;
    else if (inside && line.rfind("```", 0) == 0)
      return text;
    else if (inside)
      text += line + "\n";
  }
  throw std::runtime_error("example " + name + " not in sdk/IR.md");
}

TEST(DartsNetwork, TwoInputConcatReductionCellsGiveLogits) {
  torch::NoGradGuard no_grad;
  ir::Network net = ir::read(ir_md_example("darts"));
  for (ir::Shape input : {ir::Shape{3, 32, 32}, ir::Shape{1, 28, 28}}) {
    net.input = input;
    nas::torch::Network module = build_network(net);
    const torch::Tensor y =
        module->forward(torch::randn({2, input.channels, input.height, input.width}));
    EXPECT_EQ(y.sizes(), (std::vector<int64_t>{2, 10}));
  }
  // The first cell gets the stem twice, adapted by ReLU-conv1x1-BN (48 -> 16 channels); the
  // cell after a reduction gets an input of twice the resolution: a factorized reduce.
  nas::torch::Network module = build_network(net);
  std::set<std::string> names;
  for (const auto &p : module->named_parameters())
    names.insert(p.key());
  EXPECT_EQ(names.count("layer1_0.input0.1.weight"), 1u); // conv1x1 of node 0
  EXPECT_EQ(names.count("layer1_0.input1.1.weight"), 1u);
  EXPECT_EQ(names.count("layer3_0.input0.conv_a.weight"), 1u); // factorized reduce
}

// --- Head, modes, supernets -----------------------------------------------------------------

TEST(Builder, HeadDropoutAndCountMacsKeepsTheMode) {
  ir::Network net = macro("00000000", {1, 28, 28});
  net.layers.back().attrs = {{"dropout", 0.3}};
  nas::torch::Network module = build_network(net);
  bool has_dropout = false;
  for (const auto &m : module->named_children())
    has_dropout = has_dropout || m.key() == "dropout";
  EXPECT_TRUE(has_dropout);
  module->train();
  EXPECT_GT(count_macs(*module, net.input), 0);
  EXPECT_TRUE(module->is_training());
}

TEST(Builder, SupernetNeedsAnEntryBuilder) {
  const ir::Network super = ir::read(ir_md_example("nb201_supernet"));
  try {
    build_network(super);
    FAIL() << "expected an error";
  } catch (const ir::Error &e) {
    EXPECT_EQ(e.path(), "/supernet");
  }
  // The hook a one-shot method uses: here every entry takes its first option.
  int calls = 0;
  nas::torch::Network net = nas::torch::build_network_with(
      super, nas::torch::OpRegistry::standard(),
      [&](const nas::torch::OpSpec &spec, const std::vector<std::string> &options, int) {
        ++calls;
        nas::torch::OpSpec fixed = spec;
        if (!options.empty())
          fixed.op = options.back();
        return nas::torch::OpRegistry::standard().make(fixed);
      });
  EXPECT_EQ(calls, 4 + 15 * 6); // 4 op layers, 15 cell copies of 6 edges
  torch::NoGradGuard no_grad;
  EXPECT_EQ(net->forward(torch::randn({1, 3, 32, 32})).sizes(), (std::vector<int64_t>{1, 10}));
}

// --- Errors -----------------------------------------------------------------------------------

void expect_error(const ir::Network &net, const std::string &path, const std::string &part) {
  try {
    build_network(net);
    ADD_FAILURE() << "expected an error at " << path;
  } catch (const ir::Error &e) {
    EXPECT_EQ(e.path(), path) << e.what();
    EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
  }
}

TEST(BuilderErrors, UnknownOpInACellNamesTheEdge) {
  ir::Network net = nb201(kBest, 8, 1, {3, 32, 32});
  net.cells["nb201"].edges[3].op = "conv7";
  expect_error(net, "/cells/nb201/edges/3/op", "unknown op 'conv7'; known: avg_pool_3x3, bn_relu, ");
}

TEST(BuilderErrors, MalformedIrIsRejectedBeforeBuilding) {
  ir::Network net = nb201(kBest, 8, 1, {3, 32, 32});
  net.cells["nb201"].edges[2].from = 3;
  expect_error(net, "/cells/nb201/edges/2/from", "expected an integer below 'to'");

  net = nb201(kBest, 8, 1, {3, 32, 32});
  net.layers.pop_back(); // no head
  expect_error(net, "/layers/6/type", "head");

  net = nb201(kBest, 8, 1, {3, 32, 32});
  net.layers[6] = ir::op_layer("bn_relu", 32, 2); // bn_relu has no stride
  expect_error(net, "/layers/6", "no stride");

  net = nb201(kBest, 8, 1, {3, 32, 32});
  net.layers.back().attrs = {{"drop", 0.5}};
  expect_error(net, "/layers/7/attrs/drop", "expected: dropout");

  net = nb201(kBest, 8, 1, {3, 32, 32});
  net.layers.back().attrs = {{"dropout", 1.5}};
  expect_error(net, "/layers/7/attrs/dropout", "[0, 1)");

  net = nb201(kBest, 8, 1, {3, 32, 32});
  net.layers[1].attrs = {{"x", 1}};
  expect_error(net, "/layers/1/attrs", "takes no attrs");

  net = nb201(kBest, 8, 1, {3, 32, 32});
  net.cells["nb201"].edges[0].attrs = {{"kernel", 5}};
  expect_error(net, "/cells/nb201/edges/0/attrs/kernel", "does not understand");

  net = nb201(kBest, 8, 1, {3, 32, 32});
  net.layers.back().pool = "global_max";
  expect_error(net, "/layers/7/pool", "unknown pool 'global_max'; known: global_avg");
}

} // namespace
