// The images a training plugin trains and validates on (torch-free): the dataset is read
// once at create, split by the config's split seed (never a trial's), and sliced to
// train_images / valid_images, so every trial sees the same data.
#pragma once

#include "data_config.hpp"

#include <nas/data/image_set.hpp>

namespace nas::training {

struct TrainingData {
  data::ImageSet train;     // train_images images of the split's training part
  data::ImageSet valid;     // valid_images images of its validation part
  data::ImageSet test;      // the dataset's test set, untouched (read only when test = true)
  data::ChannelStats stats; // of the whole training set, to normalize by
};

// Throws ConfigError ("data_root" or "dataset") when the dataset cannot be read.
TrainingData load_training_data(const DataConfig &config);

} // namespace nas::training
