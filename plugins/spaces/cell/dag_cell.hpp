// The cell space's cell: a DAG over `nodes` nodes (node 0 the input, the last node the
// output) with one decision per edge i -> j (i < j), picking an op; `none` removes the edge.
// NAS-Bench-201 is the case nodes = 4 with its five ops. No ABI here, so unit tests compile
// this file directly.
//
// Decision order: node by node, then by source: 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2, 4<-0...
// named "edge_<to>_<from>", as NB201's string lists them.
//
// Exact string: NB201's format for any node count: per computed node j, its inputs as
// `op~i` between '|', nodes joined by '+': "|op~0|+|op~0|op~1|+|op~0|op~1|op~2|".
#ifndef NAS_PLUGINS_SPACES_CELL_DAG_CELL_HPP
#define NAS_PLUGINS_SPACES_CELL_DAG_CELL_HPP

#include <nas/plugin.hpp>

#include <string>
#include <vector>

namespace nas::cell {

struct DagEdge {
  int to;   // the node the edge feeds
  int from; // the node it reads
};

constexpr int kMaxNodes = 16; // 120 edges
// Up to this many nodes, the equivalence key also merges isomorphic cells (at most 7! = 5040
// relabellings of the intermediate nodes); above, it merges dead edges only.
constexpr int kMaxNodesForIsomorphism = 9;

class DagCell {
public:
  // `ops`: the options of every edge, distinct standard edge ops (nas::ConfigError naming
  // "ops" or "nodes" otherwise).
  DagCell(int nodes, std::vector<std::string> ops);

  int nodes() const { return nodes_; }
  const std::vector<std::string> &ops() const { return ops_; }
  const std::vector<DagEdge> &edges() const { return edges_; }
  const std::vector<std::string> &edge_names() const { return edge_names_; }
  // The option index of `none`, or -1 when the ops lack it (then every edge exists).
  int none() const { return none_; }

  // Throws nas::InvalidArch unless there is one in-range op per edge.
  void check(const Choices &cell) const;
  std::string format(const Choices &cell) const;
  // The inverse of format; anything else is nas::InvalidArch saying what was expected where.
  Choices parse(const std::string &text) const;

  // The equivalence key merges function-preserving rewrites:
  // (a) dead edges: an edge whose source gets no input from node 0, or whose target cannot
  //     reach the output (through non-none edges), is treated as none. Every cell whose
  //     output is unreachable computes zero, and all of them share the all-none key.
  // (b) isomorphism (nodes <= kMaxNodesForIsomorphism): relabelling the intermediate nodes
  //     so that every live edge still runs forward computes the same sums; the smallest
  //     choice vector of all such relabellings represents the class.
  // With nodes = 4 and NB201's ops this is exactly nas.space.nb201's key.
  Choices prune_dead_edges(const Choices &cell) const;
  Choices canonical_representative(const Choices &cell) const;
  std::string equivalence_key(const Choices &cell) const;

private:
  int edge_index(int to, int from) const { return to * (to - 1) / 2 + from; }

  int nodes_;
  std::vector<std::string> ops_;
  std::vector<DagEdge> edges_;
  std::vector<std::string> edge_names_;
  int none_ = -1;
};

} // namespace nas::cell

#endif
