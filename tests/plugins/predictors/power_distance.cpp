// test.distance.power, for the GP's tests: the Hamming distance raised to `power`, with
// optional one-hot features scaled by `feature_scale` (0: none). power = 3 breaks the
// triangle inequality, so exp(-d / l) is not a valid kernel; power != 1 with features makes
// features that are not proportional to the distance.
#include <nas/plugin.hpp>

#include <cmath>

namespace nas::test_distance {

class PowerDistance final : public Distance {
public:
  PowerDistance(const Config &config, const Host &host)
      : Distance(host), power_(config.get_double("power", 1)),
        scale_(config.get_double("feature_scale", 0)) {}

  static Info info() {
    Info i;
    i.name = "test.distance.power";
    i.version = "1.0.0";
    i.description = "Hamming distance to a power, with optional scaled one-hot features.";
    i.config = R"({"power": {"type": "double", "default": 1, "help": "d = hamming^power"},
      "feature_scale": {"type": "double", "default": 0, "help": "one-hot x this; 0: none"}})";
    i.roles = R"({"space": {"kind": "space", "required": true, "help": "the space"}})";
    return i;
  }

  void bind(const std::string &role, nas_instance_t *other) override {
    if (role != "space")
      return Distance::bind(role, other);
    SpaceRef space(other);
    options_.clear();
    for (uint32_t i = 0; i < space.num_decisions(); ++i)
      options_.push_back(space.num_options(i));
  }

  double distance(const Choices &a, const Choices &b) const override {
    double h = 0;
    for (size_t i = 0; i < a.size() && i < b.size(); ++i)
      h += a[i] != b[i];
    return std::pow(h, power_);
  }

  uint32_t feature_dimension() const override {
    if (scale_ <= 0)
      return 0;
    uint32_t d = 0;
    for (uint32_t o : options_)
      d += o;
    return d;
  }

  void features(const Choices &arch, double *out) const override {
    uint32_t offset = 0;
    for (size_t i = 0; i < options_.size(); ++i) {
      for (uint32_t k = 0; k < options_[i]; ++k)
        out[offset + k] = static_cast<int32_t>(k) == arch[i] ? scale_ : 0.0;
      offset += options_[i];
    }
  }

private:
  double power_, scale_;
  std::vector<uint32_t> options_;
};

} // namespace nas::test_distance

NAS_PLUGIN_LIBRARY(nas::test_distance::PowerDistance);
