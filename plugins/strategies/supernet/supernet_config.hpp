// The config of nas.strategy.supernet, read and checked once at create (torch-free).
#pragma once

#include "../../common/training/data_config.hpp"

#include <nas/plugin.hpp>

#include <cstdint>
#include <string>

namespace nas::supernet_search {

struct SupernetConfig {
  training::DataConfig data; // weights trained on train_images, paths scored on valid_images
  int64_t epochs = 10;
  int64_t batch_size = 64;
  double lr = 0.025; // SGD, cosine from lr down to lr_min over all epochs
  double lr_min = 0.001;
  double momentum = 0.9;
  double weight_decay = 3e-4;
  double grad_clip = 5;             // max gradient norm of the weights; 0 = none
  int64_t rank_samples = 20;        // sampled architectures scored at the end; the best wins
  int64_t calibration_batches = 10; // BN recalibration batches before a path is scored
  int64_t threads = 0;              // 0 = NAS_NUM_THREADS, else torch's default
  std::string device = "cpu";       // cpu, cuda or auto
};

// Throws ConfigError naming the key at fault. `config_dir` resolves a relative data_root.
SupernetConfig read_supernet_config(const Config &config, const std::string &config_dir);

// The descriptor's config JSON.
const char *supernet_config_schema();

} // namespace nas::supernet_search
