// A network IR reduced to what the distances compare: each cell's DAG of op ids (`none`
// edges dropped) and the op of every chain layer. Op names become small integers once, at
// bind, so comparing two architectures touches no strings.
#ifndef NAS_PLUGINS_DISTANCES_COMMON_OP_NETWORK_HPP
#define NAS_PLUGINS_DISTANCES_COMMON_OP_NETWORK_HPP

#include <string>
#include <unordered_map>
#include <vector>

namespace nas::distances {

// A `none` op (an absent edge), or a chain layer that is not an op (a cell, the head).
constexpr int kAbsent = -1;

struct OpEdge {
  int from = 0, to = 0, op = kAbsent;
};

struct OpCell {
  int inputs = 1;
  int nodes = 0;
  bool concat = false;       // output "concat" (every computed node) rather than "last"
  std::vector<OpEdge> edges; // present edges only, in IR order
};

struct OpNetwork {
  std::vector<OpCell> cells; // in the order of the supernet's cells (by name)
  std::vector<int> chain;    // one op per layer of the chain, kAbsent where none
};

// Equal networks, the order of edges aside.
bool same_network(const OpNetwork &a, const OpNetwork &b);

// Op names <-> ids. Filled at bind from the supernet (which lists every op the space can
// render) and read-only afterwards, so lookups are [thread-safe].
class OpTable {
public:
  int intern(const std::string &name);     // "none" is kAbsent
  int find(const std::string &name) const; // kAbsent for "none"; throws for unknown ops
  const std::string &name(int id) const;
  size_t size() const { return names_.size(); }

private:
  std::unordered_map<std::string, int> ids_;
  std::vector<std::string> names_;
};

} // namespace nas::distances

#endif
