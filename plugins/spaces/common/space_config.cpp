#include "space_config.hpp"

#include <algorithm>
#include <climits>

namespace nas::spaces {

namespace {

// The element count of the array at `key`; ConfigError when it is something else.
uint32_t array_size(const Config &config, const std::string &key, const char *of_what) {
  if (config.type(key) != NAS_VALUE_ARRAY)
    throw ConfigError(key, "'" + key + "' must be an array of " + of_what);
  return config.size(key);
}

} // namespace

std::string element(const std::string &key, size_t index) {
  return key + "[" + std::to_string(index) + "]";
}

int int_in_range(const Config &config, const std::string &key, int fallback, int min, int max) {
  int64_t value = config.get_int(key, fallback);
  if (value < min || value > max)
    throw ConfigError(key, "'" + key + "' must be an integer in " + std::to_string(min) + ".." +
                               std::to_string(max) + ", got " + std::to_string(value));
  return static_cast<int>(value);
}

int positive_int(const Config &config, const std::string &key, int fallback) {
  return int_in_range(config, key, fallback, 1, INT_MAX / 4);
}

std::vector<std::string> string_list(const Config &config, const std::string &key,
                                     const std::vector<std::string> &fallback) {
  if (!config.has(key))
    return fallback;
  const uint32_t n = array_size(config, key, "strings");
  if (n == 0)
    throw ConfigError(key, "'" + key + "' must not be empty");
  std::vector<std::string> out;
  for (uint32_t i = 0; i < n; ++i) {
    const std::string path = element(key, i);
    if (config.type(path) != NAS_VALUE_STRING)
      throw ConfigError(path, "'" + path + "' must be a string");
    std::string value = config.get_string(path, "");
    if (std::find(out.begin(), out.end(), value) != out.end())
      throw ConfigError(path, "'" + key + "' lists '" + value + "' twice");
    out.push_back(std::move(value));
  }
  return out;
}

std::vector<double> number_list(const Config &config, const std::string &key,
                                const std::vector<double> &fallback) {
  if (!config.has(key))
    return fallback;
  const uint32_t n = array_size(config, key, "numbers");
  if (n == 0)
    throw ConfigError(key, "'" + key + "' must not be empty");
  std::vector<double> out;
  for (uint32_t i = 0; i < n; ++i)
    out.push_back(config.get_double(element(key, i), 0.0));
  return out;
}

std::vector<int> int_list(const Config &config, const std::string &key,
                          const std::vector<int> &fallback) {
  if (!config.has(key))
    return fallback;
  const uint32_t n = array_size(config, key, "integers");
  std::vector<int> out;
  for (uint32_t i = 0; i < n; ++i) {
    const std::string path = element(key, i);
    int64_t value = config.get_int(path, 0);
    if (value < INT_MIN || value > INT_MAX)
      throw ConfigError(path, "'" + path + "' is out of range: " + std::to_string(value));
    out.push_back(static_cast<int>(value));
  }
  return out;
}

} // namespace nas::spaces
