#include "distance_cache.hpp"

#include <cmath>
#include <set>
#include <string>

namespace nas::gp {

namespace {

// Measurements of the features' scale that must agree before the features are trusted.
constexpr int kCalibrationPairs = 3;

void check_distance(double d) {
  if (!(d >= 0) || !std::isfinite(d))
    throw Failed("nas.predictor.gp: the distance returned " + std::to_string(d) +
                 ", expected a finite value >= 0");
}

} // namespace

uint64_t DistanceCache::calls() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return calls_;
}

void DistanceCache::choose_mode() {
  if (mode_ != Mode::unknown)
    return;
  if (!instance_)
    throw Error(NAS_ERR_INVALID_ARGUMENT, "nas.predictor.gp: no distance is bound");
  distance_.emplace(instance_);
  mode_ = distance_->has_features() ? Mode::features : Mode::pairwise;
}

double DistanceCache::call(const Choices &a, const Choices &b) const {
  if (a == b)
    return 0;
  double d = (*distance_)(a, b);
  check_distance(d);
  std::lock_guard<std::mutex> lock(mutex_);
  ++calls_;
  return d;
}

uint32_t DistanceCache::intern(const Choices &arch) const {
  auto [it, fresh] = ids_.emplace(arch, next_id_);
  if (fresh)
    ++next_id_;
  return it->second;
}

const DistanceCache::Features &DistanceCache::features_of(const Choices &arch) const {
  uint32_t id;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    id = intern(arch);
    auto it = features_.find(id);
    if (it != features_.end())
      return it->second;
  }
  Features f = distance_->features(arch); // outside the lock: may be slow
  for (double v : f)
    if (!std::isfinite(v))
      throw Failed("nas.predictor.gp: the distance's features are not finite");
  std::lock_guard<std::mutex> lock(mutex_);
  return features_.emplace(id, std::move(f)).first->second; // another thread's copy wins
}

double DistanceCache::squared(const Features &a, const Features &b) const {
  if (a.size() != b.size())
    throw Failed("nas.predictor.gp: the distance gave feature vectors of different sizes");
  double sum = 0;
  for (size_t k = 0; k < a.size(); ++k) {
    double diff = a[k] - b[k];
    sum += diff * diff;
  }
  return sum;
}

double DistanceCache::from_features(double sq, const Choices &a, const Choices &b) const {
  if (sq == 0)
    return 0;
  double scale = scale_.load();
  if (scale == 0) { // only before any fit had two different architectures
    double d = call(a, b);
    if (d == 0)
      throw Failed("nas.predictor.gp: the distance's features differ where the distance is 0");
    scale = sq / d;
    double expected = 0;
    scale_.compare_exchange_strong(expected, scale);
    scale = scale_.load();
  }
  return sq / scale;
}

void DistanceCache::calibrate(const std::vector<Choices> &archs) {
  int measured = 0;
  for (size_t i = 0; i < archs.size() && measured < kCalibrationPairs; ++i)
    for (size_t j = i + 1; j < archs.size() && measured < kCalibrationPairs; ++j) {
      double sq = squared(features_of(archs[i]), features_of(archs[j]));
      if (sq == 0)
        continue;
      double ratio = sq / call(archs[i], archs[j]);
      double scale = scale_.load();
      if (!std::isfinite(ratio) || (scale > 0 && std::abs(ratio - scale) > 1e-9 * scale)) {
        host_.warn("nas.predictor.gp: the distance's features are not proportional to its "
                   "distance (||f(a) - f(b)||^2 / d(a, b) = " +
                   std::to_string(ratio) + " here, " + std::to_string(scale) +
                   " before); using pairwise distance calls instead");
        mode_ = Mode::pairwise;
        return;
      }
      scale_ = ratio;
      ++measured;
    }
  calibrated_ = measured > 0;
}

Matrix DistanceCache::set_training(const std::vector<Choices> &archs) {
  choose_mode();
  if (mode_ == Mode::features && !calibrated_)
    calibrate(archs);
  const size_t n = archs.size();
  std::vector<uint32_t> ids(n);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (size_t i = 0; i < n; ++i)
      ids[i] = intern(archs[i]);
    std::set<uint32_t> keep(ids.begin(), ids.end());
    for (auto it = ids_.begin(); it != ids_.end();)
      it = keep.count(it->second) ? std::next(it) : ids_.erase(it);
    for (auto it = features_.begin(); it != features_.end();)
      it = keep.count(it->first) ? std::next(it) : features_.erase(it);
    for (auto it = pairs_.begin(); it != pairs_.end();)
      it = keep.count(uint32_t(it->first >> 32)) && keep.count(uint32_t(it->first))
               ? std::next(it)
               : pairs_.erase(it);
  }
  training_ = archs;
  training_ids_ = ids;
  training_features_.clear();
  Matrix d(n, n);
  if (mode_ == Mode::features) {
    for (const Choices &a : archs)
      training_features_.push_back(&features_of(a));
    for (size_t i = 0; i < n; ++i)
      for (size_t j = i + 1; j < n; ++j)
        d(i, j) = d(j, i) = from_features(squared(*training_features_[i], *training_features_[j]),
                                          archs[i], archs[j]);
    return d;
  }
  for (size_t i = 0; i < n; ++i)
    for (size_t j = i + 1; j < n; ++j) {
      uint64_t k = key(ids[i], ids[j]);
      auto it = pairs_.find(k);
      double v = it != pairs_.end() ? it->second : call(archs[i], archs[j]);
      if (it == pairs_.end())
        pairs_.emplace(k, v);
      d(i, j) = d(j, i) = v;
    }
  return d;
}

std::vector<double> DistanceCache::to_training(const Choices &arch) const {
  const size_t n = training_.size();
  std::vector<double> out(n, 0.0);
  if (mode_ == Mode::features) {
    const Features &f = features_of(arch);
    for (size_t j = 0; j < n; ++j)
      out[j] = from_features(squared(f, *training_features_[j]), arch, training_[j]);
    return out;
  }
  uint32_t id;
  std::vector<size_t> missing;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    id = intern(arch);
    for (size_t j = 0; j < n; ++j) {
      auto it = pairs_.find(key(id, training_ids_[j]));
      if (it != pairs_.end())
        out[j] = it->second;
      else if (id != training_ids_[j])
        missing.push_back(j);
    }
  }
  for (size_t j : missing)
    out[j] = call(arch, training_[j]);
  std::lock_guard<std::mutex> lock(mutex_);
  for (size_t j : missing)
    pairs_.emplace(key(id, training_ids_[j]), out[j]);
  return out;
}

Matrix DistanceCache::among(const std::vector<Choices> &archs) const {
  const size_t m = archs.size();
  Matrix d(m, m);
  std::vector<const Features *> f;
  if (mode_ == Mode::features)
    for (const Choices &a : archs)
      f.push_back(&features_of(a));
  for (size_t i = 0; i < m; ++i)
    for (size_t j = i + 1; j < m; ++j) {
      d(i, j) = d(j, i) = mode_ == Mode::features
                              ? from_features(squared(*f[i], *f[j]), archs[i], archs[j])
                              : call(archs[i], archs[j]);
    }
  return d;
}

} // namespace nas::gp
