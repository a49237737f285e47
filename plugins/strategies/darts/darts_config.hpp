// The config of nas.strategy.darts, read and checked once at create (torch-free).
#pragma once

#include "../../common/training/data_config.hpp"

#include <nas/plugin.hpp>

#include <cstdint>
#include <string>

namespace nas::darts_search {

enum class Order { first, second };

struct DartsConfig {
  training::DataConfig data; // weight steps on train_images, alpha steps on valid_images
  int64_t epochs = 10;
  int64_t batch_size = 64;
  double lr = 0.025;      // weights: SGD, cosine from lr down to lr_min
  double lr_min = 0.001;
  double momentum = 0.9;
  double weight_decay = 3e-4;
  double grad_clip = 5;   // max gradient norm of the weights; 0 = none
  double alpha_lr = 3e-4; // architecture parameters: Adam, betas (0.5, 0.999)
  double alpha_weight_decay = 1e-3;
  Order order = Order::first;
  int64_t skip_cap = -1;      // at most this many skip_connect per derived cell; -1 = no cap
  int64_t stop_at_skips = 0;  // end the search once a derived cell has this many; 0 = never
  bool allow_none = false;    // decisions form: `none` may win an edge
  int64_t threads = 0;        // 0 = NAS_NUM_THREADS, else torch's default
  std::string device = "cpu"; // cpu, cuda or auto
};

// Throws ConfigError naming the key at fault. `config_dir` resolves a relative data_root.
DartsConfig read_darts_config(const Config &config, const std::string &config_dir);

// The descriptor's config JSON.
const char *darts_config_schema();

} // namespace nas::darts_search
