// nas.distance.otmann: OTMANN, the optimal-transport distance between networks of NASBOT
// (Kandasamy, Neiswanger, Schneider, Poczos & Xing, "Neural Architecture Search with Bayesian
// Optimisation and Optimal Transport", NeurIPS 2018). The layers of two networks are matched
// at a label-mismatch cost (what their ops are) plus a structural cost (where they sit: their
// path lengths from the inputs and to the output), or left unmatched at the non-assignment
// penalty; the distance is the least total cost, summed over the cells and the chain.
#include "arch_cache.hpp"
#include "label_costs.hpp"
#include "layer_set.hpp"
#include "network_source.hpp"
#include "transport.hpp"

#include <nas/plugin.hpp>

#include <cmath>

namespace nas::distances {

class OtmannDistance final : public Distance {
public:
  OtmannDistance(const Config &config, const Host &host)
      : Distance(host), render_(config.get_bool("render", false)) {
    unmatched_ = non_negative(config, "non_assignment", 1.0);
    label_weight_ = non_negative(config, "label", 1.0);
    structure_weight_ = non_negative(config, "structure", 0.5);
    label_options_.kernel_scale = non_negative(config, "kernel_scale", label_options_.kernel_scale);
    label_options_.family = non_negative(config, "family", label_options_.family);
    label_options_.pooling = non_negative(config, "pooling", label_options_.pooling);
    if (unmatched_ <= 0)
      throw ConfigError("non_assignment", "'non_assignment' must be > 0");
  }

  static Info info() {
    Info i;
    i.name = "nas.distance.otmann";
    i.version = "1.0.0";
    i.description = "OTMANN (NASBOT): optimal transport between the networks' layers, with "
                    "label-mismatch, structural and non-assignment costs.";
    i.config = std::string(
        R"j({"non_assignment": {"type": "double", "default": 1.0, "help": "cost of leaving a )j"
        R"j(layer unmatched (NASBOT's nu); label costs are in its units"}, )j"
        R"j("label": {"type": "double", "default": 1.0, "help": "weight of the label-mismatch )j"
        R"j(cost of a matched pair"}, )j"
        R"j("structure": {"type": "double", "default": 0.5, "help": "weight of the structural )j"
        R"j(cost of a matched pair (mean absolute difference of 18 path lengths)"}, )j"
        R"j("kernel_scale": {"type": "double", "default": 0.1414, "help": "convolutions of )j"
        R"j(kernel sizes k1, k2 differ by kernel_scale x sqrt(|k1 - k2|)"}, )j"
        R"j("family": {"type": "double", "default": 0.1, "help": "added when two )j"
        R"j(convolutions are of different kinds (nor_conv, sep_conv, dil_conv)"}, )j"
        R"j("pooling": {"type": "double", "default": 0.5, "help": "cost between two )j"
        R"j(different pooling layers"}, )j") +
        kRenderConfigEntry + "}";
    i.roles = kSpaceRole;
    return i;
  }

  void bind(const std::string &role, nas_instance_t *other) override {
    if (role != "space")
      return Distance::bind(role, other);
    source_.bind(SpaceRef(other), render_, host());
    const OpTable &ops = source_.layout().ops;
    std::vector<std::string> names;
    for (size_t id = 0; id < ops.size(); ++id)
      names.push_back(ops.name(static_cast<int>(id)));
    labels_ = LabelCosts(names, label_options_);
  }

  double distance(const Choices &a, const Choices &b) const override {
    // One order for both calls: the solver's sums would round differently the other way.
    const bool swap = b < a;
    auto x = sets(swap ? b : a), y = sets(swap ? a : b);
    double total = 0;
    for (size_t part = 0; part < x->parts.size() && part < y->parts.size(); ++part)
      total += part_distance(x->parts[part], y->parts[part]);
    return total;
  }

private:
  static double non_negative(const Config &config, const char *key, double fallback) {
    const double v = config.get_double(key, fallback);
    if (!std::isfinite(v) || v < 0)
      throw ConfigError(key, std::string("'") + key + "' must be a finite number >= 0");
    return v;
  }

  double part_distance(const std::vector<Layer> &x, const std::vector<Layer> &y) const {
    thread_local std::vector<double> cost;
    cost.assign(x.size() * y.size(), 0.0);
    for (size_t i = 0; i < x.size(); ++i)
      for (size_t j = 0; j < y.size(); ++j) {
        const double label = labels_(x[i].op, y[j].op);
        if (label == LabelCosts::kNever) {
          cost[i * y.size() + j] = LabelCosts::kNever;
          continue;
        }
        double structure = 0;
        for (size_t k = 0; k < kDescriptors; ++k)
          structure += std::abs(x[i].paths[k] - y[j].paths[k]);
        cost[i * y.size() + j] = label_weight_ * unmatched_ * label +
                                 structure_weight_ * structure / static_cast<double>(kDescriptors);
      }
    return least_transport_cost(cost, x.size(), y.size(), unmatched_);
  }

  std::shared_ptr<const LayerSets> sets(const Choices &arch) const {
    source_.check(arch);
    return cache_.get(arch, [this](const Choices &c) {
      thread_local OpNetwork network;
      source_.network(c, network);
      return layer_sets(network, labels_);
    });
  }

  bool render_;
  double unmatched_ = 1, label_weight_ = 1, structure_weight_ = 0.5;
  LabelCostOptions label_options_;
  LabelCosts labels_;
  NetworkSource source_;
  ArchCache<LayerSets> cache_;
};

} // namespace nas::distances

NAS_PLUGIN_LIBRARY(nas::distances::OtmannDistance);
