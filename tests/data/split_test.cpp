// Seeded train/validation splits: deterministic per seed, disjoint, covering, and subsets
// that are prefixes.
#include <algorithm>
#include <numeric>
#include <set>

#include <gtest/gtest.h>

#include "nas/data/split.hpp"

using namespace nas::data;

TEST(Split, DefaultSplitOfSixtyThousandIsDisjointAndCoversAll) {
  const Split split = split_indices(60000, kDefaultValidCount, 7);
  EXPECT_EQ(split.train.size(), 50000u);
  EXPECT_EQ(split.valid.size(), 10000u);
  std::vector<int64_t> all = split.train;
  all.insert(all.end(), split.valid.begin(), split.valid.end());
  std::sort(all.begin(), all.end());
  std::vector<int64_t> expected(60000);
  std::iota(expected.begin(), expected.end(), int64_t{0});
  EXPECT_EQ(all, expected) << "each index exactly once across train and valid";
  // Shuffled, not the first 10,000 images: validation draws from the whole range.
  EXPECT_GT(*std::max_element(split.valid.begin(), split.valid.end()), 50000);
  EXPECT_LT(*std::min_element(split.valid.begin(), split.valid.end()), 10000);
}

TEST(Split, SameSeedSameSplitOtherSeedOtherSplit) {
  const Split a = split_indices(60000, 10000, 42), b = split_indices(60000, 10000, 42);
  EXPECT_EQ(a.train, b.train);
  EXPECT_EQ(a.valid, b.valid);
  const Split c = split_indices(60000, 10000, 43);
  EXPECT_NE(a.valid, c.valid);
  // Different seeds pick mostly different validation images (random overlap is ~1/6).
  const std::set<int64_t> va(a.valid.begin(), a.valid.end());
  const auto common = std::count_if(c.valid.begin(), c.valid.end(),
                                    [&](int64_t i) { return va.count(i) > 0; });
  EXPECT_LT(common, 2500);
}

TEST(Split, SubsetTakesTheFirstKOfEach) {
  const Split split = split_indices(60000, 10000, 1);
  const Split small = split.subset(10000, 5000);
  ASSERT_EQ(small.train.size(), 10000u);
  ASSERT_EQ(small.valid.size(), 5000u);
  EXPECT_TRUE(std::equal(small.train.begin(), small.train.end(), split.train.begin()));
  EXPECT_TRUE(std::equal(small.valid.begin(), small.valid.end(), split.valid.begin()));
  // A limit above the size keeps everything; a smaller subset sits inside a larger one.
  const Split all = split.subset(1000000, 1000000);
  EXPECT_EQ(all.train, split.train);
  EXPECT_EQ(all.valid, split.valid);
  const Split tiny = split.subset(100, 50);
  EXPECT_TRUE(std::equal(tiny.train.begin(), tiny.train.end(), small.train.begin()));
  EXPECT_THROW(split.subset(-1, 10), std::invalid_argument);
}

TEST(Split, InvalidSizesAreErrors) {
  EXPECT_THROW(split_indices(100, 101, 0), std::invalid_argument);
  EXPECT_THROW(split_indices(100, -1, 0), std::invalid_argument);
  EXPECT_THROW(split_indices(-5, 0, 0), std::invalid_argument);
  const Split none = split_indices(100, 0, 0);
  EXPECT_EQ(none.train.size(), 100u);
  EXPECT_TRUE(none.valid.empty());
}
