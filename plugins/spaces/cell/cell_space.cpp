// nas.space.cell: NB201's cell space for any node count and op list, as a plugin. The
// space logic lives in dag_cell.cpp and dag_network.cpp; this file reads the config and
// adapts the logic to nas::Space.
#include "dag_cell.hpp"
#include "dag_network.hpp"

#include "../common/cell_network_config.hpp"
#include "../common/space_config.hpp"

#include <nas/ir.hpp>
#include <nas/plugin.hpp>

#include <nlohmann/json.hpp>

namespace nas::cell {
namespace {

const std::vector<std::string> kNb201Ops = {"none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3",
                                            "avg_pool_3x3"};

DagCell cell_from(const Config &config) {
  return DagCell(spaces::int_in_range(config, "nodes", 4, 2, kMaxNodes),
                 spaces::string_list(config, "ops", kNb201Ops));
}

class CellSpace final : public Space {
public:
  CellSpace(const Config &config, const Host &host)
      : Space(host), cell_(cell_from(config)), shape_(spaces::cell_network_shape(config)) {}

  static Info info() {
    Info i;
    i.name = "nas.space.cell";
    i.version = "1.0.0";
    i.description = "NB201-style cell of any node count: one op decision per DAG edge";
    i.config = R"json({
  "nodes": {"type": "int", "default": 4, "help": "nodes of the cell, the input and output included"},
  "ops": {"type": "array", "default": ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"], "help": "each edge's op options; none removes the edge"},
)json" + spaces::kCellNetworkConfigKeys + "}";
    return i;
  }

  std::string describe() const override {
    nlohmann::json decisions = nlohmann::json::array();
    for (const std::string &name : cell_.edge_names())
      decisions.push_back({{"name", name}, {"options", cell_.ops()}});
    return nlohmann::json{{"decisions", decisions}}.dump();
  }
  uint32_t num_decisions() const override { return static_cast<uint32_t>(cell_.edges().size()); }
  uint32_t num_options(uint32_t decision) const override {
    return decision < cell_.edges().size() ? static_cast<uint32_t>(cell_.ops().size()) : 0;
  }
  // Every choice vector is its own canonical form (as NB201's table keys them all).
  void canonicalize(Choices &choices) const override { cell_.check(choices); }
  std::string to_string(const Choices &choices) const override { return cell_.format(choices); }
  Choices from_string(const std::string &text) const override { return cell_.parse(text); }
  std::string equivalence_key(const Choices &choices) const override {
    return cell_.equivalence_key(choices);
  }
  std::string to_ir(const Choices &choices) const override {
    return ir::write(network(cell_, choices, shape_));
  }
  std::string supernet_ir() const override { return ir::write(supernet(cell_, shape_)); }

private:
  DagCell cell_;
  spaces::CellNetworkShape shape_;
};

} // namespace
} // namespace nas::cell

NAS_PLUGIN_LIBRARY(nas::cell::CellSpace);
