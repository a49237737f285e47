// What a trained supernet leaves in its stage's folder (RUN_DIR/stages/<stage>), written by
// nas.strategy.supernet and read by nas.evaluator.shared_weights: the file names and the
// data settings file, supernet.json (torch-free).
#pragma once

#include "../training/data_config.hpp"

#include <cstdint>
#include <string>

namespace nas::oneshot {

inline constexpr const char *kWeightsFile = "supernet.pt";     // save_weights of the supernet
inline constexpr const char *kIrFile = "supernet_ir.json";     // the supernet IR it trained
inline constexpr const char *kSettingsFile = "supernet.json";  // SupernetSettings
inline constexpr const char *kCheckpointFile = "checkpoint.pt"; // weights, optimizer, epoch

// The data a supernet was trained on and the seed of its stage: a scorer recalibrates batch
// norm on the same training split.
struct SupernetSettings {
  training::DataConfig data; // dataset, data_root, split_seed, train_images, valid_images
  uint64_t seed = 0;         // the stage's trial seed
};

// Writes `text` to `path` through `path`.tmp and a rename; throws nas::Failed naming it.
void write_text_atomically(const std::string &path, const std::string &text);

void write_settings(const std::string &folder, const SupernetSettings &settings);

// Throws nas::Failed naming the file (and the key) when it is missing or malformed.
SupernetSettings read_settings(const std::string &folder);

// The first of supernet.pt, supernet_ir.json and supernet.json missing from `folder`; ""
// when all three are there.
std::string missing_supernet_file(const std::string &folder);

} // namespace nas::oneshot
