#include "candidate_pool.hpp"

#include <optional>
#include <set>

namespace nas::bo {

std::vector<Choices> CandidatePool::build(Rng &rng, size_t random, size_t mutants,
                                          const std::vector<Choices> &parents,
                                          const IsSeen &seen) const {
  for (uint32_t r : sampler_.radices())
    if (r == 0)
      return {}; // a decision without options: the space has no architecture
  std::vector<Choices> out;
  std::set<Choices> taken;
  auto offer = [&](std::optional<Choices> c) {
    if (c && !seen(*c) && taken.insert(*c).second)
      out.push_back(std::move(*c));
  };
  // A few draws per wanted candidate: small spaces repeat themselves.
  for (size_t tries = 0; tries < 3 * random + 10 && out.size() < random; ++tries)
    offer(sampler_.draw(rng));
  const size_t random_found = out.size();
  for (size_t tries = 0;
       !parents.empty() && tries < 4 * mutants && out.size() - random_found < mutants; ++tries) {
    Choices child = sampler_.mutate(rng, parents[rng.below(parents.size())]);
    offer(sampler_.canonicalize(child) ? std::optional<Choices>(std::move(child)) : std::nullopt);
  }
  if (out.empty() && random > 0) {
    out = sampler_.list_unseen(seen); // sorted: shuffled before the first `random` are kept
    rng.shuffle(out.begin(), out.end());
    if (out.size() > random)
      out.resize(random);
  }
  return out;
}

} // namespace nas::bo
