// The predictor bound under role `predictor`, called through its C vtable: fit and predict,
// and the optional predict_joint, save and load (nullopt where the predictor lacks them).
#pragma once

#include <nas/plugin.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nas::bo {

class PredictorHandle {
public:
  PredictorHandle() = default;
  explicit PredictorHandle(nas_instance_t *instance);
  explicit operator bool() const { return inst_ != nullptr; }
  std::string name() const { return inst_ ? inst_->desc->name : "(none)"; }

  void fit(const std::vector<Choices> &archs, const std::vector<double> &values) const;
  std::pair<double, double> predict(const Choices &arch) const;
  // {mean, covariance (row-major)}, or nullopt when the predictor has no joint posterior.
  std::optional<std::pair<std::vector<double>, std::vector<double>>>
  predict_joint(const std::vector<Choices> &archs) const;
  std::optional<std::string> save() const;
  void load(const std::string &state) const;

private:
  nas_instance_t *inst_ = nullptr;
  const nas_predictor_v1_t *vt_ = nullptr;
};

} // namespace nas::bo
