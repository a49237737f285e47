// The space's supernet IR as a template: every edge and chain layer of the network, each a
// slot that is either a fixed op or picked among options by one of the space's decisions.
// An architecture's network is the template with every slot resolved (IR.md, Supernets).
#ifndef NAS_PLUGINS_DISTANCES_COMMON_SUPERNET_LAYOUT_HPP
#define NAS_PLUGINS_DISTANCES_COMMON_SUPERNET_LAYOUT_HPP

#include "op_network.hpp"

#include <nas/ir.hpp>
#include <nas/plugin.hpp>

#include <string>
#include <vector>

namespace nas::distances {

// A fixed op (decision -1, one op) or the options of one decision; ops may hold kAbsent.
struct Slot {
  int decision = -1;
  bool free = false; // options the supernet picks itself (IR decision -1): not decodable
  std::vector<int> ops;
  bool varies() const { return ops.size() > 1; }
};

struct TemplateEdge {
  int from = 0, to = 0;
  Slot slot;
};

struct TemplateCell {
  std::string name;
  int inputs = 1, nodes = 0;
  bool concat = false;
  std::vector<TemplateEdge> edges;
};

struct SupernetLayout {
  OpTable ops;
  std::vector<TemplateCell> cells; // by name, as ir::Network orders them
  std::vector<Slot> chain;         // one per layer; cells and the head are fixed kAbsent

  static SupernetLayout from(const ir::Network &supernet);
  // Why choices cannot be read through the slots ("" when they can), given each decision's
  // option count: a free slot, a decision out of range, or a count that differs.
  std::string undecodable_because(const std::vector<uint32_t> &options) const;
  // The network an architecture's IR describes, in this layout's cell order; throws Failed
  // when it names a cell or an op the supernet does not have.
  OpNetwork compact(const ir::Network &arch) const;
  // The network the choices pick, without rendering it (only where decodable). `out` is
  // reused, so a caller that keeps it allocates nothing in steady state.
  void decode(const Choices &choices, OpNetwork &out) const;
};

} // namespace nas::distances

#endif
