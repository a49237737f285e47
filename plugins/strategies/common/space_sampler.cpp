#include "space_sampler.hpp"

#include <set>

namespace nas::strategies {

namespace {

// Rejection tries before a draw falls back to listing the unseen architectures. A thousand
// misses in a row means more than 99% of the (weighted) space was seen.
constexpr int kRejectionTries = 1000;
// Spaces up to this many choice vectors can be listed when rejection fails.
constexpr uint64_t kListingLimit = uint64_t{1} << 20;

// The number of choice vectors, or 0 when it passes `limit`.
uint64_t count_up_to(const Radices &radices, uint64_t limit) {
  uint64_t total = 1;
  for (uint32_t r : radices) {
    if (r == 0)
      return 0;
    if (total > limit / r)
      return 0;
    total *= r;
  }
  return total;
}

} // namespace

SpaceSampler::SpaceSampler(const SpaceRef &space) : space_(space) {
  radices_.resize(space.num_decisions());
  for (uint32_t i = 0; i < radices_.size(); ++i) {
    radices_[i] = space.num_options(i);
    if (radices_[i] > 1)
      mutable_.push_back(i);
  }
}

bool SpaceSampler::in_range(const Choices &choices) const {
  if (choices.size() != radices_.size())
    return false;
  for (size_t i = 0; i < choices.size(); ++i)
    if (choices[i] < 0 || static_cast<uint32_t>(choices[i]) >= radices_[i])
      return false;
  return true;
}

bool SpaceSampler::canonicalize(Choices &choices) const {
  try {
    space_.canonicalize(choices);
    return true;
  } catch (const Error &) {
    return false;
  }
}

Choices SpaceSampler::raw_draw(Rng &rng) const {
  Choices c(radices_.size());
  for (size_t i = 0; i < radices_.size(); ++i)
    c[i] = static_cast<int32_t>(rng.below(radices_[i]));
  return c;
}

std::optional<Choices> SpaceSampler::draw(Rng &rng) const {
  Choices c = raw_draw(rng);
  if (!canonicalize(c))
    return std::nullopt;
  return c;
}

std::optional<Choices> SpaceSampler::draw_unseen(Rng &rng, const IsSeen &seen) const {
  for (uint32_t r : radices_)
    if (r == 0)
      return std::nullopt; // a decision without options: the space has no architecture
  std::optional<Choices> last_valid;
  Choices c;
  for (int attempt = 0; attempt < kRejectionTries; ++attempt) {
    c = raw_draw(rng);
    if (!canonicalize(c))
      continue;
    if (!seen(c))
      return c;
    last_valid = c;
  }
  if (listable()) {
    std::vector<Choices> unseen = list_unseen(seen);
    if (unseen.empty())
      return std::nullopt;
    return unseen[rng.below(unseen.size())];
  }
  // A huge space that defeats rejection: a repeat rather than nothing.
  return last_valid ? last_valid : std::optional<Choices>(c);
}

bool SpaceSampler::listable() const { return count_up_to(radices_, kListingLimit) != 0; }

std::vector<Choices> SpaceSampler::list_unseen(const IsSeen &seen) const {
  if (!listable())
    return {};
  std::set<Choices> unseen;
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
  return std::vector<Choices>(unseen.begin(), unseen.end());
}

Choices SpaceSampler::mutate(Rng &rng, const Choices &parent) const {
  Choices child = parent;
  if (mutable_.empty())
    return child;
  const uint32_t d = mutable_[rng.below(mutable_.size())];
  // One of the other radices_[d] - 1 options: draw below that and skip the current one.
  auto option = static_cast<int32_t>(rng.below(radices_[d] - 1));
  if (option >= parent[d])
    ++option;
  child[d] = option;
  return child;
}

std::vector<Choices> SpaceSampler::neighbours(const Choices &centre) const {
  std::vector<Choices> out;
  std::set<Choices> listed;
  for (size_t d = 0; d < radices_.size(); ++d)
    for (uint32_t option = 0; option < radices_[d]; ++option) {
      if (static_cast<int32_t>(option) == centre[d])
        continue;
      Choices c = centre;
      c[d] = static_cast<int32_t>(option);
      if (canonicalize(c) && c != centre && listed.insert(c).second)
        out.push_back(std::move(c));
    }
  return out;
}

} // namespace nas::strategies
