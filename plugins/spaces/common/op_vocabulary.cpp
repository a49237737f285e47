#include "op_vocabulary.hpp"

#include <algorithm>

namespace nas::spaces {

namespace {

bool contains(const std::vector<std::string> &names, const std::string &name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::vector<std::string> without(const std::vector<std::string> &names,
                                 const std::vector<std::string> &excluded) {
  std::vector<std::string> out;
  for (const std::string &n : names)
    if (!contains(excluded, n))
      out.push_back(n);
  return out;
}

const std::vector<std::string> &keep_channels() {
  static const std::vector<std::string> ops = {"none", "skip_connect", "avg_pool_3x3",
                                               "max_pool_3x3", "bn_relu"};
  return ops;
}

} // namespace

const std::vector<std::string> &standard_ops() {
  static const std::vector<std::string> ops = {
      "none",         "skip_connect",    "identity",        "nor_conv_1x1", "nor_conv_3x3",
      "avg_pool_3x3", "max_pool_3x3",    "sep_conv_3x3",    "sep_conv_5x5", "dil_conv_3x3",
      "dil_conv_5x5", "mbconv_e3_k3",    "mbconv_e3_k5",    "mbconv_e6_k3", "mbconv_e6_k5",
      "conv3x3_bn",   "conv3x3_bn_relu", "conv1x1_bn_relu", "bn_relu",      "resblock",
      "global_avg"};
  return ops;
}

bool is_standard_op(const std::string &name) { return contains(standard_ops(), name); }

const std::vector<std::string> &chain_layer_ops() {
  static const std::vector<std::string> ops = [] {
    std::vector<std::string> excluded = keep_channels();
    excluded.push_back("global_avg");
    return without(standard_ops(), excluded);
  }();
  return ops;
}

std::string why_not_chain_layer(const std::string &name) {
  if (contains(chain_layer_ops(), name))
    return "";
  if (contains(keep_channels(), name))
    return "'" + name +
           "' keeps its input's channels, so it cannot be a chain layer (widths change "
           "between layers); chain layer ops: " +
           join(chain_layer_ops());
  if (name == "global_avg")
    return "'global_avg' is the head's pool, not a layer; chain layer ops: " +
           join(chain_layer_ops());
  return "unknown op '" + name +
         "'; chain layer ops (IR.md's standard vocabulary): " + join(chain_layer_ops());
}

const std::vector<std::string> &cell_edge_ops() {
  static const std::vector<std::string> ops = without(standard_ops(), {"global_avg"});
  return ops;
}

std::string why_not_cell_edge(const std::string &name) {
  if (contains(cell_edge_ops(), name))
    return "";
  if (name == "global_avg")
    return "'global_avg' is the head's pool, not an edge op; edge ops: " + join(cell_edge_ops());
  return "unknown op '" + name +
         "'; edge ops (IR.md's standard vocabulary): " + join(cell_edge_ops());
}

std::string join(const std::vector<std::string> &names, const std::string &separator) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i)
    out += (i ? separator : "") + names[i];
  return out;
}

} // namespace nas::spaces
