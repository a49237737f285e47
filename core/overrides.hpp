// `--set dotted.path=value` overrides applied to the pipeline's TOML tree before it is read.
#pragma once

#include <toml++/toml.h>

#include <map>
#include <string>
#include <vector>

namespace nas::core {

// Each override is "a.b.0.c=value": numeric segments index arrays ([[stage]]), missing
// tables are created, and the value is parsed as TOML (a bare word is taken as a string).
// Throws UsageError when an override is malformed or walks through a non-table.
// Returns, for every node and key an override placed, the override's text: TOML++ keeps no
// position for inserted nodes, and errors must still say where a value came from.
std::map<const void *, std::string> apply_overrides(toml::table &root,
                                                    const std::vector<std::string> &overrides);

} // namespace nas::core
