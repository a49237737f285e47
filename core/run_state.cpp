#include "run_state.hpp"

#include <nas/abi.h>

#include <algorithm>
#include <set>

namespace nas::core {

std::string evaluator_identity(const PluginSpec &evaluator, const std::string &version) {
  std::string identity = evaluator.name + "@" + version + " " + evaluator.config.dump();
  for (const auto &[role, child] : evaluator.children)
    identity += " " + role + "=" + evaluator_identity(child, "");
  return identity + " ";
}

std::string cache_key(const std::string &identity, double fidelity, uint32_t repeat,
                      const std::string &key) {
  return identity + std::to_string(fidelity) + " " + std::to_string(repeat) + " " + key;
}

bool is_reusable(int32_t status) {
  return status == NAS_TRIAL_OK || status == NAS_TRIAL_INFEASIBLE || status == NAS_TRIAL_INVALID;
}

const TrialRecord &RunState::add(TrialRecord t) {
  next_id = std::max(next_id, t.id + 1);
  index_of[t.id] = trials.size();
  trials.push_back(std::move(t));
  return trials.back();
}

void RunState::restore(TrialRecord t, const std::string &identity) {
  if (t.status != NAS_TRIAL_CACHED) {
    if (is_reusable(t.status))
      answered[cache_key(identity, t.fidelity, t.repeat, t.key)] = t.id;
    uint32_t &n = evaluations[identity + t.canonical];
    n = std::max(n, t.repeat + 1);
  }
  add(std::move(t));
}

std::vector<const TrialRecord *> RunState::top(const std::string &stage, size_t k) const {
  std::vector<const TrialRecord *> ok;
  for (const auto &t : trials)
    if (t.stage == stage && t.status == NAS_TRIAL_OK)
      ok.push_back(&t);
  std::stable_sort(ok.begin(), ok.end(), [](const TrialRecord *a, const TrialRecord *b) {
    return a->objective > b->objective || (a->objective == b->objective && a->id < b->id);
  });
  std::vector<const TrialRecord *> out;
  std::set<std::string> keys;
  for (const TrialRecord *t : ok)
    if (out.size() < k && keys.insert(t->key).second)
      out.push_back(t);
  return out;
}

} // namespace nas::core
