// weights.pt and checkpoint.pt (includes torch: only for torch files).
//
// weights.pt is what torch::save(module) writes: the module's parameters and buffers, so
// torch::load(build_network(ir), "weights.pt") restores it in any process. checkpoint.pt
// holds three entries: "model" (the same), "optimizer" (its state: momentum buffers, Adam's
// moments, step counts) and "epoch" (completed epochs). Both are written to a temporary name
// and renamed, so a killed trial never leaves half a file.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>

namespace nas::train {

void save_weights(const ::torch::nn::Module &module, const std::string &path);

void save_checkpoint(const ::torch::nn::Module &module, const ::torch::optim::Optimizer &optimizer,
                     int64_t epoch, const std::string &path);

// Loads `path` into `module` and `optimizer` (already built for the same network, on
// `device`) and returns its epoch. Throws nas::Failed naming the file when it is missing or
// does not fit the network.
int64_t load_checkpoint(::torch::nn::Module &module, ::torch::optim::Optimizer &optimizer,
                        const std::string &path, const ::torch::Device &device);

} // namespace nas::train
