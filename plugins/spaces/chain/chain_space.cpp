// nas.space.chain: a macro space of depth, op and width per layer, as a plugin. The space
// logic lives in chain_layout.cpp and chain_network.cpp; this file reads the config and
// adapts the logic to nas::Space.
#include "chain_layout.hpp"
#include "chain_network.hpp"

#include "../common/space_config.hpp"

#include <nas/ir.hpp>
#include <nas/plugin.hpp>

namespace nas::chain {
namespace {

ChainSpec spec_from(const Config &config) {
  using namespace spaces;
  ChainSpec d, s;
  s.max_depth = int_in_range(config, "max_depth", d.max_depth, 1, 64);
  s.min_depth = int_in_range(config, "min_depth", std::min(d.min_depth, s.max_depth), 1, 64);
  s.ops = string_list(config, "ops", d.ops);
  s.widths = number_list(config, "widths", d.widths);
  s.channels = positive_int(config, "channels", d.channels);
  std::vector<int> fallback;
  for (int layer : d.reduce_at) // the defaults that fit a shorter max_depth
    if (layer < s.max_depth)
      fallback.push_back(layer);
  s.reduce_at = int_list(config, "reduce_at", fallback);
  s.stem = config.get_string("stem", d.stem);
  s.head_channels = int_in_range(config, "head_channels", d.head_channels, 0, 1 << 24);
  s.input_channels = positive_int(config, "input_channels", d.input_channels);
  s.input_size = positive_int(config, "input_size", d.input_size);
  s.num_classes = positive_int(config, "num_classes", d.num_classes);
  return s;
}

class ChainSpace final : public Space {
public:
  ChainSpace(const Config &config, const Host &host) : Space(host), layout_(spec_from(config)) {}

  static Info info() {
    Info i;
    i.name = "nas.space.chain";
    i.version = "1.0.0";
    i.description = "Macro chain: a depth, then an op and a width multiplier per layer";
    i.config = R"json({
  "max_depth": {"type": "int", "default": 8, "help": "the most searched layers"},
  "min_depth": {"type": "int", "default": 2, "help": "the fewest searched layers"},
  "ops": {"type": "array", "default": ["mbconv_e3_k3", "mbconv_e6_k3", "mbconv_e3_k5", "mbconv_e6_k5", "sep_conv_3x3", "identity"], "help": "each layer's op options (IR.md standard ops that can change width)"},
  "widths": {"type": "array", "default": [0.5, 1.0, 1.5], "help": "each layer's width multiplier options"},
  "channels": {"type": "int", "default": 32, "help": "stem width; a layer's base width is channels x 2^(reductions up to it)"},
  "reduce_at": {"type": "array", "default": [0, 2, 5], "help": "layer indices with stride 2 (those below max_depth by default)"},
  "stem": {"type": "string", "default": "conv3x3_bn_relu", "help": "the stem op (stride 1, channels wide)"},
  "head_channels": {"type": "int", "default": 0, "help": "> 0: a conv1x1_bn_relu this wide before the pooling"},
  "input_channels": {"type": "int", "default": 3, "help": "channels of the input images"},
  "input_size": {"type": "int", "default": 32, "help": "height and width of the input images"},
  "num_classes": {"type": "int", "default": 10, "help": "classes of the classifier"}
})json";
    return i;
  }

  std::string describe() const override { return layout_.describe(); }
  uint32_t num_decisions() const override { return layout_.num_decisions(); }
  uint32_t num_options(uint32_t decision) const override { return layout_.num_options(decision); }
  void canonicalize(Choices &choices) const override { layout_.canonicalize(choices); }
  std::string to_string(const Choices &choices) const override { return layout_.format(choices); }
  Choices from_string(const std::string &text) const override { return layout_.parse(text); }
  std::string equivalence_key(const Choices &choices) const override {
    return layout_.equivalence_key(choices);
  }
  std::string to_ir(const Choices &choices) const override {
    return ir::write(network(layout_, choices));
  }
  std::string supernet_ir() const override { return ir::write(supernet(layout_)); }

private:
  ChainLayout layout_;
};

} // namespace
} // namespace nas::chain

NAS_PLUGIN_LIBRARY(nas::chain::ChainSpace);
