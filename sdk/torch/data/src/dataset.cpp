#include "nas/data/dataset.hpp"

#include <filesystem>
#include <stdexcept>

#include "nas/data/cifar10.hpp"
#include "nas/data/error.hpp"
#include "nas/data/idx.hpp"

namespace nas::data {

namespace fs = std::filesystem;

namespace {

// <root>/<stem>.gz if present, else <root>/<stem>; neither is an error naming both.
std::string find_idx_file(const std::string &root, const std::string &stem) {
  const fs::path gz = fs::path(root) / (stem + ".gz"), plain = fs::path(root) / stem;
  if (fs::exists(gz))
    return gz.string();
  if (fs::exists(plain))
    return plain.string();
  throw DataError(gz.string(), "no such file (nor " + plain.string() + ")");
}

ImageSet read_idx_pair(const std::string &root, const std::string &prefix) {
  const std::string images = find_idx_file(root, prefix + "-images-idx3-ubyte");
  const std::string labels = find_idx_file(root, prefix + "-labels-idx1-ubyte");
  ImageSet set = read_idx(images, labels, 10);
  if (set.height != 28 || set.width != 28)
    throw DataError(images, "expected 28x28 images, found " + std::to_string(set.height) + "x" +
                                std::to_string(set.width));
  return set;
}

} // namespace

const std::vector<std::string> &dataset_names() {
  static const std::vector<std::string> names = {"fashion-mnist", "mnist", "cifar10"};
  return names;
}

Dataset load_dataset(const std::string &name, const std::string &root) {
  Dataset data;
  data.name = name;
  if (name == "fashion-mnist" || name == "mnist") {
    std::string dir = root;
    if (dir.empty() && name == "fashion-mnist")
      dir = kFashionMnistRoot;
    if (dir.empty())
      throw std::invalid_argument("dataset \"mnist\": expected a root folder holding "
                                  "train-images-idx3-ubyte(.gz) and the other three files");
    data.train = read_idx_pair(dir, "train");
    data.test = read_idx_pair(dir, "t10k");
  } else if (name == "cifar10") {
    if (root.empty())
      throw std::invalid_argument("dataset \"cifar10\": expected a root folder holding "
                                  "data_batch_1.bin .. data_batch_5.bin and test_batch.bin");
    const Cifar10Files files = cifar10_files(root);
    data.train = read_cifar10_batches(files.train);
    data.test = read_cifar10_batch(files.test);
  } else {
    std::string known;
    for (const auto &n : dataset_names())
      known += (known.empty() ? "" : ", ") + n;
    throw std::invalid_argument("unknown dataset \"" + name + "\", expected one of: " + known);
  }
  data.stats = channel_stats(data.train);
  return data;
}

} // namespace nas::data
