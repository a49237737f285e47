// nas.strategy.bo: Bayesian optimization over architectures. Each ask fits the bound
// predictor (a GP over a distance, or any other) to the results so far plus the pending
// proposals' believed values, scores a pool of random candidates and mutants of the best
// architectures with an acquisition function, and proposes the best candidate (Kandasamy et
// al., NASBOT, 2018; White et al., BANANAS, 2021, for the pool of mutants).
#include "acquisition.hpp"
#include "bo_options.hpp"
#include "candidate_pool.hpp"
#include "history.hpp"
#include "predictor_handle.hpp"
#include "thompson.hpp"

#include <nas/plugin.hpp>
#include <nas/random.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

namespace nas::bo {

namespace {

constexpr const char *kStateFormat = "nas.strategy.bo/1";

// Only a successful trial's value trains the model; a failed one is remembered as seen.
double value_of(const Outcome &o) {
  bool has_value = o.status == NAS_TRIAL_OK || o.status == NAS_TRIAL_CACHED;
  return has_value && std::isfinite(o.objective) ? o.objective : NAN;
}

struct Pick {
  size_t index = 0;
  double mean = 0, variance = 0;
};

} // namespace

class BoStrategy final : public Strategy {
public:
  BoStrategy(const Config &config, const Host &host)
      : Strategy(host), o_(BoOptions::from(config)), rng_(host.seed("bo")) {}

  static Info info() {
    Info i;
    i.name = "nas.strategy.bo";
    i.version = "1.0.0";
    i.description = "Bayesian optimization: fit a predictor, propose the candidate (random or a "
                    "mutant of the best) with the best acquisition (EI, UCB, PI, Thompson).";
    i.config = BoOptions::schema();
    i.roles = R"j({"predictor": {"kind": "predictor", "required": true, )j"
              R"j("help": "the model of the objective (nas.predictor.gp, or any predictor)"}, )j"
              R"j("space": {"kind": "space", "required": true, )j"
              R"j("help": "the space candidates are drawn from and mutated in"}})j";
    return i;
  }

  void bind(const std::string &role, nas_instance_t *other) override {
    if (role == "space")
      pool_ = CandidatePool(SpaceRef(other));
    else if (role == "predictor")
      predictor_ = PredictorHandle(other);
    else
      Strategy::bind(role, other);
  }

  Ask ask(int64_t trial_id, Proposal &out) override {
    require_bound();
    if (out.choices.size() != pool_.radices().size())
      throw Error(NAS_ERR_INVALID_ARGUMENT,
                  "ask has room for " + std::to_string(out.choices.size()) +
                      " decisions, the space has " + std::to_string(pool_.radices().size()));
    const bool model = history_.seen_count() >= o_.initial && history_.valued() >= 2;
    return model ? propose_by_model(trial_id, out) : propose_random(trial_id, out);
  }

  void tell(const Outcome &o) override {
    require_bound();
    if (!pool_.in_range(o.choices)) {
      history_.drop(o.trial_id); // not an architecture of this space: nothing to learn
      return;
    }
    history_.tell(o.trial_id, o.choices, value_of(o));
  }

  std::string save() const override {
    require_bound();
    std::optional<std::string> predictor = predictor_.save();
    nlohmann::json state = {{"format", kStateFormat},
                            {"radices", pool_.radices()},
                            {"rng", rng_.save()},
                            {"history", history_.to_json()},
                            {"predictor", predictor ? nlohmann::json(*predictor) : nullptr}};
    return state.dump();
  }

  void load(std::string_view data) override {
    require_bound();
    try {
      auto state = nlohmann::json::parse(data);
      if (state.at("format") != kStateFormat)
        throw std::invalid_argument("the format is not " + std::string(kStateFormat));
      if (state.at("radices").get<std::vector<uint32_t>>() != pool_.radices())
        throw std::invalid_argument("it was saved for a space with option counts " +
                                    state.at("radices").dump());
      Rng rng = rng_;
      rng.load(state.at("rng").get<std::string>());
      History history = History::from_json(state.at("history"));
      for (const auto &t : state.at("history").at("told"))
        check(t.at("choices").get<Choices>());
      for (const auto &p : state.at("history").at("pending"))
        check(p.at("choices").get<Choices>());
      if (!state.at("predictor").is_null())
        predictor_.load(state.at("predictor").get<std::string>());
      rng_ = rng;
      history_ = std::move(history);
    } catch (const Error &) {
      throw;
    } catch (const std::exception &e) {
      throw Error(NAS_ERR_INVALID_ARGUMENT,
                  std::string("nas.strategy.bo cannot load this state: ") + e.what());
    }
  }

private:
  IsSeen is_seen() const {
    return [this](const Choices &c) { return history_.seen(c); };
  }

  Ask propose_random(int64_t trial_id, Proposal &out) {
    std::vector<Choices> c = pool_.build(rng_, 1, 0, {}, is_seen());
    if (c.empty())
      return Ask::done; // every architecture was told or is pending
    out.choices = c[0];
    out.tag = "random";
    history_.propose(trial_id, std::move(c[0]), std::nullopt);
    return Ask::ok;
  }

  Ask propose_by_model(int64_t trial_id, Proposal &out) {
    fit_with_pending();
    std::vector<Choices> pool =
        pool_.build(rng_, o_.pool, o_.mutations, history_.top(o_.top), is_seen());
    if (pool.empty())
      return Ask::done;
    Pick pick = o_.acquisition == Acquisition::thompson ? by_thompson(pool) : by_score(pool);
    out.choices = pool[pick.index];
    char tag[64];
    std::snprintf(tag, sizeof tag, "%s mean %.6g sd %.3g", name_of(o_.acquisition), pick.mean,
                  std::sqrt(std::max(pick.variance, 0.0)));
    out.tag = tag;
    std::optional<double> belief;
    if (o_.batch == Batch::kriging_believer)
      belief = pick.mean;
    history_.propose(trial_id, std::move(pool[pick.index]), belief);
    return Ask::ok;
  }

  // Fits the predictor to the observations plus every pending proposal at its believed value
  // (kriging believer: the posterior mean when it was chosen; proposals made before the model
  // was used get theirs from a fit without them) or at the constant lie.
  void fit_with_pending() {
    std::vector<Choices> archs;
    std::vector<double> values;
    history_.training(archs, values);
    auto &pending = history_.pending();
    if (pending.empty()) {
      predictor_.fit(archs, values);
      return;
    }
    if (o_.batch == Batch::kriging_believer) {
      bool unknown = false;
      for (const auto &[trial, p] : pending)
        unknown = unknown || !p.belief;
      if (unknown) {
        predictor_.fit(archs, values);
        for (auto &[trial, p] : pending)
          if (!p.belief)
            p.belief = predictor_.predict(p.choices).first;
      }
    }
    const double lie = o_.lie == Lie::worst  ? history_.worst()
                       : o_.lie == Lie::mean ? history_.mean()
                                             : history_.best();
    for (const auto &[trial, p] : pending) {
      archs.push_back(p.choices);
      values.push_back(o_.batch == Batch::kriging_believer ? *p.belief : lie);
    }
    predictor_.fit(archs, values);
  }

  // The candidate with the best acquisition; the first such in pool order on ties.
  Pick by_score(const std::vector<Choices> &pool) const {
    const double incumbent = history_.best();
    Pick pick;
    double top = -std::numeric_limits<double>::infinity();
    for (size_t i = 0; i < pool.size(); ++i) {
      auto [mean, variance] = predictor_.predict(pool[i]);
      double s = score(o_.acquisition, mean, variance, incumbent, o_.ucb_beta);
      if (i == 0 || s > top) {
        top = std::isnan(s) ? -std::numeric_limits<double>::infinity() : s;
        pick = {i, mean, variance};
      }
    }
    return pick;
  }

  // The argmax of one joint posterior sample over the pool.
  Pick by_thompson(const std::vector<Choices> &pool) {
    std::vector<double> mean, variance, sample;
    auto joint = predictor_.predict_joint(pool);
    if (joint) {
      mean = joint->first;
      for (size_t i = 0; i < pool.size(); ++i)
        variance.push_back(joint->second[i * pool.size() + i]);
      auto drawn = joint_sample(mean, std::move(joint->second), rng_);
      if (drawn)
        sample = std::move(*drawn);
      else
        warn_once("the joint posterior covariance does not factorize even with jitter");
    } else {
      warn_once(predictor_.name() + " has no joint posterior (predict_joint)");
      for (const Choices &c : pool) {
        auto [m, v] = predictor_.predict(c);
        mean.push_back(m);
        variance.push_back(v);
      }
    }
    if (sample.empty())
      sample = marginal_sample(mean, variance, rng_);
    size_t best = 0;
    for (size_t i = 1; i < sample.size(); ++i)
      if (sample[i] > sample[best])
        best = i;
    return {best, mean[best], variance[best]};
  }

  void warn_once(const std::string &why) {
    if (warned_marginals_)
      return;
    warned_marginals_ = true;
    host().warn("nas.strategy.bo: " + why +
                "; Thompson sampling draws independent marginals instead. Said once.");
  }

  void check(const Choices &choices) const {
    if (!pool_.in_range(choices))
      throw std::invalid_argument("an architecture in the state is not one of this space");
  }

  void require_bound() const {
    if (!pool_)
      throw Error(NAS_ERR_INVALID_ARGUMENT, "nas.strategy.bo: no space is bound");
    if (!predictor_)
      throw Error(NAS_ERR_INVALID_ARGUMENT, "nas.strategy.bo: no predictor is bound");
  }

  BoOptions o_;
  Rng rng_;
  CandidatePool pool_;
  PredictorHandle predictor_;
  History history_;
  bool warned_marginals_ = false;
};

} // namespace nas::bo

NAS_PLUGIN_LIBRARY(nas::bo::BoStrategy);
