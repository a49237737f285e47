// The architectures of a bound space as evolution, local search and BO's candidate pool need
// them: canonical random draws (one at a time or avoiding those already seen), one-decision
// mutations, neighbourhoods, and the unseen ones listed when draws stop finding any.
// Every draw goes through the space's canonicalize, so spaces with inactive decisions give
// no hidden repeats. Compiled into each strategy plugin that uses it.
#pragma once

#include <nas/plugin.hpp>
#include <nas/random.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace nas::strategies {

using Radices = std::vector<uint32_t>;
using IsSeen = std::function<bool(const Choices &)>;

class SpaceSampler {
public:
  SpaceSampler() = default;
  explicit SpaceSampler(const SpaceRef &space);

  const SpaceRef &space() const { return space_; }
  const Radices &radices() const { return radices_; }
  // One option index in range per decision of the space.
  bool in_range(const Choices &choices) const;
  // Rewrites `choices` into canonical form; false when the space rejects it.
  bool canonicalize(Choices &choices) const;

  // One architecture drawn uniformly (each decision independently), canonicalized; nullopt
  // when the space rejects the draw.
  std::optional<Choices> draw(Rng &rng) const;

  // A canonical architecture drawn uniformly (each decision independently) that is not
  // seen, by rejection; when that keeps failing, small spaces list what is left and pick
  // from it. nullopt when every architecture was seen. A huge space that defeats rejection
  // gives a repeat rather than nothing.
  std::optional<Choices> draw_unseen(Rng &rng, const IsSeen &seen) const;

  // `parent` with one decision changed to another of its options, uniformly over the
  // decisions that have a choice and then over their other options; `parent` unchanged
  // when no decision has more than one option. Not canonicalized.
  Choices mutate(Rng &rng, const Choices &parent) const;
  // Every canonical architecture one decision away from `centre` (one decision set to
  // another option, then canonicalized), without `centre` and without repeats, in
  // decision-major order. Changes the space rejects are left out.
  std::vector<Choices> neighbours(const Choices &centre) const;

  // True when the space has at most 2^20 choice vectors, so list_unseen can enumerate it.
  bool listable() const;
  // Every canonical architecture that is not seen, each once, in sorted order; empty when
  // the space is not listable (or a decision has no option).
  std::vector<Choices> list_unseen(const IsSeen &seen) const;

private:
  Choices raw_draw(Rng &rng) const; // one option per decision, not canonicalized

  SpaceRef space_;
  Radices radices_;
  std::vector<uint32_t> mutable_; // decisions with at least two options
};

} // namespace nas::strategies
