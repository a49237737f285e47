// Torch side of the data and of the measurements (includes torch: only for torch files).
#pragma once

#include <nas/data/image_set.hpp>
#include <nas/ir.hpp>
#include <nas/random.hpp>
#include <nas/torch/network.hpp>

#include <torch/torch.h>

namespace nas::train {

// The first `count` images as float [count, C, H, W], (pixel / 255 - mean) / std per channel.
::torch::Tensor images_tensor(const data::ImageSet &set, int64_t count,
                              const data::ChannelStats &stats);
// The first `count` labels as int64 [count].
::torch::Tensor labels_tensor(const data::ImageSet &set, int64_t count);

// Random crop with zero padding of 2 and horizontal flip, each image drawn from `rng`.
::torch::Tensor augment_batch(const ::torch::Tensor &batch, Rng &rng);

// Top-1 accuracy in percent, in eval mode without gradients, batches of `batch` images moved
// to `device`. The module's training mode is restored.
double accuracy(nas::torch::NetworkImpl &net, const ::torch::Tensor &images,
                const ::torch::Tensor &labels, const ::torch::Device &device, int64_t batch = 500);

// Median wall time in milliseconds of `runs` batch-1 forwards (after `warmup` more) on the
// module's current device, in eval mode without gradients.
double median_latency_ms(nas::torch::NetworkImpl &net, const ir::Shape &input, int runs = 20,
                         int warmup = 5);

} // namespace nas::train
