// The edit distance between two networks as labelled DAGs: for each cell, the cheapest set
// of op substitutions and edge insertions/deletions that turns one cell into the other,
// minimized over relabellings of the intermediate nodes (inputs and the output stay put);
// for the chain, the layers compared position by position as a path of labelled edges.
#ifndef NAS_PLUGINS_DISTANCES_GRAPH_EDIT_NETWORK_EDIT_HPP
#define NAS_PLUGINS_DISTANCES_GRAPH_EDIT_NETWORK_EDIT_HPP

#include "edit_costs.hpp"
#include "op_network.hpp"

#include <vector>

namespace nas::distances {

// The number of a cell's intermediate nodes (those a relabelling may move): every computed
// node but the output of a "last" cell; a "concat" cell's computed nodes all feed its output.
int intermediate_nodes(int inputs, int nodes, bool concat);

// Exact over all relabellings when the cells have at most `max_permuted` intermediate nodes,
// else with nodes matched by number (an upper bound). Cells of different sizes are padded
// with isolated nodes (free). Throws Failed when their inputs or output kinds differ.
double cell_edit_distance(const OpCell &a, const OpCell &b, const EditCosts &costs,
                          int max_permuted);
double chain_edit_distance(const std::vector<int> &a, const std::vector<int> &b,
                           const EditCosts &costs);
double network_edit_distance(const OpNetwork &a, const OpNetwork &b, const EditCosts &costs,
                             int max_permuted);

} // namespace nas::distances

#endif
