#include "cell_network_config.hpp"

#include "space_config.hpp"

namespace nas::spaces {

const std::string kCellNetworkConfigKeys = R"json(
  "channels": {"type": "int", "default": 16, "help": "channels C of the first stage (then 2C, 4C)"},
  "cells_per_stage": {"type": "int", "default": 5, "help": "cells N in each of the 3 stages"},
  "input_channels": {"type": "int", "default": 3, "help": "channels of the input images"},
  "input_size": {"type": "int", "default": 32, "help": "height and width of the input images"},
  "num_classes": {"type": "int", "default": 10, "help": "classes of the classifier"}
)json";

CellNetworkShape cell_network_shape(const Config &config) {
  CellNetworkShape defaults, shape;
  shape.channels = positive_int(config, "channels", defaults.channels);
  shape.cells_per_stage = positive_int(config, "cells_per_stage", defaults.cells_per_stage);
  shape.input_channels = positive_int(config, "input_channels", defaults.input_channels);
  shape.input_size = positive_int(config, "input_size", defaults.input_size);
  shape.num_classes = positive_int(config, "num_classes", defaults.num_classes);
  return shape;
}

} // namespace nas::spaces
