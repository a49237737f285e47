// A set of indices in [0, size) as a bitmap that can also pick the n-th index not in it.
// Set-bit counts per block of 4096 bits and per superblock of 64 blocks let that pick skip
// whole regions, so it scans at most 3 x 64 counters (up to 2^24 bits; more past that).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nas::random_strategy {

class IndexBitmap {
public:
  explicit IndexBitmap(uint64_t size = 0);

  uint64_t size() const { return size_; }
  uint64_t count() const { return count_; }
  bool test(uint64_t index) const { return (words_[index / 64] >> (index % 64)) & 1u; }
  // Adds `index`, which must not be in the set yet.
  void set(uint64_t index);
  // The n-th (from 0, ascending) index not in the set; n < size() - count().
  uint64_t nth_clear(uint64_t n) const;

  // The words as hex, 16 digits each, and back (throws std::invalid_argument).
  std::string to_hex() const;
  static IndexBitmap from_hex(uint64_t size, std::string_view hex);

private:
  static constexpr uint64_t kFanout = 64; // words per block, blocks per superblock
  static constexpr uint64_t kBitsPerBlock = 64 * kFanout;
  static constexpr uint64_t kBitsPerSuper = kBitsPerBlock * kFanout;
  uint64_t bits_from(uint64_t start, uint64_t span) const;
  void count_word(uint64_t word_index, uint32_t ones);

  uint64_t size_ = 0;
  uint64_t count_ = 0;
  std::vector<uint64_t> words_;
  std::vector<uint32_t> block_counts_; // set bits per block
  std::vector<uint32_t> super_counts_; // set bits per superblock
};

} // namespace nas::random_strategy
