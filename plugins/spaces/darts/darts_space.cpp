// nas.space.darts: the DARTS CNN space as a plugin. The space logic lives in
// darts_genotype.cpp (decisions, canonical form, equivalence), darts_string.cpp (the
// genotype string) and darts_network.cpp (IR); this file reads the config and adapts the
// logic to nas::Space.
#include "darts_genotype.hpp"
#include "darts_network.hpp"
#include "darts_string.hpp"

#include "../common/space_config.hpp"

#include <nas/ir.hpp>
#include <nas/plugin.hpp>

#include <nlohmann/json.hpp>

namespace nas::darts {
namespace {

constexpr int kMaxLayers = 1000;

NetworkShape shape_from(const Config &config) {
  using spaces::positive_int;
  NetworkShape defaults, shape;
  shape.layers = spaces::int_in_range(config, "layers", defaults.layers, 1, kMaxLayers);
  shape.channels = positive_int(config, "channels", defaults.channels);
  shape.input_channels = positive_int(config, "input_channels", defaults.input_channels);
  shape.input_size = positive_int(config, "input_size", defaults.input_size);
  shape.num_classes = positive_int(config, "num_classes", defaults.num_classes);
  return shape;
}

class DartsSpace final : public Space {
public:
  DartsSpace(const Config &config, const Host &host) : Space(host), shape_(shape_from(config)) {}

  static Info info() {
    Info i;
    i.name = "nas.space.darts";
    i.version = "1.0.0";
    i.description = "DARTS CNN cells (normal and reduction): per node two distinct inputs and "
                    "an op each from DARTS' 7 (about 1e18 architectures)";
    i.config = R"json({
  "layers": {"type": "int", "default": 8, "help": "cells in all; those at layers/3 and 2*layers/3 reduce and double the channels"},
  "channels": {"type": "int", "default": 16, "help": "channels C of the first cells (the stem has 3C)"},
  "input_channels": {"type": "int", "default": 3, "help": "channels of the input images"},
  "input_size": {"type": "int", "default": 32, "help": "height and width of the input images"},
  "num_classes": {"type": "int", "default": 10, "help": "classes of the classifier"}
})json";
    return i;
  }

  std::string describe() const override {
    nlohmann::json decisions = nlohmann::json::array();
    const std::vector<std::string> names = decision_names();
    for (int d = 0; d < kNumDecisions; ++d)
      decisions.push_back({{"name", names[d]}, {"options", option_labels(d)}});
    return nlohmann::json{{"decisions", decisions}}.dump();
  }
  uint32_t num_decisions() const override { return kNumDecisions; }
  uint32_t num_options(uint32_t decision) const override {
    return decision < static_cast<uint32_t>(kNumDecisions)
               ? static_cast<uint32_t>(darts::num_options(static_cast<int>(decision)))
               : 0;
  }
  void canonicalize(Choices &choices) const override { darts::canonicalize(choices); }
  std::string to_string(const Choices &choices) const override { return format(choices); }
  Choices from_string(const std::string &text) const override { return parse(text); }
  std::string equivalence_key(const Choices &choices) const override {
    return format(equivalence_representative(choices));
  }
  std::string to_ir(const Choices &choices) const override {
    return ir::write(network(choices, shape_));
  }
  std::string supernet_ir() const override { return ir::write(supernet(shape_)); }

private:
  NetworkShape shape_;
};

} // namespace
} // namespace nas::darts

NAS_PLUGIN_LIBRARY(nas::darts::DartsSpace);
