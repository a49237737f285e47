// nas/torch/checkpoint.hpp: weights and checkpoints on disk, never half written.
//
// weights.pt is what torch::save(module) writes: the module's parameters and buffers, so
// torch::load(build_network(ir), "weights.pt") restores it in any process. A checkpoint
// holds "model" (the same), "optimizer" (momentum buffers, Adam's moments, step counts) and
// "epoch" (completed epochs); trainers with more state (a one-shot search's architecture
// parameters and their optimizer) add entries to the same archive. Everything is written to
// a temporary name and renamed, so a killed process never leaves half a file.
#pragma once

#include <nas/torch/export.hpp>

#include <torch/torch.h>

#include <cstdint>
#include <string>

namespace nas::torch {

// Writes `archive` to `path` through `path`.tmp and a rename. Throws nas::Failed naming
// the file.
NAS_TORCH_API void save_archive(::torch::serialize::OutputArchive &archive,
                                const std::string &path);

// Reads `path` onto `device`. Throws nas::Failed naming the file when it is missing
// (`what` says what it should have been) or unreadable.
NAS_TORCH_API ::torch::serialize::InputArchive load_archive(const std::string &path,
                                                            const ::torch::Device &device,
                                                            const std::string &what);

NAS_TORCH_API void save_weights(const ::torch::nn::Module &module, const std::string &path);

NAS_TORCH_API void save_checkpoint(const ::torch::nn::Module &module,
                                   const ::torch::optim::Optimizer &optimizer, int64_t epoch,
                                   const std::string &path);

// Loads `path` into `module` and `optimizer` (already built for the same network, on
// `device`) and returns its epoch. Throws nas::Failed naming the file when it is missing or
// does not fit the network.
NAS_TORCH_API int64_t load_checkpoint(::torch::nn::Module &module,
                                      ::torch::optim::Optimizer &optimizer,
                                      const std::string &path, const ::torch::Device &device);

} // namespace nas::torch
