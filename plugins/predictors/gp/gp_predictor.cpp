// nas.predictor.gp: Gaussian-process regression over architectures with the kernel
// k(a, b) = s^2 exp(-d(a, b)^p / l) built from a bound distance (an RBF on the features when
// the distance offers nas.features/1), hyperparameters fitted by maximizing the marginal
// likelihood (Rasmussen and Williams, "Gaussian Processes for Machine Learning", ch. 2 and 5).
#include "distance_cache.hpp"
#include "gp_math.hpp"
#include "gp_options.hpp"
#include "gp_state.hpp"
#include "hyper_search.hpp"
#include "posterior.hpp"

#include "../common/fit_inputs.hpp"

#include <nas/plugin.hpp>
#include <nas/random.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>

namespace nas::gp {

namespace {

// Cholesky tries with 10x more jitter each: 1e-10 .. 1e-4 of the mean diagonal by default.
constexpr int kJitterRetries = 6;
// Fewer observations than this keep the starting hyperparameters: a likelihood over one or
// two points says nothing about a length scale.
constexpr size_t kMinToFit = 3;

} // namespace

class GpPredictor final : public Predictor {
public:
  GpPredictor(const Config &config, const Host &host)
      : Predictor(host), o_(GpOptions::from(config)), cache_(host), seed_(host.seed("gp")) {
    set_threads(o_.threads);
  }

  static Info info() {
    Info i;
    i.name = "nas.predictor.gp";
    i.version = "1.0.0";
    i.description = "Gaussian-process regression with the kernel s^2 exp(-d^p / l) of a bound "
                    "distance, hyperparameters fitted by marginal likelihood (LibTorch).";
    i.flags = NAS_FLAG_USES_LIBTORCH;
    i.config = GpOptions::schema();
    i.roles = R"j({"distance": {"kind": "distance", "required": true, )j"
              R"j("help": "the distance the kernel is built from (its features when offered)"}})j";
    return i;
  }

  void bind(const std::string &role, nas_instance_t *other) override {
    if (role != "distance")
      return Predictor::bind(role, other);
    cache_.bind(other);
  }

  void fit(const std::vector<Choices> &archs, const std::vector<double> &values) override {
    predictors::check_fit_inputs(archs, values);
    state_.archs = archs;
    state_.values = values;
    ++state_.fits;
    condition(/*may_refit=*/true);
  }

  // Reads the posterior and the cache (locked inside): safe from any thread between fits.
  std::pair<double, double> predict(const Choices &arch) const override {
    return posterior().predict(cache_.to_training(arch));
  }

  std::pair<std::vector<double>, std::vector<double>>
  predict_joint(const std::vector<Choices> &archs) const override {
    const Posterior &p = posterior();
    if (archs.empty())
      return {};
    Matrix cross(archs.size(), p.factor.n);
    for (size_t i = 0; i < archs.size(); ++i) {
      std::vector<double> row = cache_.to_training(archs[i]);
      std::copy(row.begin(), row.end(), cross.data.begin() + i * p.factor.n);
    }
    return p.joint(cross, cache_.among(archs));
  }

  std::string save() const override { return state_.to_json(); }

  void load(std::string_view text) override {
    GpState loaded = GpState::from_json(text);
    GpState previous = std::move(state_);
    std::optional<Posterior> previous_posterior = posterior_;
    state_ = std::move(loaded);
    try {
      condition(/*may_refit=*/false); // the saved hyperparameters, as they were
    } catch (...) {
      state_ = std::move(previous); // a failed load leaves the predictor as it was
      posterior_ = std::move(previous_posterior);
      if (!state_.archs.empty())
        cache_.set_training(state_.archs);
      throw;
    }
  }

private:
  const Posterior &posterior() const {
    if (!posterior_)
      throw Failed("nas.predictor.gp has no observations: fit first");
    return *posterior_;
  }

  // Rebuilds the posterior from state_, fitting the hyperparameters when they are due.
  void condition(bool may_refit) {
    posterior_.reset();
    if (state_.archs.empty())
      return;
    if (!cache_.bound())
      throw Error(NAS_ERR_INVALID_ARGUMENT, "nas.predictor.gp: no distance is bound");
    Matrix dp = powered(cache_.set_training(state_.archs), o_.power);
    host().debug("training set of " + std::to_string(state_.archs.size()) +
                 " architectures; distance calls so far: " + std::to_string(cache_.calls()));
    Posterior p;
    p.power = o_.power;
    std::vector<double> y = standardize(state_.values, p.y_mean, p.y_scale);
    const double y_variance = o_.normalize ? 1 : variance(state_.values);
    KernelPolicy policy{cache_.uses_features() && o_.power <= 1, o_.repair};

    if (!state_.hyper) {
      Hyper h = o_.initial;
      if (h.lengthscale == 0)
        h.lengthscale = median_spread(dp);
      state_.hyper = h;
    }
    bool due = !state_.fitted || (state_.fits - 1) % static_cast<uint64_t>(o_.refit_every) == 0;
    if (may_refit && o_.fit && due && y.size() >= kMinToFit) {
      FitOptions fit;
      fit.policy = policy;
      fit.optimizer = o_.optimizer;
      fit.steps = o_.steps;
      set_bounds(fit, o_, y_variance, median_spread(dp));
      auto start = std::chrono::steady_clock::now();
      FitResult r = fit_hyperparameters(
          dp, y, starts(*state_.hyper, fit, o_.restarts, mix_seed(seed_, state_.fits)), fit);
      state_.hyper = r.hyper;
      state_.fitted = true;
      char line[256];
      std::snprintf(
          line, sizeof line,
          "fit %zu observations: s^2 %.4g, l %.4g, noise %.3g, log likelihood %.6g "
          "(%d evaluations, %.3f s)",
          y.size(), r.hyper.signal_variance, r.hyper.lengthscale, r.hyper.noise_variance,
          r.log_likelihood, r.evaluations,
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      host().debug(line);
    }
    p.hyper = *state_.hyper;
    p.factor = factorize(dp, y, p.hyper, policy, o_.jitter, kJitterRetries);
    if (p.factor.repaired && !warned_repair_) {
      warned_repair_ = true;
      host().warn("nas.predictor.gp: the kernel matrix of this distance is not positive "
                  "semidefinite; it is projected onto the PSD cone (negative eigenvalues "
                  "clipped to 0). Said once.");
    }
    posterior_ = std::move(p);
  }

  std::vector<double> standardize(const std::vector<double> &v, double &mean, double &scale) const {
    mean = 0;
    scale = 1;
    if (o_.normalize) {
      for (double x : v)
        mean += x;
      mean /= static_cast<double>(v.size());
      double sd = std::sqrt(variance(v));
      scale = sd > 0 ? sd : 1;
    }
    std::vector<double> out(v.size());
    for (size_t i = 0; i < v.size(); ++i)
      out[i] = (v[i] - mean) / scale;
    return out;
  }

  static double variance(const std::vector<double> &v) {
    double mean = 0, sq = 0;
    for (double x : v)
      mean += x;
    mean /= static_cast<double>(v.size());
    for (double x : v)
      sq += (x - mean) * (x - mean);
    return sq / static_cast<double>(v.size());
  }

  GpOptions o_;
  DistanceCache cache_;
  uint64_t seed_;
  GpState state_;
  std::optional<Posterior> posterior_;
  bool warned_repair_ = false;
};

} // namespace nas::gp

NAS_PLUGIN_LIBRARY(nas::gp::GpPredictor);
