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

} // namespace

ir::Network network(const Choices &choices, const NetworkShape &shape) {
  check(choices);
  ir::Cell cell = make_cell([&](int i, ir::Edge &e) { e.op = op_names()[choices[i]]; });
  return spaces::cell_network(std::move(cell), kCellName, shape, false);
}

ir::Network supernet(const NetworkShape &shape) {
  const std::vector<std::string> options(op_names().begin(), op_names().end());
  ir::Cell cell = make_cell([&](int i, ir::Edge &e) {
    e.options = options;
    e.decision = i; // the edge's decision index in the space
  });
  return spaces::cell_network(std::move(cell), kCellName, shape, true);
}

} // namespace nas::nb201
