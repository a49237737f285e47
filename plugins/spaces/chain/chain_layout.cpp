#include "chain_layout.hpp"

#include "../common/op_vocabulary.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace nas::chain {

namespace {

std::string layer_name(const char *what, int layer) { return what + std::to_string(layer); }

} // namespace

ChainLayout::ChainLayout(ChainSpec spec) : spec_(std::move(spec)) {
  chain::check(spec_);
  width_labels_ = width_labels(spec_.widths);
}

uint32_t ChainLayout::num_options(uint32_t decision) const {
  if (decision >= num_decisions())
    return 0;
  if (decision == kDepthDecision)
    return static_cast<uint32_t>(spec_.max_depth - spec_.min_depth + 1);
  return static_cast<uint32_t>(decision % 2 == 1 ? spec_.ops.size() : spec_.widths.size());
}

std::string ChainLayout::describe() const {
  using nlohmann::json;
  json depths = json::array();
  for (int d = spec_.min_depth; d <= spec_.max_depth; ++d)
    depths.push_back(std::to_string(d));
  json decisions = json::array();
  decisions.push_back({{"name", "depth"}, {"options", depths}, {"tags", {"ordinal", "depth"}}});
  const bool ascending = std::is_sorted(spec_.widths.begin(), spec_.widths.end());
  for (int i = 0; i < spec_.max_depth; ++i) {
    json op = {{"name", layer_name("op_", i)}, {"options", spec_.ops}};
    json width = {{"name", layer_name("width_", i)}, {"options", width_labels_}};
    if (ascending)
      width["tags"] = {"ordinal"};
    if (i >= spec_.min_depth) {
      // Layer i exists when depth >= i + 1: depth options i + 1 - min_depth and up.
      json values = json::array();
      for (int k = i + 1 - spec_.min_depth; k <= spec_.max_depth - spec_.min_depth; ++k)
        values.push_back(k);
      op["active_if"] = width["active_if"] = {{"decision", kDepthDecision}, {"values", values}};
    }
    decisions.push_back(std::move(op));
    decisions.push_back(std::move(width));
  }
  return json{{"decisions", decisions}}.dump();
}

void ChainLayout::check(const Choices &choices) const {
  if (choices.size() != num_decisions())
    throw InvalidArch("a chain architecture here has " + std::to_string(num_decisions()) +
                      " decisions (depth, then op and width of " + std::to_string(spec_.max_depth) +
                      " layers), got " + std::to_string(choices.size()));
  for (uint32_t d = 0; d < choices.size(); ++d)
    if (choices[d] < 0 || static_cast<uint32_t>(choices[d]) >= num_options(d)) {
      std::string name = d == kDepthDecision ? "depth"
                         : d % 2 == 1        ? layer_name("op_", (d - 1) / 2)
                                             : layer_name("width_", (d - 2) / 2);
      throw InvalidArch(name + " (decision " + std::to_string(d) + ") has option " +
                        std::to_string(choices[d]) + ", expected 0.." +
                        std::to_string(num_options(d) - 1));
    }
}

int ChainLayout::depth(const Choices &choices) const {
  check(choices);
  return spec_.min_depth + choices[kDepthDecision];
}

void ChainLayout::canonicalize(Choices &choices) const {
  for (int i = depth(choices); i < spec_.max_depth; ++i)
    choices[op_decision(i)] = choices[width_decision(i)] = 0;
}

std::string ChainLayout::format(const Choices &choices) const {
  const int n = depth(choices);
  std::string out;
  for (int i = 0; i < n; ++i) {
    if (i > 0)
      out += '|';
    out += spec_.ops[choices[op_decision(i)]];
    out += '@';
    out += width_labels_[choices[width_decision(i)]];
  }
  return out;
}

Choices ChainLayout::parse(const std::string &text) const {
  const std::string quoted = text.size() <= 200 ? " in \"" + text + "\"" : "";
  const std::string format_help = " (format: op@width per layer, joined by '|', e.g. \"" +
                                  spec_.ops[0] + "@" + width_labels_.back() + "|" +
                                  spec_.ops.back() + "@" + width_labels_[0] + "\")";
  auto fail = [&](size_t pos, const std::string &what) {
    throw InvalidArch("not a chain string: " + what + " at position " + std::to_string(pos) +
                      quoted + format_help);
  };
  Choices choices(num_decisions(), 0);
  int layer = 0;
  size_t pos = 0;
  while (true) {
    const size_t end = std::min(text.find('|', pos), text.size());
    if (layer == spec_.max_depth)
      fail(pos, "more than max_depth (" + std::to_string(spec_.max_depth) + ") layers");
    const std::string token = text.substr(pos, end - pos);
    const size_t at = token.find('@');
    const std::string op = token.substr(0, at);
    auto o = std::find(spec_.ops.begin(), spec_.ops.end(), op);
    if (o == spec_.ops.end())
      fail(pos, "layer " + std::to_string(layer) + " has op '" + op + "', expected one of " +
                    spaces::join(spec_.ops));
    if (at == std::string::npos)
      fail(pos + token.size(), "layer " + std::to_string(layer) + " has no '@width'");
    const std::string width = token.substr(at + 1);
    auto w = std::find(width_labels_.begin(), width_labels_.end(), width);
    if (w == width_labels_.end())
      fail(pos + at + 1, "layer " + std::to_string(layer) + " has width '" + width +
                             "', expected one of " + spaces::join(width_labels_));
    choices[op_decision(layer)] = static_cast<int32_t>(o - spec_.ops.begin());
    choices[width_decision(layer)] = static_cast<int32_t>(w - width_labels_.begin());
    ++layer;
    if (end == text.size())
      break;
    pos = end + 1;
  }
  if (layer < spec_.min_depth)
    fail(text.size(), std::to_string(layer) + " layers, fewer than min_depth (" +
                          std::to_string(spec_.min_depth) + ")");
  choices[kDepthDecision] = layer - spec_.min_depth;
  return choices;
}

int ChainLayout::stage_channels(int layer) const {
  const auto reductions = std::upper_bound(spec_.reduce_at.begin(), spec_.reduce_at.end(), layer) -
                          spec_.reduce_at.begin();
  return spec_.channels << reductions;
}

int ChainLayout::layer_channels(int layer, double multiplier) const {
  return static_cast<int>(std::max(1L, std::lround(stage_channels(layer) * multiplier)));
}

int ChainLayout::stride(int layer) const {
  return std::binary_search(spec_.reduce_at.begin(), spec_.reduce_at.end(), layer) ? 2 : 1;
}

std::vector<LayerPlan> ChainLayout::layers(const Choices &choices) const {
  const int n = depth(choices);
  std::vector<LayerPlan> out;
  for (int i = 0; i < n; ++i) {
    out.push_back({spec_.ops[choices[op_decision(i)]],
                   layer_channels(i, spec_.widths[choices[width_decision(i)]]), stride(i)});
  }
  return out;
}

std::string ChainLayout::equivalence_key(const Choices &choices) const {
  std::string key;
  int in_channels = stem_channels();
  for (const LayerPlan &l : layers(choices)) {
    const bool passes_x_through = l.op == "identity" && l.stride == 1 && l.channels == in_channels;
    in_channels = l.channels;
    if (passes_x_through)
      continue;
    key += (key.empty() ? "" : "|") + l.op + ':' + std::to_string(l.channels) + ':' +
           std::to_string(l.stride);
  }
  return key.empty() ? "(stem only)" : key;
}

} // namespace nas::chain
