#include "chain_spec.hpp"

#include "../common/op_vocabulary.hpp"

#include <nas/plugin.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace nas::chain {

namespace {

constexpr int kMaxDepth = 64; // 129 decisions: beyond any chain worth searching
constexpr double kMaxWidth = 16.0;

std::string element(const char *key, size_t i) {
  return std::string(key) + "[" + std::to_string(i) + "]";
}

} // namespace

std::vector<std::string> width_labels(const std::vector<double> &widths) {
  std::vector<std::string> labels;
  for (double w : widths) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", w);
    labels.emplace_back(text);
  }
  return labels;
}

void check(ChainSpec &spec) {
  if (spec.max_depth < 1 || spec.max_depth > kMaxDepth)
    throw ConfigError("max_depth", "'max_depth' must be in 1.." + std::to_string(kMaxDepth) +
                                       ", got " + std::to_string(spec.max_depth));
  if (spec.min_depth < 1 || spec.min_depth > spec.max_depth)
    throw ConfigError("min_depth", "'min_depth' must be in 1..max_depth (" +
                                       std::to_string(spec.max_depth) + "), got " +
                                       std::to_string(spec.min_depth));
  if (spec.ops.empty())
    throw ConfigError("ops", "'ops' must not be empty");
  for (size_t i = 0; i < spec.ops.size(); ++i) {
    std::string why = spaces::why_not_chain_layer(spec.ops[i]);
    if (!why.empty())
      throw ConfigError(element("ops", i), "'ops': " + why);
    if (std::find(spec.ops.begin(), spec.ops.begin() + i, spec.ops[i]) != spec.ops.begin() + i)
      throw ConfigError(element("ops", i), "'ops' lists '" + spec.ops[i] + "' twice");
  }
  if (spec.widths.empty())
    throw ConfigError("widths", "'widths' must not be empty");
  for (size_t i = 0; i < spec.widths.size(); ++i)
    if (!(spec.widths[i] > 0.0 && spec.widths[i] <= kMaxWidth))
      throw ConfigError(element("widths", i), "'widths' multipliers must be in (0, 16], got " +
                                                  std::to_string(spec.widths[i]));
  const std::vector<std::string> labels = width_labels(spec.widths);
  for (size_t i = 0; i < labels.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (labels[i] == labels[j])
        throw ConfigError(element("widths", i),
                          "'widths' lists " + labels[i] + " twice (to 6 significant digits)");
  std::sort(spec.reduce_at.begin(), spec.reduce_at.end());
  for (size_t i = 0; i < spec.reduce_at.size(); ++i) {
    const int layer = spec.reduce_at[i];
    if (layer < 0 || layer >= spec.max_depth)
      throw ConfigError("reduce_at", "'reduce_at' holds layer indices in 0..max_depth-1 (" +
                                         std::to_string(spec.max_depth - 1) + "), got " +
                                         std::to_string(layer));
    if (i > 0 && spec.reduce_at[i - 1] == layer)
      throw ConfigError("reduce_at", "'reduce_at' lists layer " + std::to_string(layer) + " twice");
  }
  // The widest layer, channels * 2^reductions * the largest multiplier, must fit an int.
  const double widest = spec.channels * std::ldexp(1.0, static_cast<int>(spec.reduce_at.size())) *
                        *std::max_element(spec.widths.begin(), spec.widths.end());
  if (spec.channels < 1 || widest > 1 << 24)
    throw ConfigError("channels", "'channels' must be positive and the widest layer (channels x "
                                  "2^reductions x the largest width) at most 2^24, got " +
                                      std::to_string(spec.channels));
  std::string why = spaces::why_not_chain_layer(spec.stem);
  if (!why.empty())
    throw ConfigError("stem", "'stem': " + why);
  if (spec.head_channels < 0)
    throw ConfigError("head_channels", "'head_channels' must be >= 0 (0: no 1x1 layer), got " +
                                           std::to_string(spec.head_channels));
  if (spec.input_channels < 1)
    throw ConfigError("input_channels", "'input_channels' must be positive");
  if (spec.input_size < 1)
    throw ConfigError("input_size", "'input_size' must be positive");
  if (spec.num_classes < 1)
    throw ConfigError("num_classes", "'num_classes' must be positive");
}

} // namespace nas::chain
