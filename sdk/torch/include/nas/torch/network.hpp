// nas/torch/network.hpp: builds a torch module from a network IR (sdk/IR.md).
//
//   nas::ir::Network ir = nas::ir::read(text);
//   nas::torch::Network net = nas::torch::build_network(ir);
//   torch::Tensor logits = net->forward(images); // [N, C, H, W] -> [N, num_classes]
//
// Layers are built in IR order: op layers from the registry, cells `repeat` times (each copy
// with its own weights, inputs chosen and adapted as IR.md says), the head as pool, flatten,
// optional dropout ({"dropout": p} in the head's attrs) and a linear classifier.
#pragma once

#include <nas/ir.hpp>
#include <nas/torch/export.hpp>
#include <nas/torch/ops.hpp>

#include <torch/nn/module.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace nas::torch {

// One copy of a cell: input adapters (empty where the input already fits), then its DAG.
class NAS_TORCH_API CellImpl : public ::torch::nn::Module {
public:
  CellImpl(const ir::Cell &cell, std::vector<::torch::nn::AnyModule> adapters,
           std::vector<::torch::nn::AnyModule> edges);
  // inputs[j] feeds input node j.
  ::torch::Tensor forward(const std::vector<::torch::Tensor> &inputs);

private:
  ir::Cell cell_;
  std::vector<::torch::nn::AnyModule> adapters_; // one per input node
  std::vector<::torch::nn::AnyModule> edges_;    // one per IR edge, in IR order
  std::vector<std::vector<size_t>> incoming_;    // node -> indices of its edges
};
NAS_TORCH_MODULE(Cell);

// Builds the module of one op entry (an edge or an op layer). `options` is empty for a fixed
// op (spec.op); in a supernet it lists the candidates and `decision` picks among them.
using EntryBuilder = std::function<::torch::nn::AnyModule(
    const OpSpec &spec, const std::vector<std::string> &options, int decision)>;

class NAS_TORCH_API NetworkImpl : public ::torch::nn::Module {
public:
  NetworkImpl(const ir::Network &network, const OpRegistry &registry,
              const EntryBuilder &entries);
  // x: [N, C, H, W] as the IR's input; returns logits [N, num_classes].
  ::torch::Tensor forward(::torch::Tensor x);

  const ir::Shape &input_shape() const { return input_; }

private:
  struct Block {
    ::torch::nn::AnyModule op; // an op layer, or
    Cell cell{nullptr};        // a cell copy
    int inputs = 0;            // a cell's number of input nodes
  };
  ir::Shape input_;
  std::vector<Block> blocks_;
  int window_ = 1; // how many recent block outputs a cell may need
  ::torch::nn::AnyModule pool_;
  ::torch::nn::Dropout dropout_{nullptr};
  ::torch::nn::Linear classifier_{nullptr};
};
NAS_TORCH_MODULE(Network);

// Validates the IR (ir::validate) and builds it. A supernet IR is refused (one-shot methods
// build theirs with build_network_with and their own mixed ops).
NAS_TORCH_API Network build_network(const ir::Network &network,
                                    const OpRegistry &registry = OpRegistry::standard());

// Validates and builds with `entries` making every op entry, fixed or with options: the hook
// for supernets (a mixed op per entry). Fixed entries can be left to registry.make(spec).
NAS_TORCH_API Network build_network_with(const ir::Network &network, const OpRegistry &registry,
                                         const EntryBuilder &entries);

// Number of parameters (trainable or not; buffers such as BN running stats excluded).
NAS_TORCH_API int64_t count_parameters(const ::torch::nn::Module &module);

// Multiply-accumulates of one batch-1 forward of `network` at input shape `input`, counted on
// the autograd graph of that forward: each convolution adds output elements x (input
// channels / groups) x kernel area, each linear layer (matrix product) output elements x
// input features. BN, pooling, activations and additions count nothing. The network runs in
// eval mode for it and gets its mode back.
NAS_TORCH_API int64_t count_macs(NetworkImpl &network, const ir::Shape &input);

} // namespace nas::torch
