// Tests for nas/random.hpp: reference vectors, pinned outputs and statistical properties.
// Every statistical test uses a fixed seed, so it is deterministic; the bounds are loose
// enough that a correct generator passes them for any seed.
#include <nas/random.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

// Pearson's chi-square statistic of observed counts against equal expected counts.
double chi_square_uniform(const std::vector<long> &counts) {
  const double total = std::accumulate(counts.begin(), counts.end(), 0.0);
  const double expected = total / static_cast<double>(counts.size());
  double chi2 = 0.0;
  for (long c : counts)
    chi2 += (static_cast<double>(c) - expected) * (static_cast<double>(c) - expected) / expected;
  return chi2;
}

} // namespace

// --- Reference algorithms -------------------------------------------------------------------

TEST(RandomReference, SplitMix64MatchesPublishedOutputForSeedZero) {
  uint64_t state = 0;
  EXPECT_EQ(nas::detail::splitmix64(state), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(nas::detail::splitmix64(state), 0x6e789e6aa1b965f4ULL);
  EXPECT_EQ(nas::detail::splitmix64(state), 0x06c45d188009454fULL);
  EXPECT_EQ(nas::detail::splitmix64(state), 0xf88bb8a8724c81ecULL);
}

TEST(RandomReference, SeedingFillsStateWithSplitMix64Outputs) {
  // The saved state of Rng(0) is exactly the first four SplitMix64 outputs from 0.
  EXPECT_EQ(nas::Rng(0).save(),
            "nas-rng/1 e220a8397b1dcdaf 6e789e6aa1b965f4 06c45d188009454f f88bb8a8724c81ec -");
}

TEST(RandomReference, Xoshiro256StarStarMatchesReferenceFromState1234) {
  // The reference implementation's outputs from state {1, 2, 3, 4}, as published with
  // rust-random's rand_xoshiro (test "reference" of xoshiro256starstar.rs).
  nas::Rng rng;
  rng.load("nas-rng/1 0000000000000001 0000000000000002 0000000000000003 0000000000000004 -");
  const uint64_t expected[] = {11520ULL,
                               0ULL,
                               1509978240ULL,
                               1215971899390074240ULL,
                               1216172134540287360ULL,
                               607988272756665600ULL,
                               16172922978634559625ULL,
                               8476171486693032832ULL,
                               10595114339597558777ULL,
                               2904607092377533576ULL};
  for (uint64_t e : expected)
    EXPECT_EQ(rng.next(), e);
}

TEST(RandomReference, FirstOutputsForSeedZeroArePinned) {
  // xoshiro256** seeded by SplitMix64(0); the same values other implementations publish.
  nas::Rng rng(0);
  EXPECT_EQ(rng.next(), 0x99ec5f36cb75f2b4ULL);
  EXPECT_EQ(rng.next(), 0xbf6e1f784956452aULL);
  EXPECT_EQ(rng.next(), 0x1a5f849d4933e6e0ULL);
  EXPECT_EQ(rng.next(), 0x6aa594f1262d2d2cULL);
}

TEST(RandomReference, DistributionOutputsArePinned) {
  // Computed once from this implementation; a change here changes every plugin's draws.
  nas::Rng rng(42);
  EXPECT_EQ(rng.below(1000), 83u);
  EXPECT_EQ(rng.below(1000), 378u);
  EXPECT_EQ(rng.below(1000), 680u);
  EXPECT_EQ(rng.below(1000), 924u);
  EXPECT_DOUBLE_EQ(rng.uniform(), 0.99180391428210279);
  EXPECT_DOUBLE_EQ(rng.uniform(), 0.76973946043424246);
  // normal() uses std::log, which may differ in the last bit between C libraries.
  EXPECT_NEAR(rng.normal(), 0.46417731016247366, 1e-12);
  EXPECT_NEAR(rng.normal(), 0.74097889168655617, 1e-12);
  EXPECT_NEAR(rng.normal(), 1.4762494610184149, 1e-12);
  EXPECT_EQ(rng.integer(-5, 5), 2);
}

TEST(RandomReference, Mul128IsTheFullProduct) {
  uint64_t hi = 0, lo = 0;
  nas::detail::mul128(~0ULL, ~0ULL, hi, lo);
  EXPECT_EQ(hi, 0xfffffffffffffffeULL);
  EXPECT_EQ(lo, 1u);
  nas::detail::mul128(0x123456789abcdef0ULL, 0x0fedcba987654321ULL, hi, lo);
  EXPECT_EQ(hi, 0x0121fa00ad77d742ULL);
  EXPECT_EQ(lo, 0x2236d88fe5618cf0ULL);
}

// --- Seeds and hashes -----------------------------------------------------------------------

TEST(RandomSeeds, Fnv1aMatchesSpecificationVectors) {
  EXPECT_EQ(nas::detail::fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(nas::detail::fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(nas::detail::fnv1a64("foobar"), 0x85944171f73967e8ULL);
}

TEST(RandomSeeds, HashAndMixArePinned) {
  EXPECT_EQ(nas::hash64(""), 0xf52a15e9a9b5e89bULL);
  EXPECT_EQ(nas::hash64("abc"), 0x0dd490490804b508ULL);
  EXPECT_EQ(nas::hash64("abc"), nas::detail::splitmix64_mix(nas::detail::fnv1a64("abc")));
  EXPECT_EQ(nas::mix_seed(1, 2), 0x081a5c1377856b73ULL);
  EXPECT_EQ(nas::derive_seed(7, "search/strategy"), 0x68fb03615dfb06cdULL);
}

TEST(RandomSeeds, DeriveSeedSeparatesLabelsAndBases) {
  EXPECT_EQ(nas::derive_seed(7, "a"), nas::mix_seed(7, nas::hash64("a")));
  EXPECT_NE(nas::derive_seed(7, "a"), nas::derive_seed(7, "b"));
  EXPECT_NE(nas::derive_seed(7, "a"), nas::derive_seed(8, "a"));
  EXPECT_NE(nas::mix_seed(1, 2), nas::mix_seed(2, 1)); // order matters
  EXPECT_NE(nas::mix_seed(0, 0), 0u);
  static_assert(nas::hash64("x") == nas::hash64("x"), "hash64 is usable at compile time");
}

// --- Generator --------------------------------------------------------------------------------

TEST(Rng, SameSeedSameSequenceDifferentSeedDifferent) {
  nas::Rng a(123), b(123), c(124);
  int differ = 0;
  for (int i = 0; i < 1000; ++i) {
    const uint64_t x = a.next();
    EXPECT_EQ(x, b.next());
    differ += x != c.next();
  }
  EXPECT_GT(differ, 990);
}

TEST(Rng, EqualityFollowsState) {
  nas::Rng a(5);
  nas::Rng b = a;
  EXPECT_TRUE(a == b);
  a.next();
  EXPECT_TRUE(a != b);
  b.next();
  EXPECT_TRUE(a == b);
  a.normal(); // a now holds a cached normal, b does not: they differ
  EXPECT_TRUE(a != b);
  nas::Rng c = b;
  c.normal(); // the same draws from the same state: equal again, cache included
  EXPECT_TRUE(a == c);
  b.load(a.save());
  EXPECT_TRUE(a == b);
}

TEST(Rng, BelowStaysInRangeAndRejectsZero) {
  nas::Rng rng(1);
  for (uint64_t n : {1ULL, 2ULL, 3ULL, 7ULL, 1000ULL, (1ULL << 63) + 1, ~0ULL})
    for (int i = 0; i < 2000; ++i)
      ASSERT_LT(rng.below(n), n);
  EXPECT_EQ(rng.below(1), 0u);
  EXPECT_THROW(rng.below(0), std::invalid_argument);
}

TEST(Rng, BelowIsRoughlyUniform) {
  nas::Rng rng(2);
  std::vector<long> counts(10, 0);
  for (int i = 0; i < 100000; ++i)
    ++counts[rng.below(10)];
  // chi-square with 9 degrees of freedom: P(X > 40) is about 5e-6.
  EXPECT_LT(chi_square_uniform(counts), 40.0);
}

TEST(Rng, BelowIsUnbiasedForLargeN) {
  // n = 3 * 2^62: a naive next() % n would give the lowest third twice the weight of the
  // others; the high bits of the result tell the thirds apart.
  const uint64_t n = 3ULL << 62;
  nas::Rng rng(3);
  std::vector<long> counts(3, 0);
  for (int i = 0; i < 100000; ++i) {
    const uint64_t v = rng.below(n);
    ASSERT_LT(v, n);
    ++counts[v >> 62];
  }
  EXPECT_LT(chi_square_uniform(counts), 30.0); // 2 dof: P(X > 30) is about 3e-7
}

TEST(Rng, IntegerIsInclusiveAndHandlesTheFullRange) {
  nas::Rng rng(4);
  std::map<int64_t, long> seen;
  for (int i = 0; i < 10000; ++i) {
    const int64_t v = rng.integer(-3, 3);
    ASSERT_GE(v, -3);
    ASSERT_LE(v, 3);
    ++seen[v];
  }
  EXPECT_EQ(seen.size(), 7u);
  EXPECT_EQ(rng.integer(9, 9), 9);
  const int64_t lo = std::numeric_limits<int64_t>::min(), hi = std::numeric_limits<int64_t>::max();
  bool negative = false, positive = false;
  for (int i = 0; i < 100; ++i) {
    const int64_t v = rng.integer(lo, hi);
    negative |= v < 0;
    positive |= v > 0;
  }
  EXPECT_TRUE(negative && positive);
  for (int i = 0; i < 100; ++i)
    ASSERT_GE(rng.integer(hi - 1, hi), hi - 1);
  EXPECT_THROW(rng.integer(1, 0), std::invalid_argument);
}

TEST(Rng, UniformIsOnThe53BitGridInUnitInterval) {
  nas::Rng rng(5);
  double sum = 0.0;
  for (int i = 0; i < 100000; ++i) {
    const double u = rng.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    const double scaled = u * 0x1.0p53;
    ASSERT_EQ(scaled, std::floor(scaled));
    sum += u;
  }
  EXPECT_NEAR(sum / 100000, 0.5, 0.005);
}

TEST(Rng, UniformRangeStaysInBounds) {
  nas::Rng rng(6);
  for (int i = 0; i < 10000; ++i) {
    const double v = rng.uniform(-2.0, 3.0);
    ASSERT_GE(v, -2.0);
    ASSERT_LT(v, 3.0);
  }
  // A range one ulp wide: rounding would otherwise return b about half the time.
  const double a = 1.0, b = std::nextafter(1.0, 2.0);
  for (int i = 0; i < 1000; ++i)
    ASSERT_EQ(rng.uniform(a, b), a);
  EXPECT_EQ(rng.uniform(4.0, 4.0), 4.0);
  EXPECT_THROW(rng.uniform(1.0, 0.0), std::invalid_argument);
  EXPECT_THROW(rng.uniform(0.0, std::numeric_limits<double>::infinity()), std::invalid_argument);
  EXPECT_THROW(rng.uniform(std::nan(""), 1.0), std::invalid_argument);
}

TEST(Rng, NormalHasMeanZeroAndUnitVariance) {
  nas::Rng rng(7);
  const int n = 200000;
  double sum = 0.0, sum_sq = 0.0;
  long beyond_two = 0;
  for (int i = 0; i < n; ++i) {
    const double x = rng.normal();
    sum += x;
    sum_sq += x * x;
    beyond_two += std::fabs(x) > 2.0;
  }
  const double mean = sum / n;
  EXPECT_NEAR(mean, 0.0, 0.01);                     // standard error 0.0022
  EXPECT_NEAR(sum_sq / n - mean * mean, 1.0, 0.02); // standard error 0.0032
  EXPECT_NEAR(static_cast<double>(beyond_two) / n, 0.0455, 0.003);
}

TEST(Rng, NormalWithParametersScales) {
  nas::Rng a(8), b(8);
  for (int i = 0; i < 10; ++i)
    EXPECT_DOUBLE_EQ(a.normal(10.0, 2.0), 10.0 + 2.0 * b.normal());
  EXPECT_EQ(a.normal(3.0, 0.0), 3.0);
  EXPECT_THROW(a.normal(0.0, -1.0), std::invalid_argument);
}

TEST(Rng, CategoricalFollowsWeights) {
  nas::Rng rng(9);
  const std::vector<double> weights = {1.0, 0.0, 3.0, 6.0};
  std::vector<long> counts(4, 0);
  const int n = 100000;
  for (int i = 0; i < n; ++i)
    ++counts[rng.categorical(weights)];
  EXPECT_EQ(counts[1], 0); // a zero weight is never drawn
  EXPECT_NEAR(static_cast<double>(counts[0]) / n, 0.1, 0.01);
  EXPECT_NEAR(static_cast<double>(counts[2]) / n, 0.3, 0.01);
  EXPECT_NEAR(static_cast<double>(counts[3]) / n, 0.6, 0.01);
}

TEST(Rng, CategoricalNeverPicksAZeroWeight) {
  nas::Rng rng(10);
  const double weights[] = {0.0, 0.0, 1e-300, 0.0};
  for (int i = 0; i < 1000; ++i)
    ASSERT_EQ(rng.categorical(weights, 4), 2u);
}

TEST(Rng, CategoricalRejectsBadWeights) {
  nas::Rng rng(11);
  EXPECT_THROW(rng.categorical(std::vector<double>{}), std::invalid_argument);
  EXPECT_THROW(rng.categorical(std::vector<double>{0.0, 0.0}), std::invalid_argument);
  EXPECT_THROW(rng.categorical(std::vector<double>{1.0, -0.5}), std::invalid_argument);
  EXPECT_THROW(rng.categorical(std::vector<double>{1.0, std::nan("")}), std::invalid_argument);
  EXPECT_THROW(rng.categorical(std::vector<double>{std::numeric_limits<double>::infinity()}),
               std::invalid_argument);
  EXPECT_THROW(rng.categorical(nullptr, 3), std::invalid_argument);
}

TEST(Rng, ShuffleIsAReproduciblePermutation) {
  std::vector<int> a(50), b(50);
  std::iota(a.begin(), a.end(), 0);
  std::iota(b.begin(), b.end(), 0);
  nas::Rng r1(12), r2(12);
  r1.shuffle(a.begin(), a.end());
  r2.shuffle(b.begin(), b.end());
  EXPECT_EQ(a, b);
  std::vector<int> sorted = a;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int> identity(50);
  std::iota(identity.begin(), identity.end(), 0);
  EXPECT_EQ(sorted, identity);
  EXPECT_NE(a, identity);

  std::vector<int> pinned = {0, 1, 2, 3, 4, 5, 6, 7};
  nas::Rng r3(0);
  r3.shuffle(pinned.begin(), pinned.end());
  EXPECT_EQ(pinned, (std::vector<int>{1, 6, 3, 7, 2, 0, 5, 4}));

  std::vector<int> empty;
  r3.shuffle(empty.begin(), empty.end()); // no draws, no crash
  int one[] = {42};
  r3.shuffle(one, one + 1);
  EXPECT_EQ(one[0], 42);
}

TEST(Rng, ShuffleGivesEveryPermutationEqually) {
  nas::Rng rng(13);
  std::map<std::vector<int>, long> seen;
  for (int i = 0; i < 60000; ++i) {
    std::vector<int> v = {0, 1, 2};
    rng.shuffle(v.begin(), v.end());
    ++seen[v];
  }
  ASSERT_EQ(seen.size(), 6u);
  std::vector<long> counts;
  for (const auto &kv : seen)
    counts.push_back(kv.second);
  EXPECT_LT(chi_square_uniform(counts), 30.0); // 5 dof: P(X > 30) is about 1.5e-5
}

// --- Snapshots ------------------------------------------------------------------------------

TEST(RngSnapshot, SaveLoadContinuesIdentically) {
  nas::Rng original(14);
  for (int i = 0; i < 17; ++i)
    original.next();
  nas::Rng restored(999);
  restored.load(original.save());
  EXPECT_TRUE(restored == original);
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(restored.next(), original.next());
    ASSERT_EQ(restored.below(77), original.below(77));
    ASSERT_EQ(restored.uniform(), original.uniform());
  }
}

TEST(RngSnapshot, SaveLoadKeepsTheCachedNormal) {
  nas::Rng original(15);
  original.normal(); // the pair's second value is now cached
  const std::string text = original.save();
  EXPECT_NE(text.back(), '-');
  nas::Rng restored;
  restored.load(text);
  EXPECT_TRUE(restored == original);
  for (int i = 0; i < 11; ++i) // an odd count crosses several cache hits and misses
    ASSERT_EQ(restored.normal(), original.normal());
  EXPECT_EQ(restored.save(), original.save());
}

TEST(RngSnapshot, LoadRejectsMalformedTextAndLeavesStateUnchanged) {
  nas::Rng rng(16);
  const std::string before = rng.save();
  const std::string good_words = "0000000000000001 0000000000000002 0000000000000003 "
                                 "0000000000000004";
  const std::vector<std::string> bad = {
      "",
      "garbage",
      "nas-rng/2 " + good_words + " -",
      "nas-rng/1 " + good_words,              // missing spare
      "nas-rng/1 " + good_words + " - extra", // too many fields
      "nas-rng/1 " + good_words + "  -",      // double space
      "nas-rng/1 000000000000001 0000000000000002 0000000000000003 0000000000000004 -",
      "nas-rng/1 000000000000000g 0000000000000002 0000000000000003 0000000000000004 -",
      "nas-rng/1 0000000000000000 0000000000000000 0000000000000000 0000000000000000 -",
      "nas-rng/1 " + good_words + " 7ff0000000000000", // infinite cached normal
      "nas-rng/1 " + good_words + " xyz",
  };
  for (const auto &text : bad) {
    EXPECT_THROW(rng.load(text), std::invalid_argument) << text;
    EXPECT_EQ(rng.save(), before) << text;
  }
}
