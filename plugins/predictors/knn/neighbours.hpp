// The k-nearest-neighbour estimate itself: which neighbours count, and the weighted mean
// and spread of their values. Pure functions, no plugin types.
#pragma once

#include <cstddef>
#include <vector>

namespace nas::knn_predictor {

enum class Weighting { uniform, inverse_distance };

struct Neighbour {
  size_t index;    // position in the training set (insertion order)
  double distance; // to the queried architecture
};

// The k nearest of `distances` (one per training point), nearest first; equal distances
// keep insertion order, so the answer never depends on sort internals.
std::vector<Neighbour> nearest(const std::vector<double> &distances, size_t k);

struct Estimate {
  double mean;
  double spread; // weighted sample variance; 0 with fewer than two effective neighbours
};

// The weighted mean and spread of `values` over `neighbours` (non-empty). Inverse-distance
// weights are 1/d; when some neighbours are at distance 0 they alone count, equally.
Estimate estimate(const std::vector<Neighbour> &neighbours, const std::vector<double> &values,
                  Weighting weighting);

} // namespace nas::knn_predictor
