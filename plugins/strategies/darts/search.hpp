// One DARTS search behind a torch-free interface: the plugin and its config code never
// include torch (only search.cpp and bilevel.cpp do).
#pragma once

#include "darts_config.hpp"
#include "derivation.hpp"
#include "epoch_plan.hpp"

#include "../../common/training/training_data.hpp"

#include <nas/ir.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace nas::darts_search {

struct SearchPlan {
  const DartsConfig *config = nullptr;
  const ir::Network *supernet = nullptr;
  const training::TrainingData *data = nullptr;
  uint64_t seed = 0;
  std::string artifact_dir; // search.pt each epoch, alphas.json at the end ("" = no files)
  std::string resume_from;  // "" or a folder whose search.pt to continue from
  // After each epoch, with the mixing weights: fills `report` (epoch, losses, accuracy and
  // the groups' weights are in it already) and says whether to stop the search now.
  std::function<bool(int64_t epoch, const std::vector<GroupWeights> &groups,
                     nlohmann::json &report)>
      end_of_epoch;
  std::function<void(int64_t epoch, const std::string &json)> report;
  std::function<void(double done, double total, const std::string &message)> progress;
  std::function<bool()> cancelled; // throws NAS_ERR_CANCELLED between steps
};

struct SearchOutcome {
  std::vector<GroupWeights> groups; // the final mixing weights
  double valid_accuracy = 0;        // the supernet's, mixed, on the validation images
  double train_loss = 0;            // mean over the last epoch's weight steps
  int64_t epochs = 0;               // epochs done in all
  int64_t resumed_from_epoch = 0;   // of those, from the checkpoint
  double seconds = 0;               // this session's search time
  bool stopped_early = false;       // end_of_epoch asked to stop
  std::string device;
};

// Throws nas::Failed when training diverges or a checkpoint cannot be used,
// nas::Error(NAS_ERR_CANCELLED) when cancelled.
SearchOutcome run_search(const SearchPlan &plan);

} // namespace nas::darts_search
