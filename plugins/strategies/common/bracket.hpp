// One bracket of successive halving: rungs 0..s at rising fidelity, each a list of trials.
// Both ways of promoting live here: at a barrier (sync: the top floor(n_r / eta) of a
// complete rung, Jamieson and Talwalkar 2016) and one at a time (ASHA, Li et al. 2020: the
// best entry of a rung's top floor(valid / eta) results so far not promoted yet).
#pragma once

#include <nas/plugin.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

namespace nas::halving {

struct Entry {
  enum class State { pending, valid, failed };
  int64_t trial = -1;
  Choices choices;
  int64_t from = -1; // the lower-rung trial this one continues; -1 in the bottom rung
  State state = State::pending;
  double objective = NAN;
  bool promoted = false; // already continued in the rung above
};

struct Rung {
  std::vector<Entry> entries;
  // The valid entries, best first (equal objectives: the earlier trial first). Kept sorted
  // as results come, so ASHA's every ask costs a scan, not a sort. Not saved: rebuilt.
  std::vector<size_t> ranked;
  // Sync: the rung's planned size (the bottom: n; above: the promotions chosen at the
  // barrier) and the entries of the rung below still to be asked, best first.
  int64_t slots = 0;
  std::deque<size_t> queue;
};

class Bracket {
public:
  Bracket() = default;
  // Bracket `number` of the schedule: s promotions (rungs 0..s) from ladder level `bottom`,
  // `n` architectures planned for the bottom rung (sync).
  Bracket(int64_t number, int s, int bottom, int64_t n);

  int64_t number() const { return number_; }
  int s() const { return s_; }
  int level(int rung) const { return bottom_ + rung; }
  // Sync: the highest rung opened so far; the rungs below it are complete.
  int open() const { return open_; }
  Rung &rung(int r) { return rungs_.at(static_cast<size_t>(r)); }
  const Rung &rung(int r) const { return rungs_.at(static_cast<size_t>(r)); }

  // Adds a pending entry to rung `r`; returns its index there.
  size_t add(int r, int64_t trial, Choices choices, int64_t from);
  // Records the result of entry `index` of rung `r`: valid with `objective`, or failed.
  void record(int r, size_t index, bool valid, double objective);
  bool has_pending(int r) const;
  bool has_pending() const;
  // Sync barrier, once rung open() is complete: opens the rung above with the top
  // min(floor(entries / eta), valid) of this one queued. False when the bracket ends here
  // (this was its top rung, or nothing is promoted).
  bool open_next(int64_t eta);
  // ASHA: the best entry of rung `r` among its top floor(valid / eta) that was not promoted.
  std::optional<size_t> promotable(int r, int64_t eta) const;

  nlohmann::json to_json() const;
  static Bracket from_json(const nlohmann::json &j);

private:
  void rank(Rung &rung, size_t index);

  int64_t number_ = 0;
  int s_ = 0;
  int bottom_ = 0;
  int open_ = 0;
  std::vector<Rung> rungs_;
};

} // namespace nas::halving
