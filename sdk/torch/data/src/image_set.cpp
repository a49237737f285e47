#include "nas/data/image_set.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

namespace nas::data {

ImageSet select(const ImageSet &set, const std::vector<int64_t> &indices) {
  ImageSet out;
  out.count = static_cast<int64_t>(indices.size());
  out.channels = set.channels;
  out.height = set.height;
  out.width = set.width;
  out.num_classes = set.num_classes;
  const int64_t size = set.image_size();
  out.pixels.resize(static_cast<size_t>(out.count * size));
  out.labels.resize(indices.size());
  for (size_t k = 0; k < indices.size(); ++k) {
    const int64_t i = indices[k];
    if (i < 0 || i >= set.count)
      throw std::out_of_range("select: index " + std::to_string(i) + " at position " +
                              std::to_string(k) + " is outside 0.." +
                              std::to_string(set.count - 1));
    std::memcpy(out.pixels.data() + static_cast<int64_t>(k) * size, set.image(i),
                static_cast<size_t>(size));
    out.labels[k] = set.labels[static_cast<size_t>(i)];
  }
  return out;
}

ChannelStats channel_stats(const ImageSet &set) {
  ChannelStats stats;
  const int64_t plane = set.height * set.width;
  for (int64_t c = 0; c < set.channels; ++c) {
    // A histogram keeps the sums exact integers whatever the set's size. Four of them,
    // summed at the end: runs of equal pixels (black backgrounds) would otherwise make every
    // increment wait for the previous one to the same counter.
    std::array<std::array<uint64_t, 256>, 4> partial{};
    for (int64_t i = 0; i < set.count; ++i) {
      const uint8_t *p = set.image(i) + c * plane;
      int64_t j = 0;
      for (; j + 4 <= plane; j += 4) {
        ++partial[0][p[j]];
        ++partial[1][p[j + 1]];
        ++partial[2][p[j + 2]];
        ++partial[3][p[j + 3]];
      }
      for (; j < plane; ++j)
        ++partial[0][p[j]];
    }
    std::array<uint64_t, 256> histogram{};
    for (const auto &h : partial)
      for (size_t v = 0; v < 256; ++v)
        histogram[v] += h[v];
    double n = 0, sum = 0, sum_sq = 0;
    for (int v = 0; v < 256; ++v) {
      const double h = static_cast<double>(histogram[static_cast<size_t>(v)]);
      n += h;
      sum += h * v;
      sum_sq += h * v * v;
    }
    const double mean = n > 0 ? sum / n : 0.0;
    const double var = n > 0 ? std::max(0.0, sum_sq / n - mean * mean) : 0.0;
    stats.mean.push_back(static_cast<float>(mean / 255.0));
    stats.std.push_back(static_cast<float>(std::sqrt(var) / 255.0));
  }
  return stats;
}

void check_consistent(const ImageSet &set) {
  if (set.count < 0 || set.channels < 1 || set.height < 1 || set.width < 1)
    throw std::invalid_argument("ImageSet: expected a non-negative count and positive "
                                "channels, height and width");
  if (static_cast<int64_t>(set.pixels.size()) != set.count * set.image_size())
    throw std::invalid_argument("ImageSet: expected " + std::to_string(set.count * set.image_size()) +
                                " pixel bytes, found " + std::to_string(set.pixels.size()));
  if (static_cast<int64_t>(set.labels.size()) != set.count)
    throw std::invalid_argument("ImageSet: expected " + std::to_string(set.count) +
                                " labels, found " + std::to_string(set.labels.size()));
  for (size_t i = 0; i < set.labels.size(); ++i)
    if (set.labels[i] >= set.num_classes)
      throw std::invalid_argument("ImageSet: label " + std::to_string(i) + " is " +
                                  std::to_string(set.labels[i]) + ", expected 0.." +
                                  std::to_string(set.num_classes - 1));
}

} // namespace nas::data
