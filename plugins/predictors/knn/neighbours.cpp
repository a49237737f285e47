#include "neighbours.hpp"

#include <algorithm>
#include <numeric>

namespace nas::knn_predictor {

std::vector<Neighbour> nearest(const std::vector<double> &distances, size_t k) {
  std::vector<Neighbour> all(distances.size());
  for (size_t i = 0; i < distances.size(); ++i)
    all[i] = {i, distances[i]};
  k = std::min(k, all.size());
  auto closer = [](const Neighbour &a, const Neighbour &b) {
    return a.distance != b.distance ? a.distance < b.distance : a.index < b.index;
  };
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k), all.end(), closer);
  all.resize(k);
  return all;
}

namespace {

std::vector<double> weights_of(const std::vector<Neighbour> &neighbours, Weighting weighting) {
  std::vector<double> w(neighbours.size(), 1.0);
  if (weighting == Weighting::uniform)
    return w;
  bool exact = std::any_of(neighbours.begin(), neighbours.end(),
                           [](const Neighbour &n) { return n.distance == 0.0; });
  for (size_t i = 0; i < neighbours.size(); ++i) {
    double d = neighbours[i].distance;
    // An exact match is the architecture itself: the others would only blur its value.
    w[i] = exact ? (d == 0.0 ? 1.0 : 0.0) : 1.0 / d;
  }
  return w;
}

} // namespace

Estimate estimate(const std::vector<Neighbour> &neighbours, const std::vector<double> &values,
                  Weighting weighting) {
  std::vector<double> w = weights_of(neighbours, weighting);
  double v1 = 0, v2 = 0, sum = 0;
  for (size_t i = 0; i < neighbours.size(); ++i) {
    v1 += w[i];
    v2 += w[i] * w[i];
    sum += w[i] * values[neighbours[i].index];
  }
  double mean = sum / v1;
  double squares = 0;
  for (size_t i = 0; i < neighbours.size(); ++i) {
    double dev = values[neighbours[i].index] - mean;
    squares += w[i] * dev * dev;
  }
  // Reliability-weighted unbiased variance: sum w (x - m)^2 / (V1 - V2 / V1). With equal
  // weights this is the usual sample variance with n - 1 in the denominator.
  double denominator = v1 - v2 / v1;
  double spread = denominator > 0 ? squares / denominator : 0.0;
  return {mean, spread};
}

} // namespace nas::knn_predictor
