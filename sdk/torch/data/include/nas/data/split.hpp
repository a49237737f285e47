// nas/data/split.hpp: a fixed, seeded train/validation split of a training set.
//
// The permutation comes from nas::Rng (xoshiro256** with its own Fisher-Yates), so a seed
// gives the same split with every compiler and standard library. The test set is never
// split: it stays apart in Dataset::test.
#pragma once

#include <cstdint>
#include <vector>

namespace nas::data {

// 10,000 of Fashion-MNIST's 60,000 training images for validation, 50,000 to train on.
inline constexpr int64_t kDefaultValidCount = 10000;

struct Split {
  std::vector<int64_t> train; // indices into the training set, in shuffled order
  std::vector<int64_t> valid; // disjoint from train; train + valid cover [0, n)

  // The first train_limit training and first valid_limit validation indices (a limit
  // above the size keeps all). Because the order is shuffled, these are a random sample,
  // and a smaller subset is always contained in a larger one of the same split.
  // std::invalid_argument for a negative limit.
  Split subset(int64_t train_limit, int64_t valid_limit) const;
};

// A random permutation of [0, n) from the seed: its first valid_count entries become the
// validation indices, the rest the training indices. std::invalid_argument unless
// 0 <= valid_count <= n.
Split split_indices(int64_t n, int64_t valid_count = kDefaultValidCount, uint64_t seed = 0);

} // namespace nas::data
