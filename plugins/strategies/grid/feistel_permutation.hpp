// A seeded bijection on [0, n) that needs O(1) memory, so a grid over a huge space can be
// visited in a shuffled order without materializing it: a balanced Feistel network on the
// smallest even number of bits covering n, with cycle walking to stay below n (Black and
// Rogaway, "Ciphers with Arbitrary Finite Domains", CT-RSA 2002).
#pragma once

#include <nas/random.hpp>

#include <array>
#include <cstdint>

namespace nas::grid_strategy {

class FeistelPermutation {
public:
  FeistelPermutation(uint64_t n, uint64_t seed) : n_(n) {
    while (half_bits_ < 32 && (uint64_t{1} << (2 * half_bits_)) < n)
      ++half_bits_;
    half_mask_ = (uint64_t{1} << half_bits_) - 1;
    Rng rng(seed);
    for (uint64_t &key : keys_)
      key = rng.next();
  }

  uint64_t size() const { return n_; }

  // The image of `index` < size(). The network's domain is below 4n, so cycle walking
  // takes fewer than four rounds of the network on average.
  uint64_t operator()(uint64_t index) const {
    uint64_t x = encrypt(index);
    while (x >= n_)
      x = encrypt(x);
    return x;
  }

private:
  static constexpr int kRounds = 8;

  uint64_t encrypt(uint64_t x) const {
    uint64_t left = x >> half_bits_, right = x & half_mask_;
    for (uint64_t key : keys_) {
      uint64_t mixed = left ^ (mix_seed(key, right) & half_mask_);
      left = right;
      right = mixed;
    }
    return (left << half_bits_) | right;
  }

  uint64_t n_;
  unsigned half_bits_ = 1; // at least one bit per half, so n = 0 or 1 still works
  uint64_t half_mask_ = 0;
  std::array<uint64_t, kRounds> keys_{};
};

} // namespace nas::grid_strategy
