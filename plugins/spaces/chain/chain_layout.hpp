// The chain space's decisions and what they mean: depth first, then an op and a width per
// layer; canonical form, the exact string and the equivalence key. No ABI here, so unit
// tests compile this file directly.
//
// Decisions (index: name, options):
//   0:        depth      min_depth..max_depth       tags ordinal, depth
//   1 + 2i:   op_<i>     the `ops`                  active_if depth > i (when i >= min_depth)
//   2 + 2i:   width_<i>  the `widths` multipliers   likewise; tag ordinal when ascending
// Layers at or past the depth are inactive: canonical form sets their decisions to 0.
//
// Exact string: the active layers in order, `op@width` joined by '|', e.g.
// "mbconv_e6_k5@1|identity@0.5|sep_conv_3x3@1.5" (depth 3). Widths are written as
// describe() labels them ("%g": 0.5, 1, 1.5).
#ifndef NAS_PLUGINS_SPACES_CHAIN_CHAIN_LAYOUT_HPP
#define NAS_PLUGINS_SPACES_CHAIN_CHAIN_LAYOUT_HPP

#include "chain_spec.hpp"

#include <nas/plugin.hpp>

#include <string>
#include <vector>

namespace nas::chain {

// One searched layer as the network has it.
struct LayerPlan {
  std::string op;
  int channels = 0;
  int stride = 1;
};

class ChainLayout {
public:
  // Checks the spec (nas::ConfigError).
  explicit ChainLayout(ChainSpec spec);
  const ChainSpec &spec() const { return spec_; }

  static constexpr uint32_t kDepthDecision = 0;
  static uint32_t op_decision(int layer) { return 1 + 2 * static_cast<uint32_t>(layer); }
  static uint32_t width_decision(int layer) { return 2 + 2 * static_cast<uint32_t>(layer); }

  uint32_t num_decisions() const { return 1 + 2 * static_cast<uint32_t>(spec_.max_depth); }
  uint32_t num_options(uint32_t decision) const;
  // {"decisions": [...]} as abi.h's describe() specifies.
  std::string describe() const;

  // Throws nas::InvalidArch unless there is one in-range option per decision.
  void check(const Choices &choices) const;
  // The depth the choices pick (checks first).
  int depth(const Choices &choices) const;
  // Zeroes the decisions of inactive layers (checks first).
  void canonicalize(Choices &choices) const;

  // The exact string of the canonical form (inactive decisions do not show).
  std::string format(const Choices &choices) const;
  // The inverse of format, giving the canonical form; anything else is nas::InvalidArch
  // saying what was expected at which position.
  Choices parse(const std::string &text) const;

  // The active layers: op, output channels (channels x 2^reductions so far x the width,
  // rounded, at least 1) and stride (2 where reduce_at says).
  std::vector<LayerPlan> layers(const Choices &choices) const;
  int stage_channels(int layer) const; // the width at multiplier 1
  // stage_channels(layer) x multiplier, rounded to the nearest integer, at least 1.
  int layer_channels(int layer, double multiplier) const;
  int stride(int layer) const;
  int stem_channels() const { return spec_.channels; }

  // Equal exactly when the active layers build the same network once every identity that
  // maps x to x (stride 1, same channels in and out) is dropped. Layers whose multipliers
  // round to the same channel count also meet here. Not a string from_string reads.
  std::string equivalence_key(const Choices &choices) const;

private:
  ChainSpec spec_;
  std::vector<std::string> width_labels_;
};

} // namespace nas::chain

#endif
