// Training a supernet on uniformly sampled single paths, then ranking sampled architectures
// with the shared weights, behind a torch-free interface: only supernet_training.cpp (and the
// shared path_scoring.cpp) include torch.
#pragma once

#include "supernet_config.hpp"

#include "../../common/training/training_data.hpp"

#include <nas/ir.hpp>
#include <nas/plugin.hpp>
#include <nas/random.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace nas::supernet_search {

// One architecture of the space: its canonical choices, its string and its own IR.
struct Sampled {
  Choices choices;
  std::string name;
  ir::Network network;
};

struct TrainingPlan {
  const SupernetConfig *config = nullptr;
  const ir::Network *supernet = nullptr;
  const training::TrainingData *data = nullptr;
  uint64_t seed = 0;
  std::string artifact_dir; // checkpoint.pt each epoch, supernet.pt at the end ("" = none)
  std::string resume_from;  // "" or a folder whose checkpoint.pt to continue from
  std::function<Sampled(Rng &)> sample; // a uniformly drawn architecture of the space
  std::function<void(int64_t epoch, const std::string &json)> report;
  std::function<void(double done, double total, const std::string &message)> progress;
  std::function<bool()> cancelled; // polled per batch: throws NAS_ERR_CANCELLED
};

struct Ranked {
  Sampled architecture;
  double valid_accuracy = 0;
};

struct TrainingOutcome {
  std::vector<Ranked> ranked;     // rank_samples distinct architectures, best first
  double train_loss = 0;          // mean over the last epoch trained (0 when none ran)
  int64_t epochs = 0;             // epochs done in all
  int64_t resumed_from_epoch = 0; // of those, from the checkpoint
  double seconds = 0;             // this session's training and ranking time
};

// Throws nas::Failed when training diverges or the checkpoint does not fit,
// nas::Error(NAS_ERR_CANCELLED) when cancelled.
TrainingOutcome train_and_rank(const TrainingPlan &plan);

} // namespace nas::supernet_search
