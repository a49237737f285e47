// The cell space's network as IR: NB201's network (plugins/spaces/common/cell_network)
// around the DAG cell.
#ifndef NAS_PLUGINS_SPACES_CELL_DAG_NETWORK_HPP
#define NAS_PLUGINS_SPACES_CELL_DAG_NETWORK_HPP

#include "dag_cell.hpp"

#include "../common/cell_network.hpp"

#include <nas/ir.hpp>

namespace nas::cell {

// The cell, named "cell", every edge in decision order (`none` edges included, so every
// computed node has an input), in NB201's network. Checks the choices first.
ir::Network network(const DagCell &cell, const Choices &choices,
                    const spaces::CellNetworkShape &shape);
// The same network where edge i offers every op and names decision i.
ir::Network supernet(const DagCell &cell, const spaces::CellNetworkShape &shape);

} // namespace nas::cell

#endif
