// nas.space.nb201: the NAS-Bench-201 cell space as a plugin. The space logic lives in
// nb201_cell.cpp and nb201_network.cpp; this file only adapts it to nas::Space.
#include "nb201_cell.hpp"
#include "nb201_network.hpp"

#include "../common/cell_network_config.hpp"

#include <nas/ir.hpp>
#include <nas/plugin.hpp>

#include <nlohmann/json.hpp>

namespace nas::nb201 {
namespace {

class Nb201Space final : public Space {
public:
  Nb201Space(const Config &config, const Host &host)
      : Space(host), shape_(spaces::cell_network_shape(config)) {}

  static Info info() {
    Info i;
    i.name = "nas.space.nb201";
    i.version = "1.0.0";
    i.description = "NAS-Bench-201 cell: 6 edges, 5 ops each (15,625 cells)";
    i.config = "{" + spaces::kCellNetworkConfigKeys + "}";
    return i;
  }

  std::string describe() const override {
    nlohmann::json decisions = nlohmann::json::array();
    for (int i = 0; i < kNumEdges; ++i)
      decisions.push_back({{"name", edge_names()[i]}, {"options", op_names()}});
    return nlohmann::json{{"decisions", decisions}}.dump();
  }
  uint32_t num_decisions() const override { return kNumEdges; }
  uint32_t num_options(uint32_t decision) const override {
    return decision < kNumEdges ? kNumOps : 0;
  }
  // Every cell is its own canonical form (the benchmark keys all 15,625): check only.
  void canonicalize(Choices &choices) const override { check(choices); }
  std::string to_string(const Choices &choices) const override { return format(choices); }
  Choices from_string(const std::string &text) const override { return parse(text); }
  std::string equivalence_key(const Choices &choices) const override {
    return nb201::equivalence_key(choices);
  }
  std::string to_ir(const Choices &choices) const override {
    return ir::write(network(choices, shape_));
  }
  std::string supernet_ir() const override { return ir::write(supernet(shape_)); }

private:
  NetworkShape shape_;
};

} // namespace
} // namespace nas::nb201

NAS_PLUGIN_LIBRARY(nas::nb201::Nb201Space);
