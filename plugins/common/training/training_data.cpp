#include "training_data.hpp"

#include <nas/data/dataset.hpp>
#include <nas/data/split.hpp>

#include <stdexcept>

namespace nas::training {

TrainingData load_training_data(const DataConfig &config) {
  data::Dataset set;
  try {
    set = data::load_dataset(config.dataset, config.data_root);
  } catch (const std::invalid_argument &e) { // an unknown name or a missing root
    throw ConfigError(config.data_root.empty() ? "dataset" : "data_root", e.what());
  } catch (const std::runtime_error &e) { // a missing or damaged file: DataError names it
    throw ConfigError(config.data_root.empty() ? "dataset" : "data_root",
                      "cannot read the " + config.dataset + " data set: " + e.what());
  }
  data::Split split =
      data::split_indices(set.train.count, data::kDefaultValidCount, config.split_seed)
          .subset(config.train_images, config.valid_images);
  if (static_cast<int64_t>(split.train.size()) < config.train_images)
    throw ConfigError("train_images", "'train_images' is " + std::to_string(config.train_images) +
                                          ", but the split has only " +
                                          std::to_string(split.train.size()) + " training images");
  if (static_cast<int64_t>(split.valid.size()) < config.valid_images)
    throw ConfigError("valid_images", "'valid_images' is " + std::to_string(config.valid_images) +
                                          ", but the split has only " +
                                          std::to_string(split.valid.size()) +
                                          " validation images");
  TrainingData out;
  out.train = data::select(set.train, split.train);
  out.valid = data::select(set.train, split.valid);
  if (config.test)
    out.test = std::move(set.test);
  out.stats = set.stats;
  return out;
}

ir::Network architecture_of(const Trial &trial, const std::string &evaluator) {
  if (trial.ir_json.empty())
    throw InvalidArch("the trial carries no network IR (the space gives none): " + evaluator +
                      " needs a space with to_ir");
  ir::Network network;
  try {
    network = ir::read(trial.ir_json);
  } catch (const ir::Error &e) {
    throw InvalidArch(std::string("the trial's network IR is not valid: ") + e.what());
  }
  if (network.supernet)
    throw InvalidArch("the trial's IR is a supernet (options on its edges); " + evaluator +
                      " takes one architecture");
  return network;
}

void check_network_input(const ir::Network &network, const TrainingData &data,
                         const std::string &dataset) {
  const data::ImageSet &set = data.train;
  const ir::Shape &in = network.input;
  if (in.channels != set.channels || in.height != set.height || in.width != set.width)
    throw InvalidArch("the network takes " + std::to_string(in.channels) + "x" +
                      std::to_string(in.height) + "x" + std::to_string(in.width) +
                      " inputs, but " + dataset + " images are " +
                      std::to_string(set.channels) + "x" + std::to_string(set.height) + "x" +
                      std::to_string(set.width) + " (set the space's input_channels and "
                      "input_size)");
  if (network.num_classes != set.num_classes)
    throw InvalidArch("the network has " + std::to_string(network.num_classes) + " classes, " +
                      dataset + " has " + std::to_string(set.num_classes));
}

} // namespace nas::training
