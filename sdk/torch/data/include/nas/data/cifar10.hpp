// nas/data/cifar10.hpp: the binary version of CIFAR-10 (https://www.cs.toronto.edu/~kriz/cifar.html).
//
// Each file is a sequence of 3073-byte records: 1 label byte (0..9), then 3072 pixel bytes,
// 1024 red, 1024 green, 1024 blue, each 32x32 row-major, i.e. already CHW.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nas/data/image_set.hpp"

namespace nas::data {

inline constexpr int64_t kCifar10RecordBytes = 1 + 3 * 32 * 32;

// One batch file. DataError naming the path if it is missing, empty, not a multiple of 3073
// bytes, or has a label above 9.
ImageSet read_cifar10_batch(const std::string &path);

// Several batch files in order, concatenated.
ImageSet read_cifar10_batches(const std::vector<std::string> &paths);

struct Cifar10Files {
  std::vector<std::string> train; // data_batch_1.bin .. data_batch_5.bin
  std::string test;               // test_batch.bin
};

// The file names inside `folder`; if `folder` does not hold data_batch_1.bin but its
// cifar-10-batches-bin/ subfolder (as the archive unpacks) does, that subfolder is used.
Cifar10Files cifar10_files(const std::string &folder);

} // namespace nas::data
