// The candidates an ask scores: uniform random architectures plus one-decision mutants of the
// best ones observed (as BANANAS and local search do), all canonical (through the space), all
// distinct and none evaluated or pending.
#pragma once

#include <nas/plugin.hpp>
#include <nas/random.hpp>

#include <cstdint>
#include <functional>
#include <set>
#include <vector>

namespace nas::bo {

using IsSeen = std::function<bool(const Choices &)>;

class CandidatePool {
public:
  CandidatePool() = default;
  explicit CandidatePool(const SpaceRef &space);

  explicit operator bool() const { return static_cast<bool>(space_); }
  const std::vector<uint32_t> &radices() const { return radices_; }
  bool in_range(const Choices &choices) const;

  // Up to `random` uniform draws and `mutants` mutants of `parents` (each a uniformly chosen
  // parent with one decision changed), random ones first. When no draw finds an unseen
  // architecture, a space small enough to list gives up to `random` of those left instead;
  // empty only when nothing unseen remains (or a huge space defeats every draw).
  std::vector<Choices> build(Rng &rng, size_t random, size_t mutants,
                             const std::vector<Choices> &parents, const IsSeen &seen) const;

private:
  bool canonicalize(Choices &choices) const;
  Choices draw(Rng &rng) const;
  Choices mutate(Rng &rng, const Choices &parent) const;
  std::vector<Choices> unseen_by_listing(Rng &rng, size_t count, const IsSeen &seen) const;

  SpaceRef space_;
  std::vector<uint32_t> radices_;
  std::vector<uint32_t> mutable_; // decisions with at least two options
};

} // namespace nas::bo
