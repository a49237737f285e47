#include "config_checks.hpp"

#include <cmath>

namespace nas::training {

namespace {

std::string quoted_list(const std::vector<std::string> &names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i)
    out += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + ("\"" + names[i] + "\"");
  return out;
}

} // namespace

size_t pick(const Config &config, const std::string &key, const std::vector<std::string> &names) {
  std::string value = config.get_string(key, names.front());
  for (size_t i = 0; i < names.size(); ++i)
    if (value == names[i])
      return i;
  throw ConfigError(key, "'" + key + "' must be " + quoted_list(names) + ", got \"" + value + "\"");
}

int64_t int_at_least(const Config &config, const std::string &key, int64_t fallback, int64_t min) {
  int64_t value = config.get_int(key, fallback);
  if (value < min)
    throw ConfigError(key, "'" + key + "' must be an integer >= " + std::to_string(min) + ", got " +
                               std::to_string(value));
  return value;
}

double number_in(const Config &config, const std::string &key, double fallback, double min,
                 double max, bool open_min) {
  double value = config.get_double(key, fallback);
  bool low = open_min ? !(value > min) : !(value >= min);
  if (!std::isfinite(value) || low || (max >= min && value > max)) {
    std::string range = std::string(open_min ? "> " : ">= ") + std::to_string(min);
    if (max >= min)
      range += " and <= " + std::to_string(max);
    throw ConfigError(key, "'" + key + "' must be a finite number " + range + ", got " +
                               std::to_string(value));
  }
  return value;
}

} // namespace nas::training
