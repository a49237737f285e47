// nas/torch/training.hpp: what every LibTorch trainer of this project shares: data as
// tensors, augmentation, accuracy, latency, the device, the thread budget and the cosine
// rate. Used by the training evaluator and the one-shot strategies alike.
#pragma once

#include <nas/data/image_set.hpp>
#include <nas/ir.hpp>
#include <nas/random.hpp>
#include <nas/torch/export.hpp>
#include <nas/torch/network.hpp>
#include <nas/torch/runtime.hpp>

#include <torch/torch.h>

#include <functional>

namespace nas::torch {

// The first `count` images as float [count, C, H, W], (pixel / 255 - mean) / std per channel.
NAS_TORCH_API ::torch::Tensor images_tensor(const data::ImageSet &set, int64_t count,
                                            const data::ChannelStats &stats);
// The first `count` labels as int64 [count].
NAS_TORCH_API ::torch::Tensor labels_tensor(const data::ImageSet &set, int64_t count);

// Random crop with zero padding of 2 and horizontal flip, each image drawn from `rng`.
NAS_TORCH_API ::torch::Tensor augment_batch(const ::torch::Tensor &batch, Rng &rng);

using Forward = std::function<::torch::Tensor(const ::torch::Tensor &)>;

// Top-1 accuracy in percent of `forward` (logits of a batch), with `module` in eval mode and
// no gradients, batches of `batch` images moved to `device`. The module's mode is restored.
NAS_TORCH_API double accuracy(::torch::nn::Module &module, const Forward &forward,
                              const ::torch::Tensor &images, const ::torch::Tensor &labels,
                              const ::torch::Device &device, int64_t batch = 500);
NAS_TORCH_API double accuracy(NetworkImpl &net, const ::torch::Tensor &images,
                              const ::torch::Tensor &labels, const ::torch::Device &device,
                              int64_t batch = 500);

// Median wall time in milliseconds of `runs` batch-1 forwards (after `warmup` more) on the
// module's current device, in eval mode without gradients.
NAS_TORCH_API double median_latency_ms(NetworkImpl &net, const ir::Shape &input, int runs = 20,
                                       int warmup = 5);

// "cpu", "cuda" or "auto" (cuda where this libtorch sees a device).
NAS_TORCH_API ::torch::Device pick_device(const std::string &choice);
NAS_TORCH_API void set_rate(::torch::optim::Optimizer &optimizer, double lr);

} // namespace nas::torch
