// The config of nas.strategy.supernet, read and checked once at create (torch-free).
#pragma once

#include "../../common/oneshot/weight_training.hpp"
#include "../../common/training/data_config.hpp"

#include <nas/plugin.hpp>

#include <cstdint>
#include <string>

namespace nas::supernet_search {

// The weights' training (epochs, batch size, SGD, threads, device) as DARTS has it.
struct SupernetConfig : oneshot::WeightTraining {
  training::DataConfig data; // weights trained on train_images, paths scored on valid_images
  int64_t rank_samples = 20;        // sampled architectures scored at the end; the best wins
  int64_t calibration_batches = 10; // BN recalibration batches before a path is scored
};

// Throws ConfigError naming the key at fault. `config_dir` resolves a relative data_root.
SupernetConfig read_supernet_config(const Config &config, const std::string &config_dir);

// The descriptor's config JSON.
const char *supernet_config_schema();

} // namespace nas::supernet_search
