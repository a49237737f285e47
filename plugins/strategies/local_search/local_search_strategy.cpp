// nas.strategy.local_search: hill climbing over one-decision neighbourhoods with random
// restarts (White, Nolen and Savani, 2020), on any space through its decisions.
#include "../common/space_sampler.hpp"
#include "local_search.hpp"

#include <nas/plugin.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <optional>
#include <sstream>

namespace nas::local_search {

using strategies::IsSeen;
using strategies::Radices;
using strategies::SpaceSampler;

namespace {

constexpr const char *kStateFormat = "nas.strategy.local_search/1";

uint32_t read_initial(const Config &config) {
  int64_t v = config.get_int("initial", 10);
  if (v < 1 || v > (int64_t{1} << 24))
    throw ConfigError("initial", "'initial' must be between 1 and 2^24, got " + std::to_string(v));
  return static_cast<uint32_t>(v);
}

Improvement read_improvement(const Config &config) {
  std::string v = config.get_string("improvement", "best");
  if (v == "first")
    return Improvement::first;
  if (v == "best")
    return Improvement::best;
  throw ConfigError("improvement",
                    "'improvement' must be \"first\" or \"best\", got \"" + v + "\"");
}

const char *name_of(Improvement i) { return i == Improvement::first ? "first" : "best"; }

// Only a successful trial's value counts; everything else is known to be no improvement.
double value_of(const Outcome &o) {
  bool has_value = o.status == NAS_TRIAL_OK || o.status == NAS_TRIAL_CACHED;
  return has_value && std::isfinite(o.objective) ? o.objective : NAN;
}

} // namespace

class LocalSearchStrategy final : public Strategy {
public:
  LocalSearchStrategy(const Config &config, const Host &host)
      : Strategy(host), initial_(read_initial(config)), improvement_(read_improvement(config)),
        seed_(host.seed("search")) {}

  static Info info() {
    Info i;
    i.name = "nas.strategy.local_search";
    i.version = "1.0.0";
    i.description = "Local search: hill climbing over one-decision neighbourhoods with random "
                    "restarts (White, Nolen and Savani, 2020).";
    i.config = R"({"initial": {"type": "int", "default": 10, "help": )"
               R"("random architectures evaluated first; the best becomes the first centre"}, )"
               R"("improvement": {"type": "string", "default": "best", "help": )"
               R"("\"best\": move to the best neighbour once all are known; \"first\": move to )"
               R"(the first better one"}})";
    i.roles = R"({"space": {"kind": "space", "required": true, )"
              R"("help": "the space whose neighbourhoods are searched"}})";
    return i;
  }

  void bind(const std::string &role, nas_instance_t *other) override {
    if (role != "space")
      return Strategy::bind(role, other);
    sampler_ = SpaceSampler(SpaceRef(other));
    search_.emplace(sampler_, initial_, improvement_, seed_);
  }

  Ask ask(int64_t trial_id, Proposal &out) override {
    LocalSearch &search = require_space();
    if (out.choices.size() != sampler_.radices().size())
      throw Error(NAS_ERR_INVALID_ARGUMENT,
                  "ask has room for " + std::to_string(out.choices.size()) +
                      " decisions, the space has " + std::to_string(sampler_.radices().size()));
    size_t optima = search.local_optima().size();
    Ask r = search.ask(trial_id, out.choices, out.tag);
    for (size_t i = optima; i < search.local_optima().size(); ++i)
      log_local_optimum(i, search.local_optima()[i]);
    return r;
  }

  void tell(const Outcome &o) override { require_space().tell(o.trial_id, o.choices, value_of(o)); }

  std::string save() const override {
    const LocalSearch &search = require_space();
    nlohmann::json state = {{"format", kStateFormat},
                            {"radices", sampler_.radices()},
                            {"initial", initial_},
                            {"improvement", name_of(improvement_)}};
    state.update(search.to_json());
    return state.dump();
  }

  void load(std::string_view data) override {
    LocalSearch &search = require_space();
    try {
      auto state = nlohmann::json::parse(data);
      if (state.at("format") != kStateFormat)
        throw std::invalid_argument("the format is not " + std::string(kStateFormat));
      if (state.at("radices").get<Radices>() != sampler_.radices())
        throw std::invalid_argument("it was saved for a space with option counts " +
                                    state.at("radices").dump() + ", this space has " +
                                    nlohmann::json(sampler_.radices()).dump());
      if (state.at("initial").get<uint32_t>() != initial_ ||
          state.at("improvement").get<std::string>() != name_of(improvement_))
        throw std::invalid_argument("it was saved with initial = " + state.at("initial").dump() +
                                    " and improvement = " + state.at("improvement").dump());
      search.from_json(state);
    } catch (const std::exception &e) {
      throw Error(NAS_ERR_INVALID_ARGUMENT,
                  std::string("nas.strategy.local_search cannot load this state: ") + e.what());
    }
  }

private:
  void log_local_optimum(size_t index, const LocalOptimum &o) const {
    std::ostringstream message;
    message << "local optimum " << index + 1 << ": " << sampler_.space().to_string(o.choices)
            << " (objective " << o.objective
            << ", no one-decision neighbour better); restarting from a random architecture";
    host().info(message.str());
  }

  LocalSearch &require_space() {
    if (!search_)
      throw Error(NAS_ERR_INVALID_ARGUMENT, "nas.strategy.local_search: no space is bound");
    return *search_;
  }
  const LocalSearch &require_space() const {
    return const_cast<LocalSearchStrategy *>(this)->require_space();
  }

  uint32_t initial_;
  Improvement improvement_;
  uint64_t seed_;
  SpaceSampler sampler_;
  std::optional<LocalSearch> search_; // made when the space is bound
};

} // namespace nas::local_search

NAS_PLUGIN_LIBRARY(nas::local_search::LocalSearchStrategy);
