// The NAS-Bench-201 cell as a plain C++ value: its string format and its equivalence key.
// No ABI here, so unit tests compile this file directly.
#ifndef NAS_PLUGINS_SPACES_NB201_CELL_HPP
#define NAS_PLUGINS_SPACES_NB201_CELL_HPP

#include <nas/plugin.hpp>

#include <array>
#include <string>

namespace nas::nb201 {

constexpr int kNumNodes = 4; // node 0 is the cell's input, node 3 its output
constexpr int kNumEdges = 6;
constexpr int kNumOps = 5;
constexpr int kNumCells = 15625; // kNumOps ^ kNumEdges

// Option indices, in the benchmark's order (the table's `sol` digit minus one).
enum Op : int32_t {
  none = 0,
  skip_connect = 1,
  nor_conv_1x1 = 2,
  nor_conv_3x3 = 3,
  avg_pool_3x3 = 4
};

struct Edge {
  int to;   // the node the edge feeds
  int from; // the node it reads
};

// Decision order: 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2, as in the NB201 string.
const std::array<Edge, kNumEdges> &edges();
// "edge_1_0", ... in decision order.
const std::array<const char *, kNumEdges> &edge_names();
// "none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3".
const std::array<const char *, kNumOps> &op_names();

// Throws nas::InvalidArch unless `cell` has kNumEdges values in 0..kNumOps-1.
void check(const Choices &cell);

// "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|...|" (checks first).
std::string format(const Choices &cell);
// The inverse of format; anything else is nas::InvalidArch saying what was expected where.
Choices parse(const std::string &text);

// The cell's number in 0..kNumCells-1 (choices read as base-5 digits, edge 1<-0 first),
// and back. Used to enumerate the space.
int index_of(const Choices &cell);
Choices cell_at(int index);

// The equivalence key merges exactly two things, both function-preserving:
// (a) dead edges: an edge whose source gets no input from node 0, or whose target cannot
//     reach node 3 (both through non-none edges), is treated as none. A cell where node 3 is
//     unreachable from node 0 computes zero; all such cells share the all-none key. (Strictly,
//     a conv fed only zeros still outputs its BatchNorm's learnt bias; the key follows the
//     usual convention that treats such an edge as absent.)
// (b) isomorphism: nodes 0 and 3 are fixed, so the only relabelling is swapping nodes 1
//     and 2, which yields a cell only when edge 2<-1 is none; sums are commutative, so the
//     swapped cell computes the same function. The smaller choice vector of the two wins.
// It does not merge other identities of the function (x1 = x0 through a skip edge making
// 3<-1 act like 3<-0, average pooling being linear): those cells keep distinct keys.

// `cell` with every dead edge, as in (a), replaced by none.
Choices prune_dead_edges(const Choices &cell);
// The representative of the cell's class: pruned, then the smaller of the cell and its
// node-1/node-2 swap when that swap is a cell, as in (b).
Choices canonical_representative(const Choices &cell);
// format(canonical_representative(cell)): equal exactly for cells in the same class.
std::string equivalence_key(const Choices &cell);

} // namespace nas::nb201

#endif
