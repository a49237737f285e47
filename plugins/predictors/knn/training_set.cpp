#include "training_set.hpp"

#include "../common/fit_inputs.hpp"

#include <nlohmann/json.hpp>

namespace nas::knn_predictor {

namespace {
constexpr const char *kFormat = "nas.predictor.knn/1";
}

TrainingSet TrainingSet::make(std::vector<Choices> archs, std::vector<double> values) {
  predictors::check_fit_inputs(archs, values);
  return {std::move(archs), std::move(values)};
}

std::string TrainingSet::to_json() const {
  // nlohmann writes the shortest text that reads back to the same double: exact round trip.
  return nlohmann::json{{"format", kFormat}, {"archs", archs}, {"values", values}}.dump();
}

TrainingSet TrainingSet::from_json(std::string_view text) {
  try {
    auto state = nlohmann::json::parse(text);
    if (state.at("format") != kFormat)
      throw std::invalid_argument("the format is not " + std::string(kFormat));
    return make(state.at("archs").get<std::vector<Choices>>(),
                state.at("values").get<std::vector<double>>());
  } catch (const std::exception &e) {
    throw Error(NAS_ERR_INVALID_ARGUMENT,
                std::string("nas.predictor.knn cannot load this state: ") + e.what());
  }
}

} // namespace nas::knn_predictor
