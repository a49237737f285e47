// Reading the config keys the spaces share: bounded integers and lists, each error a
// nas::ConfigError naming the key (or the list element, "ops[2]") at fault.
#ifndef NAS_PLUGINS_SPACES_COMMON_SPACE_CONFIG_HPP
#define NAS_PLUGINS_SPACES_COMMON_SPACE_CONFIG_HPP

#include <nas/plugin.hpp>

#include <string>
#include <vector>

namespace nas::spaces {

// An integer in [min, max], or `fallback` when the key is absent.
int int_in_range(const Config &config, const std::string &key, int fallback, int min, int max);
// A positive integer small enough that 4x it (the widest stage) still fits an int.
int positive_int(const Config &config, const std::string &key, int fallback);

// A non-empty array of distinct strings, or `fallback` when the key is absent.
std::vector<std::string> string_list(const Config &config, const std::string &key,
                                     const std::vector<std::string> &fallback);
// A non-empty array of numbers, or `fallback` when the key is absent.
std::vector<double> number_list(const Config &config, const std::string &key,
                                const std::vector<double> &fallback);
// An array of integers (may be empty), or `fallback` when the key is absent.
std::vector<int> int_list(const Config &config, const std::string &key,
                          const std::vector<int> &fallback);

// "key[i]": the config path of a list element.
std::string element(const std::string &key, size_t index);

} // namespace nas::spaces

#endif
