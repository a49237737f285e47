// nas/data/image_set.hpp: a set of 8-bit images with class labels, and what a trainer needs
// from one: picking a subset by index and per-channel statistics to normalize by.
#pragma once

#include <cstdint>
#include <vector>

namespace nas::data {

struct ImageSet {
  int64_t count = 0, channels = 0, height = 0, width = 0;
  std::vector<uint8_t> pixels; // NCHW, count * channels * height * width bytes
  std::vector<uint8_t> labels; // count entries, each in [0, num_classes)
  int num_classes = 0;

  int64_t image_size() const { return channels * height * width; }
  const uint8_t *image(int64_t i) const { return pixels.data() + i * image_size(); }
};

// Per-channel mean and standard deviation of pixels scaled to [0, 1] (pixel / 255).
struct ChannelStats {
  std::vector<float> mean, std;
};

// The images at `indices` (in that order, repeats allowed) as a new set.
// std::out_of_range names the first index outside [0, set.count).
ImageSet select(const ImageSet &set, const std::vector<int64_t> &indices);

// Exact mean and population standard deviation per channel (from a 256-bin histogram).
ChannelStats channel_stats(const ImageSet &set);

// Throws std::invalid_argument if the sizes disagree or a label is out of range; the
// readers' results always pass, this is for sets built by hand.
void check_consistent(const ImageSet &set);

} // namespace nas::data
