// nas.distance.hamming: the number of decisions on which two architectures differ, with
// one-hot features for Gaussian processes (as in the "adjacency one-hot" encodings compared
// by White et al., "A Study on Encodings for Neural Architecture Search", NeurIPS 2020).
#include <nas/plugin.hpp>

#include <algorithm>

namespace nas::hamming_distance {

class HammingDistance final : public Distance {
public:
  HammingDistance(const Config &, const Host &host) : Distance(host) {}

  static Info info() {
    Info i;
    i.name = "nas.distance.hamming";
    i.version = "1.0.0";
    i.description = "Number of decisions on which two architectures differ.";
    i.roles = R"({"space": {"kind": "space", "required": true, )"
              R"("help": "the space whose decisions are compared"}})";
    return i;
  }

  void bind(const std::string &role, nas_instance_t *other) override {
    if (role != "space")
      return Distance::bind(role, other);
    SpaceRef space(other);
    options_.assign(space.num_decisions(), 0);
    offsets_.assign(space.num_decisions(), 0);
    uint32_t dimension = 0;
    for (uint32_t i = 0; i < options_.size(); ++i) {
      options_[i] = space.num_options(i);
      offsets_[i] = dimension;
      dimension += options_[i];
    }
    dimension_ = dimension;
  }

  double distance(const Choices &a, const Choices &b) const override {
    check_length(a);
    check_length(b);
    size_t differ = 0;
    for (size_t i = 0; i < a.size(); ++i)
      differ += a[i] != b[i];
    return static_cast<double>(differ);
  }

  // One-hot per decision, concatenated. Two one-hot blocks that differ are at squared
  // Euclidean distance 2 and equal ones at 0, so |f(a) - f(b)|^2 = 2 * hamming(a, b).
  uint32_t feature_dimension() const override { return dimension_; }

  void features(const Choices &arch, double *out) const override {
    check_length(arch);
    std::fill(out, out + dimension_, 0.0);
    for (size_t i = 0; i < arch.size(); ++i) {
      if (arch[i] < 0 || static_cast<uint32_t>(arch[i]) >= options_[i])
        throw Error(NAS_ERR_INVALID_ARGUMENT, "decision " + std::to_string(i) + " has option " +
                                                  std::to_string(arch[i]) + ", expected 0.." +
                                                  std::to_string(int64_t{options_[i]} - 1));
      out[offsets_[i] + static_cast<uint32_t>(arch[i])] = 1.0;
    }
  }

private:
  void check_length(const Choices &arch) const {
    if (arch.size() != options_.size())
      throw Error(NAS_ERR_INVALID_ARGUMENT, "expected " + std::to_string(options_.size()) +
                                                " decisions, got " + std::to_string(arch.size()) +
                                                (offsets_.empty() ? " (is a space bound?)" : ""));
  }

  std::vector<uint32_t> options_; // option count per decision
  std::vector<uint32_t> offsets_; // where each decision's one-hot block starts
  uint32_t dimension_ = 0;        // 0 until bound: no features offered before
};

} // namespace nas::hamming_distance

NAS_PLUGIN_LIBRARY(nas::hamming_distance::HammingDistance);
