// nas/data/dataset.hpp: a dataset by name, its train and test sets and the statistics to
// normalize by.
#pragma once

#include <string>
#include <vector>

#include "nas/data/image_set.hpp"

namespace nas::data {

// Where Debian's dataset-fashion-mnist package installs its files.
inline constexpr const char *kFashionMnistRoot = "/usr/share/datasets/fashion-mnist";

struct Dataset {
  std::string name;
  ImageSet train; // the full training set; split it with split_indices (nas/data/split.hpp)
  ImageSet test;  // kept apart: never part of a search's train or validation data
  ChannelStats stats; // per channel, on pixel / 255, computed from `train`
};

// The names load_dataset knows, for error messages and docs.
const std::vector<std::string> &dataset_names();

// name: "fashion-mnist" (root defaults to kFashionMnistRoot), "mnist" or "cifar10" (root
// required). IDX files are looked up as <root>/<stem>.gz, then <root>/<stem>, with stems
// train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
// t10k-labels-idx1-ubyte; CIFAR-10 as in cifar10_files(root). MNIST-style sets must be
// 28x28. Throws std::invalid_argument for an unknown name or a missing root, DataError for
// missing or bad files.
Dataset load_dataset(const std::string &name, const std::string &root = "");

} // namespace nas::data
