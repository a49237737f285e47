// nas.strategy.regularized_evolution: aging evolution (Real et al., AAAI 2019) over the
// space's decisions, asynchronous as in the paper: every ask mutates the winner of a
// tournament in the current population, every tell adds a member and retires the oldest.
#include "../common/space_sampler.hpp"
#include "aged_population.hpp"

#include <nas/plugin.hpp>
#include <nas/random.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace nas::regularized_evolution {

using strategies::IsSeen;
using strategies::Radices;
using strategies::SpaceSampler;

namespace {

constexpr const char *kStateFormat = "nas.strategy.regularized_evolution/1";
// Tournaments and mutations tried for a child not seen before; after that a fresh random
// architecture is proposed.
constexpr int kMaxRedraws = 100;

size_t positive(const Config &config, const char *key, int64_t fallback) {
  int64_t v = config.get_int(key, fallback);
  if (v < 1 || v > (int64_t{1} << 24))
    throw ConfigError(key, std::string("'") + key + "' must be between 1 and 2^24, got " +
                               std::to_string(v));
  return static_cast<size_t>(v);
}

// Only a successful trial's value counts; everything else joins as the worst.
double value_of(const Outcome &o) {
  bool has_value = o.status == NAS_TRIAL_OK || o.status == NAS_TRIAL_CACHED;
  return has_value && std::isfinite(o.objective) ? o.objective : NAN;
}

} // namespace

class RegularizedEvolution final : public Strategy {
public:
  RegularizedEvolution(const Config &config, const Host &host)
      : Strategy(host), population_size_(positive(config, "population", 10)),
        sample_size_(positive(config, "sample", 3)), rng_(host.seed("evolution")),
        population_(population_size_) {
    if (sample_size_ > population_size_)
      throw ConfigError("sample", "'sample' (" + std::to_string(sample_size_) +
                                      ") must not exceed 'population' (" +
                                      std::to_string(population_size_) + ")");
  }

  static Info info() {
    Info i;
    i.name = "nas.strategy.regularized_evolution";
    i.version = "1.0.0";
    i.description = "Regularized (aging) evolution: mutate the best of a random sample of the "
                    "population, retire the oldest member (Real et al., AAAI 2019).";
    i.config = R"({"population": {"type": "int", "default": 10, "help": )"
               R"("P: members kept, the newest told; the first P proposals are random"}, )"
               R"("sample": {"type": "int", "default": 3, "help": )"
               R"("S: members drawn (with replacement) per tournament; the best is mutated"}})";
    i.roles = R"({"space": {"kind": "space", "required": true, )"
              R"("help": "the space whose decisions are sampled and mutated"}})";
    return i;
  }

  void bind(const std::string &role, nas_instance_t *other) override {
    if (role != "space")
      return Strategy::bind(role, other);
    sampler_ = SpaceSampler(SpaceRef(other));
  }

  Ask ask(int64_t trial_id, Proposal &out) override {
    require_space();
    if (out.choices.size() != sampler_.radices().size())
      throw Error(NAS_ERR_INVALID_ARGUMENT,
                  "ask has room for " + std::to_string(out.choices.size()) +
                      " decisions, the space has " + std::to_string(sampler_.radices().size()));
    // Random while the first P are proposed, and while no result has come back yet.
    std::optional<Choices> child;
    if (proposed_ < population_size_ || population_.empty()) {
      child = sampler_.draw_unseen(rng_, is_seen());
      out.tag = "random";
    } else {
      child = evolve(out.tag);
    }
    if (!child)
      return Ask::done; // every architecture of the space was proposed or told
    out.choices = *child;
    seen_.insert(*child);
    pending_[trial_id] = std::move(*child);
    ++proposed_;
    return Ask::ok;
  }

  // Every result joins the population, asked for or not (warm starts, resumes).
  void tell(const Outcome &o) override {
    require_space();
    pending_.erase(o.trial_id);
    if (!sampler_.in_range(o.choices))
      return; // not an architecture of this space: nothing to mutate
    seen_.insert(o.choices);
    population_.add({o.choices, value_of(o), o.trial_id, told_++});
  }

  std::string save() const override {
    require_space();
    nlohmann::json pending = nlohmann::json::array();
    for (const auto &[trial, choices] : pending_)
      pending.push_back({{"trial", trial}, {"choices", choices}});
    nlohmann::json state = {{"format", kStateFormat},
                            {"radices", sampler_.radices()},
                            {"population_size", population_size_},
                            {"sample_size", sample_size_},
                            {"rng", rng_.save()},
                            {"proposed", proposed_},
                            {"told", told_},
                            {"population", population_.to_json()},
                            {"pending", pending},
                            {"seen", seen_}};
    return state.dump();
  }

  void load(std::string_view data) override {
    require_space();
    try {
      auto state = nlohmann::json::parse(data);
      if (state.at("format") != kStateFormat)
        throw std::invalid_argument("the format is not " + std::string(kStateFormat));
      if (state.at("radices").get<Radices>() != sampler_.radices())
        throw std::invalid_argument("it was saved for a space with option counts " +
                                    state.at("radices").dump() + ", this space has " +
                                    nlohmann::json(sampler_.radices()).dump());
      if (state.at("population_size").get<size_t>() != population_size_ ||
          state.at("sample_size").get<size_t>() != sample_size_)
        throw std::invalid_argument(
            "it was saved with population = " + state.at("population_size").dump() +
            " and sample = " + state.at("sample_size").dump());
      // Build the new state aside, so a failed load leaves this one unchanged.
      Rng rng = rng_;
      rng.load(state.at("rng").get<std::string>());
      AgedPopulation population =
          AgedPopulation::from_json(state.at("population"), population_size_);
      for (const Member &m : population.members())
        check(m.choices, "a population member");
      std::map<int64_t, Choices> pending;
      for (const auto &item : state.at("pending"))
        pending[item.at("trial").get<int64_t>()] =
            check(item.at("choices").get<Choices>(), "a pending proposal");
      std::set<Choices> seen;
      for (const auto &item : state.at("seen"))
        seen.insert(check(item.get<Choices>(), "a seen architecture"));
      rng_ = rng;
      population_ = std::move(population);
      pending_ = std::move(pending);
      seen_ = std::move(seen);
      proposed_ = state.at("proposed").get<uint64_t>();
      told_ = state.at("told").get<uint64_t>();
    } catch (const std::exception &e) {
      throw Error(NAS_ERR_INVALID_ARGUMENT,
                  std::string("nas.strategy.regularized_evolution cannot load this state: ") +
                      e.what());
    }
  }

private:
  // A mutant of a tournament winner not seen before, found in at most kMaxRedraws
  // tournaments; when the population's mutants are used up, a fresh random architecture
  // (a repeat would only be answered from the host's store and teach nothing). nullopt when
  // the whole space was seen.
  std::optional<Choices> evolve(std::string &tag) {
    for (int attempt = 0; attempt < kMaxRedraws; ++attempt) {
      const Member &parent = population_.tournament(rng_, sample_size_);
      Choices child = sampler_.mutate(rng_, parent.choices);
      if (sampler_.canonicalize(child) && child != parent.choices && !seen_.count(child)) {
        tag = "mutant of trial " + std::to_string(parent.trial);
        return child;
      }
    }
    tag = "random";
    return sampler_.draw_unseen(rng_, is_seen());
  }

  IsSeen is_seen() const {
    return [this](const Choices &c) { return seen_.count(c) > 0; };
  }

  Choices check(Choices choices, const char *what) const {
    if (!sampler_.in_range(choices))
      throw std::invalid_argument(std::string(what) + " is not an architecture of this space");
    return choices;
  }

  void require_space() const {
    if (!sampler_.space())
      throw Error(NAS_ERR_INVALID_ARGUMENT,
                  "nas.strategy.regularized_evolution: no space is bound");
  }

  size_t population_size_;
  size_t sample_size_;
  Rng rng_;
  SpaceSampler sampler_;
  AgedPopulation population_;
  std::set<Choices> seen_;             // proposed or told, canonical
  std::map<int64_t, Choices> pending_; // asked, not told yet
  uint64_t proposed_ = 0;
  uint64_t told_ = 0; // members ever added
};

} // namespace nas::regularized_evolution

NAS_PLUGIN_LIBRARY(nas::regularized_evolution::RegularizedEvolution);
