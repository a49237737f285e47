// The DARTS CNN space (Liu et al. 2019) as decisions: a normal and a reduction cell, each
// with input nodes 0 (c_{k-2}) and 1 (c_{k-1}) and intermediate nodes 2..5; node n sums two
// edges, each an op applied to a distinct earlier node. No ABI here, so unit tests can
// compile this file directly.
//
// Decisions, 24: for cell in (normal, reduce), for node n in 2..5, three decisions:
//   <cell>_<n>_inputs  the ordered pair (a, b) of distinct earlier nodes, n x (n - 1)
//                      options "a,b" in lexicographic order (0,1  1,0 for node 2)
//   <cell>_<n>_op_a    the op on the edge from a (7 ops, kOps)
//   <cell>_<n>_op_b    the op on the edge from b
// One decision for the pair, so every choice vector is a valid DARTS cell (two distinct
// inputs); ordered, so a genotype string's order survives from_string and to_string. A
// node's sum does not depend on the order: canonicalize puts the lower input first.
#ifndef NAS_PLUGINS_SPACES_DARTS_DARTS_GENOTYPE_HPP
#define NAS_PLUGINS_SPACES_DARTS_DARTS_GENOTYPE_HPP

#include <nas/plugin.hpp>

#include <array>
#include <string>
#include <vector>

namespace nas::darts {

constexpr int kInputs = 2; // c_{k-2}, c_{k-1}
constexpr int kSteps = 4;  // intermediate nodes 2..5, all concatenated
constexpr int kNodes = kInputs + kSteps;
constexpr int kCells = 2;   // normal, reduce
constexpr int kPerNode = 3; // inputs, op_a, op_b
constexpr int kNumDecisions = kCells * kSteps * kPerNode;

// The ops of a derived genotype: DARTS' PRIMITIVES without `none` (index k here is
// PRIMITIVES[k + 1]).
const std::vector<std::string> &ops();
// DARTS' PRIMITIVES in its order: `none` first, then ops(). The supernet's edge options.
const std::vector<std::string> &primitives();
const std::array<std::string, kCells> &cell_names(); // "normal", "reduce"

struct GeneEdge {
  int input = 0; // an earlier node, 0..node-1
  int op = 0;    // index into ops()
};
// One cell: nodes[s] is node s + 2, with its two edges in listed order.
using CellGenes = std::array<std::array<GeneEdge, 2>, kSteps>;
using Genotype = std::array<CellGenes, kCells>;

// Names and option labels of the 24 decisions, in order.
std::vector<std::string> decision_names();
std::vector<std::string> option_labels(int decision);
int num_options(int decision);

// Option index of the ordered input pair (a, b) of `node` (a != b, both < node), and back.
int pair_index(int node, int a, int b);
std::pair<int, int> pair_of(int node, int index);

// Throws nas::InvalidArch unless there are 24 in-range choices.
void check(const Choices &choices);
Genotype to_genotype(const Choices &choices);
Choices to_choices(const Genotype &genotype);

// Each node's two edges ordered by input (they are distinct): equal cells, equal choices.
void canonicalize(Choices &choices);
// The smallest canonical choices over relabellings of the intermediate nodes that keep every
// edge forward (cell by cell). Such a relabelling only permutes the concatenated output's
// channels, which the next 1x1 preprocessing conv (or the head's linear layer) absorbs.
Choices equivalence_representative(const Choices &choices);

} // namespace nas::darts

#endif
