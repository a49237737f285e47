// The NAS-Bench-Macro network (xiusu/NAS-Bench-Macro, train/model.py) as network IR.
#ifndef NAS_PLUGINS_SPACES_NASBENCH_MACRO_NETWORK_HPP
#define NAS_PLUGINS_SPACES_NASBENCH_MACRO_NETWORK_HPP

#include <nas/ir.hpp>
#include <nas/plugin.hpp>

namespace nas::nasbench_macro {

// What shapes the network; the config keys of the same names. Defaults are CIFAR-10's.
struct NetworkShape {
  int input_channels = 3;
  int input_size = 32; // height and width
  int num_classes = 10;
};

constexpr int kHeadChannels = 1280;

// stem conv3x3_bn_relu(32); 8 op layers of 64, 64 | 128 x3 | 256 x3 channels, stride 2 at
// the first layer of each stage; conv1x1_bn_relu(1280); global_avg head (then the linear
// classifier). The IR's `identity` is the benchmark's Identity: x itself at stride 1 and
// unchanged width, a 1x1 conv + BN projection where a stage starts. Checks the arch first.
ir::Network network(const Choices &arch, const NetworkShape &shape);
// The same network where every layer offers its three ops and names its decision.
ir::Network supernet(const NetworkShape &shape);

} // namespace nas::nasbench_macro

#endif
