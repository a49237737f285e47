// Local search (hill climbing) over one-decision neighbourhoods, as White, Nolen and Savani
// study it ("Local Search is State of the Art for Neural Architecture Search Benchmarks",
// 2020): start from the best of a few random architectures, evaluate the neighbourhood of
// the centre in a random order, move to the first or to the best improvement, and restart
// from a fresh random architecture at a local optimum.
//
// Asynchronous: ask proposes further neighbours while earlier ones are pending, and waits
// (NAS_WAIT) only where a decision needs results that are still pending. Every decision is
// taken in ask; tell only records, so the state after any sequence of calls is plain data.
#pragma once

#include "../common/space_sampler.hpp"

#include <nas/plugin.hpp>
#include <nas/random.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nas::local_search {

using strategies::IsSeen;
using strategies::Radices;
using strategies::SpaceSampler;

enum class Improvement { first, best };

struct LocalOptimum {
  Choices choices;
  double objective;
};

class LocalSearch {
public:
  LocalSearch(SpaceSampler sampler, uint32_t initial, Improvement improvement, uint64_t seed);

  // Fills `out` and `tag` and returns ok, or returns wait (a decision needs a pending result)
  // or done (every architecture of the space is known and none is pending).
  Strategy::Ask ask(int64_t trial, Choices &out, std::string &tag);
  // A result: `value` is NaN when the trial has none (failed, infeasible, ...). Trials this
  // strategy did not ask for are recorded too.
  void tell(int64_t trial, const Choices &choices, double value);

  const std::vector<LocalOptimum> &local_optima() const { return optima_; }

  // The whole state (see the README for its fields); from_json replaces it or throws
  // std::invalid_argument / nlohmann errors, leaving this object unchanged.
  nlohmann::json to_json() const;
  void from_json(const nlohmann::json &state);

private:
  enum class Phase {
    sample,       // random architectures, then the best of them becomes the centre
    neighbourhood // the centre's neighbours, then a move or a restart
  };

  Strategy::Ask propose(int64_t trial, const Choices &choices, Choices &out);
  void choose_centre();
  void move_to(const Choices &centre, double value); // an improvement: counted
  void set_centre(const Choices &centre, double value);
  void restart();
  std::optional<Choices> improving_neighbour(size_t end) const;
  bool any_pending(const std::vector<Choices> &archs) const;
  std::optional<double> value(const Choices &c) const;
  bool is_seen(const Choices &c) const;
  void record(const Choices &c, double value);

  SpaceSampler sampler_;
  uint32_t initial_;
  Improvement improvement_;
  Rng rng_;

  Phase phase_ = Phase::sample;
  bool first_start_ = true;    // the first centre is the best of everything known
  uint32_t to_propose_;        // sample phase: random proposals still to make
  std::vector<Choices> batch_; // sample phase: this phase's random proposals
  Choices centre_;
  double centre_value_ = 0;
  std::vector<Choices> neighbours_; // of the centre, shuffled
  size_t cursor_ = 0;               // the next neighbour to look at

  std::map<Choices, double> known_;           // results, NaN for those without a value
  std::map<int64_t, Choices> pending_;        // asked, not told yet
  std::map<Choices, uint32_t> pending_count_; // pending_ by architecture
  std::vector<LocalOptimum> optima_;
  uint64_t moves_ = 0;
};

} // namespace nas::local_search
