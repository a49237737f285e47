// build_network: the IR's chain of layers as one torch module (rules in sdk/IR.md).
#include <nas/torch/geometry.hpp>
#include <nas/torch/network.hpp>

#include <torch/torch.h>

#include <algorithm>
#include <deque>
#include <utility>

namespace nas::torch {

namespace {

namespace tnn = ::torch::nn;
using ir::detail::join;

// The module that brings one cell input to the cell's width and resolution (empty: none).
tnn::AnyModule input_adapter(InputAdapter kind, int in, int out, const OpRegistry &registry,
                             const std::string &path) {
  switch (kind) {
  case InputAdapter::none:
    return {};
  case InputAdapter::conv1x1: // ReLU-conv1x1-BN, the standard nor_conv_1x1
    return registry.make({"nor_conv_1x1", in, out, 1, nlohmann::json::object(), path});
  case InputAdapter::factorized_reduce: // skip_connect at stride 2 is the factorized reduce
    return registry.make({"skip_connect", in, out, 2, nlohmann::json::object(), path});
  }
  return {};
}

// The head's dropout probability from its attrs ({"dropout": p}, 0 <= p < 1; default 0).
double head_dropout(const nlohmann::json &attrs, const std::string &path) {
  const std::string attrs_path = join(path, "attrs");
  double p = 0;
  for (auto it = attrs.begin(); it != attrs.end(); ++it) {
    if (it.key() != "dropout")
      throw ir::Error(join(attrs_path, it.key()),
                      "the head does not understand this attr (expected: dropout)");
    if (!it->is_number() || it->get<double>() < 0 || it->get<double>() >= 1)
      throw ir::Error(join(attrs_path, "dropout"),
                      "expected a number in [0, 1), got " + ir::detail::show(*it));
    p = it->get<double>();
  }
  return p;
}

} // namespace

CellImpl::CellImpl(const ir::Cell &cell, std::vector<tnn::AnyModule> adapters,
                   std::vector<tnn::AnyModule> edges)
    : cell_(cell), adapters_(std::move(adapters)), edges_(std::move(edges)),
      incoming_(static_cast<size_t>(cell.nodes)) {
  for (size_t j = 0; j < adapters_.size(); ++j)
    if (!adapters_[j].is_empty())
      register_module("input" + std::to_string(j), adapters_[j].ptr());
  for (size_t e = 0; e < edges_.size(); ++e) {
    register_module("edge" + std::to_string(e), edges_[e].ptr());
    incoming_[static_cast<size_t>(cell_.edges[e].to)].push_back(e);
  }
}

::torch::Tensor CellImpl::forward(const std::vector<::torch::Tensor> &inputs) {
  std::vector<::torch::Tensor> nodes(static_cast<size_t>(cell_.nodes));
  for (size_t j = 0; j < adapters_.size(); ++j)
    nodes[j] = adapters_[j].is_empty() ? inputs[j] : adapters_[j].forward(inputs[j]);
  // Edges go from lower to higher nodes, so node order is a topological order.
  for (size_t node = adapters_.size(); node < nodes.size(); ++node)
    for (size_t e : incoming_[node]) {
      ::torch::Tensor out = edges_[e].forward(nodes[static_cast<size_t>(cell_.edges[e].from)]);
      nodes[node] = nodes[node].defined() ? nodes[node] + out : out;
    }
  if (cell_.output == ir::CellOutput::last)
    return nodes.back();
  return ::torch::cat(std::vector<::torch::Tensor>(nodes.begin() + cell_.inputs, nodes.end()), 1);
}

NetworkImpl::NetworkImpl(const ir::Network &network, const OpRegistry &registry,
                         const EntryBuilder &entries)
    : input_(network.input) {
  // Shapes of the block outputs so far (the image stands in until the first block).
  std::vector<ir::Shape> outputs;
  auto newest = [&]() -> const ir::Shape & {
    return outputs.empty() ? network.input : outputs.back();
  };
  for (size_t i = 0; i < network.layers.size(); ++i) {
    const ir::Layer &layer = network.layers[i];
    const std::string path = join("/layers", i);
    switch (layer.type) {
    case ir::LayerType::op: {
      const ir::Shape in = newest();
      OpSpec spec{layer.op, in.channels, layer.channels, layer.stride, layer.attrs, path};
      Block block;
      block.op = entries(spec, layer.options, layer.decision);
      register_module("layer" + std::to_string(i), block.op.ptr());
      blocks_.push_back(std::move(block));
      outputs.push_back({layer.channels, strided_size(in.height, layer.stride),
                         strided_size(in.width, layer.stride)});
      break;
    }
    case ir::LayerType::cell: {
      if (!layer.attrs.empty())
        throw ir::Error(join(path, "attrs"), "a cell layer takes no attrs, got " +
                                                 ir::detail::show(layer.attrs));
      const ir::Cell &cell = network.cells.at(layer.cell);
      const std::string cell_path = join("/cells", layer.cell);
      const int c = layer.channels;
      window_ = std::max(window_, cell.inputs);
      for (int copy = 0; copy < layer.repeat; ++copy) {
        const int available = outputs.empty() ? 1 : static_cast<int>(outputs.size());
        Block block;
        block.inputs = cell.inputs;
        const std::vector<int> sources = cell_input_sources(cell.inputs, available);
        auto source_shape = [&](int index) -> const ir::Shape & {
          return outputs.empty() ? network.input : outputs[static_cast<size_t>(index)];
        };
        const ir::Shape &target = source_shape(sources.back());
        std::vector<tnn::AnyModule> adapters;
        for (int node = 0; node < cell.inputs; ++node) {
          const ir::Shape &from = source_shape(sources[static_cast<size_t>(node)]);
          InputAdapter kind =
              choose_input_adapter(from, c, target.height, target.width,
                                   path + " (input node " + std::to_string(node) + ")");
          adapters.push_back(input_adapter(kind, from.channels, c, registry, path));
        }
        std::vector<tnn::AnyModule> edges;
        for (size_t e = 0; e < cell.edges.size(); ++e) {
          const ir::Edge &edge = cell.edges[e];
          const int stride = cell.reduction && edge.from < cell.inputs ? 2 : 1;
          OpSpec spec{edge.op, c, c, stride, edge.attrs, join(join(cell_path, "edges"), e)};
          edges.push_back(entries(spec, edge.options, edge.decision));
        }
        block.cell = Cell(cell, std::move(adapters), std::move(edges));
        register_module("layer" + std::to_string(i) + "_" + std::to_string(copy), block.cell);
        blocks_.push_back(std::move(block));
        const int stride = cell.reduction ? 2 : 1;
        const int width = cell.output == ir::CellOutput::last ? c : c * (cell.nodes - cell.inputs);
        outputs.push_back(
            {width, strided_size(target.height, stride), strided_size(target.width, stride)});
      }
      break;
    }
    case ir::LayerType::head: {
      const int c = newest().channels;
      pool_ = registry.make_pool(layer.pool, c, path);
      register_module("pool", pool_.ptr());
      const double p = head_dropout(layer.attrs, path);
      if (p > 0)
        dropout_ = register_module("dropout", tnn::Dropout(p));
      classifier_ = register_module("classifier", tnn::Linear(c, network.num_classes));
      break;
    }
    }
  }
}

::torch::Tensor NetworkImpl::forward(::torch::Tensor x) {
  // The newest block outputs, as many as a cell may need (the image until the first block).
  std::deque<::torch::Tensor> recent;
  for (Block &block : blocks_) {
    ::torch::Tensor out;
    if (!block.op.is_empty()) {
      out = block.op.forward(recent.empty() ? x : recent.back());
    } else {
      // The same rule as at build time, on the window of recent outputs.
      std::vector<::torch::Tensor> inputs;
      const int available = recent.empty() ? 1 : static_cast<int>(recent.size());
      for (int j : cell_input_sources(block.inputs, available))
        inputs.push_back(recent.empty() ? x : recent[static_cast<size_t>(j)]);
      out = block.cell->forward(inputs);
    }
    recent.push_back(std::move(out));
    if (static_cast<int>(recent.size()) > window_)
      recent.pop_front();
  }
  x = pool_.forward(recent.empty() ? x : recent.back());
  x = x.flatten(1);
  if (!dropout_.is_empty())
    x = dropout_->forward(x);
  return classifier_->forward(x);
}

Network build_network_with(const ir::Network &network, const OpRegistry &registry,
                           const EntryBuilder &entries) {
  ir::validate(network);
  return Network(network, registry, entries);
}

Network build_network(const ir::Network &network, const OpRegistry &registry) {
  ir::validate(network);
  if (network.supernet)
    throw ir::Error("/supernet", "build_network builds one architecture; this IR is a supernet "
                                 "(\"supernet\": true), which needs a one-shot method's builder "
                                 "(build_network_with and mixed ops)");
  return Network(network, registry,
                 [&registry](const OpSpec &spec, const std::vector<std::string> &, int) {
                   return registry.make(spec);
                 });
}

} // namespace nas::torch
