// The chain space's network as IR: stem, the active layers, an optional 1x1 layer, head.
#ifndef NAS_PLUGINS_SPACES_CHAIN_CHAIN_NETWORK_HPP
#define NAS_PLUGINS_SPACES_CHAIN_CHAIN_NETWORK_HPP

#include "chain_layout.hpp"

#include <nas/ir.hpp>

namespace nas::chain {

// stem op (channels, stride 1); each active layer as an op layer (its width, stride 2 at
// reduce_at); conv1x1_bn_relu(head_channels) when head_channels > 0; global_avg head.
// Checks the choices first.
ir::Network network(const ChainLayout &layout, const Choices &choices);

// All max_depth layers, each offering every op (decided by its op decision) at the widest
// multiplier. The IR has no way to offer a depth or a width, so those decisions are not in
// it: a one-shot method searches the ops of the full-depth, widest chain.
ir::Network supernet(const ChainLayout &layout);

} // namespace nas::chain

#endif
