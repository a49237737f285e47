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

} // namespace nas::training
