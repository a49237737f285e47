// nas.strategy.grid: every architecture of the space exactly once, in mixed-radix order
// (the last decision varies fastest) or in a seeded pseudo-random order.
#include "feistel_permutation.hpp"

#include <nas/plugin.hpp>

#include <nlohmann/json.hpp>

#include <limits>
#include <optional>

namespace nas::grid_strategy {

namespace {

constexpr const char *kStateFormat = "nas.strategy.grid/1";

using Radices = std::vector<uint32_t>;

// The number of architectures, or nullopt when it does not fit in 64 bits.
std::optional<uint64_t> count_architectures(const Radices &radices) {
  uint64_t total = 1;
  for (uint32_t r : radices) {
    if (r == 0)
      return 0;
    if (total > std::numeric_limits<uint64_t>::max() / r)
      return std::nullopt;
    total *= r;
  }
  return total;
}

// Steps `digits` to the next architecture in mixed-radix order; false after the last.
bool step_forward(const Radices &radices, Choices &digits) {
  for (size_t i = radices.size(); i-- > 0;) {
    if (static_cast<uint32_t>(++digits[i]) < radices[i])
      return true;
    digits[i] = 0;
  }
  return false;
}

} // namespace

class GridStrategy final : public Strategy {
public:
  GridStrategy(const Config &config, const Host &host)
      : Strategy(host), shuffle_(config.get_bool("shuffle", false)), seed_(host.seed("shuffle")) {}

  static Info info() {
    Info i;
    i.name = "nas.strategy.grid";
    i.version = "1.0.0";
    i.description = "Every architecture of the space exactly once, in order or shuffled.";
    i.config = R"({"shuffle": {"type": "bool", "default": false, "help": )"
               R"("visit the grid in a seeded pseudo-random order instead of mixed-radix order"}})";
    i.roles = R"({"space": {"kind": "space", "required": true, )"
              R"("help": "the space whose architectures are enumerated"}})";
    return i;
  }

  void bind(const std::string &role, nas_instance_t *other) override {
    if (role != "space")
      return Strategy::bind(role, other);
    SpaceRef space(other);
    radices_.assign(space.num_decisions(), 0);
    for (uint32_t i = 0; i < radices_.size(); ++i)
      radices_[i] = space.num_options(i);
    std::optional<uint64_t> total = count_architectures(radices_);
    if (shuffle_ && !total) {
      std::string space_name = space.instance()->desc->name;
      throw ConfigError("shuffle",
                        "shuffle = true needs a space of fewer than 2^64 architectures; " +
                            space_name + " has more (option counts " +
                            nlohmann::json(radices_).dump() + ")");
    }
    bound_ = true;
    total_ = total.value_or(0);
    position_ = 0;
    if (shuffle_)
      permutation_.emplace(total_, seed_);
    else if (total != uint64_t{0})
      next_ = Choices(radices_.size(), 0); // the first architecture
    else
      next_.reset(); // a decision without options: nothing to enumerate
  }

  Ask ask(int64_t, Proposal &out) override {
    require_space();
    if (out.choices.size() != radices_.size())
      throw Error(NAS_ERR_INVALID_ARGUMENT,
                  "ask has room for " + std::to_string(out.choices.size()) +
                      " decisions, the space has " + std::to_string(radices_.size()));
    if (shuffle_) {
      if (position_ >= total_)
        return Ask::done;
      decode((*permutation_)(position_++), out.choices);
      return Ask::ok;
    }
    if (!next_)
      return Ask::done;
    out.choices = *next_;
    if (!step_forward(radices_, *next_))
      next_.reset();
    return Ask::ok;
  }

  // The order is fixed in advance; outcomes change nothing.
  void tell(const Outcome &) override {}

  std::string save() const override {
    require_space();
    nlohmann::json state = {{"format", kStateFormat}, {"radices", radices_}, {"shuffle", shuffle_}};
    if (shuffle_) {
      state["seed"] = seed_;
      state["position"] = position_;
    } else {
      state["next"] = next_ ? nlohmann::json(*next_) : nlohmann::json(nullptr);
    }
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
      if (state.at("shuffle").get<bool>() != shuffle_)
        throw std::invalid_argument("it was saved with shuffle = " + state.at("shuffle").dump());
      if (shuffle_)
        load_shuffled(state.at("seed").get<uint64_t>(), state.at("position").get<uint64_t>());
      else
        load_ordered(state.at("next"));
    } catch (const std::exception &e) {
      throw Error(NAS_ERR_INVALID_ARGUMENT,
                  std::string("nas.strategy.grid cannot load this state: ") + e.what());
    }
  }

private:
  void load_shuffled(uint64_t seed, uint64_t position) {
    if (position > total_)
      throw std::invalid_argument("position " + std::to_string(position) + " is past the " +
                                  std::to_string(total_) + " architectures");
    seed_ = seed;
    permutation_.emplace(total_, seed_);
    position_ = position;
  }

  void load_ordered(const nlohmann::json &next) {
    if (next.is_null()) {
      next_.reset();
      return;
    }
    Choices digits = next.get<Choices>();
    if (digits.size() != radices_.size())
      throw std::invalid_argument("'next' has the wrong number of decisions");
    for (size_t i = 0; i < digits.size(); ++i)
      if (digits[i] < 0 || static_cast<uint32_t>(digits[i]) >= radices_[i])
        throw std::invalid_argument("'next' has an option out of range");
    next_ = std::move(digits);
  }

  void decode(uint64_t index, Choices &choices) const {
    for (size_t i = radices_.size(); i-- > 0;) {
      choices[i] = static_cast<int32_t>(index % radices_[i]);
      index /= radices_[i];
    }
  }

  void require_space() const {
    if (!bound_)
      throw Error(NAS_ERR_INVALID_ARGUMENT, "nas.strategy.grid: no space is bound");
  }

  bool shuffle_;
  uint64_t seed_;
  bool bound_ = false;
  Radices radices_;
  uint64_t total_ = 0; // shuffled order only: the number of architectures
  // Shuffled order: the permutation and how many architectures were proposed.
  std::optional<FeistelPermutation> permutation_;
  uint64_t position_ = 0;
  // Mixed-radix order: the next architecture, or none after the last.
  std::optional<Choices> next_;
};

} // namespace nas::grid_strategy

NAS_PLUGIN_LIBRARY(nas::grid_strategy::GridStrategy);
