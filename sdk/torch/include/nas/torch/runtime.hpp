// nas/torch/runtime.hpp: the torch-free part of libnas_torch's training helpers, for files
// that must not include torch (a plugin's config and create code).
#pragma once

#include <nas/torch/export.hpp>

#include <cstdint>
#include <string>

namespace nas::torch {

// Whether this libtorch sees a usable CUDA device.
NAS_TORCH_API bool cuda_available();

// Threads for torch: `configured` when > 0, else the host's budget for this worker
// (NAS_NUM_THREADS, set by the local and MPI engines), else torch's default.
NAS_TORCH_API int thread_budget(int64_t configured);

// The cosine rate at `progress` in [0, 1] of a whole training: lr/2 (1 + cos(pi progress)).
NAS_TORCH_API double cosine_rate(double lr, double progress);

// A loss as text for messages ("nan", "inf", "%g").
NAS_TORCH_API std::string loss_text(double loss);

} // namespace nas::torch
