#include "dag_network.hpp"

#include <utility>

namespace nas::cell {

namespace {

constexpr const char *kCellName = "cell";

// One IR edge per decision; `set_op` fills it with a fixed op or the supernet's options.
template <class SetOp> ir::Cell make_cell(const DagCell &dag, SetOp set_op) {
  ir::Cell cell;
  cell.inputs = 1;
  cell.nodes = dag.nodes();
  cell.output = ir::CellOutput::last;
  cell.reduction = false; // the network reduces with resblocks between the cells
  for (size_t i = 0; i < dag.edges().size(); ++i) {
    ir::Edge edge;
    edge.from = dag.edges()[i].from;
    edge.to = dag.edges()[i].to;
    set_op(i, edge);
    cell.edges.push_back(std::move(edge));
  }
  return cell;
}

} // namespace

ir::Network network(const DagCell &dag, const Choices &choices,
                    const spaces::CellNetworkShape &shape) {
  dag.check(choices);
  ir::Cell cell = make_cell(dag, [&](size_t i, ir::Edge &e) { e.op = dag.ops()[choices[i]]; });
  return spaces::cell_network(std::move(cell), kCellName, shape, false);
}

ir::Network supernet(const DagCell &dag, const spaces::CellNetworkShape &shape) {
  ir::Cell cell = make_cell(dag, [&](size_t i, ir::Edge &e) {
    e.options = dag.ops();
    e.decision = static_cast<int>(i);
  });
  return spaces::cell_network(std::move(cell), kCellName, shape, true);
}

} // namespace nas::cell
