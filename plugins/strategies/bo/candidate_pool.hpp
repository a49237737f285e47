// The candidates an ask scores: uniform random architectures plus one-decision mutants of the
// best ones observed (as BANANAS and local search do), all canonical (through the space), all
// distinct and none evaluated or pending. The draws, mutations and the listing of what is left
// are the shared strategies::SpaceSampler's (plugins/strategies/common).
#pragma once

#include "../common/space_sampler.hpp"

#include <nas/plugin.hpp>
#include <nas/random.hpp>

#include <cstdint>
#include <vector>

namespace nas::bo {

using strategies::IsSeen;

class CandidatePool {
public:
  CandidatePool() = default;
  explicit CandidatePool(const SpaceRef &space) : sampler_(space), bound_(true) {}

  explicit operator bool() const { return bound_; }
  const std::vector<uint32_t> &radices() const { return sampler_.radices(); }
  bool in_range(const Choices &choices) const { return sampler_.in_range(choices); }

  // Up to `random` uniform draws and `mutants` mutants of `parents` (each a uniformly chosen
  // parent with one decision changed), random ones first. When no draw finds an unseen
  // architecture, a space small enough to list gives up to `random` of those left instead;
  // empty only when nothing unseen remains (or a huge space defeats every draw).
  std::vector<Choices> build(Rng &rng, size_t random, size_t mutants,
                             const std::vector<Choices> &parents, const IsSeen &seen) const;

private:
  strategies::SpaceSampler sampler_;
  bool bound_ = false;
};

} // namespace nas::bo
