#include "nas/data/cifar10.hpp"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "nas/data/error.hpp"

namespace nas::data {

namespace fs = std::filesystem;

ImageSet read_cifar10_batch(const std::string &path) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (!fs::exists(status))
    throw DataError(path, "no such file (expected a CIFAR-10 binary batch)");
  if (!fs::is_regular_file(status))
    throw DataError(path, "expected a file, found something else (a folder?)");
  const auto size = static_cast<int64_t>(fs::file_size(path, ec));
  if (ec)
    throw DataError(path, "cannot read its size: " + ec.message());
  if (size == 0 || size % kCifar10RecordBytes != 0)
    throw DataError(path, "expected a positive multiple of " + std::to_string(kCifar10RecordBytes) +
                              " bytes (1 label + 3072 pixels per image), found " +
                              std::to_string(size));

  std::vector<uint8_t> raw(static_cast<size_t>(size));
  std::ifstream in(path, std::ios::binary);
  if (!in.read(reinterpret_cast<char *>(raw.data()), size))
    throw DataError(path, "expected " + std::to_string(size) + " bytes, could read " +
                              std::to_string(in.gcount()));

  ImageSet set;
  set.count = size / kCifar10RecordBytes;
  set.channels = 3;
  set.height = 32;
  set.width = 32;
  set.num_classes = 10;
  set.labels.resize(static_cast<size_t>(set.count));
  set.pixels.resize(static_cast<size_t>(set.count * set.image_size()));
  for (int64_t i = 0; i < set.count; ++i) {
    const uint8_t *record = raw.data() + i * kCifar10RecordBytes;
    if (record[0] > 9)
      throw DataError(path, "label of image " + std::to_string(i) + " is " +
                                std::to_string(record[0]) + ", expected 0..9");
    set.labels[static_cast<size_t>(i)] = record[0];
    std::memcpy(set.pixels.data() + i * set.image_size(), record + 1,
                static_cast<size_t>(set.image_size())); // records are already CHW
  }
  return set;
}

ImageSet read_cifar10_batches(const std::vector<std::string> &paths) {
  if (paths.empty())
    throw std::invalid_argument("read_cifar10_batches: no files given");
  ImageSet all = read_cifar10_batch(paths[0]);
  for (size_t f = 1; f < paths.size(); ++f) {
    ImageSet more = read_cifar10_batch(paths[f]);
    all.pixels.insert(all.pixels.end(), more.pixels.begin(), more.pixels.end());
    all.labels.insert(all.labels.end(), more.labels.begin(), more.labels.end());
    all.count += more.count;
  }
  return all;
}

Cifar10Files cifar10_files(const std::string &folder) {
  fs::path dir = folder;
  const fs::path unpacked = dir / "cifar-10-batches-bin";
  if (!fs::exists(dir / "data_batch_1.bin") && fs::exists(unpacked / "data_batch_1.bin"))
    dir = unpacked;
  Cifar10Files files;
  for (int b = 1; b <= 5; ++b)
    files.train.push_back((dir / ("data_batch_" + std::to_string(b) + ".bin")).string());
  files.test = (dir / "test_batch.bin").string();
  return files;
}

} // namespace nas::data
