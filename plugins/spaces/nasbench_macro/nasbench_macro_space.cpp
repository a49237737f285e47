// nas.space.nasbench_macro: the NAS-Bench-Macro space as a plugin. The space logic lives in
// nasbench_macro_arch.cpp and nasbench_macro_network.cpp; this file only adapts it.
#include "nasbench_macro_arch.hpp"
#include "nasbench_macro_network.hpp"

#include <nas/ir.hpp>
#include <nas/plugin.hpp>

#include <nlohmann/json.hpp>

#include <climits>

namespace nas::nasbench_macro {
namespace {

// A positive int config value, or the default when absent.
int positive_int(const Config &config, const char *key, int fallback) {
  int64_t value = config.get_int(key, fallback);
  if (value < 1 || value > INT_MAX)
    throw ConfigError(key, std::string("'") + key + "' must be a positive integer, got " +
                               std::to_string(value));
  return static_cast<int>(value);
}

NetworkShape shape_from(const Config &config) {
  NetworkShape defaults, shape;
  shape.input_channels = positive_int(config, "input_channels", defaults.input_channels);
  shape.input_size = positive_int(config, "input_size", defaults.input_size);
  shape.num_classes = positive_int(config, "num_classes", defaults.num_classes);
  return shape;
}

class NasBenchMacroSpace final : public Space {
public:
  NasBenchMacroSpace(const Config &config, const Host &host)
      : Space(host), shape_(shape_from(config)) {}

  static Info info() {
    Info i;
    i.name = "nas.space.nasbench_macro";
    i.version = "1.0.0";
    i.description = "NAS-Bench-Macro: 8 layers, each identity, MBConv e3 k3 or e6 k5 (6,561)";
    i.config = R"json({
  "input_channels": {"type": "int", "default": 3, "help": "channels of the input images"},
  "input_size": {"type": "int", "default": 32, "help": "height and width of the input images"},
  "num_classes": {"type": "int", "default": 10, "help": "classes of the classifier"}
})json";
    return i;
  }

  std::string describe() const override {
    nlohmann::json decisions = nlohmann::json::array();
    for (int i = 0; i < kNumLayers; ++i)
      decisions.push_back({{"name", layer_names()[i]}, {"options", op_names()}});
    return nlohmann::json{{"decisions", decisions}}.dump();
  }
  uint32_t num_decisions() const override { return kNumLayers; }
  uint32_t num_options(uint32_t decision) const override {
    return decision < kNumLayers ? kNumOps : 0;
  }
  // Every architecture is its own canonical form (the benchmark keys all 6,561): check only.
  void canonicalize(Choices &choices) const override { check(choices); }
  std::string to_string(const Choices &choices) const override { return format(choices); }
  Choices from_string(const std::string &text) const override { return parse(text); }
  std::string equivalence_key(const Choices &choices) const override {
    return nasbench_macro::equivalence_key(choices);
  }
  std::string to_ir(const Choices &choices) const override {
    return ir::write(network(choices, shape_));
  }
  std::string supernet_ir() const override { return ir::write(supernet(shape_)); }

private:
  NetworkShape shape_;
};

} // namespace
} // namespace nas::nasbench_macro

NAS_PLUGIN_LIBRARY(nas::nasbench_macro::NasBenchMacroSpace);
