// The standard op vocabulary of sdk/IR.md as torch modules.
//
// Every op pads so that it maps H x W to ceil(H / stride) x ceil(W / stride); the builder and
// nas/torch/geometry.hpp rely on it. Convolutions have no bias.
#include <nas/torch/geometry.hpp>
#include <nas/torch/ops.hpp>

#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

namespace nas::torch {

namespace {

namespace tnn = ::torch::nn;
using ::torch::Tensor;

tnn::Conv2d conv(int in, int out, int kernel, int stride = 1, int dilation = 1, int groups = 1) {
  return tnn::Conv2d(tnn::Conv2dOptions(in, out, kernel)
                         .stride(stride)
                         .padding(dilation * (kernel - 1) / 2)
                         .dilation(dilation)
                         .groups(groups)
                         .bias(false));
}

tnn::BatchNorm2d bn(int channels) { return tnn::BatchNorm2d(channels); }

// A sequence of single-tensor modules. (AnyModule cannot hold torch's Sequential, whose
// forward is a template.) Submodules are named 0, 1, ... as in Sequential.
class ChainImpl : public tnn::Module {
public:
  explicit ChainImpl(std::vector<tnn::AnyModule> steps) : steps_(std::move(steps)) {
    for (size_t i = 0; i < steps_.size(); ++i)
      register_module(std::to_string(i), steps_[i].ptr());
  }
  Tensor forward(Tensor x) {
    for (tnn::AnyModule &step : steps_)
      x = step.forward(x);
    return x;
  }

private:
  std::vector<tnn::AnyModule> steps_;
};
NAS_TORCH_MODULE(Chain);

tnn::AnyModule chain(std::vector<tnn::AnyModule> steps) {
  return tnn::AnyModule(Chain(std::move(steps)));
}

// `body(x) + shortcut(x)`, the shortcut being the identity when empty.
class ResidualImpl : public tnn::Module {
public:
  ResidualImpl(tnn::AnyModule body, tnn::AnyModule shortcut)
      : body_(std::move(body)), shortcut_(std::move(shortcut)) {
    register_module("body", body_.ptr());
    if (!shortcut_.is_empty())
      register_module("shortcut", shortcut_.ptr());
  }
  Tensor forward(Tensor x) {
    Tensor out = body_.forward(x);
    return out + (shortcut_.is_empty() ? x : shortcut_.forward(x));
  }

private:
  tnn::AnyModule body_, shortcut_;
};
NAS_TORCH_MODULE(Residual);

// `none`: zeros of the output shape (an absent edge; passes no gradient).
class ZeroImpl : public tnn::Module {
public:
  ZeroImpl(int out_channels, int stride) : out_channels_(out_channels), stride_(stride) {}
  Tensor forward(Tensor x) {
    return ::torch::zeros({x.size(0), out_channels_, strided_size(static_cast<int>(x.size(2)), stride_),
                           strided_size(static_cast<int>(x.size(3)), stride_)},
                          x.options());
  }

private:
  int64_t out_channels_;
  int stride_;
};
NAS_TORCH_MODULE(Zero);

// DARTS' factorized reduce: ReLU, two 1x1 stride-2 convs, the second on the input shifted by
// one pixel, concatenated, BN. The shift pads the far edge (as NB201 does), so odd sizes
// give ceil(H / 2) on both halves. Odd `out` splits as out/2 + (out - out/2).
class FactorizedReduceImpl : public tnn::Module {
public:
  FactorizedReduceImpl(int in, int out)
      : conv_a_(register_module("conv_a", conv(in, out / 2, 1, 2))),
        conv_b_(register_module("conv_b", conv(in, out - out / 2, 1, 2))),
        bn_(register_module("bn", bn(out))) {}
  Tensor forward(Tensor x) {
    x = ::torch::relu(x);
    Tensor shifted = tnn::functional::pad(x, tnn::functional::PadFuncOptions({0, 1, 0, 1}))
                         .slice(2, 1)
                         .slice(3, 1);
    return bn_->forward(::torch::cat({conv_a_->forward(x), conv_b_->forward(shifted)}, 1));
  }

private:
  tnn::Conv2d conv_a_, conv_b_;
  tnn::BatchNorm2d bn_;
};
NAS_TORCH_MODULE(FactorizedReduce);

class GlobalAvgImpl : public tnn::Module {
public:
  Tensor forward(Tensor x) { return x.mean({2, 3}); }
};
NAS_TORCH_MODULE(GlobalAvg);

tnn::AnyModule relu_conv_bn(int in, int out, int kernel, int stride) {
  return chain({tnn::AnyModule(tnn::ReLU()), tnn::AnyModule(conv(in, out, kernel, stride)),
                tnn::AnyModule(bn(out))});
}

// 3x3 average pooling, padding 1, padding not counted (count_include_pad false), computed as
// a depthwise convolution with a kernel of ones divided by each output's count of real
// inputs: the same values as AvgPool2d, and in libtorch 1.13 on CPU about 3x faster forward
// and 4-9x faster backward at NB201's sizes (bench/darts: avg_pool2d was 40% of a DARTS
// step). The kernel and the count map are cached, not registered: no state in weights.pt.
// In eval mode it is the plain pool: count_macs (which runs eval mode) counts no pooling, and
// inference gains little from the convolution.
class AvgPool3x3Impl : public tnn::Module {
public:
  explicit AvgPool3x3Impl(int stride) : stride_(stride) {}

  Tensor forward(const Tensor &x) {
    if (!is_training())
      return ::torch::avg_pool2d(x, 3, stride_, 1, /*ceil_mode=*/false,
                                 /*count_include_pad=*/false);
    const int64_t c = x.size(1), h = x.size(2), w = x.size(3);
    if (!kernel_.defined() || kernel_.size(0) != c || kernel_.device() != x.device() ||
        kernel_.dtype() != x.dtype())
      kernel_ = ::torch::ones({c, 1, 3, 3}, x.options());
    if (!count_.defined() || h != count_h_ || w != count_w_ || count_.device() != x.device() ||
        count_.dtype() != x.dtype()) {
      ::torch::NoGradGuard no_grad;
      count_ = ::torch::conv2d(::torch::ones({1, 1, h, w}, x.options()),
                               ::torch::ones({1, 1, 3, 3}, x.options()), {}, stride_, 1);
      count_h_ = h;
      count_w_ = w;
    }
    return ::torch::conv2d(x, kernel_, {}, stride_, 1, 1, c) / count_;
  }

private:
  int stride_;
  Tensor kernel_, count_;
  int64_t count_h_ = -1, count_w_ = -1;
};
NAS_TORCH_MODULE(AvgPool3x3);


// A 3x3 pool; with changed channels a ReLU-conv1x1-BN comes first (NB201's POOLING).
tnn::AnyModule pool_op(const OpSpec &s, tnn::AnyModule pool) {
  s.expect_attrs();
  if (s.in_channels == s.out_channels)
    return pool;
  return chain({tnn::AnyModule(tnn::ReLU()), tnn::AnyModule(conv(s.in_channels, s.out_channels, 1)),
                tnn::AnyModule(bn(s.out_channels)), std::move(pool)});
}

// DARTS SepConv: twice (ReLU, depthwise k, pointwise 1x1, BN), the stride on the first.
tnn::AnyModule sep_conv(const OpSpec &s, int k) {
  s.expect_attrs();
  const int in = s.in_channels, out = s.out_channels;
  return chain({tnn::AnyModule(tnn::ReLU()), tnn::AnyModule(conv(in, in, k, s.stride, 1, in)),
                tnn::AnyModule(conv(in, in, 1)), tnn::AnyModule(bn(in)),
                tnn::AnyModule(tnn::ReLU()), tnn::AnyModule(conv(in, in, k, 1, 1, in)),
                tnn::AnyModule(conv(in, out, 1)), tnn::AnyModule(bn(out))});
}

// DARTS DilConv: ReLU, depthwise k with dilation 2, pointwise 1x1, BN.
tnn::AnyModule dil_conv(const OpSpec &s, int k) {
  s.expect_attrs();
  const int in = s.in_channels, out = s.out_channels;
  return chain({tnn::AnyModule(tnn::ReLU()), tnn::AnyModule(conv(in, in, k, s.stride, 2, in)),
                tnn::AnyModule(conv(in, out, 1)), tnn::AnyModule(bn(out))});
}

// Inverted residual (NAS-Bench-Macro's ir_kxk_tE), with the input added when it fits.
tnn::AnyModule mbconv(const OpSpec &s, int expansion, int k) {
  s.expect_attrs();
  const int in = s.in_channels, out = s.out_channels, mid = expansion * in;
  tnn::AnyModule body = chain(
      {tnn::AnyModule(conv(in, mid, 1)), tnn::AnyModule(bn(mid)), tnn::AnyModule(tnn::ReLU()),
       tnn::AnyModule(conv(mid, mid, k, s.stride, 1, mid)), tnn::AnyModule(bn(mid)),
       tnn::AnyModule(tnn::ReLU()), tnn::AnyModule(conv(mid, out, 1)), tnn::AnyModule(bn(out))});
  if (s.stride == 1 && in == out)
    return tnn::AnyModule(Residual(std::move(body), tnn::AnyModule()));
  return body;
}

// NB201's ResNetBasicblock. The shortcut pools with kernel = stride (2x2 at stride 2, ceil
// mode so odd sizes match the convs) then projects with a 1x1 conv; at stride 1 with changed
// channels it is the 1x1 conv alone.
tnn::AnyModule resblock(const OpSpec &s) {
  s.expect_attrs();
  const int in = s.in_channels, out = s.out_channels;
  tnn::AnyModule body =
      chain({relu_conv_bn(in, out, 3, s.stride), relu_conv_bn(out, out, 3, 1)});
  tnn::AnyModule shortcut;
  if (s.stride > 1)
    shortcut = chain({tnn::AnyModule(tnn::AvgPool2d(tnn::AvgPool2dOptions(s.stride)
                                                        .stride(s.stride)
                                                        .ceil_mode(true)
                                                        .count_include_pad(false))),
                      tnn::AnyModule(conv(in, out, 1))});
  else if (in != out)
    shortcut = tnn::AnyModule(conv(in, out, 1));
  return tnn::AnyModule(Residual(std::move(body), std::move(shortcut)));
}

} // namespace

void add_standard_ops(OpRegistry &r) {
  r.add("none", [](const OpSpec &s) {
    s.expect_attrs();
    return tnn::AnyModule(Zero(s.out_channels, s.stride));
  });
  r.add("skip_connect", [](const OpSpec &s) {
    s.expect_attrs();
    if (s.stride == 2)
      return tnn::AnyModule(FactorizedReduce(s.in_channels, s.out_channels));
    if (s.stride != 1)
      s.fail("supports stride 1 or 2, got " + std::to_string(s.stride));
    if (s.in_channels == s.out_channels)
      return tnn::AnyModule(tnn::Identity());
    // Changed channels at stride 1: NB201's FactorizedReduce(stride 1), a 1x1 conv and BN.
    return chain({tnn::AnyModule(conv(s.in_channels, s.out_channels, 1)),
                  tnn::AnyModule(bn(s.out_channels))});
  });
  r.add("identity", [](const OpSpec &s) {
    s.expect_attrs();
    if (s.stride == 1 && s.in_channels == s.out_channels)
      return tnn::AnyModule(tnn::Identity());
    return chain({tnn::AnyModule(conv(s.in_channels, s.out_channels, 1, s.stride)),
                  tnn::AnyModule(bn(s.out_channels))});
  });
  for (int k : {1, 3})
    r.add("nor_conv_" + std::to_string(k) + "x" + std::to_string(k), [k](const OpSpec &s) {
      s.expect_attrs();
      return relu_conv_bn(s.in_channels, s.out_channels, k, s.stride);
    });
  r.add("avg_pool_3x3", [](const OpSpec &s) {
    return pool_op(s, tnn::AnyModule(AvgPool3x3(s.stride)));
  });
  r.add("max_pool_3x3", [](const OpSpec &s) {
    return pool_op(s,
                   tnn::AnyModule(tnn::MaxPool2d(tnn::MaxPool2dOptions(3).stride(s.stride).padding(1))));
  });
  for (int k : {3, 5}) {
    const std::string size = std::to_string(k) + "x" + std::to_string(k);
    r.add("sep_conv_" + size, [k](const OpSpec &s) { return sep_conv(s, k); });
    r.add("dil_conv_" + size, [k](const OpSpec &s) { return dil_conv(s, k); });
  }
  for (int e : {3, 6})
    for (int k : {3, 5})
      r.add("mbconv_e" + std::to_string(e) + "_k" + std::to_string(k),
            [e, k](const OpSpec &s) { return mbconv(s, e, k); });
  r.add("conv3x3_bn", [](const OpSpec &s) {
    s.expect_attrs();
    return chain({tnn::AnyModule(conv(s.in_channels, s.out_channels, 3, s.stride)),
                  tnn::AnyModule(bn(s.out_channels))});
  });
  r.add("conv3x3_bn_relu", [](const OpSpec &s) {
    s.expect_attrs();
    return chain({tnn::AnyModule(conv(s.in_channels, s.out_channels, 3, s.stride)),
                  tnn::AnyModule(bn(s.out_channels)), tnn::AnyModule(tnn::ReLU())});
  });
  r.add("conv1x1_bn_relu", [](const OpSpec &s) {
    s.expect_attrs();
    return chain({tnn::AnyModule(conv(s.in_channels, s.out_channels, 1, s.stride)),
                  tnn::AnyModule(bn(s.out_channels)), tnn::AnyModule(tnn::ReLU())});
  });
  r.add("bn_relu", [](const OpSpec &s) {
    s.expect_attrs();
    if (s.in_channels != s.out_channels)
      s.fail("keeps the channels: the input has " + std::to_string(s.in_channels) +
             ", the layer asks for " + std::to_string(s.out_channels));
    if (s.stride != 1)
      s.fail("has no stride; expected 1, got " + std::to_string(s.stride));
    return chain({tnn::AnyModule(bn(s.out_channels)), tnn::AnyModule(tnn::ReLU())});
  });
  r.add("resblock", resblock);
  r.add_pool("global_avg", [](int) { return tnn::AnyModule(GlobalAvg()); });
}

} // namespace nas::torch
