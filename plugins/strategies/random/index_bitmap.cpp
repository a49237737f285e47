#include "index_bitmap.hpp"

#include <algorithm>
#include <stdexcept>

namespace nas::random_strategy {

namespace {

// The position of the n-th zero bit of `word` among its low `bits` bits.
unsigned nth_zero_bit(uint64_t word, uint64_t bits, uint64_t n) {
  uint64_t zeros = ~word;
  if (bits < 64)
    zeros &= (uint64_t{1} << bits) - 1;
  for (; n > 0; --n)
    zeros &= zeros - 1; // drop the lowest zero
  return static_cast<unsigned>(__builtin_ctzll(zeros));
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

} // namespace

IndexBitmap::IndexBitmap(uint64_t size)
    : size_(size), words_((size + 63) / 64, 0),
      block_counts_((size + kBitsPerBlock - 1) / kBitsPerBlock, 0),
      super_counts_((size + kBitsPerSuper - 1) / kBitsPerSuper, 0) {}

// How many of the `span` indices from `start` lie below size().
uint64_t IndexBitmap::bits_from(uint64_t start, uint64_t span) const {
  return std::min(span, size_ - start);
}

void IndexBitmap::count_word(uint64_t word_index, uint32_t ones) {
  block_counts_[word_index / kFanout] += ones;
  super_counts_[word_index / kFanout / kFanout] += ones;
  count_ += ones;
}

void IndexBitmap::set(uint64_t index) {
  words_[index / 64] |= uint64_t{1} << (index % 64);
  count_word(index / 64, 1);
}

uint64_t IndexBitmap::nth_clear(uint64_t n) const {
  // Walk down: the superblock, then the block, then the word that holds the n-th zero.
  uint64_t super = 0, block, word;
  for (;; ++super) {
    if (super == super_counts_.size())
      throw std::logic_error("IndexBitmap::nth_clear: n is not below the number of clear bits");
    uint64_t zeros = bits_from(super * kBitsPerSuper, kBitsPerSuper) - super_counts_[super];
    if (n < zeros)
      break;
    n -= zeros;
  }
  for (block = super * kFanout;; ++block) {
    uint64_t zeros = bits_from(block * kBitsPerBlock, kBitsPerBlock) - block_counts_[block];
    if (n < zeros)
      break;
    n -= zeros;
  }
  for (word = block * kFanout;; ++word) {
    uint64_t bits = bits_from(word * 64, 64);
    uint64_t zeros = bits - static_cast<uint64_t>(__builtin_popcountll(words_[word]));
    if (n < zeros)
      return word * 64 + nth_zero_bit(words_[word], bits, n);
    n -= zeros;
  }
}

std::string IndexBitmap::to_hex() const {
  static const char digits[] = "0123456789abcdef";
  std::string out(words_.size() * 16, '0');
  for (size_t w = 0; w < words_.size(); ++w)
    for (int d = 0; d < 16; ++d)
      out[w * 16 + static_cast<size_t>(d)] = digits[(words_[w] >> (60 - 4 * d)) & 0xf];
  return out;
}

IndexBitmap IndexBitmap::from_hex(uint64_t size, std::string_view hex) {
  IndexBitmap bitmap(size);
  if (hex.size() != bitmap.words_.size() * 16)
    throw std::invalid_argument("expected " + std::to_string(bitmap.words_.size() * 16) +
                                " hex digits for " + std::to_string(size) + " bits, got " +
                                std::to_string(hex.size()));
  for (size_t w = 0; w < bitmap.words_.size(); ++w) {
    uint64_t word = 0;
    for (size_t d = 0; d < 16; ++d) {
      int v = hex_digit(hex[w * 16 + d]);
      if (v < 0)
        throw std::invalid_argument("a bitmap holds lowercase hex digits only");
      word = (word << 4) | static_cast<uint64_t>(v);
    }
    uint64_t bits = bitmap.bits_from(w * 64, 64);
    if (bits < 64 && (word >> bits) != 0)
      throw std::invalid_argument("the bitmap has bits set past its size");
    bitmap.words_[w] = word;
    bitmap.count_word(w, static_cast<uint32_t>(__builtin_popcountll(word)));
  }
  return bitmap;
}

} // namespace nas::random_strategy
