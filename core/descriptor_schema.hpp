// A descriptor's JSON fields read into structs: its config keys, roles and metrics.
// `nas describe` prints them; the pipeline check tests configs against them.
#pragma once

#include "json.hpp"
#include "plugin_library.hpp"

#include <string>
#include <vector>

namespace nas::core {

struct ConfigKey {
  std::string name;
  std::string type; // int, double, bool, string, array, table, any
  std::string help;
  bool required = false;
  Json fallback; // the default, when not required
};

struct Role {
  std::string name;
  std::string kind;
  std::string help;
  bool required = false;
};

struct Metric {
  std::string name; // or "$config:<path>" (the keys of that config table), or "*" (any)
  std::string help;
  std::string unit;
};

struct Schema {
  std::vector<ConfigKey> config;
  std::vector<Role> roles;
  std::vector<Metric> metrics;
  const ConfigKey *key(const std::string &name) const;
  const Role *role(const std::string &name) const;
};

// Throws std::runtime_error naming the plugin and its file when the JSON is malformed.
Schema parse_schema(const Descriptor &d);

// Whether `value` has the schema type `type`.
bool has_type(const Json &value, const std::string &type);

// The metrics an evaluator with this config produces; `any` is set when it declares "*".
std::vector<std::string> produced_metrics(const Schema &schema, const Json &config, bool &any);

} // namespace nas::core
