#include "cell_network.hpp"

#include <utility>

namespace nas::spaces {

ir::Network cell_network(ir::Cell cell, const std::string &cell_name, const CellNetworkShape &shape,
                         bool supernet) {
  ir::Network net;
  net.input = {shape.input_channels, shape.input_size, shape.input_size};
  net.num_classes = shape.num_classes;
  net.supernet = supernet;
  net.cells[cell_name] = std::move(cell);
  const int c = shape.channels;
  net.layers.push_back(ir::op_layer("conv3x3_bn", c, 1));
  net.layers.push_back(ir::cell_layer(cell_name, c, shape.cells_per_stage));
  net.layers.push_back(ir::op_layer("resblock", 2 * c, 2));
  net.layers.push_back(ir::cell_layer(cell_name, 2 * c, shape.cells_per_stage));
  net.layers.push_back(ir::op_layer("resblock", 4 * c, 2));
  net.layers.push_back(ir::cell_layer(cell_name, 4 * c, shape.cells_per_stage));
  // NB201's `lastact`: BatchNorm and ReLU before the pooling.
  net.layers.push_back(ir::op_layer("bn_relu", 4 * c, 1));
  net.layers.push_back(ir::head_layer("global_avg"));
  return net;
}

} // namespace nas::spaces
