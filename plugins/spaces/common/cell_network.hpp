// NAS-Bench-201's network around a cell, for any one-input cell: shared by nas.space.nb201
// and nas.space.cell so the two render the same macro structure.
#ifndef NAS_PLUGINS_SPACES_COMMON_CELL_NETWORK_HPP
#define NAS_PLUGINS_SPACES_COMMON_CELL_NETWORK_HPP

#include <nas/ir.hpp>

#include <string>

namespace nas::spaces {

// What shapes the network; the config keys of the same names. Defaults are NB201's.
struct CellNetworkShape {
  int channels = 16;       // C: the stages have C, 2C and 4C channels
  int cells_per_stage = 5; // N
  int input_channels = 3;
  int input_size = 32; // height and width
  int num_classes = 10;
};

// stem conv3x3_bn(C), N cells(C), resblock(2C, stride 2), N cells(2C), resblock(4C,
// stride 2), N cells(4C), bn_relu(4C), global_avg head (then the linear classifier).
// All 3N cells share `cell`, stored under `cell_name`. `supernet` marks a supernet IR.
ir::Network cell_network(ir::Cell cell, const std::string &cell_name, const CellNetworkShape &shape,
                         bool supernet);

} // namespace nas::spaces

#endif
