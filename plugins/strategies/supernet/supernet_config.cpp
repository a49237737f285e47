#include "supernet_config.hpp"

#include "../../common/training/config_checks.hpp"

#include <nas/torch/runtime.hpp>

namespace nas::supernet_search {

using training::int_at_least;
using training::number_in;
using training::pick;

SupernetConfig read_supernet_config(const Config &config, const std::string &config_dir) {
  SupernetConfig c;
  training::DataConfig defaults;
  defaults.train_images = 5000;
  defaults.valid_images = 5000;
  c.data = training::read_data_config(config, config_dir, defaults);
  static_cast<oneshot::WeightTraining &>(c) = oneshot::read_weight_training(config);
  c.rank_samples = int_at_least(config, "rank_samples", c.rank_samples, 1);
  c.calibration_batches = int_at_least(config, "calibration_batches", c.calibration_batches, 1);
  if (c.batch_size > c.data.train_images)
    throw ConfigError("batch_size", "'batch_size' (" + std::to_string(c.batch_size) +
                                        ") is larger than train_images (" +
                                        std::to_string(c.data.train_images) + ")");
  return c;
}

const char *supernet_config_schema() {
  static const std::string schema =
      "{" + training::data_config_schema(5000, 5000) + "," +
      oneshot::weight_training_schema() + "," +
      R"j( "rank_samples": {"type": "int", "default": 20, "help": "architectures sampled at )j"
      R"j(the end and scored with the shared weights; the best is the stage's result"},)j"
      R"j( "calibration_batches": {"type": "int", "default": 10, "help": "training batches )j"
      R"j(that re-estimate BN statistics before a path is scored"}})j";
  return schema.c_str();
}

} // namespace nas::supernet_search
