// nas.predictor.knn: k-nearest-neighbour regression under a bound distance, the simplest
// predictor that can rank candidates: no training, no hyperparameters beyond k.
#include "neighbours.hpp"
#include "training_set.hpp"

#include <nas/plugin.hpp>

#include <cmath>
#include <string>

namespace nas::knn_predictor {

namespace {

Weighting weighting_from(const Config &config) {
  std::string w = config.get_string("weighting", "uniform");
  if (w == "uniform")
    return Weighting::uniform;
  if (w == "distance")
    return Weighting::inverse_distance;
  throw ConfigError("weighting",
                    "'weighting' must be \"uniform\" or \"distance\", got \"" + w + "\"");
}

size_t k_from(const Config &config) {
  int64_t k = config.get_int("k", 5);
  if (k < 1)
    throw ConfigError("k", "'k' must be at least 1, got " + std::to_string(k));
  return static_cast<size_t>(k);
}

double floor_from(const Config &config) {
  double f = config.get_double("variance_floor", 1e-6);
  if (!(f > 0) || !std::isfinite(f))
    throw ConfigError("variance_floor", "'variance_floor' must be a positive number");
  return f;
}

} // namespace

class KnnPredictor final : public Predictor {
public:
  KnnPredictor(const Config &config, const Host &host)
      : Predictor(host), k_(k_from(config)), weighting_(weighting_from(config)),
        floor_(floor_from(config)) {}

  static Info info() {
    Info i;
    i.name = "nas.predictor.knn";
    i.version = "1.0.0";
    i.description = "k-nearest-neighbour regression under a bound distance, variance from the "
                    "neighbours' spread.";
    i.config = R"json({
  "k": {"type": "int", "default": 5, "help": "neighbours averaged (all when fewer are known)"},
  "weighting": {"type": "string", "default": "uniform",
                "help": "\"uniform\" or \"distance\" (inverse-distance weights)"},
  "variance_floor": {"type": "double", "default": 1e-6,
                     "help": "added to the neighbours' spread so the variance is never 0"}
})json";
    i.roles = R"({"distance": {"kind": "distance", "required": true, )"
              R"("help": "the distance that finds the nearest evaluated architectures"}})";
    return i;
  }

  void bind(const std::string &role, nas_instance_t *other) override {
    if (role != "distance")
      return Predictor::bind(role, other);
    distance_ = DistanceRef(other);
  }

  void fit(const std::vector<Choices> &archs, const std::vector<double> &values) override {
    data_ = TrainingSet::make(archs, values);
  }

  // Reads only data_ and the bound distance (itself [thread-safe]): safe from any thread
  // between fits.
  std::pair<double, double> predict(const Choices &arch) const override {
    if (!distance_)
      throw Error(NAS_ERR_INVALID_ARGUMENT, "nas.predictor.knn: no distance is bound");
    if (data_.archs.empty())
      throw Failed("nas.predictor.knn has no observations: fit first");
    std::vector<double> d(data_.archs.size());
    for (size_t i = 0; i < d.size(); ++i) {
      d[i] = distance_(arch, data_.archs[i]);
      if (!(d[i] >= 0) || !std::isfinite(d[i]))
        throw Failed("nas.predictor.knn: the distance returned " + std::to_string(d[i]) +
                     ", expected a finite value >= 0");
    }
    Estimate e = estimate(nearest(d, k_), data_.values, weighting_);
    return {e.mean, e.spread + floor_};
  }

  std::string save() const override { return data_.to_json(); }
  void load(std::string_view state) override { data_ = TrainingSet::from_json(state); }

private:
  size_t k_;
  Weighting weighting_;
  double floor_;
  DistanceRef distance_;
  TrainingSet data_;
};

} // namespace nas::knn_predictor

NAS_PLUGIN_LIBRARY(nas::knn_predictor::KnnPredictor);
