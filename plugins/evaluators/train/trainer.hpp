// One trial's training, behind a torch-free interface: the plugin class and its config code
// never include torch (only trainer.cpp, tensors.cpp and checkpoint.cpp do).
#pragma once

#include "train_config.hpp"
#include "../../common/training/training_data.hpp"

#include <nas/ir.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace nas::train {

struct TrialPlan {
  const TrainConfig *config = nullptr;
  const ir::Network *network = nullptr;
  const training::TrainingData *data = nullptr;
  int64_t train_count = 0; // the first train_count images of data->train
  int64_t epochs = 1;      // this trial's total, counting those of a resumed checkpoint
  uint64_t seed = 0;
  int threads = 1;
  std::string artifact_dir; // "" = write no files
  std::string resume_from;  // "" or the artifact folder of an earlier trial of this network
  std::function<void(int64_t epoch, const std::string &json)> report;
  std::function<bool()> should_stop; // end early, return what was measured
  std::function<bool()> cancelled;   // abandon: throws NAS_ERR_CANCELLED
};

struct TrialOutcome {
  double valid_accuracy = 0;           // percent, after the last epoch
  std::optional<double> train_loss;    // mean of the last epoch's batches
  std::optional<double> test_accuracy; // when config->test
  std::optional<double> latency_ms;    // when config->latency
  int64_t params = 0, macs = 0;
  int64_t epochs = 0;         // epochs the weights have seen, resumed ones included
  int64_t resumed_epochs = 0; // of those, from the checkpoint of resume_from
  double train_seconds = 0;   // this trial's training and validation time
  bool stopped_early = false; // should_stop ended it
  std::string device;         // "cpu" or "cuda"
};

// Builds, trains, validates, measures and (with an artifact folder) saves weights.pt and
// checkpoint.pt. Throws nas::Failed when training diverges or a checkpoint cannot be used,
// nas::Error(NAS_ERR_CANCELLED) when cancelled.
TrialOutcome run_trial(const TrialPlan &plan);

} // namespace nas::train
