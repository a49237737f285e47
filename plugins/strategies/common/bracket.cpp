#include "bracket.hpp"

#include <algorithm>
#include <stdexcept>

namespace nas::halving {

Bracket::Bracket(int64_t number, int s, int bottom, int64_t n)
    : number_(number), s_(s), bottom_(bottom), rungs_(static_cast<size_t>(s) + 1) {
  rungs_[0].slots = n;
}

size_t Bracket::add(int r, int64_t trial, Choices choices, int64_t from) {
  Entry e;
  e.trial = trial;
  e.choices = std::move(choices);
  e.from = from;
  rung(r).entries.push_back(std::move(e));
  return rung(r).entries.size() - 1;
}

bool Bracket::has_pending(int r) const {
  const auto &entries = rung(r).entries;
  return std::any_of(entries.begin(), entries.end(),
                     [](const Entry &e) { return e.state == Entry::State::pending; });
}

bool Bracket::has_pending() const {
  for (int r = 0; r <= s_; ++r)
    if (has_pending(r))
      return true;
  return false;
}

void Bracket::record(int r, size_t index, bool valid, double objective) {
  Entry &e = rung(r).entries.at(index);
  e.state = valid ? Entry::State::valid : Entry::State::failed;
  e.objective = valid ? objective : NAN;
  if (valid)
    rank(rung(r), index);
}

void Bracket::rank(Rung &rung, size_t index) {
  const auto &entries = rung.entries;
  // Ties go to the earlier trial, so the order never depends on the order of results.
  auto better = [&](size_t a, size_t b) {
    if (entries[a].objective != entries[b].objective)
      return entries[a].objective > entries[b].objective;
    return entries[a].trial < entries[b].trial;
  };
  rung.ranked.insert(std::upper_bound(rung.ranked.begin(), rung.ranked.end(), index, better),
                     index);
}

bool Bracket::open_next(int64_t eta) {
  if (open_ >= s_)
    return false;
  const std::vector<size_t> &best = rung(open_).ranked;
  auto k = std::min(static_cast<size_t>(rung(open_).entries.size() / static_cast<size_t>(eta)),
                    best.size());
  if (k == 0)
    return false;
  Rung &next = rung(open_ + 1);
  next.slots = static_cast<int64_t>(k);
  next.queue.assign(best.begin(), best.begin() + static_cast<std::ptrdiff_t>(k));
  ++open_;
  return true;
}

std::optional<size_t> Bracket::promotable(int r, int64_t eta) const {
  const std::vector<size_t> &best = rung(r).ranked;
  size_t k = best.size() / static_cast<size_t>(eta);
  for (size_t i = 0; i < k; ++i)
    if (!rung(r).entries[best[i]].promoted)
      return best[i];
  return std::nullopt;
}

// ---- state as JSON ------------------------------------------------------------------------

namespace {

const char *state_name(Entry::State s) {
  switch (s) {
  case Entry::State::pending:
    return "pending";
  case Entry::State::valid:
    return "valid";
  case Entry::State::failed:
    return "failed";
  }
  return "?";
}

Entry::State state_from(const std::string &name) {
  if (name == "pending")
    return Entry::State::pending;
  if (name == "valid")
    return Entry::State::valid;
  if (name == "failed")
    return Entry::State::failed;
  throw std::invalid_argument("unknown entry state '" + name + "'");
}

} // namespace

nlohmann::json Bracket::to_json() const {
  nlohmann::json rungs = nlohmann::json::array();
  for (const Rung &r : rungs_) {
    nlohmann::json entries = nlohmann::json::array();
    for (const Entry &e : r.entries)
      entries.push_back({{"trial", e.trial},
                         {"choices", e.choices},
                         {"from", e.from},
                         {"state", state_name(e.state)},
                         {"objective", std::isnan(e.objective) ? nlohmann::json(nullptr)
                                                               : nlohmann::json(e.objective)},
                         {"promoted", e.promoted}});
    rungs.push_back({{"slots", r.slots},
                     {"queue", std::vector<size_t>(r.queue.begin(), r.queue.end())},
                     {"entries", entries}});
  }
  return {{"number", number_}, {"s", s_}, {"bottom", bottom_}, {"open", open_}, {"rungs", rungs}};
}

Bracket Bracket::from_json(const nlohmann::json &j) {
  Bracket b(j.at("number").get<int64_t>(), j.at("s").get<int>(), j.at("bottom").get<int>(), 0);
  b.open_ = j.at("open").get<int>();
  const auto &rungs = j.at("rungs");
  if (rungs.size() != b.rungs_.size() || b.open_ < 0 || b.open_ > b.s_)
    throw std::invalid_argument("a bracket with s = " + std::to_string(b.s_) + " has " +
                                std::to_string(rungs.size()) + " rungs, open " +
                                std::to_string(b.open_));
  for (size_t r = 0; r < rungs.size(); ++r) {
    Rung &rung = b.rungs_[r];
    rung.slots = rungs[r].at("slots").get<int64_t>();
    for (const auto &e : rungs[r].at("entries")) {
      Entry entry;
      entry.trial = e.at("trial").get<int64_t>();
      entry.choices = e.at("choices").get<Choices>();
      entry.from = e.at("from").get<int64_t>();
      entry.state = state_from(e.at("state").get<std::string>());
      entry.objective = e.at("objective").is_null() ? NAN : e.at("objective").get<double>();
      entry.promoted = e.at("promoted").get<bool>();
      rung.entries.push_back(std::move(entry));
    }
    for (size_t i = 0; i < rung.entries.size(); ++i)
      if (rung.entries[i].state == Entry::State::valid)
        b.rank(rung, i);
    size_t below = r == 0 ? 0 : b.rungs_[r - 1].entries.size();
    for (size_t i : rungs[r].at("queue").get<std::vector<size_t>>()) {
      if (i >= below)
        throw std::invalid_argument("a queued promotion points past the rung below");
      rung.queue.push_back(i);
    }
  }
  return b;
}

} // namespace nas::halving
