// The config of nas.evaluator.train, read and checked once at create (torch-free).
#pragma once

#include "../../common/training/data_config.hpp"

#include <nas/plugin.hpp>

#include <cstdint>
#include <string>

namespace nas::train {

enum class FidelityScales { epochs, epochs_and_data };
enum class OptimizerKind { sgd, adam };
enum class Schedule { cosine, constant };
enum class DeviceChoice { cpu, cuda, automatic };

struct TrainConfig {
  training::DataConfig data; // dataset, data_root, train_images, valid_images, split_seed, test
  int64_t epochs = 1;           // at fidelity 1
  FidelityScales fidelity_scales = FidelityScales::epochs;
  int64_t batch_size = 64;
  OptimizerKind optimizer = OptimizerKind::sgd;
  double lr = 0.05;
  double momentum = 0.9;
  bool nesterov = false;
  double weight_decay = 5e-4;
  double label_smoothing = 0;
  Schedule schedule = Schedule::cosine;
  double grad_clip = 5; // max global gradient norm; 0 = no clipping
  int64_t threads = 0;  // 0 = NAS_NUM_THREADS (what the host gives the worker), else torch's
  DeviceChoice device = DeviceChoice::cpu;
  bool latency = true;  // measure latency_ms
  bool augment = false; // random crop (pad 2) and horizontal flip of training images
};

// Throws ConfigError naming the key at fault. `config_dir` resolves a relative data_root.
TrainConfig read_train_config(const Config &config, const std::string &config_dir);

// The descriptor's config JSON (each key with type, default and help).
const char *train_config_schema();

// Epochs of a trial at `fidelity`: max(1, round(epochs * fidelity)).
int64_t epochs_at(const TrainConfig &config, double fidelity);
// Training images of a trial at `fidelity` (scaled only with fidelity_scales =
// "epochs_and_data"; at least one batch).
int64_t train_images_at(const TrainConfig &config, double fidelity);

} // namespace nas::train
