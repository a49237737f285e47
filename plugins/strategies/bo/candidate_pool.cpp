#include "candidate_pool.hpp"

#include <algorithm>

namespace nas::bo {

namespace {

// Spaces up to this many choice vectors may be listed when random draws find nothing new.
constexpr uint64_t kListingLimit = uint64_t{1} << 20;

uint64_t count_up_to(const std::vector<uint32_t> &radices, uint64_t limit) {
  uint64_t total = 1;
  for (uint32_t r : radices) {
    if (r == 0 || total > limit / r)
      return 0;
    total *= r;
  }
  return total;
}

} // namespace

CandidatePool::CandidatePool(const SpaceRef &space) : space_(space) {
  radices_.resize(space.num_decisions());
  for (uint32_t i = 0; i < radices_.size(); ++i) {
    radices_[i] = space.num_options(i);
    if (radices_[i] > 1)
      mutable_.push_back(i);
  }
}

bool CandidatePool::in_range(const Choices &choices) const {
  if (choices.size() != radices_.size())
    return false;
  for (size_t i = 0; i < choices.size(); ++i)
    if (choices[i] < 0 || static_cast<uint32_t>(choices[i]) >= radices_[i])
      return false;
  return true;
}

bool CandidatePool::canonicalize(Choices &choices) const {
  try {
    space_.canonicalize(choices);
    return true;
  } catch (const Error &) {
    return false; // an invalid combination: not a candidate
  }
}

Choices CandidatePool::draw(Rng &rng) const {
  Choices c(radices_.size());
  for (size_t i = 0; i < radices_.size(); ++i)
    c[i] = static_cast<int32_t>(rng.below(radices_[i]));
  return c;
}

Choices CandidatePool::mutate(Rng &rng, const Choices &parent) const {
  Choices child = parent;
  if (mutable_.empty())
    return child;
  const uint32_t d = mutable_[rng.below(mutable_.size())];
  auto option = static_cast<int32_t>(rng.below(radices_[d] - 1)); // one of the others
  if (option >= parent[d])
    ++option;
  child[d] = option;
  return child;
}

std::vector<Choices> CandidatePool::build(Rng &rng, size_t random, size_t mutants,
                                          const std::vector<Choices> &parents,
                                          const IsSeen &seen) const {
  for (uint32_t r : radices_)
    if (r == 0)
      return {}; // a decision without options: the space has no architecture
  std::vector<Choices> out;
  std::set<Choices> taken;
  auto offer = [&](Choices c) {
    if (canonicalize(c) && !seen(c) && taken.insert(c).second)
      out.push_back(std::move(c));
  };
  // A few draws per wanted candidate: small spaces repeat themselves.
  for (size_t tries = 0; tries < 3 * random + 10 && out.size() < random; ++tries)
    offer(draw(rng));
  const size_t random_found = out.size();
  for (size_t tries = 0;
       !parents.empty() && tries < 4 * mutants && out.size() - random_found < mutants; ++tries)
    offer(mutate(rng, parents[rng.below(parents.size())]));
  if (out.empty() && random > 0)
    out = unseen_by_listing(rng, random, seen);
  return out;
}

std::vector<Choices> CandidatePool::unseen_by_listing(Rng &rng, size_t count,
                                                      const IsSeen &seen) const {
  if (count_up_to(radices_, kListingLimit) == 0)
    return {};
  std::set<Choices> unseen; // canonical forms, each once
  Choices digits(radices_.size(), 0);
  for (bool more = true; more;) {
    Choices c = digits;
    if (canonicalize(c) && !seen(c))
      unseen.insert(std::move(c));
    more = false; // step the mixed-radix counter, the last decision fastest
    for (size_t i = radices_.size(); i-- > 0;) {
      if (static_cast<uint32_t>(++digits[i]) < radices_[i]) {
        more = true;
        break;
      }
      digits[i] = 0;
    }
  }
  std::vector<Choices> out(unseen.begin(), unseen.end());
  rng.shuffle(out.begin(), out.end());
  if (out.size() > count)
    out.resize(count);
  return out;
}

} // namespace nas::bo
