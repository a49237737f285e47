// The data keys every training plugin shares (dataset, data_root, train_images,
// valid_images, split_seed): read and checked once at create, torch-free.
#pragma once

#include <nas/plugin.hpp>

#include <cstdint>
#include <string>

namespace nas::training {

struct DataConfig {
  std::string dataset = "fashion-mnist";
  std::string data_root;        // "" = the dataset's default folder
  int64_t train_images = 10000; // taken from the fixed split's 50,000 training images
  int64_t valid_images = 5000;  // taken from its 10,000 validation images
  uint64_t split_seed = 0;      // the split every trial shares (not the trial's seed)
  bool test = false;            // also keep the test set
};

// `defaults` gives each key's value when absent; `config_dir` resolves a relative data_root.
DataConfig read_data_config(const Config &config, const std::string &config_dir,
                            DataConfig defaults = {});

// The keys' schema entries for a descriptor's config JSON, without braces, e.g.
//   "{" + data_config_schema(10000, 5000) + ", \"epochs\": {...}}"
std::string data_config_schema(int64_t train_images, int64_t valid_images);

} // namespace nas::training
