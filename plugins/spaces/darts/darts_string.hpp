// The DARTS genotype string, exactly as DARTS prints a derived genotype (Python's repr of its
// namedtuple):
//   Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ...8 pairs], normal_concat=range(2,
//   6),
//            reduce=[...8 pairs], reduce_concat=range(2, 6))
// (one line). Pair 2s and 2s + 1 are the two edges of node s + 2, in the choices' order.
#ifndef NAS_PLUGINS_SPACES_DARTS_DARTS_STRING_HPP
#define NAS_PLUGINS_SPACES_DARTS_DARTS_STRING_HPP

#include "darts_genotype.hpp"

#include <string>

namespace nas::darts {

std::string format(const Choices &choices);
// The inverse of format, keeping the order of each node's pairs. Also reads what DARTS'
// genotypes.py writes: any whitespace between tokens (multi-line literals), double quotes,
// a trailing comma in a list, and the concat as [2, 3, 4, 5]. Anything else is
// nas::InvalidArch saying what was expected where (or which pair breaks which rule).
Choices parse(const std::string &text);

} // namespace nas::darts

#endif
