// The op vocabulary: every standard op of sdk/IR.md, shapes, closed-form parameter counts,
// behaviour a network relies on, registry errors and user-registered ops.
#include <nas/torch/network.hpp>
#include <nas/torch/ops.hpp>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <set>
#include <string>
#include <vector>

namespace {

using nas::torch::OpRegistry;
using nas::torch::OpSpec;

const OpRegistry &standard() { return OpRegistry::standard(); }

torch::nn::AnyModule make(const std::string &op, int in, int out, int stride,
                          const OpRegistry &r = standard()) {
  return r.make(OpSpec{op, in, out, stride, nlohmann::json::object(), "/layers/0"});
}

int64_t params(const torch::nn::AnyModule &m) { return nas::torch::count_parameters(*m.ptr()); }

// The table "Standard op vocabulary" of sdk/IR.md (ops; global_avg is the head pool).
const std::vector<std::string> kVocabulary = {
    "none",         "skip_connect", "identity",        "nor_conv_1x1",    "nor_conv_3x3",
    "avg_pool_3x3", "max_pool_3x3", "sep_conv_3x3",    "sep_conv_5x5",    "dil_conv_3x3",
    "dil_conv_5x5", "mbconv_e3_k3", "mbconv_e3_k5",    "mbconv_e6_k3",    "mbconv_e6_k5",
    "conv3x3_bn",   "conv3x3_bn_relu", "conv1x1_bn_relu", "bn_relu",      "resblock"};

TEST(StandardOps, RegistryHoldsExactlyTheDocumentedVocabulary) {
  const std::vector<std::string> names = standard().names();
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()),
            std::set<std::string>(kVocabulary.begin(), kVocabulary.end()));
  EXPECT_EQ(standard().pool_names(), std::vector<std::string>{"global_avg"});
}

// Output [N, out, ceil(H / s), ceil(W / s)] at stride 1 and 2, even and odd sizes, with and
// without a channel change (bn_relu keeps channels and has no stride).
TEST(StandardOps, EveryOpGivesTheDocumentedOutputShape) {
  torch::NoGradGuard no_grad;
  for (const std::string &op : kVocabulary)
    for (int stride : {1, 2})
      for (int out : {8, 12})
        for (int size : {8, 7}) {
          if (op == "bn_relu" && (stride != 1 || out != 8))
            continue;
          SCOPED_TRACE(op + " stride " + std::to_string(stride) + " 8->" + std::to_string(out) +
                       " size " + std::to_string(size));
          torch::nn::AnyModule m = make(op, 8, out, stride);
          m.ptr()->train();
          torch::Tensor y = m.forward(torch::randn({2, 8, size, size}));
          const int64_t expected = (size + stride - 1) / stride;
          EXPECT_EQ(y.sizes(), (std::vector<int64_t>{2, out, expected, expected}));
        }
}

TEST(StandardOps, ParameterCountsMatchClosedForms) {
  const int64_t c = 16;
  EXPECT_EQ(params(make("none", c, c, 1)), 0);
  EXPECT_EQ(params(make("skip_connect", c, c, 1)), 0);
  EXPECT_EQ(params(make("avg_pool_3x3", c, c, 2)), 0);
  EXPECT_EQ(params(make("identity", c, c, 1)), 0);
  EXPECT_EQ(params(make("identity", c, 2 * c, 2)), c * 2 * c + 2 * 2 * c);
  EXPECT_EQ(params(make("nor_conv_3x3", c, c, 1)), 9 * c * c + 2 * c);
  EXPECT_EQ(params(make("nor_conv_1x1", c, c, 1)), c * c + 2 * c);
  // factorized reduce: two 1x1 convs to c/2 each, BN over c
  EXPECT_EQ(params(make("skip_connect", c, c, 2)), 2 * c * (c / 2) + 2 * c);
  // pool with changed channels: ReLU-conv1x1-BN first
  EXPECT_EQ(params(make("max_pool_3x3", c, 2 * c, 1)), c * 2 * c + 2 * 2 * c);
  // DARTS sep conv: twice (depthwise k, pointwise, BN)
  EXPECT_EQ(params(make("sep_conv_3x3", c, c, 1)), 2 * (9 * c + c * c + 2 * c));
  EXPECT_EQ(params(make("sep_conv_5x5", c, c, 2)), 2 * (25 * c + c * c + 2 * c));
  EXPECT_EQ(params(make("dil_conv_5x5", c, c, 1)), 25 * c + c * c + 2 * c);
  // MBConv e6 k5: expand, BN, depthwise, BN, project, BN
  const int64_t m = 6 * c;
  EXPECT_EQ(params(make("mbconv_e6_k5", c, 2 * c, 2)),
            c * m + 2 * m + 25 * m + 2 * m + m * 2 * c + 2 * 2 * c);
  // NB201 resblock c -> 2c, stride 2: two ReLU-conv3x3-BN and the pool + 1x1 shortcut
  EXPECT_EQ(params(make("resblock", c, 2 * c, 2)),
            9 * c * 2 * c + 4 * c + 9 * 4 * c * c + 4 * c + c * 2 * c);
  EXPECT_EQ(params(make("resblock", c, c, 1)), 2 * (9 * c * c + 2 * c));
  EXPECT_EQ(params(make("conv3x3_bn", 3, c, 1)), 27 * c + 2 * c);
  EXPECT_EQ(params(make("conv1x1_bn_relu", c, 80, 1)), c * 80 + 160);
  EXPECT_EQ(params(make("bn_relu", c, c, 1)), 2 * c);
}

TEST(StandardOps, BehaveAsDocumented) {
  torch::NoGradGuard no_grad;
  const torch::Tensor x = torch::randn({1, 4, 6, 6});
  EXPECT_TRUE(torch::equal(make("skip_connect", 4, 4, 1).forward(x), x));
  EXPECT_TRUE(torch::equal(make("identity", 4, 4, 1).forward(x), x));
  EXPECT_EQ(make("none", 4, 4, 1).forward(x).abs().sum().item<float>(), 0.0f);
  // padding not counted: a constant image stays constant, corners included
  const torch::Tensor ones = torch::ones({1, 4, 5, 5});
  EXPECT_TRUE(torch::allclose(make("avg_pool_3x3", 4, 4, 1).forward(ones), ones));
  // It is AvgPool2d(3, padding 1, count_include_pad false), computed as a convolution: equal
  // at both strides, odd and even sizes, forward and backward, and with a changed size.
  for (int stride : {1, 2}) {
    auto pool = make("avg_pool_3x3", 3, 3, stride); // one module: its cached counts follow
    pool.ptr()->train(); // the convolution form (eval mode is the plain pool)
    for (int size : {5, 6, 7}) {
      torch::AutoGradMode with_gradients(true);
      torch::Tensor in = torch::randn({2, 3, size, size}, torch::requires_grad());
      torch::Tensor ours = pool.forward(in);
      torch::Tensor reference = torch::avg_pool2d(in, 3, stride, 1, false, false);
      EXPECT_TRUE(torch::allclose(ours, reference, 1e-5, 1e-6)) << stride << " " << size;
      auto g_ours = torch::autograd::grad({ours.sum()}, {in})[0];
      auto g_ref = torch::autograd::grad({reference.sum()}, {in})[0];
      EXPECT_TRUE(torch::allclose(g_ours, g_ref, 1e-5, 1e-6)) << stride << " " << size;
    }
  }
  EXPECT_TRUE(torch::equal(make("max_pool_3x3", 4, 4, 1).forward(x),
                           torch::max_pool2d(x, 3, 1, 1)));
  // MBConv adds its input at stride 1 with unchanged channels: zero the last BN's scale and
  // the body contributes nothing, so the output is the input.
  torch::nn::AnyModule mb = make("mbconv_e3_k3", 4, 4, 1);
  for (auto &p : mb.ptr()->named_parameters())
    if (p.key().find("weight") != std::string::npos && p.value().dim() == 1)
      p.value().zero_();
  mb.ptr()->eval();
  EXPECT_TRUE(torch::allclose(mb.forward(x), x));
}

TEST(OpRegistryErrors, UnknownOpNamesThePathAndTheKnownOps) {
  try {
    standard().make(OpSpec{"conv7", 8, 8, 1, nlohmann::json::object(), "/cells/nb201/edges/3"});
    FAIL() << "expected an error";
  } catch (const nas::ir::Error &e) {
    EXPECT_EQ(e.path(), "/cells/nb201/edges/3/op");
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("/cells/nb201/edges/3/op: unknown op 'conv7'; known: ", 0), 0u) << what;
    EXPECT_NE(what.find("nor_conv_3x3"), std::string::npos) << what;
  }
}

TEST(OpRegistryErrors, StandardOpsRejectAttrsAndImpossibleShapes) {
  try {
    standard().make(OpSpec{"nor_conv_3x3", 8, 8, 1, {{"kernel", 5}}, "/layers/2"});
    FAIL() << "expected an error";
  } catch (const nas::ir::Error &e) {
    EXPECT_EQ(e.path(), "/layers/2/attrs/kernel");
  }
  EXPECT_THROW(make("bn_relu", 8, 16, 1), nas::ir::Error);
  EXPECT_THROW(make("bn_relu", 8, 8, 2), nas::ir::Error);
  EXPECT_THROW(make("skip_connect", 8, 8, 3), nas::ir::Error);
  OpRegistry r = standard();
  EXPECT_THROW(r.add("nor_conv_3x3", nullptr), std::invalid_argument);
  EXPECT_THROW(r.add("Bad-Name", nullptr), std::invalid_argument);
}

// A plugin's op: multiplies by attrs.factor. Used by the builder through a copied registry.
class ScaleImpl : public torch::nn::Module {
public:
  explicit ScaleImpl(double factor) : factor_(factor) {}
  torch::Tensor forward(torch::Tensor x) { return x * factor_; }

private:
  double factor_;
};
TORCH_MODULE(Scale);

TEST(OpRegistry, UserOpIsUsedByTheBuilder) {
  OpRegistry r = standard();
  r.add("scale", [](const OpSpec &s) {
    s.expect_attrs({"factor"});
    if (s.in_channels != s.out_channels)
      s.fail("keeps the channels");
    return torch::nn::AnyModule(Scale(s.attrs.value("factor", 1.0)));
  });
  EXPECT_FALSE(standard().has("scale"));

  nas::ir::Network ir;
  ir.input = {3, 8, 8};
  ir.num_classes = 10;
  nas::ir::Layer scale = nas::ir::op_layer("scale", 3);
  scale.attrs = {{"factor", 3.0}};
  ir.layers = {scale, nas::ir::head_layer()};
  nas::torch::Network net = nas::torch::build_network(ir, r);
  torch::NoGradGuard no_grad;
  const torch::Tensor x = torch::randn({2, 3, 8, 8});
  torch::Tensor w, b;
  for (auto &p : net->named_parameters()) {
    if (p.key() == "classifier.weight")
      w = p.value();
    if (p.key() == "classifier.bias")
      b = p.value();
  }
  ASSERT_TRUE(w.defined() && b.defined());
  const torch::Tensor expected = torch::addmm(b, (3.0 * x).mean({2, 3}), w.t());
  EXPECT_TRUE(torch::allclose(net->forward(x), expected, 1e-5, 1e-6));
  // ... and the standard registry does not know it
  EXPECT_THROW(nas::torch::build_network(ir), nas::ir::Error);
}

} // namespace
