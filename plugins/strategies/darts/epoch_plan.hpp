// Which images each step of a DARTS epoch uses (torch-free, no ABI: tests compile it).
#pragma once

#include <cstdint>
#include <vector>

namespace nas::darts_search {

// The weight steps' and the alpha steps' batches of one epoch, as indices into the training
// and the validation images: every training image once in a seeded order, each with a
// validation batch drawn in a seeded order (cycled when the validation images run out).
struct EpochBatches {
  std::vector<std::vector<int64_t>> train, valid; // one entry per step
};
EpochBatches plan_epoch(int64_t train_count, int64_t valid_count, int64_t batch, uint64_t seed,
                        int64_t epoch);

} // namespace nas::darts_search
