// The observations a k-NN predictor regresses on: architectures and their values, in the
// order fit gave them (that order breaks distance ties). Saved and loaded as JSON.
#pragma once

#include <nas/plugin.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace nas::knn_predictor {

struct TrainingSet {
  std::vector<Choices> archs;
  std::vector<double> values;

  // Checks the data (one value per architecture, all values finite, one decision count);
  // throws nas::Error (NAS_ERR_INVALID_ARGUMENT) naming the first offender.
  static TrainingSet make(std::vector<Choices> archs, std::vector<double> values);

  // {"format": "nas.predictor.knn/1", "archs": [[...], ...], "values": [...]}
  std::string to_json() const;
  static TrainingSet from_json(std::string_view text);
};

} // namespace nas::knn_predictor
