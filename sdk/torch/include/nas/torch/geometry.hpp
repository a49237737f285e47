// nas/torch/geometry.hpp: the shape rules of the network IR (sdk/IR.md), torch-free.
//
// The builder follows these to size every module before it exists; a Python trainer or a
// FLOP estimate can follow the same rules without torch.
#pragma once

#include <nas/ir.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace nas::torch {

// Spatial size after an op with this stride: every standard op pads so that the output is
// ceil(size / stride) (a 3x3 conv with padding 1, a factorized reduce, a 3x3 pool, ...).
inline int strided_size(int size, int stride) { return (size + stride - 1) / stride; }

// Which block outputs feed a cell with `inputs` input nodes when `available` (>= 1) outputs
// exist, oldest first: node inputs-1 gets the newest, node inputs-2 the one before, and the
// earliest output fills in where the chain is too short. Returns one index per input node.
inline std::vector<int> cell_input_sources(int inputs, int available) {
  std::vector<int> sources(static_cast<size_t>(inputs));
  for (int node = 0; node < inputs; ++node)
    sources[static_cast<size_t>(node)] = std::max(0, available - inputs + node);
  return sources;
}

// How a cell input is brought to the cell's width and the newest input's resolution.
enum class InputAdapter {
  none,              // already matches
  conv1x1,           // ReLU, conv 1x1, BN: only the channels differ
  factorized_reduce, // the input has twice the resolution (ceil(size / 2) == target)
};

// Picks the adapter for an input of shape `from` into a cell of width `channels` whose newest
// input has resolution height x width. Throws ir::Error at `path` when none fits.
inline InputAdapter choose_input_adapter(const ir::Shape &from, int channels, int height,
                                         int width, const std::string &path) {
  if (from.height == height && from.width == width)
    return from.channels == channels ? InputAdapter::none : InputAdapter::conv1x1;
  if (strided_size(from.height, 2) == height && strided_size(from.width, 2) == width)
    return InputAdapter::factorized_reduce;
  throw ir::Error(path, "cannot adapt a cell input of " + std::to_string(from.height) + "x" +
                            std::to_string(from.width) + " to the newest input's " +
                            std::to_string(height) + "x" + std::to_string(width) +
                            " (expected the same or twice the resolution)");
}

} // namespace nas::torch
