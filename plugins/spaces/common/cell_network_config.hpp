// The config keys that shape NB201's network around a cell (channels, cells_per_stage and the
// image's shape), read once for nas.space.nb201 and nas.space.cell, which offer the same keys.
#ifndef NAS_PLUGINS_SPACES_COMMON_CELL_NETWORK_CONFIG_HPP
#define NAS_PLUGINS_SPACES_COMMON_CELL_NETWORK_CONFIG_HPP

#include "cell_network.hpp"

#include <nas/plugin.hpp>

#include <string>

namespace nas::spaces {

// The keys' schema entries, without the enclosing braces: a plugin's Info::config is
// "{" + its own entries + "," + this + "}".
extern const std::string kCellNetworkConfigKeys;

// The shape the config asks for (NB201's defaults); nas::ConfigError naming a bad key.
CellNetworkShape cell_network_shape(const Config &config);

} // namespace nas::spaces

#endif
