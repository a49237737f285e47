#include "nb201_network.hpp"

#include "nb201_cell.hpp"

#include <utility>
#include <vector>

namespace nas::nb201 {

namespace {

constexpr const char *kCellName = "nb201";

// One edge per decision; `set_op` fills it with a fixed op or the supernet's options.
template <class SetOp> ir::Cell make_cell(SetOp set_op) {
  ir::Cell cell;
  cell.inputs = 1;
  cell.nodes = kNumNodes;
  cell.output = ir::CellOutput::last; // node 3
  cell.reduction = false;             // NB201 reduces with resblocks between the cells
  for (int i = 0; i < kNumEdges; ++i) {
    ir::Edge edge;
    edge.from = edges()[i].from;
    edge.to = edges()[i].to;
    set_op(i, edge);
    cell.edges.push_back(std::move(edge));
  }
  return cell;
}

ir::Network make_network(ir::Cell cell, const NetworkShape &shape, bool supernet) {
  ir::Network net;
  net.input = {shape.input_channels, shape.input_size, shape.input_size};
  net.num_classes = shape.num_classes;
  net.supernet = supernet;
  net.cells[kCellName] = std::move(cell);
  const int c = shape.channels;
  net.layers.push_back(ir::op_layer("conv3x3_bn", c, 1));
  net.layers.push_back(ir::cell_layer(kCellName, c, shape.cells_per_stage));
  net.layers.push_back(ir::op_layer("resblock", 2 * c, 2));
  net.layers.push_back(ir::cell_layer(kCellName, 2 * c, shape.cells_per_stage));
  net.layers.push_back(ir::op_layer("resblock", 4 * c, 2));
  net.layers.push_back(ir::cell_layer(kCellName, 4 * c, shape.cells_per_stage));
  // NB201's `lastact`: BatchNorm and ReLU before the pooling.
  net.layers.push_back(ir::op_layer("bn_relu", 4 * c, 1));
  net.layers.push_back(ir::head_layer("global_avg"));
  return net;
}

} // namespace

ir::Network network(const Choices &choices, const NetworkShape &shape) {
  check(choices);
  ir::Cell cell = make_cell([&](int i, ir::Edge &e) { e.op = op_names()[choices[i]]; });
  return make_network(std::move(cell), shape, false);
}

ir::Network supernet(const NetworkShape &shape) {
  const std::vector<std::string> options(op_names().begin(), op_names().end());
  ir::Cell cell = make_cell([&](int i, ir::Edge &e) {
    e.options = options;
    e.decision = i; // the edge's decision index in the space
  });
  return make_network(std::move(cell), shape, true);
}

} // namespace nas::nb201
