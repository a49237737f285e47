#include "local_search.hpp"

#include <cmath>
#include <stdexcept>

namespace nas::local_search {

namespace {

using Ask = Strategy::Ask;
using Json = nlohmann::json;

Json number_or_null(double v) { return std::isnan(v) ? Json(nullptr) : Json(v); }
double number_or_nan(const Json &j) { return j.is_null() ? NAN : j.get<double>(); }

} // namespace

LocalSearch::LocalSearch(SpaceSampler sampler, uint32_t initial, Improvement improvement,
                         uint64_t seed)
    : sampler_(std::move(sampler)), initial_(initial), improvement_(improvement), rng_(seed),
      to_propose_(initial) {}

Ask LocalSearch::ask(int64_t trial, Choices &out, std::string &tag) {
  // Each pass proposes, waits, or changes the phase or the centre; the centre's value rises
  // with every move, so the loop ends.
  for (;;) {
    if (phase_ == Phase::sample) {
      if (to_propose_ > 0) {
        std::optional<Choices> c =
            sampler_.draw_unseen(rng_, [this](const Choices &x) { return is_seen(x); });
        if (!c)
          return pending_.empty() ? Ask::done : Ask::wait;
        --to_propose_;
        batch_.push_back(*c);
        tag = first_start_ ? "initial" : "restart";
        return propose(trial, *c, out);
      }
      if (any_pending(batch_))
        return Ask::wait;
      choose_centre();
      continue;
    }
    if (improvement_ == Improvement::first) {
      // Results that came in for neighbours already passed (pending then).
      if (std::optional<Choices> better = improving_neighbour(cursor_)) {
        move_to(*better, known_.at(*better));
        continue;
      }
    }
    bool moved = false;
    while (cursor_ < neighbours_.size() && !moved) {
      const Choices &n = neighbours_[cursor_];
      if (std::optional<double> v = value(n)) {
        if (improvement_ == Improvement::first && *v > centre_value_) {
          move_to(Choices(n), *v);
          moved = true;
        } else {
          ++cursor_;
        }
        continue;
      }
      ++cursor_;
      if (pending_count_.count(n))
        continue; // asked earlier (another centre's neighbour): its result will come
      tag = "neighbour";
      return propose(trial, n, out);
    }
    if (moved)
      continue;
    if (any_pending(neighbours_))
      return Ask::wait; // a pending neighbour may still be the (first or best) improvement
    if (std::optional<Choices> better = improving_neighbour(neighbours_.size())) {
      move_to(*better, known_.at(*better));
      continue;
    }
    restart(); // every neighbour is known and none is better: a local optimum
  }
}

Ask LocalSearch::propose(int64_t trial, const Choices &choices, Choices &out) {
  out = choices;
  pending_[trial] = choices;
  ++pending_count_[choices];
  return Ask::ok;
}

// The best of the batch (the first time: of everything known, warm starts included) becomes
// the centre; when none has a value, one more random architecture is drawn.
void LocalSearch::choose_centre() {
  const Choices *best = nullptr;
  double best_value = NAN;
  auto consider = [&](const Choices &c, double v) {
    if (!std::isnan(v) && (!best || v > best_value)) {
      best = &c;
      best_value = v;
    }
  };
  if (first_start_)
    for (const auto &[c, v] : known_)
      consider(c, v);
  else
    for (const Choices &c : batch_)
      consider(c, value(c).value_or(NAN));
  if (!best) {
    batch_.clear();
    to_propose_ = 1;
    return;
  }
  first_start_ = false;
  phase_ = Phase::neighbourhood;
  Choices centre = *best; // `best` points into batch_ or known_
  batch_.clear();
  set_centre(centre, best_value);
}

void LocalSearch::move_to(const Choices &centre, double value) {
  set_centre(centre, value);
  ++moves_;
}

void LocalSearch::set_centre(const Choices &centre, double value) {
  centre_ = centre;
  centre_value_ = value;
  neighbours_ = sampler_.neighbours(centre_);
  rng_.shuffle(neighbours_.begin(), neighbours_.end());
  cursor_ = 0;
}

void LocalSearch::restart() {
  optima_.push_back({centre_, centre_value_});
  phase_ = Phase::sample;
  to_propose_ = 1;
  batch_.clear();
}

// The improving neighbour among the first `end`: with first improvement the first one in
// the shuffled order, with best improvement the best one (ties: the first).
std::optional<Choices> LocalSearch::improving_neighbour(size_t end) const {
  const Choices *found = nullptr;
  double found_value = centre_value_;
  for (size_t i = 0; i < end; ++i) {
    std::optional<double> v = value(neighbours_[i]);
    if (v && *v > found_value) {
      found = &neighbours_[i];
      found_value = *v;
      if (improvement_ == Improvement::first)
        break;
    }
  }
  return found ? std::optional<Choices>(*found) : std::nullopt;
}

bool LocalSearch::any_pending(const std::vector<Choices> &archs) const {
  if (pending_.empty())
    return false;
  for (const Choices &c : archs)
    if (pending_count_.count(c))
      return true;
  return false;
}

std::optional<double> LocalSearch::value(const Choices &c) const {
  auto it = known_.find(c);
  return it == known_.end() ? std::nullopt : std::optional<double>(it->second);
}

bool LocalSearch::is_seen(const Choices &c) const {
  return known_.count(c) > 0 || pending_count_.count(c) > 0;
}

// A later value replaces an earlier one, except that a missing value never hides a real one.
void LocalSearch::record(const Choices &c, double value) {
  auto [it, inserted] = known_.emplace(c, value);
  if (!inserted && !std::isnan(value))
    it->second = value;
}

void LocalSearch::tell(int64_t trial, const Choices &choices, double value) {
  if (auto it = pending_.find(trial); it != pending_.end()) {
    // The host tells the canonical form of what was asked, which is what was asked (asks
    // are canonical); recording under the asked form too means nothing waits forever.
    if (it->second != choices)
      record(it->second, value);
    if (--pending_count_[it->second] == 0)
      pending_count_.erase(it->second);
    pending_.erase(it);
  }
  if (sampler_.in_range(choices))
    record(choices, value);
}

Json LocalSearch::to_json() const {
  Json known = Json::array(), pending = Json::array(), optima = Json::array();
  for (const auto &[c, v] : known_)
    known.push_back({c, number_or_null(v)});
  for (const auto &[trial, c] : pending_)
    pending.push_back({trial, c});
  for (const LocalOptimum &o : optima_)
    optima.push_back({{"choices", o.choices}, {"objective", o.objective}});
  return {{"rng", rng_.save()},
          {"phase", phase_ == Phase::sample ? "sample" : "neighbourhood"},
          {"first_start", first_start_},
          {"to_propose", to_propose_},
          {"batch", batch_},
          {"centre", centre_},
          {"centre_value", number_or_null(centre_value_)},
          {"neighbours", neighbours_},
          {"cursor", cursor_},
          {"known", known},
          {"pending", pending},
          {"local_optima", optima},
          {"moves", moves_}};
}

void LocalSearch::from_json(const Json &state) {
  auto arch = [&](const Json &j, const char *what) {
    Choices c = j.get<Choices>();
    if (!sampler_.in_range(c))
      throw std::invalid_argument(std::string(what) + " is not an architecture of this space");
    return c;
  };
  LocalSearch s = *this; // built aside: a failed load changes nothing
  s.rng_.load(state.at("rng").get<std::string>());
  const std::string phase = state.at("phase").get<std::string>();
  if (phase != "sample" && phase != "neighbourhood")
    throw std::invalid_argument("unknown phase '" + phase + "'");
  s.phase_ = phase == "sample" ? Phase::sample : Phase::neighbourhood;
  s.first_start_ = state.at("first_start").get<bool>();
  s.to_propose_ = state.at("to_propose").get<uint32_t>();
  s.batch_.clear();
  for (const Json &c : state.at("batch"))
    s.batch_.push_back(arch(c, "a batch entry"));
  s.centre_ = state.at("centre").get<Choices>();
  s.centre_value_ = number_or_nan(state.at("centre_value"));
  s.neighbours_.clear();
  for (const Json &c : state.at("neighbours"))
    s.neighbours_.push_back(arch(c, "a neighbour"));
  s.cursor_ = state.at("cursor").get<size_t>();
  if (s.cursor_ > s.neighbours_.size())
    throw std::invalid_argument("the cursor is past the neighbourhood");
  if (s.phase_ == Phase::neighbourhood &&
      (!sampler_.in_range(s.centre_) || std::isnan(s.centre_value_)))
    throw std::invalid_argument("the centre is not an architecture of this space with a value");
  s.known_.clear();
  for (const Json &item : state.at("known"))
    s.known_[arch(item.at(0), "a known architecture")] = number_or_nan(item.at(1));
  s.pending_.clear();
  s.pending_count_.clear();
  for (const Json &item : state.at("pending")) {
    Choices c = arch(item.at(1), "a pending architecture");
    s.pending_[item.at(0).get<int64_t>()] = c;
    ++s.pending_count_[c];
  }
  s.optima_.clear();
  for (const Json &item : state.at("local_optima"))
    s.optima_.push_back(
        {arch(item.at("choices"), "a local optimum"), item.at("objective").get<double>()});
  s.moves_ = state.at("moves").get<uint64_t>();
  *this = std::move(s);
}

} // namespace nas::local_search
