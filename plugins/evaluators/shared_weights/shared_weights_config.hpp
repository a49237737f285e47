// The config of nas.evaluator.shared_weights, read and checked once at create (torch-free).
#pragma once

#include <nas/plugin.hpp>

#include <cstdint>
#include <string>

namespace nas::shared_weights {

struct SharedWeightsConfig {
  std::string folder;               // the trained supernet's folder, resolved
  std::string stage;                // the stage that writes it ("" with checkpoint_dir)
  int64_t calibration_batches = 10; // BN recalibration batches per architecture
  int64_t batch_size = 64;          // images per calibration batch
  int64_t valid_images = 0;         // 0 = the supernet's (supernet.json)
  int64_t threads = 0;              // 0 = NAS_NUM_THREADS, else torch's default
};

// Exactly one of supernet_stage (RUN_DIR/stages/<name>) and checkpoint_dir (relative to
// `config_dir`). Throws ConfigError naming the key at fault.
SharedWeightsConfig read_shared_weights_config(const Config &config, const std::string &run_dir,
                                               const std::string &config_dir);

const char *shared_weights_config_schema();

} // namespace nas::shared_weights
