// Test support for predictors: calls a created predictor through the C ABI (as a strategy's
// PredictorRef does) and returns statuses instead of throwing, plus a k-NN bound to a
// Hamming distance on the harness's space.
#pragma once

#include "plugin_harness.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace nas::test {

struct Prediction : CallResult {
  double mean = 0;
  double variance = 0;
};

class PredictorClient {
public:
  explicit PredictorClient(core::Instance &instance)
      : inst_(&instance), vt_(instance.interface<nas_predictor_v1_t>(NAS_PREDICTOR_V1)) {
    if (!vt_)
      throw std::runtime_error(instance.descriptor().name + " offers no " NAS_PREDICTOR_V1);
  }

  core::Instance &instance() const { return *inst_; }

  CallResult fit(const std::vector<Choices> &archs, const std::vector<double> &values) const {
    std::vector<nas_arch_t> views;
    for (const Choices &a : archs)
      views.push_back(arch_view(a));
    nas_error_t e = core::make_error();
    return detail::result_of(vt_->fit(inst_->raw(), views.data(), values.data(),
                                      static_cast<uint32_t>(views.size()), &e),
                             e);
  }
  Prediction predict(const Choices &arch) const {
    Prediction p;
    nas_arch_t a = arch_view(arch);
    nas_error_t e = core::make_error();
    static_cast<CallResult &>(p) =
        detail::result_of(vt_->predict(inst_->raw(), &a, &p.mean, &p.variance, &e), e);
    return p;
  }
  CallResult save(std::string &out) const {
    nas::detail::StringSink sink;
    nas_error_t e = core::make_error();
    CallResult r = detail::result_of(vt_->save(inst_->raw(), &sink, &e), e);
    out = std::move(sink.text);
    return r;
  }
  CallResult load(const std::string &state) const {
    nas_error_t e = core::make_error();
    return detail::result_of(vt_->load(inst_->raw(), state.data(), state.size(), &e), e);
  }

private:
  core::Instance *inst_;
  const nas_predictor_v1_t *vt_;
};

// nas.predictor.knn with `config`, its `distance` role bound to nas.distance.hamming on the
// harness's space, both created at `path` (and `path`.distance).
inline core::Instance &make_knn(Harness &h, const Json &config = Json::object(),
                                const std::string &path = "predictor") {
  core::Instance &distance = h.create("nas.distance.hamming", Json::object(), path + ".distance");
  core::Instance &knn = h.create("nas.predictor.knn", config, path);
  h.bind(knn, "distance", distance);
  return knn;
}

} // namespace nas::test
