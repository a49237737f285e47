// The images a training plugin trains and validates on (torch-free): the dataset is read
// once at create, split by the config's split seed (never a trial's), and sliced to
// train_images / valid_images, so every trial sees the same data.
#pragma once

#include "data_config.hpp"

#include <nas/data/image_set.hpp>
#include <nas/ir.hpp>

#include <string>

namespace nas::training {

struct TrainingData {
  data::ImageSet train;     // train_images images of the split's training part
  data::ImageSet valid;     // valid_images images of its validation part
  data::ImageSet test;      // the dataset's test set, untouched (read only when test = true)
  data::ChannelStats stats; // of the whole training set, to normalize by
};

// Throws ConfigError ("data_root" or "dataset") when the dataset cannot be read.
TrainingData load_training_data(const DataConfig &config);

// The one architecture a trial carries (its network IR) for the evaluator named `evaluator`;
// nas::InvalidArch when there is none, it is not valid, or it is a supernet.
ir::Network architecture_of(const Trial &trial, const std::string &evaluator);

// Throws nas::InvalidArch unless the network's input is the data's image shape and its
// classes the data's (`dataset` names the data in the message).
void check_network_input(const ir::Network &network, const TrainingData &data,
                         const std::string &dataset);

} // namespace nas::training
