// nas/torch/count.hpp: size and cost of an IR network, torch-free to include.
//
// For callers that only need the numbers (an evaluator's `params` and `flops` metrics, a
// constraint): each call builds the network once with libnas_torch and counts on it. The
// conventions are those of count_parameters / count_macs in nas/torch/network.hpp.
#pragma once

#include <nas/ir.hpp>
#include <nas/torch/export.hpp>

#include <cstdint>

namespace nas::torch {

class OpRegistry;

// Parameters of the built network (BN running stats excluded).
NAS_TORCH_API int64_t count_parameters(const ir::Network &network);
NAS_TORCH_API int64_t count_parameters(const ir::Network &network, const OpRegistry &registry);

// Multiply-accumulates of one batch-1 forward at the IR's input size: convolutions and linear
// layers only (BN, pooling, activations, additions count nothing).
NAS_TORCH_API int64_t count_macs(const ir::Network &network);
NAS_TORCH_API int64_t count_macs(const ir::Network &network, const OpRegistry &registry);

} // namespace nas::torch
