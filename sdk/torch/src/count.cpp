// Parameter and multiply-accumulate counts.
//
// MACs are read off the autograd graph of one batch-1 forward, so any op counts, a plugin's
// included, without each op declaring a formula: a convolution node's output elements times
// its weight's fan-in (in_channels / groups x kernel area), a matrix product's (linear
// layer's) output elements times its inner dimension. Everything else counts nothing.
#include <nas/torch/count.hpp>
#include <nas/torch/network.hpp>

#include <torch/csrc/autograd/functions/accumulate_grad.h>
#include <torch/torch.h>

#include <string>
#include <unordered_set>
#include <vector>

namespace nas::torch {

namespace {

using ::torch::autograd::AccumulateGrad;
using ::torch::autograd::Node;

// The leaf variable (a parameter) behind an input edge, through at most a few view or
// transpose nodes (a linear layer's weight reaches its matrix product as weight.t()).
::torch::Tensor leaf_behind(const ::torch::autograd::Edge &edge) {
  Node *node = edge.function.get();
  for (int hop = 0; node != nullptr && hop < 4; ++hop) {
    if (auto *leaf = dynamic_cast<AccumulateGrad *>(node))
      return leaf->variable;
    if (node->next_edges().empty())
      break;
    node = node->next_edges()[0].function.get();
  }
  return {};
}

// Elements of the output of `node`'s forward (the gradient it receives).
int64_t output_elements(const Node &node) {
  return node.input_metadata(0).zeros_like().numel();
}

int64_t node_macs(const Node &node) {
  const std::string name = node.name();
  if (name.rfind("ConvolutionBackward", 0) == 0) { // (input, weight, bias)
    if (node.next_edges().size() < 2)
      return 0;
    const ::torch::Tensor weight = leaf_behind(node.next_edges()[1]);
    if (!weight.defined() || weight.dim() < 2)
      throw std::runtime_error("count_macs: cannot find the weight of a convolution (" + name +
                               ")");
    return output_elements(node) * (weight.numel() / weight.size(0));
  }
  if (name.rfind("AddmmBackward", 0) == 0 || name.rfind("MmBackward", 0) == 0) {
    // (bias,) input, weight.t(): inner dimension = the weight's input features.
    const ::torch::Tensor weight = leaf_behind(node.next_edges().back());
    if (!weight.defined() || weight.dim() != 2)
      throw std::runtime_error("count_macs: cannot find the weight of a matrix product (" +
                               name + ")");
    return output_elements(node) * weight.size(1);
  }
  return 0;
}

} // namespace

int64_t count_parameters(const ::torch::nn::Module &module) {
  int64_t n = 0;
  for (const ::torch::Tensor &p : module.parameters(true))
    n += p.numel();
  return n;
}

int64_t count_macs(NetworkImpl &network, const ir::Shape &input) {
  const bool training = network.is_training();
  network.eval(); // batch 1: BN must use its running stats
  ::torch::AutoGradMode grad(true);
  ::torch::Tensor x = ::torch::zeros({1, input.channels, input.height, input.width});
  const auto params = network.parameters();
  if (!params.empty())
    x = x.to(params.front().device());
  for (const ::torch::Tensor &p : params)
    if (!p.requires_grad())
      throw std::runtime_error("count_macs: needs every parameter to require grad "
                               "(the count reads the autograd graph)");
  ::torch::Tensor y;
  try {
    y = network.forward(x);
  } catch (...) {
    network.train(training);
    throw;
  }
  network.train(training);
  int64_t macs = 0;
  std::vector<Node *> stack;
  std::unordered_set<Node *> seen;
  if (y.grad_fn())
    stack.push_back(y.grad_fn().get());
  while (!stack.empty()) {
    Node *node = stack.back();
    stack.pop_back();
    if (!seen.insert(node).second)
      continue;
    macs += node_macs(*node);
    for (const ::torch::autograd::Edge &edge : node->next_edges())
      if (edge.function)
        stack.push_back(edge.function.get());
  }
  return macs;
}

int64_t count_parameters(const ir::Network &network, const OpRegistry &registry) {
  return count_parameters(*build_network(network, registry));
}
int64_t count_parameters(const ir::Network &network) {
  return count_parameters(network, OpRegistry::standard());
}

int64_t count_macs(const ir::Network &network, const OpRegistry &registry) {
  Network net = build_network(network, registry);
  return count_macs(*net, network.input);
}
int64_t count_macs(const ir::Network &network) {
  return count_macs(network, OpRegistry::standard());
}

} // namespace nas::torch
