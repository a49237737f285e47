// nas.strategy.progressive: progressive search (Liu et al., "Progressive Neural
// Architecture Search", ECCV 2018): evaluate the smallest architectures, keep the best K,
// grow each by one step, and so on; a bound predictor picks which expansions to evaluate.
#include "growth_plan.hpp"
#include "level.hpp"
#include "observations.hpp"

#include <nas/plugin.hpp>
#include <nas/random.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <optional>

namespace nas::progressive {

namespace {

constexpr const char *kStateFormat = "nas.strategy.progressive/1";
// A level enumerates every combination of its opened decisions for each kept parent.
constexpr double kMaxLevelSize = 1e6;

int64_t positive(const Config &config, const char *key, int64_t fallback, int64_t least) {
  int64_t v = config.get_int(key, fallback);
  if (v < least)
    throw ConfigError(key, std::string("'") + key + "' must be at least " + std::to_string(least) +
                               ", got " + std::to_string(v));
  return v;
}

} // namespace

class ProgressiveStrategy final : public Strategy {
public:
  ProgressiveStrategy(const Config &config, const Host &host)
      : Strategy(host), beam_(static_cast<size_t>(positive(config, "beam", 8, 1))),
        per_level_(static_cast<size_t>(positive(config, "candidates_per_level", 0, 0))),
        rng_(host.seed("order")) {}

  static Info info() {
    Info i;
    i.name = "nas.strategy.progressive";
    i.version = "1.0.0";
    i.description = "Progressive search: grow the best K architectures level by level "
                    "(depth, or decision by decision), a predictor choosing what to evaluate.";
    i.config = R"json({
  "beam": {"type": "int", "default": 8,
           "help": "K: architectures kept at each level and grown into the next"},
  "candidates_per_level": {"type": "int", "default": 0,
      "help": "expansions evaluated per level after the first; 0: beam with a predictor, all without"}
})json";
    i.roles = R"json({
  "space": {"kind": "space", "required": true, "help": "the space grown"},
  "predictor": {"kind": "predictor", "required": false,
                "help": "ranks each level's expansions; only the best predicted are evaluated"}
})json";
    return i;
  }

  void bind(const std::string &role, nas_instance_t *other) override {
    if (role == "predictor") {
      predictor_ = PredictorRef(other);
      return;
    }
    if (role != "space")
      return Strategy::bind(role, other);
    space_ = SpaceRef(other);
    options_.assign(space_.num_decisions(), 0);
    for (uint32_t i = 0; i < options_.size(); ++i)
      options_[i] = space_.num_options(i);
    plan_ = GrowthPlan(space_.describe(), options_);
    for (size_t l = 0; l < plan_.levels(); ++l)
      if (static_cast<double>(plan_.combinations(l)) * static_cast<double>(l == 0 ? 1 : beam_) >
          kMaxLevelSize)
        throw Error(NAS_ERR_INVALID_ARGUMENT,
                    "nas.strategy.progressive: level " + std::to_string(l + 1) + " opens " +
                        std::to_string(plan_.combinations(l)) + " combinations for each of up to " +
                        std::to_string(l == 0 ? 1 : beam_) +
                        " architectures: more than 10^6 to enumerate");
  }

  Ask ask(int64_t trial_id, Proposal &out) override {
    require_space();
    for (;;) {
      if (done_)
        return Ask::done;
      if (!level_.started()) {
        if (plan_.levels() == 0) {
          done_ = true; // no decision to grow (or a depth decision without options)
          continue;
        }
        start_level(0, {Choices(options_.size(), 0)});
        continue;
      }
      while (level_.next < level_.queue.size()) {
        size_t c = level_.queue[level_.next++];
        if (observed_.find(level_.candidates[c]))
          continue; // told meanwhile without an ask (a warm start): nothing to learn
        level_.pending[trial_id] = c;
        out.choices = level_.candidates[c];
        out.tag = "level " + std::to_string(level_.index + 1);
        return Ask::ok;
      }
      if (!level_.pending.empty())
        return Ask::wait; // the barrier: the next level needs this one's results
      finish_level();
    }
  }

  // Every outcome counts as told, failed and cached ones included, so none stalls a level.
  void tell(const Outcome &o) override {
    require_space();
    if (o.choices.size() != options_.size())
      throw Error(NAS_ERR_INVALID_ARGUMENT, "tell has " + std::to_string(o.choices.size()) +
                                                " decisions, the space has " +
                                                std::to_string(options_.size()));
    double value = std::isfinite(o.objective) ? o.objective : NAN;
    if (auto p = level_.pending.find(o.trial_id); p != level_.pending.end()) {
      observed_.record(level_.candidates[p->second], value);
      level_.pending.erase(p);
    }
    observed_.record(o.choices, value);
  }

  std::string save() const override {
    require_space();
    nlohmann::json state = {{"format", kStateFormat},
                            {"options", options_},
                            {"beam", beam_},
                            {"candidates_per_level", per_level_},
                            {"predictor", static_cast<bool>(predictor_)},
                            {"rng", rng_.save()},
                            {"done", done_},
                            {"level", level_.to_json()},
                            {"observed", observed_.to_json()}};
    return state.dump();
  }

  void load(std::string_view data) override {
    require_space();
    try {
      auto state = nlohmann::json::parse(data);
      if (state.at("format") != kStateFormat)
        throw std::invalid_argument("the format is not " + std::string(kStateFormat));
      if (state.at("options").get<Options>() != options_)
        throw std::invalid_argument("it was saved for a space with option counts " +
                                    state.at("options").dump());
      if (state.at("beam").get<size_t>() != beam_ ||
          state.at("candidates_per_level").get<size_t>() != per_level_ ||
          state.at("predictor").get<bool>() != static_cast<bool>(predictor_))
        throw std::invalid_argument("it was saved with another beam, candidates_per_level or "
                                    "predictor binding");
      // Build the new state aside, so a failed load leaves this one unchanged.
      Rng rng = rng_;
      rng.load(state.at("rng").get<std::string>());
      Level level = Level::from_json(state.at("level"), options_);
      if (level.index >= static_cast<int64_t>(plan_.levels()))
        throw std::invalid_argument("the level is past the space's last level");
      Observations observed = Observations::from_json(state.at("observed"), options_.size());
      rng_ = rng;
      level_ = std::move(level);
      observed_ = std::move(observed);
      done_ = state.at("done").get<bool>();
    } catch (const std::exception &e) {
      throw Error(NAS_ERR_INVALID_ARGUMENT,
                  std::string("nas.strategy.progressive cannot load this state: ") + e.what());
    }
  }

private:
  void require_space() const {
    if (!space_)
      throw Error(NAS_ERR_INVALID_ARGUMENT, "nas.strategy.progressive: no space is bound");
  }

  // The space's canonical form of a child; false for one the space rejects.
  bool canonical(Choices &c) const {
    try {
      space_.canonicalize(c);
      return true;
    } catch (const Error &e) {
      if (e.code() == NAS_ERR_INVALID_ARCH)
        return false;
      throw;
    }
  }

  void start_level(size_t index, const std::vector<Choices> &parents) {
    Level next;
    next.index = static_cast<int64_t>(index);
    next.candidates = plan_.expand(parents, index, [this](Choices &c) { return canonical(c); });
    std::vector<size_t> unknown;
    for (size_t c = 0; c < next.candidates.size(); ++c)
      if (!observed_.find(next.candidates[c]))
        unknown.push_back(c);
    next.queue = choose(next.candidates, unknown, index);
    level_ = std::move(next);
  }

  // Which unknown expansions to evaluate, in proposal order. The first level is evaluated
  // in full, as PNAS trains its predictor on every one-block cell. Later ones: the best
  // `per_level` by predicted mean (ties: enumeration order) when a predictor is bound and
  // something has a value; otherwise a random order (a budget that ends mid-level is then
  // not biased towards low option indices), cut to `per_level` when that is set.
  std::vector<size_t> choose(const std::vector<Choices> &candidates, std::vector<size_t> unknown,
                             size_t index) {
    if (index > 0 && predictor_ && observed_.any_finite()) {
      std::vector<Choices> archs;
      std::vector<double> values;
      observed_.finite(archs, values);
      predictor_.fit(archs, values);
      std::vector<double> mean(candidates.size(), 0.0);
      for (size_t c : unknown)
        mean[c] = predictor_.predict(candidates[c]).first;
      std::stable_sort(unknown.begin(), unknown.end(),
                       [&](size_t a, size_t b) { return mean[a] > mean[b]; });
      unknown.resize(std::min(unknown.size(), per_level_ > 0 ? per_level_ : beam_));
      return unknown;
    }
    rng_.shuffle(unknown.begin(), unknown.end());
    if (index > 0 && per_level_ > 0)
      unknown.resize(std::min(unknown.size(), per_level_));
    return unknown;
  }

  // Keeps the best `beam_` of the level and grows them, or ends after the last level.
  void finish_level() {
    std::vector<size_t> valued, failed;
    for (size_t c = 0; c < level_.candidates.size(); ++c)
      if (const double *v = observed_.find(level_.candidates[c]))
        (std::isnan(*v) ? failed : valued).push_back(c);
    std::stable_sort(valued.begin(), valued.end(), [&](size_t a, size_t b) {
      return *observed_.find(level_.candidates[a]) > *observed_.find(level_.candidates[b]);
    });
    // A level where every trial failed still grows (its first K), rather than ending early.
    std::vector<size_t> &pool = valued.empty() ? failed : valued;
    pool.resize(std::min(pool.size(), beam_));
    std::vector<Choices> kept;
    for (size_t c : pool)
      kept.push_back(level_.candidates[c]);
    size_t next = static_cast<size_t>(level_.index) + 1;
    if (kept.empty() || next >= plan_.levels()) {
      done_ = true;
      return;
    }
    start_level(next, kept);
  }

  size_t beam_;
  size_t per_level_; // 0: beam with a predictor, all without
  Rng rng_;
  SpaceRef space_;
  PredictorRef predictor_;
  Options options_;
  GrowthPlan plan_;
  Level level_;
  Observations observed_;
  bool done_ = false;
};

} // namespace nas::progressive

NAS_PLUGIN_LIBRARY(nas::progressive::ProgressiveStrategy);
