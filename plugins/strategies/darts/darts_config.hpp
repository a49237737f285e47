// The config of nas.strategy.darts, read and checked once at create (torch-free).
#pragma once

#include "../../common/oneshot/weight_training.hpp"
#include "../../common/training/data_config.hpp"

#include <nas/plugin.hpp>

#include <cstdint>
#include <string>

namespace nas::darts_search {

enum class Order { first, second };

// The weights' training (epochs, batch size, SGD, threads, device) as nas.strategy.supernet
// has it, and the architecture parameters'.
struct DartsConfig : oneshot::WeightTraining {
  training::DataConfig data; // weight steps on train_images, alpha steps on valid_images
  double alpha_lr = 3e-4;    // architecture parameters: Adam, betas (0.5, 0.999)
  double alpha_weight_decay = 1e-3;
  Order order = Order::first;
  int64_t skip_cap = -1;      // at most this many skip_connect per derived cell; -1 = no cap
  int64_t stop_at_skips = 0;  // end the search once a derived cell has this many; 0 = never
  bool allow_none = false;    // decisions form: `none` may win an edge
};

// Throws ConfigError naming the key at fault. `config_dir` resolves a relative data_root.
DartsConfig read_darts_config(const Config &config, const std::string &config_dir);

// The descriptor's config JSON.
const char *darts_config_schema();

} // namespace nas::darts_search
