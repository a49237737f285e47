#include "data_config.hpp"

#include "config_checks.hpp"

#include <filesystem>

namespace nas::training {

namespace fs = std::filesystem;

DataConfig read_data_config(const Config &config, const std::string &config_dir,
                            DataConfig defaults) {
  DataConfig c = defaults;
  c.dataset = config.get_string("dataset", c.dataset);
  if (c.dataset.empty())
    throw ConfigError("dataset", "'dataset' is empty; expected \"fashion-mnist\", \"mnist\" or "
                                 "\"cifar10\"");
  c.data_root = config.get_string("data_root", c.data_root);
  if (!c.data_root.empty() && fs::path(c.data_root).is_relative())
    c.data_root = ((config_dir.empty() ? fs::current_path() : fs::path(config_dir)) / c.data_root)
                      .lexically_normal()
                      .string();
  c.train_images = int_at_least(config, "train_images", c.train_images, 1);
  c.valid_images = int_at_least(config, "valid_images", c.valid_images, 1);
  c.split_seed = static_cast<uint64_t>(
      int_at_least(config, "split_seed", static_cast<int64_t>(c.split_seed), 0));
  return c;
}

std::string data_config_schema(int64_t train_images, int64_t valid_images) {
  return R"j("dataset": {"type": "string", "default": "fashion-mnist", "help": "fashion-mnist, )j"
         R"j(mnist or cifar10"},)j"
         R"j( "data_root": {"type": "string", "default": "", "help": "the dataset's folder; empty: )j"
         R"j(/usr/share/datasets/fashion-mnist for fashion-mnist; relative to the pipeline"},)j"
         R"j( "train_images": {"type": "int", "default": )j" +
         std::to_string(train_images) +
         R"j(, "help": "training images, from the split's 50,000 (the same every time)"},)j"
         R"j( "valid_images": {"type": "int", "default": )j" +
         std::to_string(valid_images) +
         R"j(, "help": "validation images, from the split's 10,000"},)j"
         R"j( "split_seed": {"type": "int", "default": 0, "help": "seed of the fixed )j"
         R"j(train/validation split (not the trial's seed)"})j";
}

} // namespace nas::training
