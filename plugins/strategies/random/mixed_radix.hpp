// Architectures as numbers: a choice vector is a mixed-radix number whose digits are the
// options and whose radices are the option counts, the last decision varying fastest.
#pragma once

#include <nas/plugin.hpp>
#include <nas/random.hpp>

#include <cstdint>
#include <limits>
#include <vector>

namespace nas::random_strategy {

using Radices = std::vector<uint32_t>;

inline Radices radices_of(const SpaceRef &space) {
  Radices radices(space.num_decisions());
  for (uint32_t i = 0; i < radices.size(); ++i)
    radices[i] = space.num_options(i);
  return radices;
}

// The number of architectures, or false when it does not fit in 64 bits.
inline bool count_architectures(const Radices &radices, uint64_t &total) {
  total = 1;
  for (uint32_t r : radices) {
    if (r == 0) {
      total = 0;
      return true;
    }
    if (total > std::numeric_limits<uint64_t>::max() / r)
      return false;
    total *= r;
  }
  return true;
}

// The index of `choices` in [0, total); valid only when the total fits in 64 bits.
inline uint64_t index_of(const Radices &radices, const Choices &choices) {
  uint64_t index = 0;
  for (size_t i = 0; i < radices.size(); ++i)
    index = index * radices[i] + static_cast<uint64_t>(choices[i]);
  return index;
}

inline void decode(const Radices &radices, uint64_t index, Choices &choices) {
  for (size_t i = radices.size(); i-- > 0;) {
    choices[i] = static_cast<int32_t>(index % radices[i]);
    index /= radices[i];
  }
}

// One architecture uniformly at random: each decision independently (radices all > 0).
inline void draw_uniform(const Radices &radices, Rng &rng, Choices &choices) {
  for (size_t i = 0; i < radices.size(); ++i)
    choices[i] = static_cast<int32_t>(rng.below(radices[i]));
}

} // namespace nas::random_strategy
