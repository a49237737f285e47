#include "darts_network.hpp"

#include <utility>

namespace nas::darts {

namespace {

ir::Cell empty_cell(int c) {
  ir::Cell cell;
  cell.inputs = kInputs;
  cell.nodes = kNodes;
  cell.output = ir::CellOutput::concat;
  cell.reduction = c == 1;
  return cell;
}

// The chain: stem, the cells (reductions double the width), head.
ir::Network chain(std::map<std::string, ir::Cell> cells, const NetworkShape &shape,
                  bool is_supernet) {
  ir::Network net;
  net.input = {shape.input_channels, shape.input_size, shape.input_size};
  net.num_classes = shape.num_classes;
  net.supernet = is_supernet;
  net.cells = std::move(cells);
  int c = shape.channels;
  net.layers.push_back(ir::op_layer("conv3x3_bn", 3 * c, 1));
  for (int k = 0; k < shape.layers; ++k) {
    const bool reduction = k == shape.layers / 3 || k == 2 * shape.layers / 3;
    if (reduction)
      c *= 2;
    const std::string &name = cell_names()[reduction ? 1 : 0];
    ir::Layer &last = net.layers.back();
    if (last.type == ir::LayerType::cell && last.cell == name && last.channels == c)
      ++last.repeat;
    else
      net.layers.push_back(ir::cell_layer(name, c, 1));
  }
  net.layers.push_back(ir::head_layer("global_avg"));
  return net;
}

} // namespace

ir::Network network(const Choices &choices, const NetworkShape &shape) {
  const Genotype g = to_genotype(choices);
  std::map<std::string, ir::Cell> cells;
  for (int c = 0; c < kCells; ++c) {
    ir::Cell cell = empty_cell(c);
    for (int node = kInputs; node < kNodes; ++node)
      for (const GeneEdge &e : g[c][node - kInputs])
        cell.edges.emplace_back(e.input, node, ops()[e.op]);
    cells[cell_names()[c]] = std::move(cell);
  }
  return chain(std::move(cells), shape, false);
}

ir::Network supernet(const NetworkShape &shape) {
  std::map<std::string, ir::Cell> cells;
  for (int c = 0; c < kCells; ++c) {
    ir::Cell cell = empty_cell(c);
    for (int node = kInputs; node < kNodes; ++node)
      for (int from = 0; from < node; ++from)
        cell.edges.emplace_back(from, node, primitives(), -1);
    cells[cell_names()[c]] = std::move(cell);
  }
  return chain(std::move(cells), shape, true);
}

} // namespace nas::darts
