// Distances between architectures through the bound distance, cached by architecture: a fit
// computes only the new observations' rows, and within one fit (one ask of a strategy) each
// candidate-observation distance is computed once. What involves an architecture outside the
// next training set is forgotten when it is set, so memory follows the training set.
//
// When the distance offers nas.features/1, feature vectors are cached instead and distances
// come from them as ||f(a) - f(b)||^2 / c. The ABI promises only proportionality, so c (2 for
// Hamming's one-hot features, 1 for path indicators) is measured on the first three pairs
// that differ, one distance call each; features that disagree with the distance are dropped
// for pairwise calls, with a warning.
#pragma once

#include "gp_types.hpp"

#include <nas/plugin.hpp>

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

namespace nas::gp {

class DistanceCache {
public:
  explicit DistanceCache(const Host &host) : host_(host) {}

  // The distance instance; its interfaces are looked up at the first fit, once every binding
  // is done (a distance offers features only once its space is bound).
  void bind(const nas_instance_t *distance) { instance_ = distance; }
  bool bound() const { return instance_ != nullptr; }

  // Makes `archs` the training set and returns their distances (n x n). [serialized]
  Matrix set_training(const std::vector<Choices> &archs);
  // Distances from `arch` to each training architecture, in order. [thread-safe]
  std::vector<double> to_training(const Choices &arch) const;
  // Distances among `archs`, m x m; candidate pairs are not kept. [thread-safe]
  Matrix among(const std::vector<Choices> &archs) const;

  // True when distances come from features, so exp(-d / l) is an RBF kernel on them: PSD.
  bool uses_features() const { return mode_ == Mode::features; }
  // Distance calls made so far (features excluded): what the cache saves is visible here.
  uint64_t calls() const;

private:
  enum class Mode { unknown, features, pairwise };
  using Features = std::vector<double>;

  void choose_mode();
  double call(const Choices &a, const Choices &b) const;
  uint32_t intern(const Choices &arch) const; // under mutex_
  const Features &features_of(const Choices &arch) const;
  double squared(const Features &a, const Features &b) const;
  // d(a, b) from features at squared distance `sq`, measuring the scale on (a, b) first when
  // no training pair has measured it.
  double from_features(double sq, const Choices &a, const Choices &b) const;
  void calibrate(const std::vector<Choices> &archs);
  static uint64_t key(uint32_t a, uint32_t b) {
    return a < b ? (uint64_t{a} << 32) | b : (uint64_t{b} << 32) | a;
  }

  Host host_;
  const nas_instance_t *instance_ = nullptr;
  std::optional<DistanceRef> distance_;
  Mode mode_ = Mode::unknown;
  bool calibrated_ = false;              // the scale was checked on training pairs
  mutable std::atomic<double> scale_{0}; // ||f(a) - f(b)||^2 / d(a, b); 0 until measured

  mutable std::mutex mutex_; // guards the maps and counters below
  mutable std::map<Choices, uint32_t> ids_;
  mutable uint32_t next_id_ = 0;
  mutable std::unordered_map<uint32_t, Features> features_; // node-based: references stay valid
  mutable std::unordered_map<uint64_t, double> pairs_;
  mutable uint64_t calls_ = 0;

  std::vector<Choices> training_;
  std::vector<uint32_t> training_ids_;
  std::vector<const Features *> training_features_;
};

} // namespace nas::gp
