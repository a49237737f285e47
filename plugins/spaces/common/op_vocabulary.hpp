// The standard op vocabulary of sdk/IR.md, and which of its ops fit where a space puts them.
// The IR's vocabulary is open (plugins add ops), but these spaces only offer ops every
// builder provides, so a typo in a pipeline is an error rather than a failed build later.
#ifndef NAS_PLUGINS_SPACES_COMMON_OP_VOCABULARY_HPP
#define NAS_PLUGINS_SPACES_COMMON_OP_VOCABULARY_HPP

#include <string>
#include <vector>

namespace nas::spaces {

// Every op name of IR.md's "Standard op vocabulary", in its order.
const std::vector<std::string> &standard_ops();
bool is_standard_op(const std::string &name);

// Ops that can be a chain layer whose width differs from its input's: those that map any
// number of channels to `channels` (IR.md). Excluded: none, skip_connect, the pools,
// bn_relu (they keep their input's channels) and global_avg (the head's pool).
const std::vector<std::string> &chain_layer_ops();
// Why `name` cannot be a chain layer ("" when it can).
std::string why_not_chain_layer(const std::string &name);

// Ops that can be a cell edge (C channels to C channels at stride 1): every standard op
// but global_avg, the head's pool.
const std::vector<std::string> &cell_edge_ops();
std::string why_not_cell_edge(const std::string &name);

// "a, b, c": a list for error messages.
std::string join(const std::vector<std::string> &names, const std::string &separator = ", ");

} // namespace nas::spaces

#endif
