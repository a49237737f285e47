// nas/torch/checkpoint.hpp: weights and checkpoints on disk, never half written.
//
// weights.pt is what torch::save(module) writes: the module's parameters and buffers, so
// torch::load(build_network(ir), "weights.pt") restores it in any process. A checkpoint
// holds "model" (the same), "optimizer" (momentum buffers, Adam's moments, step counts) and
// "epoch" (completed epochs); trainers with more state (a one-shot search's architecture
// parameters and their optimizer) add entries to the same archive. Everything is written to
// a temporary name and renamed, so a killed process never leaves half a file.
//
// A checkpoint may also carry the report its epoch sent (JSON text): a search resumed after a
// kill sends it again, since the kill may have come between the checkpoint and the report
// (or before a worker's report reached the host), and the store replaces a trial's report at
// the same step, so sending it twice is harmless.
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
NAS_TORCH_API void save_checkpoint(const ::torch::nn::Module &module,
                                   const ::torch::optim::Optimizer &optimizer, int64_t epoch,
                                   const std::string &path, const std::string &epoch_report);

// The text entry `key` of an archive ("" when the archive has none: older checkpoints).
NAS_TORCH_API void write_text(::torch::serialize::OutputArchive &archive, const std::string &key,
                              const std::string &text);
NAS_TORCH_API std::string read_text(::torch::serialize::InputArchive &archive,
                                    const std::string &key);

// Loads `path` into `module` and `optimizer` (already built for the same network, on
// `device`) and returns its epoch. Throws nas::Failed naming the file when it is missing or
// does not fit the network.
NAS_TORCH_API int64_t load_checkpoint(::torch::nn::Module &module,
                                      ::torch::optim::Optimizer &optimizer,
                                      const std::string &path, const ::torch::Device &device);
// The same, also reading the epoch's report into `epoch_report` ("" when it has none).
NAS_TORCH_API int64_t load_checkpoint(::torch::nn::Module &module,
                                      ::torch::optim::Optimizer &optimizer,
                                      const std::string &path, const ::torch::Device &device,
                                      std::string &epoch_report);

} // namespace nas::torch
