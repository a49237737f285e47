// nas/data/idx.hpp: the IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/).
//
// Images: magic 0x00000803 (unsigned bytes, 3 dimensions), then count, rows, cols as
// big-endian uint32, then count * rows * cols pixel bytes. Labels: magic 0x00000801, count,
// then count label bytes. Files may be gzipped (read through zlib straight from the file, no
// unpacked copy) or plain; zlib tells them apart by content, not by name.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nas/data/image_set.hpp"

namespace nas::data {

inline constexpr uint32_t kIdxImagesMagic = 0x00000803;
inline constexpr uint32_t kIdxLabelsMagic = 0x00000801;

struct IdxImages {
  int64_t count = 0, rows = 0, cols = 0;
  std::vector<uint8_t> pixels; // count * rows * cols, row-major
};

// Each throws DataError naming `path` on a missing file, wrong magic, a zero or implausible
// dimension, a truncated body or bytes after the body.
IdxImages read_idx_images(const std::string &path);
std::vector<uint8_t> read_idx_labels(const std::string &path);

// Both files as one single-channel ImageSet. Also throws DataError when the counts differ
// (naming both paths) or a label is outside [0, num_classes) (naming the labels path and
// the first bad record).
ImageSet read_idx(const std::string &images_path, const std::string &labels_path,
                  int num_classes = 10);

} // namespace nas::data
