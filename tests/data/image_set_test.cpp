// ImageSet helpers: selecting by index and per-channel statistics.
#include <gtest/gtest.h>

#include "nas/data/image_set.hpp"

using namespace nas::data;

namespace {

// count images of 2 channels, 1x2 pixels; image i has pixels {i, 10+i, 20+i, 30+i}.
ImageSet tiny_set(int64_t count) {
  ImageSet set;
  set.count = count;
  set.channels = 2;
  set.height = 1;
  set.width = 2;
  set.num_classes = 10;
  for (int64_t i = 0; i < count; ++i) {
    for (int p = 0; p < 4; ++p)
      set.pixels.push_back(static_cast<uint8_t>(10 * p + i));
    set.labels.push_back(static_cast<uint8_t>(i % 10));
  }
  return set;
}

} // namespace

TEST(ImageSet, SelectCopiesTheChosenImagesInOrder) {
  const ImageSet set = tiny_set(5);
  const ImageSet picked = select(set, {4, 1, 1});
  EXPECT_EQ(picked.count, 3);
  EXPECT_EQ(picked.channels, 2);
  EXPECT_EQ(picked.labels, (std::vector<uint8_t>{4, 1, 1}));
  EXPECT_EQ(picked.pixels, (std::vector<uint8_t>{4, 14, 24, 34, 1, 11, 21, 31, 1, 11, 21, 31}));
  EXPECT_NO_THROW(check_consistent(picked));
  EXPECT_THROW(select(set, {0, 5}), std::out_of_range);
  EXPECT_THROW(select(set, {-1}), std::out_of_range);
}

TEST(ImageSet, ChannelStatsArePerChannelOnTheUnitScale) {
  ImageSet set;
  set.count = 2;
  set.channels = 2;
  set.height = set.width = 1;
  set.num_classes = 2;
  set.pixels = {0, 51, 255, 51}; // channel 0: {0, 255}; channel 1: {51, 51}
  set.labels = {0, 1};
  const ChannelStats stats = channel_stats(set);
  ASSERT_EQ(stats.mean.size(), 2u);
  EXPECT_FLOAT_EQ(stats.mean[0], 0.5f);
  EXPECT_FLOAT_EQ(stats.std[0], 0.5f);
  EXPECT_FLOAT_EQ(stats.mean[1], 0.2f);
  EXPECT_FLOAT_EQ(stats.std[1], 0.0f);
}

TEST(ImageSet, CheckConsistentCatchesWrongSizesAndLabels) {
  ImageSet set = tiny_set(3);
  set.labels.push_back(0);
  EXPECT_THROW(check_consistent(set), std::invalid_argument);
  set = tiny_set(3);
  set.labels[1] = 10;
  EXPECT_THROW(check_consistent(set), std::invalid_argument);
  set = tiny_set(3);
  set.pixels.pop_back();
  EXPECT_THROW(check_consistent(set), std::invalid_argument);
}
