// nas.strategy.random: uniform random search over the space's decisions (Bergstra and
// Bengio, JMLR 2012; Li and Talwalkar, UAI 2019 as the NAS baseline).
#include "mixed_radix.hpp"
#include "unique_sampler.hpp"

#include <nas/plugin.hpp>
#include <nas/random.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>

namespace nas::random_strategy {

namespace {
constexpr const char *kStateFormat = "nas.strategy.random/1";
}

class RandomStrategy final : public Strategy {
public:
  RandomStrategy(const Config &config, const Host &host)
      : Strategy(host), unique_(config.get_bool("unique", true)), rng_(host.seed("sample")) {}

  static Info info() {
    Info i;
    i.name = "nas.strategy.random";
    i.version = "1.0.0";
    i.description = "Uniform random search over the space's decisions.";
    i.config = R"({"unique": {"type": "bool", "default": true, "help": )"
               R"("never repeat a choice vector; done once every architecture was proposed"}})";
    i.roles = R"({"space": {"kind": "space", "required": true, )"
              R"("help": "the space whose decisions are sampled"}})";
    return i;
  }

  void bind(const std::string &role, nas_instance_t *other) override {
    if (role != "space")
      return Strategy::bind(role, other);
    space_ = SpaceRef(other);
    radices_ = radices_of(space_);
    has_empty_decision_ = std::find(radices_.begin(), radices_.end(), 0u) != radices_.end();
    if (unique_)
      sampler_.emplace(radices_);
  }

  Ask ask(int64_t, Proposal &out) override {
    require_space();
    if (out.choices.size() != radices_.size())
      throw Error(NAS_ERR_INVALID_ARGUMENT,
                  "ask has room for " + std::to_string(out.choices.size()) +
                      " decisions, the space has " + std::to_string(radices_.size()));
    if (sampler_)
      return sampler_->next(rng_, out.choices) ? Ask::ok : Ask::done;
    if (has_empty_decision_)
      return Ask::done; // a decision without options: the space has no architecture
    draw_uniform(radices_, rng_, out.choices);
    return Ask::ok;
  }

  // Random search learns nothing from results; any outcome, known or not, is accepted.
  void tell(const Outcome &) override {}

  std::string save() const override {
    require_space();
    nlohmann::json state = {
        {"format", kStateFormat}, {"unique", unique_}, {"radices", radices_}, {"rng", rng_.save()}};
    if (sampler_)
      state["proposed"] = sampler_->save();
    return state.dump();
  }

  void load(std::string_view data) override {
    require_space();
    try {
      auto state = nlohmann::json::parse(data);
      if (state.at("format") != kStateFormat)
        throw std::invalid_argument("the format is not " + std::string(kStateFormat));
      if (state.at("radices").get<Radices>() != radices_)
        throw std::invalid_argument("it was saved for a space with option counts " +
                                    state.at("radices").dump() + ", this space has " +
                                    nlohmann::json(radices_).dump());
      if (state.at("unique").get<bool>() != unique_)
        throw std::invalid_argument("it was saved with unique = " + state.at("unique").dump());
      // Build the new state aside, so a failed load leaves this one unchanged.
      Rng rng = rng_;
      rng.load(state.at("rng").get<std::string>());
      std::optional<UniqueSampler> sampler;
      if (unique_) {
        sampler.emplace(radices_);
        sampler->load(state.at("proposed"));
      }
      rng_ = rng;
      sampler_ = std::move(sampler);
    } catch (const std::exception &e) {
      throw Error(NAS_ERR_INVALID_ARGUMENT,
                  std::string("nas.strategy.random cannot load this state: ") + e.what());
    }
  }

private:
  void require_space() const {
    if (!space_)
      throw Error(NAS_ERR_INVALID_ARGUMENT, "nas.strategy.random: no space is bound");
  }

  bool unique_;
  Rng rng_;
  SpaceRef space_;
  Radices radices_;
  bool has_empty_decision_ = false;
  std::optional<UniqueSampler> sampler_; // set when unique
};

} // namespace nas::random_strategy

NAS_PLUGIN_LIBRARY(nas::random_strategy::RandomStrategy);
