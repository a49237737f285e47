// nas.strategy.reinforce: a controller trained with REINFORCE (Williams 1992) proposes
// architectures one decision after another (Zoph and Le, ICLR 2017), in the form
// NAS-Bench-201 benchmarked it (Dong and Yang, ICLR 2020): Adam, the objective as the reward,
// a bias-corrected moving-average baseline. Torch-free: the network is in controller.cpp.
#include "base64.hpp"
#include "controller.hpp"
#include "moving_average.hpp"
#include "reward_batch.hpp"

#include <nas/plugin.hpp>
#include <nas/random.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>

namespace nas::reinforce {

namespace {

constexpr const char *kStateFormat = "nas.strategy.reinforce/1";

int64_t int_in(const Config &config, const char *key, int64_t fallback, int64_t lo, int64_t hi) {
  int64_t v = config.get_int(key, fallback);
  if (v < lo || v > hi)
    throw ConfigError(key, std::string("'") + key + "' must be between " + std::to_string(lo) +
                               " and " + std::to_string(hi) + ", got " + std::to_string(v));
  return v;
}

double double_in(const Config &config, const char *key, double fallback, double lo, double hi,
                 bool hi_open = false) {
  double v = config.get_double(key, fallback);
  if (!(v >= lo) || !(hi_open ? v < hi : v <= hi))
    throw ConfigError(key, std::string("'") + key + "' must be in [" + std::to_string(lo) + ", " +
                               std::to_string(hi) + (hi_open ? ")" : "]") + ", got " +
                               std::to_string(v));
  return v;
}

ControllerOptions controller_options(const Config &config) {
  ControllerOptions o;
  o.kind = config.get_string("controller", o.kind);
  if (o.kind != "lstm" && o.kind != "logits")
    throw ConfigError("controller",
                      "'controller' must be \"lstm\" or \"logits\", got \"" + o.kind + "\"");
  o.hidden = int_in(config, "hidden", o.hidden, 1, 4096);
  // The LSTM moves its logits through many weights at once, so it wants a smaller step than
  // the table of logits: 0.01 made it collapse onto a near-best architecture in about 200
  // tells on NB201 and NAS-Bench-Macro, 0.0006 (Zoph and Le) hardly beat random search in 150.
  o.learning_rate = double_in(config, "learning_rate", o.kind == "lstm" ? 0.002 : 0.01, 0, 1e6);
  if (o.learning_rate == 0)
    throw ConfigError("learning_rate", "'learning_rate' must be positive");
  o.entropy_weight = double_in(config, "entropy_weight", o.entropy_weight, 0, 1e6);
  o.threads = static_cast<int>(int_in(config, "threads", o.threads, 1, 1024));
  return o;
}

// Only a trial with a finite objective has a value (cached repeats carry the earlier one).
double value_of(const Outcome &o) {
  bool has_value = o.status == NAS_TRIAL_OK || o.status == NAS_TRIAL_CACHED;
  return has_value && std::isfinite(o.objective) ? o.objective : NAN;
}

nlohmann::json number_or_null(double v) {
  return std::isnan(v) ? nlohmann::json() : nlohmann::json(v);
}
double number_or_nan(const nlohmann::json &j) { return j.is_null() ? NAN : j.get<double>(); }

} // namespace

class Reinforce final : public Strategy {
public:
  Reinforce(const Config &config, const Host &host)
      : Strategy(host), settings_(controller_options(config)),
        baseline_(double_in(config, "baseline_decay", 0.9, 0, 1, /*hi_open=*/true)),
        batch_(static_cast<size_t>(int_in(config, "batch", 1, 1, int64_t{1} << 20))),
        failure_reward_(config.has("failure_reward")
                            ? double_in(config, "failure_reward", 0, -1e300, 1e300)
                            : NAN),
        rng_(host.seed("sample")), init_seed_(host.seed("controller")) {}

  static Info info() {
    Info i;
    i.name = "nas.strategy.reinforce";
    i.version = "1.0.0";
    i.description = "REINFORCE: an LSTM controller proposes one decision after another and "
                    "learns from the rewards (Zoph and Le, ICLR 2017; NAS-Bench-201's form).";
    i.flags = NAS_FLAG_USES_LIBTORCH;
    // A custom raw-string delimiter: the help texts hold ")".
    i.config = R"j({
      "controller": {"type": "string", "default": "lstm",
        "help": "lstm (Zoph and Le) or logits (NAS-Bench-201's table of independent logits)"},
      "hidden": {"type": "int", "default": 35,
        "help": "the LSTM's hidden and embedding size (Zoph and Le: 35)"},
      "learning_rate": {"type": "double", "default": null,
        "help": "Adam's learning rate; default 0.002 for lstm, 0.01 for logits (NATS-Bench)"},
      "baseline_decay": {"type": "double", "default": 0.9,
        "help": "decay of the bias-corrected moving-average baseline (NAS-Bench-201: 0.9)"},
      "entropy_weight": {"type": "double", "default": 0.0001,
        "help": "weight of the entropy bonus in the loss (ENAS: 1e-4)"},
      "batch": {"type": "int", "default": 1,
        "help": "proposals per update; ask waits until all are told (NAS-Bench-201: 1)"},
      "failure_reward": {"type": "double", "default": null,
        "help": "the reward of a trial without a value; default the lowest reward seen so far"},
      "threads": {"type": "int", "default": 1,
        "help": "torch threads for the controller (it is tiny)"}})j";
    i.roles = R"({"space": {"kind": "space", "required": true, )"
              R"("help": "the space whose decisions the controller emits"}})";
    return i;
  }

  void bind(const std::string &role, nas_instance_t *other) override {
    if (role != "space")
      return Strategy::bind(role, other);
    space_ = SpaceRef(other);
    radices_.assign(space_.num_decisions(), 0);
    for (uint32_t i = 0; i < radices_.size(); ++i)
      radices_[i] = space_.num_options(i);
    empty_ = std::find(radices_.begin(), radices_.end(), 0u) != radices_.end();
    controller_.reset();
    if (!empty_ && !radices_.empty())
      controller_ = std::make_unique<Controller>(radices_, settings_, Rng(init_seed_));
  }

  Ask ask(int64_t trial_id, Proposal &out) override {
    require_space();
    if (out.choices.size() != radices_.size())
      throw Error(NAS_ERR_INVALID_ARGUMENT,
                  "ask has room for " + std::to_string(out.choices.size()) +
                      " decisions, the space has " + std::to_string(radices_.size()));
    if (empty_)
      return Ask::done; // a decision without options: the space has no architecture
    if (batch_.full())
      return Ask::wait; // the update needs every proposal of the batch told
    double p = controller_ ? controller_->sample(rng_, out.choices) : 1.0;
    batch_.add(trial_id, out.choices);
    char tag[32];
    std::snprintf(tag, sizeof tag, "p=%.6g", p); // the proposal's probability, for the curious
    out.tag = tag;
    return Ask::ok;
  }

  void tell(const Outcome &outcome) override {
    require_space();
    const double value = value_of(outcome);
    if (!std::isnan(value))
      lowest_ = std::isnan(lowest_) ? value : std::min(lowest_, value);
    // A tell without a pending ask (warm start, resume) only informs the failure reward:
    // REINFORCE learns from its own samples.
    if (batch_.tell(outcome.trial_id, value) && batch_.complete())
      learn();
  }

  std::string save() const override {
    require_space();
    nlohmann::json state = {{"format", kStateFormat},
                            {"radices", radices_},
                            {"controller_kind", settings_.kind},
                            {"hidden", settings_.hidden},
                            {"batch", batch_.size()},
                            {"rng", rng_.save()},
                            {"baseline", {baseline_.numerator(), baseline_.denominator()}},
                            {"lowest", number_or_null(lowest_)},
                            {"updates", updates_},
                            {"pending", batch_.save()},
                            {"controller", controller_ ? base64_encode(controller_->save()) : ""}};
    return state.dump();
  }

  void load(std::string_view data) override {
    require_space();
    try {
      auto state = nlohmann::json::parse(data);
      if (state.at("format") != kStateFormat)
        throw std::invalid_argument("the format is not " + std::string(kStateFormat));
      if (state.at("radices").get<std::vector<uint32_t>>() != radices_)
        throw std::invalid_argument("it was saved for a space with option counts " +
                                    state.at("radices").dump() + ", this space has " +
                                    nlohmann::json(radices_).dump());
      if (state.at("controller_kind") != settings_.kind || state.at("hidden") != settings_.hidden ||
          state.at("batch") != batch_.size())
        throw std::invalid_argument("it was saved with another controller, hidden or batch");
      // Build the new state aside, so a failed load leaves this one unchanged.
      Rng rng = rng_;
      rng.load(state.at("rng").get<std::string>());
      RewardBatch batch(batch_.size());
      batch.load(state.at("pending"), radices_);
      if (controller_)
        controller_->load(base64_decode(state.at("controller").get<std::string>()));
      rng_ = rng;
      batch_ = std::move(batch);
      baseline_.restore(state.at("baseline").at(0).get<double>(),
                        state.at("baseline").at(1).get<double>());
      lowest_ = number_or_nan(state.at("lowest"));
      updates_ = state.at("updates").get<int64_t>();
    } catch (const std::exception &e) {
      throw Error(NAS_ERR_INVALID_ARGUMENT,
                  std::string("nas.strategy.reinforce cannot load this state: ") + e.what());
    }
  }

private:
  // One REINFORCE step on the complete batch, then the next batch.
  void learn() {
    const double failure = std::isnan(failure_reward_) ? lowest_ : failure_reward_;
    std::vector<Choices> archs;
    std::vector<double> rewards;
    batch_.rewards(failure, archs, rewards);
    // As NAS-Bench-201's code: the baseline takes the reward in before the advantage.
    for (double r : rewards)
      baseline_.update(r);
    std::vector<double> advantages;
    for (double r : rewards)
      advantages.push_back(r - baseline_.value());
    if (controller_)
      controller_->update(archs, advantages);
    ++updates_;
    batch_.clear();
    host().debug("reinforce: update " + std::to_string(updates_) + ", baseline " +
                 std::to_string(baseline_.value()));
  }

  void require_space() const {
    if (!space_)
      throw Error(NAS_ERR_INVALID_ARGUMENT, "nas.strategy.reinforce: no space is bound");
  }

  ControllerOptions settings_;
  MovingAverage baseline_;
  RewardBatch batch_;
  double failure_reward_; // NaN: the lowest reward seen so far
  Rng rng_;
  uint64_t init_seed_;
  SpaceRef space_;
  std::vector<uint32_t> radices_;
  bool empty_ = false;
  std::unique_ptr<Controller> controller_; // none for a space without decisions
  double lowest_ = NAN;                    // the lowest value told so far
  int64_t updates_ = 0;
};

} // namespace nas::reinforce

NAS_PLUGIN_LIBRARY(nas::reinforce::Reinforce);
