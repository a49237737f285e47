// Every trial of a run, shared by its stages: what answers repeats, what seeds the next
// stage, and (on resume) what the store gives back.
#pragma once

#include "pipeline.hpp"
#include "trial.hpp"

#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

namespace nas::core {

// Repeats are answered only by the same evaluator with the same config.
std::string evaluator_identity(const PluginSpec &evaluator, const std::string &version);
// The key a repeat is recognised by: (evaluator, fidelity, repeat index, architecture key).
std::string cache_key(const std::string &identity, double fidelity, uint32_t repeat,
                      const std::string &key);
// Statuses that a repeat may be answered with (the evaluator would give them again).
bool is_reusable(int32_t status);

struct RunState {
  std::deque<TrialRecord> trials; // in the order they ended (a deque keeps references stable)
  std::unordered_map<int64_t, size_t> index_of;      // trial id -> position in `trials`
  std::unordered_map<std::string, int64_t> answered; // cache key -> trial id
  // dedupe = "none": how often each (evaluator, architecture) was evaluated: the next repeat
  std::unordered_map<std::string, uint32_t> evaluations;
  int64_t next_id = 1;

  bool has(int64_t id) const { return index_of.count(id) > 0; }
  const TrialRecord &trial(int64_t id) const { return trials.at(index_of.at(id)); }
  const TrialRecord &add(TrialRecord t);
  // Adds a trial read back from the store, rebuilding the repeat answers;
  // `identity` is its stage's evaluator identity.
  void restore(TrialRecord t, const std::string &identity);
  // The best `k` distinct architectures of `stage` (ok trials, best objective first).
  std::vector<const TrialRecord *> top(const std::string &stage, size_t k) const;
};

} // namespace nas::core
