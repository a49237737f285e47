#include "gp_state.hpp"

#include "../common/fit_inputs.hpp"

#include <nlohmann/json.hpp>

#include <cmath>

namespace nas::gp {

namespace {
constexpr const char *kFormat = "nas.predictor.gp/1";
}

std::string GpState::to_json() const {
  nlohmann::json hyp = nullptr;
  if (hyper)
    hyp = {{"signal_variance", hyper->signal_variance},
           {"lengthscale", hyper->lengthscale},
           {"noise_variance", hyper->noise_variance}};
  return nlohmann::json{{"format", kFormat}, {"archs", archs},   {"values", values},
                        {"hyper", hyp},      {"fitted", fitted}, {"fits", fits}}
      .dump();
}

GpState GpState::from_json(std::string_view text) {
  try {
    auto j = nlohmann::json::parse(text);
    if (j.at("format") != kFormat)
      throw std::invalid_argument("the format is not " + std::string(kFormat));
    GpState s;
    s.archs = j.at("archs").get<std::vector<Choices>>();
    s.values = j.at("values").get<std::vector<double>>();
    predictors::check_fit_inputs(s.archs, s.values);
    const auto &h = j.at("hyper");
    if (!h.is_null()) {
      Hyper v{h.at("signal_variance").get<double>(), h.at("lengthscale").get<double>(),
              h.at("noise_variance").get<double>()};
      if (!(v.signal_variance > 0) || !(v.lengthscale > 0) || !(v.noise_variance >= 0) ||
          !std::isfinite(v.signal_variance + v.lengthscale + v.noise_variance))
        throw std::invalid_argument("the hyperparameters are out of range");
      s.hyper = v;
    }
    s.fitted = j.at("fitted").get<bool>();
    s.fits = j.at("fits").get<uint64_t>();
    return s;
  } catch (const std::exception &e) {
    throw Error(NAS_ERR_INVALID_ARGUMENT,
                std::string("nas.predictor.gp cannot load this state: ") + e.what());
  }
}

} // namespace nas::gp
