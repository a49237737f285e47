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
  c.epochs = int_at_least(config, "epochs", c.epochs, 1);
  c.batch_size = int_at_least(config, "batch_size", c.batch_size, 2);
  c.lr = number_in(config, "lr", c.lr, 0, -1, true);
  c.lr_min = number_in(config, "lr_min", c.lr_min, 0, c.lr);
  c.momentum = number_in(config, "momentum", c.momentum, 0, 1);
  c.weight_decay = number_in(config, "weight_decay", c.weight_decay, 0, -1);
  c.grad_clip = number_in(config, "grad_clip", c.grad_clip, 0, -1);
  c.rank_samples = int_at_least(config, "rank_samples", c.rank_samples, 1);
  c.calibration_batches = int_at_least(config, "calibration_batches", c.calibration_batches, 1);
  c.threads = int_at_least(config, "threads", c.threads, 0);
  c.device = std::vector<std::string>{"cpu", "cuda", "auto"}[pick(config, "device",
                                                                   {"cpu", "cuda", "auto"})];
  if (c.device == "cuda" && !nas::torch::cuda_available())
    throw ConfigError("device", "'device' is \"cuda\", but this libtorch sees no CUDA device "
                                "(a CPU-only build, or no GPU); use \"cpu\" or \"auto\"");
  if (c.batch_size > c.data.train_images)
    throw ConfigError("batch_size", "'batch_size' (" + std::to_string(c.batch_size) +
                                        ") is larger than train_images (" +
                                        std::to_string(c.data.train_images) + ")");
  return c;
}

const char *supernet_config_schema() {
  static const std::string schema =
      "{" + training::data_config_schema(5000, 5000) + "," +
      R"j( "epochs": {"type": "int", "default": 10, "help": "supernet training epochs (one )j"
      R"j(pass over train_images each, a uniformly sampled path per batch)"},)j"
      R"j( "batch_size": {"type": "int", "default": 64, "help": "images per step, also per )j"
      R"j(BN calibration batch"},)j"
      R"j( "lr": {"type": "double", "default": 0.025, "help": "SGD rate at the start (cosine )j"
      R"j(down to lr_min)"},)j"
      R"j( "lr_min": {"type": "double", "default": 0.001, "help": "SGD rate at the end"},)j"
      R"j( "momentum": {"type": "double", "default": 0.9, "help": "SGD momentum (not )j"
      R"j(Nesterov)"},)j"
      R"j( "weight_decay": {"type": "double", "default": 0.0003, "help": "L2 on the weights"},)j"
      R"j( "grad_clip": {"type": "double", "default": 5, "help": "max gradient norm; 0: none"},)j"
      R"j( "rank_samples": {"type": "int", "default": 20, "help": "architectures sampled at )j"
      R"j(the end and scored with the shared weights; the best is the stage's result"},)j"
      R"j( "calibration_batches": {"type": "int", "default": 10, "help": "training batches )j"
      R"j(that re-estimate BN statistics before a path is scored"},)j"
      R"j( "threads": {"type": "int", "default": 0, "help": "torch threads; 0: the host's )j"
      R"j(NAS_NUM_THREADS, else torch's default"},)j"
      R"j( "device": {"type": "string", "default": "cpu", "help": "cpu, cuda or auto"}})j";
  return schema.c_str();
}

} // namespace nas::supernet_search
