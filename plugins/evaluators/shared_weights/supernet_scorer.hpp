// A trained supernet loaded read-only from its folder, scoring architectures of its space
// by their path (BN recalibrated, see plugins/common/oneshot/path_scoring.hpp). Torch-free
// header: only supernet_scorer.cpp includes torch.
#pragma once

#include <nas/ir.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace nas::shared_weights {

struct ScorerOptions {
  int64_t calibration_batches = 10;
  int64_t batch_size = 64;
  int64_t valid_images = 0; // 0 = the supernet's
  int64_t threads = 0;
};

class SupernetScorer {
public:
  // Reads supernet.json, supernet_ir.json, supernet.pt and the data they name; writes
  // nothing. Throws nas::Failed naming the file at fault.
  SupernetScorer(const std::string &folder, const ScorerOptions &options);
  ~SupernetScorer();
  SupernetScorer(const SupernetScorer &) = delete;
  SupernetScorer &operator=(const SupernetScorer &) = delete;

  // Throws nas::InvalidArch when the architecture has no path in the supernet.
  // Returns its top-1 accuracy (percent) on the validation images.
  double score(const ir::Network &architecture);

private:
  struct State;
  std::unique_ptr<State> state_;
};

} // namespace nas::shared_weights
