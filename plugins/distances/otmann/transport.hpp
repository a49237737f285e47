// OTMANN's transport problem for layers of equal mass: every layer of one network is matched
// to at most one layer of the other at that pair's cost, or left unmatched at `unmatched`
// (NASBOT's non-assignment penalty; a pair costing more than two of those is never worth
// matching). With unit masses the transport plan is an assignment (the transportation
// polytope's vertices are integral), solved exactly by the Hungarian method (NASBOT's dummy
// layers, one per side, become the constant for leaving layers unmatched; see transport.cpp).
#ifndef NAS_PLUGINS_DISTANCES_OTMANN_TRANSPORT_HPP
#define NAS_PLUGINS_DISTANCES_OTMANN_TRANSPORT_HPP

#include <cstddef>
#include <vector>

namespace nas::distances {

// `cost` is rows x cols, row-major (+infinity allowed: never matched). Returns the least total
// cost. Scratch vectors are reused by the caller's thread.
double least_transport_cost(const std::vector<double> &cost, size_t rows, size_t cols,
                            double unmatched);

} // namespace nas::distances

#endif
