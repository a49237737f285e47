#include "chain_network.hpp"

#include <algorithm>

namespace nas::chain {

namespace {

// The fixed layers around the searched ones; `searched` appends those.
template <class Searched>
ir::Network make_network(const ChainLayout &layout, bool supernet, Searched searched) {
  const ChainSpec &spec = layout.spec();
  ir::Network net;
  net.input = {spec.input_channels, spec.input_size, spec.input_size};
  net.num_classes = spec.num_classes;
  net.supernet = supernet;
  net.layers.push_back(ir::op_layer(spec.stem, layout.stem_channels(), 1));
  searched(net.layers);
  if (spec.head_channels > 0)
    net.layers.push_back(ir::op_layer("conv1x1_bn_relu", spec.head_channels, 1));
  net.layers.push_back(ir::head_layer("global_avg"));
  return net;
}

} // namespace

ir::Network network(const ChainLayout &layout, const Choices &choices) {
  const std::vector<LayerPlan> plan = layout.layers(choices);
  return make_network(layout, false, [&](std::vector<ir::Layer> &layers) {
    for (const LayerPlan &l : plan)
      layers.push_back(ir::op_layer(l.op, l.channels, l.stride));
  });
}

ir::Network supernet(const ChainLayout &layout) {
  const ChainSpec &spec = layout.spec();
  const double widest = *std::max_element(spec.widths.begin(), spec.widths.end());
  return make_network(layout, true, [&](std::vector<ir::Layer> &layers) {
    for (int i = 0; i < spec.max_depth; ++i) {
      layers.push_back(ir::choice_layer(spec.ops, static_cast<int>(ChainLayout::op_decision(i)),
                                        layout.layer_channels(i, widest), layout.stride(i)));
    }
  });
}

} // namespace nas::chain
