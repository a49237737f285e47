// nas.distance.graph_edit: the edit distance between two architectures' cells as labelled
// DAGs (op substitutions, edge insertions and deletions; a `none` op is an absent edge),
// exact over relabellings of the intermediate nodes, as Auto-Keras's kernel uses an edit
// distance between networks (Jin, Song & Hu, "Auto-Keras: An Efficient Neural Architecture
// Search System", KDD 2019). Chain layers are compared position by position.
#include "arch_cache.hpp"
#include "edit_costs.hpp"
#include "network_edit.hpp"
#include "network_source.hpp"

#include <nas/plugin.hpp>

#include <cmath>

namespace nas::distances {

class GraphEditDistance final : public Distance {
public:
  GraphEditDistance(const Config &config, const Host &host)
      : Distance(host), render_(config.get_bool("render", false)) {
    costs_.substitution = cost(config, "substitution");
    costs_.edge = cost(config, "edge");
    const int64_t max = config.get_int("max_permuted_nodes", 7);
    if (max < 0 || max > kMaxPermuted)
      throw ConfigError("max_permuted_nodes",
                        "expected 0.." + std::to_string(kMaxPermuted) + " (it costs n! work)");
    max_permuted_ = config.get_bool("permute", true) ? static_cast<int>(max) : 0;
  }

  static Info info() {
    Info i;
    i.name = "nas.distance.graph_edit";
    i.version = "1.0.0";
    i.description = "Edit distance between cells as labelled DAGs (op substitutions, edge "
                    "insertions and deletions), minimized over intermediate-node relabellings.";
    i.config = std::string(R"j({"substitution": {"type": "double", "default": 1.0, "help": "cost of changing )j"
               R"j(an edge's op (at most 2 x edge: deleting and inserting it)"}, )j"
               R"j("edge": {"type": "double", "default": 1.0, "help": "cost of inserting or )j"
               R"j(deleting an edge (a none op is an absent edge)"}, )j"
               R"j("permute": {"type": "bool", "default": true, "help": "minimize over )j"
               R"j(relabellings of the intermediate nodes; false matches nodes by number"}, )j"
               R"j("max_permuted_nodes": {"type": "int", "default": 7, "help": "cells with more )j"
               R"j(intermediate nodes are matched by number (an upper bound); at most 9"}, )j") +
               kRenderConfigEntry + "}";
    i.roles = kSpaceRole;
    return i;
  }

  void bind(const std::string &role, nas_instance_t *other) override {
    if (role != "space")
      return Distance::bind(role, other);
    source_.bind(SpaceRef(other), render_, host());
    for (const TemplateCell &c : source_.layout().cells) {
      const int m = intermediate_nodes(c.inputs, c.nodes, c.concat);
      if (max_permuted_ > 0 && m > max_permuted_)
        host().warn("cell '" + c.name + "' has " + std::to_string(m) +
                    " intermediate nodes, above max_permuted_nodes: its nodes are matched by "
                    "number, so its distances are upper bounds");
    }
  }

  double distance(const Choices &a, const Choices &b) const override {
    if (source_.decodes()) {
      thread_local OpNetwork na, nb; // reused: no allocation per call
      source_.network(a, na);
      source_.network(b, nb);
      return network_edit_distance(na, nb, costs_, max_permuted_);
    }
    return network_edit_distance(*cached(a), *cached(b), costs_, max_permuted_);
  }

private:
  static constexpr int kMaxPermuted = 9;

  static double cost(const Config &config, const char *key) {
    const double v = config.get_double(key, 1.0);
    if (!std::isfinite(v) || v < 0)
      throw ConfigError(key, std::string("'") + key + "' must be a finite number >= 0");
    return v;
  }

  std::shared_ptr<const OpNetwork> cached(const Choices &arch) const {
    source_.check(arch);
    return cache_.get(arch, [this](const Choices &c) {
      OpNetwork network;
      source_.network(c, network);
      return network;
    });
  }

  bool render_;
  EditCosts costs_;
  int max_permuted_ = 0;
  NetworkSource source_;
  ArchCache<OpNetwork> cache_;
};

} // namespace nas::distances

NAS_PLUGIN_LIBRARY(nas::distances::GraphEditDistance);
