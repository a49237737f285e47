#include "predictor_handle.hpp"

namespace nas::bo {

namespace {
std::vector<nas_arch_t> views_of(const std::vector<Choices> &archs) {
  std::vector<nas_arch_t> views;
  for (const Choices &a : archs)
    views.push_back(arch_view(a));
  return views;
}
} // namespace

PredictorHandle::PredictorHandle(nas_instance_t *instance)
    : inst_(instance), vt_(interface_of<nas_predictor_v1_t>(instance, NAS_PREDICTOR_V1)) {
  if (vt_->struct_size < offsetof(nas_predictor_v1_t, predict_joint))
    throw Error(NAS_ERR_INVALID_ARGUMENT, name() + ": its predictor vtable is too short");
}

void PredictorHandle::fit(const std::vector<Choices> &archs,
                          const std::vector<double> &values) const {
  std::vector<nas_arch_t> views = views_of(archs);
  nas_error_t e = detail::make_error();
  detail::check(
      vt_->fit(inst_, views.data(), values.data(), static_cast<uint32_t>(views.size()), &e), e,
      (name() + ": fit").c_str());
}

std::pair<double, double> PredictorHandle::predict(const Choices &arch) const {
  nas_arch_t a = arch_view(arch);
  double mean = 0, variance = 0;
  nas_error_t e = detail::make_error();
  detail::check(vt_->predict(inst_, &a, &mean, &variance, &e), e, (name() + ": predict").c_str());
  return {mean, variance};
}

std::optional<std::pair<std::vector<double>, std::vector<double>>>
PredictorHandle::predict_joint(const std::vector<Choices> &archs) const {
  if (!NAS_HAS_FIELD(vt_, nas_predictor_v1_t, predict_joint) || !vt_->predict_joint)
    return std::nullopt;
  std::vector<nas_arch_t> views = views_of(archs);
  const size_t m = archs.size();
  std::vector<double> mean(m), covariance(m * m);
  nas_error_t e = detail::make_error();
  nas_status_t s = vt_->predict_joint(inst_, views.data(), static_cast<uint32_t>(m), mean.data(),
                                      covariance.data(), &e);
  if (s == NAS_ERR_UNSUPPORTED)
    return std::nullopt;
  detail::check(s, e, (name() + ": predict_joint").c_str());
  return std::make_pair(std::move(mean), std::move(covariance));
}

std::optional<std::string> PredictorHandle::save() const {
  if (!NAS_HAS_FIELD(vt_, nas_predictor_v1_t, save) || !vt_->save)
    return std::nullopt;
  detail::StringSink sink;
  nas_error_t e = detail::make_error();
  nas_status_t s = vt_->save(inst_, &sink, &e);
  if (s == NAS_ERR_UNSUPPORTED)
    return std::nullopt;
  detail::check(s, e, (name() + ": save").c_str());
  return sink.text;
}

void PredictorHandle::load(const std::string &state) const {
  if (!NAS_HAS_FIELD(vt_, nas_predictor_v1_t, load) || !vt_->load)
    throw Error(NAS_ERR_UNSUPPORTED, name() + " saved a state but has no load");
  nas_error_t e = detail::make_error();
  detail::check(vt_->load(inst_, state.data(), state.size(), &e), e, (name() + ": load").c_str());
}

} // namespace nas::bo
