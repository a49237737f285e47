// The DARTS network as IR: a conv3x3_bn stem of 3C channels, then `layers` cells, the ones
// at layers/3 and 2*layers/3 reduction cells that double the channels (as DARTS' Network),
// then the global-average head. Consecutive cells of one kind and width form one `repeat`ed
// cell layer. Both cells ("normal", "reduce") are always defined, used or not.
#ifndef NAS_PLUGINS_SPACES_DARTS_DARTS_NETWORK_HPP
#define NAS_PLUGINS_SPACES_DARTS_DARTS_NETWORK_HPP

#include "darts_genotype.hpp"

#include <nas/ir.hpp>

namespace nas::darts {

// What shapes the network; the config keys of the same names. Defaults: DARTS' 8-cell
// search network on CIFAR-10.
struct NetworkShape {
  int layers = 8;    // cells in all
  int channels = 16; // C of the first cells; the stem has 3C
  int input_channels = 3;
  int input_size = 32;
  int num_classes = 10;
};

// The architecture's cells, each node's two edges in the choices' order.
ir::Network network(const Choices &choices, const NetworkShape &shape);
// DARTS' supernet: in each cell all 14 edges j -> n (j < n, n = 2..5, node by node, sources
// ascending: the row order of DARTS' alphas), each offering primitives() with decision -1.
ir::Network supernet(const NetworkShape &shape);

} // namespace nas::darts

#endif
