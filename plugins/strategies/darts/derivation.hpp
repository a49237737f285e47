// From mixing weights to one architecture (torch-free, no ABI: tests compile it directly).
//
// Two forms, as the supernet's groups say:
// - every group names a decision of the space (NB201, NAS-Bench-Macro): each decision gets
//   the option of largest weight other than `none`, or of all with `allow_none` (NB201's
//   own DARTS baseline, which can disconnect the cell from its input);
// - free groups (decision -1) on the edges of two-input cells (the DARTS space): each
//   intermediate node keeps its two strongest incoming edges, an edge's strength being its
//   largest weight other than `none`, with that op (DARTS' genotype()).
// With a skip cap, a cell with more skip_connect than the cap loses the weakest one (its
// skip option is struck off and the cell derived again) until it has no more than the cap.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace nas::darts_search {

struct GroupWeights {
  int decision = -1;
  std::string cell; // "" for an op layer
  int from = -1, to = -1;
  std::string path; // the IR entry, for reports
  std::vector<std::string> options;
  std::vector<double> weights; // softmax of the group's alphas
};

struct DerivedEdge {
  int input = 0;
  std::string op;
};

struct Derived {
  // Decisions form: the option index per decision (-1 where no group names it).
  std::map<int, int> options;
  // Cells form: per cell, per intermediate node (from the cell's lowest `to`), two edges.
  std::map<std::string, std::vector<std::vector<DerivedEdge>>> cells;
  std::map<std::string, int> skips; // skip_connect per cell
  int max_skips() const;
};

// Throws std::invalid_argument when the groups mix the two forms, a free group is not a
// cell edge, or a node has fewer than two candidate edges.
Derived derive(const std::vector<GroupWeights> &groups, int skip_cap = -1,
               bool allow_none = false);

// The cells form as DARTS prints a genotype (cells "normal" and "reduce", nodes from 2):
// Genotype(normal=[('sep_conv_3x3', 0), ...], normal_concat=range(2, 6), reduce=[...], ...).
std::string darts_genotype(const Derived &derived);

} // namespace nas::darts_search
