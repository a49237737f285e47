// How one-shot strategies train a supernet's weights (DARTS, single-path training): SGD
// with momentum and weight decay, a cosine rate from lr to lr_min over all epochs, gradient
// clipping, the thread and device choice. Read and checked once at create (torch-free).
#pragma once

#include <nas/plugin.hpp>

#include <cstdint>
#include <string>

namespace nas::oneshot {

struct WeightTraining {
  int64_t epochs = 10;
  int64_t batch_size = 64;
  double lr = 0.025;
  double lr_min = 0.001;
  double momentum = 0.9;
  double weight_decay = 3e-4;
  double grad_clip = 5;       // max gradient norm of the weights; 0 = none
  int64_t threads = 0;        // 0 = NAS_NUM_THREADS, else torch's default
  std::string device = "cpu"; // cpu, cuda or auto

  // The rate at `progress` in [0, 1] of the whole training.
  double rate_at(double progress) const;
};

// Throws ConfigError naming the key at fault (a "cuda" device this libtorch cannot use too).
WeightTraining read_weight_training(const Config &config);

// The keys' schema entries for a descriptor's config JSON, without braces.
std::string weight_training_schema();

// Throws nas::Failed when `loss` is not finite or above 1e4: "<what> diverged at epoch E,
// step S: loss = L".
void check_loss(double loss, const std::string &what, int64_t epoch, int64_t step);

} // namespace nas::oneshot
