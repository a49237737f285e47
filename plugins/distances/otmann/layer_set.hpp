// A network as OTMANN sees it: its layers, each with an op label and the lengths of the paths
// that reach it from the inputs and lead from it to the output (shortest, longest and a
// random walk's expected length, each counted over all layers, over convolutions and over
// pooling layers: NASBOT's structural descriptors). In a cell the layers are its edges' ops
// (the line graph of the cell's DAG: one op feeds another when its edge ends where the
// other's starts); a chain's layers follow one another. Only live layers count: an op on an
// edge no input-to-output path uses computes nothing the network outputs (the path encoding
// drops it too). Inputs and the output are not layers: every network of a space has them,
// at no cost to match.
#ifndef NAS_PLUGINS_DISTANCES_OTMANN_LAYER_SET_HPP
#define NAS_PLUGINS_DISTANCES_OTMANN_LAYER_SET_HPP

#include "label_costs.hpp"
#include "op_network.hpp"

#include <array>
#include <vector>

namespace nas::distances {

// 2 directions x 3 path kinds x 3 groups.
constexpr size_t kDescriptors = 18;

struct Layer {
  int op = kAbsent;
  std::array<double, kDescriptors> paths{};
};

// One set per cell (in the network's cell order), then the chain's.
struct LayerSets {
  std::vector<std::vector<Layer>> parts;
};

std::vector<Layer> cell_layers(const OpCell &cell, const LabelCosts &labels);
std::vector<Layer> chain_layers(const std::vector<int> &chain, const LabelCosts &labels);
LayerSets layer_sets(const OpNetwork &network, const LabelCosts &labels);

} // namespace nas::distances

#endif
