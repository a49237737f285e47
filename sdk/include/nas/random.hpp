// nas/random.hpp: the SDK's own random generator and distributions.
//
// Why not <random>: the engines are specified, but every distribution (uniform_int, normal,
// discrete, std::shuffle) is implementation-defined and gives different numbers under
// libstdc++, libc++ and MSVC. A plugin must draw the same architectures whichever compiler
// built it, so everything here is specified by this file alone:
//
// - Generator: xoshiro256** 1.0 (Blackman and Vigna), seeded from one 64-bit value through
//   SplitMix64, as the authors recommend.
// - Integers: Lemire's multiply-and-reject method (unbiased). Floats: the top 53 bits.
// - Normals: Marsaglia's polar method, which needs std::log and std::sqrt only. sqrt is
//   exact under IEEE 754; log may differ in the last bit between C libraries, so normals
//   are bit-identical on one C library and within an ulp or so across them.
//
// Header-only, standard library only. Not for cryptography.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nas {

namespace detail {

inline constexpr uint64_t kGolden = 0x9e3779b97f4a7c15; // 2^64 / golden ratio, SplitMix64's step

// SplitMix64's output function (Stafford's Mix13 variant): a bijection of 64-bit words that
// spreads every input bit over every output bit.
inline constexpr uint64_t splitmix64_mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

// One SplitMix64 step: advances `state` and returns the next output.
inline constexpr uint64_t splitmix64(uint64_t &state) { return splitmix64_mix(state += kGolden); }

// FNV-1a, 64-bit: fixed offset basis and prime from the FNV specification.
inline constexpr uint64_t fnv1a64(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3;
  }
  return h;
}

inline constexpr uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// Full 64x64 -> 128-bit product, written portably (no __int128) so every compiler agrees.
inline constexpr void mul128(uint64_t a, uint64_t b, uint64_t &hi, uint64_t &lo) {
  const uint64_t a_lo = a & 0xffffffff, a_hi = a >> 32;
  const uint64_t b_lo = b & 0xffffffff, b_hi = b >> 32;
  const uint64_t p0 = a_lo * b_lo, p1 = a_lo * b_hi, p2 = a_hi * b_lo, p3 = a_hi * b_hi;
  const uint64_t mid = (p0 >> 32) + (p1 & 0xffffffff) + (p2 & 0xffffffff);
  lo = (mid << 32) | (p0 & 0xffffffff);
  hi = p3 + (p1 >> 32) + (p2 >> 32) + (mid >> 32);
}

inline std::string to_hex(uint64_t v) {
  static const char digits[] = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4)
    s[static_cast<size_t>(i)] = digits[v & 0xf];
  return s;
}

// Parses exactly 16 lowercase or uppercase hex digits; false on anything else.
inline bool from_hex(std::string_view s, uint64_t &out) {
  if (s.size() != 16)
    return false;
  uint64_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9')
      d = c - '0';
    else if (c >= 'a' && c <= 'f')
      d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      d = c - 'A' + 10;
    else
      return false;
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  out = v;
  return true;
}

} // namespace detail

// A fixed, documented string hash: FNV-1a 64 followed by SplitMix64's mixer (FNV alone is
// weak in its high bits for short strings). Stable across versions: seeds depend on it.
inline constexpr uint64_t hash64(std::string_view s) {
  return detail::splitmix64_mix(detail::fnv1a64(s));
}

// Combines two seeds into one; order matters (mix_seed(a, b) != mix_seed(b, a) in general).
// For a fixed `a` it is a bijection of `b` and vice versa, so distinct inputs never collide
// in one argument. Definition: mix(mix(a + golden) ^ b), mix = SplitMix64's mixer.
inline constexpr uint64_t mix_seed(uint64_t a, uint64_t b) {
  return detail::splitmix64_mix(detail::splitmix64_mix(a + detail::kGolden) ^ b);
}

// A named sub-stream of `base`: derive_seed(base, "stage/search/strategy"). This is how the
// host gives every instance path, and every (experiment seed, key, fidelity, repeat) trial,
// its own seed independent of scheduling order.
inline constexpr uint64_t derive_seed(uint64_t base, std::string_view label) {
  return mix_seed(base, hash64(label));
}

// xoshiro256** with the SDK's distributions. Copyable value type; copies draw the same
// numbers. Not thread-safe: give each thread its own Rng (derive_seed).
//
// State: the four xoshiro words, plus one cached standard normal. The polar method makes
// normals in pairs; the second is kept and returned by the next normal() call, whatever
// other draws happen in between. save()/load() and operator== include that cache, so a
// restored generator continues exactly as the original would have.
class Rng {
public:
  // Seeds the four words with four SplitMix64 outputs from `seed`. SplitMix64 is a bijection
  // of its counter, so the words are never all zero (the one state xoshiro cannot leave).
  explicit Rng(uint64_t seed = 0) {
    uint64_t sm = seed;
    for (auto &w : s_)
      w = detail::splitmix64(sm);
  }

  // The next raw 64-bit output (xoshiro256** 1.0, the reference algorithm).
  uint64_t next() {
    const uint64_t result = detail::rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = detail::rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n), unbiased (Lemire 2019, "Fast random integer generation in an
  // interval"): the high word of next() * n, redrawing the rare low words that would bias it.
  uint64_t below(uint64_t n) {
    if (n == 0)
      throw std::invalid_argument("nas::Rng::below: n must be positive");
    uint64_t hi, lo;
    detail::mul128(next(), n, hi, lo);
    if (lo < n) {
      const uint64_t threshold = (0 - n) % n; // 2^64 mod n
      while (lo < threshold)
        detail::mul128(next(), n, hi, lo);
    }
    return hi;
  }

  // Uniform in [lo, hi], both inclusive; the full int64 range is allowed.
  int64_t integer(int64_t lo, int64_t hi) {
    if (lo > hi)
      throw std::invalid_argument("nas::Rng::integer: lo must not exceed hi");
    // Unsigned arithmetic: hi - lo + 1 may not fit in int64_t (and is 0 for the full range).
    const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo) + 1;
    const uint64_t offset = span == 0 ? next() : below(span);
    return static_cast<int64_t>(static_cast<uint64_t>(lo) + offset);
  }

  // Uniform in [0, 1) on the grid k / 2^53: every value is exactly representable.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  // Uniform in [a, b) for finite a < b (a == b returns a). Rounding of a + (b - a) * u can
  // land on b; such draws are moved to the largest double below b so the bound holds.
  double uniform(double a, double b) {
    if (!(a <= b) || !std::isfinite(a) || !std::isfinite(b) || !std::isfinite(b - a))
      throw std::invalid_argument("nas::Rng::uniform: expected finite a <= b");
    if (a == b)
      return a;
    const double r = a + (b - a) * uniform();
    return r < b ? r : std::nextafter(b, a);
  }

  // Standard normal, Marsaglia's polar method (see the class comment for the cache).
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u, v, q;
    do {
      u = 2.0 * uniform() - 1.0;
      v = 2.0 * uniform() - 1.0;
      q = u * u + v * v;
    } while (q >= 1.0 || q == 0.0);
    const double f = std::sqrt(-2.0 * std::log(q) / q);
    spare_ = v * f;
    has_spare_ = true;
    return u * f;
  }

  double normal(double mean, double stddev) {
    if (!(stddev >= 0.0) || !std::isfinite(stddev) || !std::isfinite(mean))
      throw std::invalid_argument("nas::Rng::normal: expected finite mean and stddev >= 0");
    return mean + stddev * normal();
  }

  // Index i with probability weights[i] / sum(weights). Weights must be finite and >= 0 with
  // a positive sum. One uniform() draw; the scan is in index order, so results are exact
  // functions of the weights' values.
  size_t categorical(const double *weights, size_t n) {
    if (n == 0 || weights == nullptr)
      throw std::invalid_argument("nas::Rng::categorical: no weights");
    double total = 0.0;
    for (size_t i = 0; i < n; ++i) {
      if (!(weights[i] >= 0.0) || !std::isfinite(weights[i]))
        throw std::invalid_argument("nas::Rng::categorical: weight " + std::to_string(i) +
                                    " is negative or not finite");
      total += weights[i];
    }
    if (!(total > 0.0) || !std::isfinite(total))
      throw std::invalid_argument("nas::Rng::categorical: weights must have a positive sum");
    const double target = uniform() * total;
    double cumulative = 0.0;
    size_t last_positive = 0;
    for (size_t i = 0; i < n; ++i) {
      if (weights[i] == 0.0)
        continue; // never pick a zero weight, even when target == cumulative
      cumulative += weights[i];
      last_positive = i;
      if (target < cumulative)
        return i;
    }
    return last_positive; // target rounded to >= the summed total: take the last candidate
  }

  size_t categorical(const std::vector<double> &weights) {
    return categorical(weights.data(), weights.size());
  }

  // Fisher-Yates with below(), so the permutation is the same everywhere (std::shuffle's is
  // not). Needs random-access iterators.
  template <class It> void shuffle(It first, It last) {
    using Diff = typename std::iterator_traits<It>::difference_type;
    const Diff n = last - first;
    for (Diff i = n - 1; i > 0; --i) {
      const Diff j = static_cast<Diff>(below(static_cast<uint64_t>(i) + 1));
      std::iter_swap(first + i, first + j);
    }
  }

  // The full state as one line of text, for strategy snapshots:
  //   "nas-rng/1 <s0> <s1> <s2> <s3> <spare>"
  // each s as 16 hex digits; <spare> is "-" when no normal is cached, else the cached
  // double's IEEE 754 bits as 16 hex digits (exact, unlike a decimal rendering).
  std::string save() const {
    std::string out = "nas-rng/1";
    for (uint64_t w : s_)
      out += ' ' + detail::to_hex(w);
    out += ' ';
    if (has_spare_) {
      uint64_t bits;
      std::memcpy(&bits, &spare_, sizeof bits);
      out += detail::to_hex(bits);
    } else {
      out += '-';
    }
    return out;
  }

  // Restores a state written by save(). Throws std::invalid_argument on anything malformed
  // (and on the all-zero state), leaving this generator unchanged.
  void load(std::string_view text) {
    const auto fail = [&](const char *why) {
      throw std::invalid_argument(std::string("nas::Rng::load: ") + why + ": \"" +
                                  std::string(text) + "\"");
    };
    std::vector<std::string_view> fields;
    size_t pos = 0;
    while (pos <= text.size()) {
      const size_t space = text.find(' ', pos);
      const size_t end = space == std::string_view::npos ? text.size() : space;
      fields.push_back(text.substr(pos, end - pos));
      pos = end + 1;
    }
    if (fields.size() != 6 || fields[0] != "nas-rng/1")
      fail("expected \"nas-rng/1\" and five fields separated by single spaces");
    std::array<uint64_t, 4> s{};
    for (size_t i = 0; i < 4; ++i)
      if (!detail::from_hex(fields[i + 1], s[i]))
        fail("expected 16 hex digits per state word");
    if ((s[0] | s[1] | s[2] | s[3]) == 0)
      fail("the all-zero state is not a valid xoshiro256** state");
    bool has_spare = false;
    double spare = 0.0;
    if (fields[5] != "-") {
      uint64_t bits;
      if (!detail::from_hex(fields[5], bits))
        fail("expected \"-\" or 16 hex digits for the cached normal");
      std::memcpy(&spare, &bits, sizeof spare);
      if (!std::isfinite(spare))
        fail("the cached normal is not finite");
      has_spare = true;
    }
    s_ = s;
    has_spare_ = has_spare;
    spare_ = has_spare ? spare : 0.0;
  }

  // Equal when both will produce the same numbers from now on (state and cached normal).
  friend bool operator==(const Rng &a, const Rng &b) {
    return a.s_ == b.s_ && a.has_spare_ == b.has_spare_ && (!a.has_spare_ || a.spare_ == b.spare_);
  }
  friend bool operator!=(const Rng &a, const Rng &b) { return !(a == b); }

  // Deliberately no operator()/result_type: that would make Rng a UniformRandomBitGenerator
  // and invite std::uniform_int_distribution or std::shuffle, whose output is not portable.

private:
  std::array<uint64_t, 4> s_{};
  bool has_spare_ = false;
  double spare_ = 0.0; // meaningful only when has_spare_
};

} // namespace nas
