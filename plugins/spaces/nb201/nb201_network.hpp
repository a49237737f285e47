// The NAS-Bench-201 network around the cell, as network IR (sdk/IR.md).
#ifndef NAS_PLUGINS_SPACES_NB201_NETWORK_HPP
#define NAS_PLUGINS_SPACES_NB201_NETWORK_HPP

#include "../common/cell_network.hpp"

#include <nas/ir.hpp>
#include <nas/plugin.hpp>

namespace nas::nb201 {

// What shapes the network; the config keys of the same names. Defaults are the benchmark's.
using NetworkShape = spaces::CellNetworkShape;

// stem conv3x3_bn(C), N cells(C), resblock(2C, stride 2), N cells(2C), resblock(4C,
// stride 2), N cells(4C), bn_relu(4C), global_avg head (then the linear classifier).
// All 3N cells share the one cell "nb201". Checks the cell first.
ir::Network network(const Choices &cell, const NetworkShape &shape);
// The same network where every edge offers all five ops and names its decision.
ir::Network supernet(const NetworkShape &shape);

} // namespace nas::nb201

#endif
