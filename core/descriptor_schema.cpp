#include "descriptor_schema.hpp"

#include <stdexcept>

namespace nas::core {

const ConfigKey *Schema::key(const std::string &name) const {
  for (const auto &k : config)
    if (k.name == name)
      return &k;
  return nullptr;
}

const Role *Schema::role(const std::string &name) const {
  for (const auto &r : roles)
    if (r.name == name)
      return &r;
  return nullptr;
}

namespace {

Json parse_field(const Descriptor &d, const std::string &field, const std::string &text) {
  try {
    Json j = Json::parse(text);
    if (!j.is_object())
      throw std::runtime_error("not a JSON object");
    return j;
  } catch (const std::exception &e) {
    throw std::runtime_error(d.file + ": plugin " + d.name + " has a malformed '" + field +
                             "' descriptor field: " + e.what());
  }
}

std::string string_or(const Json &j, const char *key, const std::string &fallback) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

} // namespace

Schema parse_schema(const Descriptor &d) {
  Schema s;
  const Json config = parse_field(d, "config", d.config);
  const Json roles = parse_field(d, "roles", d.roles);
  const Json metrics = parse_field(d, "metrics", d.metrics);
  for (const auto &[name, entry] : config.items()) {
    ConfigKey k;
    k.name = name;
    k.type = string_or(entry, "type", "any");
    k.help = string_or(entry, "help", "");
    k.required = !entry.contains("default");
    if (!k.required)
      k.fallback = entry["default"];
    s.config.push_back(k);
  }
  for (const auto &[name, entry] : roles.items()) {
    Role r;
    r.name = name;
    r.kind = string_or(entry, "kind", "");
    r.help = string_or(entry, "help", "");
    r.required = entry.value("required", false);
    s.roles.push_back(r);
  }
  for (const auto &[name, entry] : metrics.items()) {
    Metric m;
    m.name = name;
    if (entry.is_object()) {
      m.help = string_or(entry, "help", "");
      m.unit = string_or(entry, "unit", "");
    }
    s.metrics.push_back(m);
  }
  return s;
}

bool has_type(const Json &v, const std::string &type) {
  if (type == "int")
    return v.is_number_integer();
  if (type == "double")
    return v.is_number();
  if (type == "bool")
    return v.is_boolean();
  if (type == "string")
    return v.is_string();
  if (type == "array")
    return v.is_array();
  if (type == "table")
    return v.is_object();
  return true;
}

std::vector<std::string> produced_metrics(const Schema &schema, const Json &config, bool &any) {
  std::vector<std::string> out;
  any = false;
  for (const auto &m : schema.metrics) {
    if (m.name == "*") {
      any = true;
    } else if (m.name.rfind("$config:", 0) == 0) {
      auto it = config.find(m.name.substr(8));
      if (it != config.end() && it->is_object())
        for (const auto &[k, v] : it->items())
          out.push_back(k);
    } else {
      out.push_back(m.name);
    }
  }
  return out;
}

} // namespace nas::core
