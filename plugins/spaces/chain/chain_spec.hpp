// The chain space's configuration as a plain value, checked once: the searched layers'
// ops and width multipliers, the depth range, where the resolution halves, and the fixed
// layers around them. No ABI here, so unit tests compile this file directly.
#ifndef NAS_PLUGINS_SPACES_CHAIN_CHAIN_SPEC_HPP
#define NAS_PLUGINS_SPACES_CHAIN_CHAIN_SPEC_HPP

#include <string>
#include <vector>

namespace nas::chain {

struct ChainSpec {
  int min_depth = 2;
  int max_depth = 8;
  std::vector<std::string> ops = {"mbconv_e3_k3", "mbconv_e6_k3", "mbconv_e3_k5",
                                  "mbconv_e6_k5", "sep_conv_3x3", "identity"};
  std::vector<double> widths = {0.5, 1.0, 1.5};
  int channels = 32; // the stem's width; a stage's base width doubles per reduction
  std::vector<int> reduce_at = {0, 2, 5}; // layers with stride 2 (NAS-Bench-Macro's stages)
  std::string stem = "conv3x3_bn_relu";
  int head_channels = 0; // > 0: a conv1x1_bn_relu of that width before the pooling
  int input_channels = 3;
  int input_size = 32;
  int num_classes = 10;
};

// Throws nas::ConfigError naming the key at fault (an unknown op lists the known ones).
// Sorts reduce_at.
void check(ChainSpec &spec);

// Width labels as the strings and describe() show them: the shortest of "%g" that tells the
// multipliers apart ("0.5", "1", "1.5").
std::vector<std::string> width_labels(const std::vector<double> &widths);

} // namespace nas::chain

#endif
