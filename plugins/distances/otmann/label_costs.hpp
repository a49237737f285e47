// What matching a layer of one op to a layer of another costs in OTMANN (Kandasamy et al.,
// "Neural Architecture Search with Bayesian Optimisation and Optimal Transport", NeurIPS
// 2018), in units of the non-assignment penalty, derived from the op names a space uses:
// convolutions differ by sqrt(|k1 - k2|) x `kernel_scale` in their kernel sizes plus `family`
// when their kinds differ (nor_conv vs sep_conv), pooling layers by `pooling` when their kinds
// differ, and layers of different groups (a convolution, a pooling, anything else) never match.
#ifndef NAS_PLUGINS_DISTANCES_OTMANN_LABEL_COSTS_HPP
#define NAS_PLUGINS_DISTANCES_OTMANN_LABEL_COSTS_HPP

#include <limits>
#include <string>
#include <vector>

namespace nas::distances {

struct LabelCostOptions {
  double kernel_scale = 0.1414213562373095; // sqrt(2) / 10, as NASBOT's
  double family = 0.1;
  double pooling = 0.5;
};

enum class OpGroup { conv, pool, other };

// An op name read as NASBOT reads its layer labels: its group, its kernel size (the K of
// "KxK" or "_kK"; 0 when it names none) and its kind (the name without the kernel size).
struct OpLabel {
  OpGroup group = OpGroup::other;
  int kernel = 0;
  std::string kind;
};
OpLabel read_op_label(const std::string &name);

// A symmetric table over op ids with 0 on its diagonal; +infinity where two ops never match.
class LabelCosts {
public:
  static constexpr double kNever = std::numeric_limits<double>::infinity();
  LabelCosts() = default;
  LabelCosts(const std::vector<std::string> &op_names, const LabelCostOptions &options);
  double operator()(int a, int b) const { return cost_[static_cast<size_t>(a) * n_ + b]; }
  OpGroup group(int op) const { return groups_[static_cast<size_t>(op)]; }

private:
  size_t n_ = 0;
  std::vector<double> cost_;
  std::vector<OpGroup> groups_;
};

} // namespace nas::distances

#endif
