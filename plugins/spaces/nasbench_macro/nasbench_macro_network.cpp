#include "nasbench_macro_network.hpp"

#include "nasbench_macro_arch.hpp"

#include <vector>

namespace nas::nasbench_macro {

namespace {

// The benchmark's layers around the searched ones; `searched(i)` makes layer i.
template <class Searched>
ir::Network make_network(const NetworkShape &shape, bool supernet, Searched searched) {
  ir::Network net;
  net.input = {shape.input_channels, shape.input_size, shape.input_size};
  net.num_classes = shape.num_classes;
  net.supernet = supernet;
  net.layers.push_back(ir::op_layer("conv3x3_bn_relu", kStemChannels, 1));
  for (int i = 0; i < kNumLayers; ++i)
    net.layers.push_back(searched(i, layer_channels(i), starts_stage(i) ? 2 : 1));
  net.layers.push_back(ir::op_layer("conv1x1_bn_relu", kHeadChannels, 1));
  net.layers.push_back(ir::head_layer("global_avg"));
  return net;
}

} // namespace

ir::Network network(const Choices &arch, const NetworkShape &shape) {
  check(arch);
  return make_network(shape, false, [&](int i, int channels, int stride) {
    return ir::op_layer(op_names()[arch[i]], channels, stride);
  });
}

ir::Network supernet(const NetworkShape &shape) {
  const std::vector<std::string> options(op_names().begin(), op_names().end());
  return make_network(shape, true, [&](int i, int channels, int stride) {
    return ir::choice_layer(options, i, channels, stride); // decision i is layer i
  });
}

} // namespace nas::nasbench_macro
