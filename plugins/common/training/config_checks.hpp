// Reading checked numbers and choices from a plugin's config: each failure is a
// ConfigError naming the key, what it must be and what it was.
#pragma once

#include <nas/plugin.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace nas::training {

// The index of `key`'s value in `names` (names.front() when absent).
size_t pick(const Config &config, const std::string &key, const std::vector<std::string> &names);

int64_t int_at_least(const Config &config, const std::string &key, int64_t fallback, int64_t min);

// A finite number in [min, max] (max < min: no upper bound); `open_min` excludes min.
double number_in(const Config &config, const std::string &key, double fallback, double min,
                 double max, bool open_min = false);

} // namespace nas::training
