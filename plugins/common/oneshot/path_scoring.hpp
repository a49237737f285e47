// Scoring one path of a trained supernet (Li & Talwalkar 2019; Guo et al. 2020, SPOS): the
// shared weights' batch-norm statistics are those of every path mixed, so before a path is
// scored its BN running stats are reset and re-estimated on a few training batches (a plain
// average over them), then it is scored on the validation images. Torch: include only from
// the plugins' torch .cpp files.
#pragma once

#include <nas/torch/supernet.hpp>

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace nas::oneshot {

struct Calibration {
  int64_t batches = 10;    // training batches whose average BN statistics a path gets
  int64_t batch_size = 64;
  uint64_t seed = 0;       // which images: the same for every path scored with this seed
};

// The training-image indices of each calibration batch: a seeded shuffle of [0, count),
// cycled when the batches need more images than there are. Depends only on its arguments,
// so two processes scoring the same path use the same images.
std::vector<std::vector<int64_t>> calibration_batches(int64_t count, const Calibration &c);

// Resets every BatchNorm's running stats, switches it to a cumulative average (momentum
// None) and runs the calibration batches through `path` in train mode without gradients.
// Changes the running stats (and momentum) only; the module's mode is restored.
void recalibrate_batch_norm(nas::torch::SupernetImpl &net, const std::vector<int64_t> &path,
                            const ::torch::Tensor &train_images, const Calibration &c,
                            const ::torch::Device &device);

// recalibrate_batch_norm, then top-1 accuracy (percent) of `path` on the validation images.
double score_path(nas::torch::SupernetImpl &net, const std::vector<int64_t> &path,
                  const ::torch::Tensor &train_images, const ::torch::Tensor &valid_images,
                  const ::torch::Tensor &valid_labels, const Calibration &c,
                  const ::torch::Device &device);

// Every BatchNorm's running stats and momentum, kept to be put back: scoring a path in the
// middle of training must not leave the training's statistics changed.
class BatchNormSnapshot {
public:
  explicit BatchNormSnapshot(::torch::nn::Module &module);
  void restore();

private:
  struct Saved {
    ::torch::nn::BatchNorm2dImpl *bn;
    ::torch::Tensor mean, var, tracked;
    c10::optional<double> momentum;
  };
  std::vector<Saved> saved_;
};

} // namespace nas::oneshot
