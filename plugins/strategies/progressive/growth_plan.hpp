// How progressive search grows architectures: which decisions each level opens, and the
// children of a level's parents.
//
// With a decision tagged "depth", level l sets that decision to option l (depth l + 1 when
// its options are 1, 2, ...) and opens the decisions that become active there: those whose
// `active_if` chain leads to the depth decision and admits l but not l - 1 (at level 0:
// every decision active at the smallest depth). Without one (NB201, NAS-Bench-Macro), level
// l opens decision l alone, the decisions after it staying at option 0.
#pragma once

#include <nas/plugin.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace nas::progressive {

using Options = std::vector<uint32_t>; // option count per decision

class GrowthPlan {
public:
  GrowthPlan() = default;
  // From the space's describe() JSON and option counts; throws nas::Error on malformed JSON.
  GrowthPlan(const std::string &describe_json, Options options);

  size_t levels() const { return opened_.size(); }
  bool has_depth() const { return depth_ >= 0; }
  int32_t depth_decision() const { return depth_; }
  const std::vector<uint32_t> &opened(size_t level) const { return opened_[level]; }
  // The number of option combinations of the decisions `level` opens (saturates at 2^63).
  uint64_t combinations(size_t level) const;

  // The children of `parents` at `level`, in order: parent by parent, every combination of
  // the opened decisions' options (the last opened decision fastest), the depth decision at
  // `level`. `canonical` rewrites a child in place and returns false for one outside the
  // space; duplicates after canonicalization are dropped.
  std::vector<Choices> expand(const std::vector<Choices> &parents, size_t level,
                              const std::function<bool(Choices &)> &canonical) const;

private:
  Options options_;
  int32_t depth_ = -1;
  std::vector<std::vector<uint32_t>> opened_; // per level: decisions given every option
};

} // namespace nas::progressive
