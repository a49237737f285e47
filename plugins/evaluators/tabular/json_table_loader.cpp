#include "table_loaders.hpp"

#include <nas/plugin.hpp>
#include <unordered_set>

#include <nlohmann/json.hpp>

namespace nas::tabular {

namespace {

using Json = nlohmann::json;

std::string list_fields(const Json &entry) {
  std::string out;
  for (auto it = entry.begin(); it != entry.end(); ++it)
    out += (out.empty() ? "'" : ", '") + it.key() + "'";
  return out.empty() ? "none" : out;
}

std::string shorten(const Json &value) {
  std::string text = value.dump();
  return text.size() > 60 ? text.substr(0, 57) + "..." : text;
}

// The entries as (key, object) pairs, from either layout.
std::vector<std::pair<std::string, const Json *>> entries_of(const Json &doc,
                                                             const TableSpec &spec) {
  std::vector<std::pair<std::string, const Json *>> entries;
  if (doc.is_object()) {
    for (auto it = doc.begin(); it != doc.end(); ++it)
      entries.emplace_back(it.key(), &it.value());
  } else if (doc.is_array()) {
    for (size_t i = 0; i < doc.size(); ++i) {
      const Json &entry = doc[i];
      std::string where = spec.file + ": element " + std::to_string(i);
      if (!entry.is_object())
        throw ConfigError("table", where + " is " + shorten(entry) + ", expected an object");
      auto key = entry.find(spec.key_column);
      if (key == entry.end())
        throw ConfigError(i == 0 ? "key" : "table", where + " has no field '" + spec.key_column +
                                                        "'; its fields are " + list_fields(entry));
      if (!key->is_string() && !key->is_number_integer())
        throw ConfigError("table", where + ": the key field '" + spec.key_column + "' is " +
                                       shorten(*key) + ", expected a string or an integer");
      entries.emplace_back(key->is_string() ? key->get<std::string>() : key->dump(), &entry);
    }
  } else {
    throw ConfigError("table", spec.file + " holds " + std::string(doc.type_name()) +
                                   ", expected an object keyed by architecture or an array "
                                   "of objects");
  }
  return entries;
}

} // namespace

MetricTable load_json_table(std::string_view text, const TableSpec &spec) {
  Json doc;
  // nlohmann merges repeated keys (the last wins), so the top-level keys are counted while
  // parsing: a repeated architecture is refused, as in CSV files and JSON arrays.
  std::unordered_set<std::string> seen;
  auto refuse_repeats = [&](int depth, Json::parse_event_t event, Json &value) {
    if (depth == 1 && event == Json::parse_event_t::key &&
        !seen.insert(value.get<std::string>()).second)
      throw ConfigError("table", spec.file + ": entry '" + value.get<std::string>() +
                                     "' appears a second time");
    return true;
  };
  try {
    doc = Json::parse(text.begin(), text.end(), refuse_repeats);
  } catch (const Json::parse_error &e) {
    throw ConfigError("table", spec.file + " is not valid JSON: " + e.what());
  }
  auto entries = entries_of(doc, spec);
  if (entries.empty())
    throw ConfigError("table", spec.file + " has no entries");

  // Columns are checked against the first entry, so a wrong name lists the real ones.
  const Json &first = *entries.front().second;
  if (first.is_object())
    for (const auto &[name, field] : spec.metrics)
      if (first.find(field) == first.end())
        throw ConfigError("metrics." + name, spec.file + " has no field '" + field +
                                                 "'; the fields of its first entry are " +
                                                 list_fields(first));

  MetricTable table(spec.metrics.size());
  std::vector<double> row(spec.metrics.size());
  for (const auto &[key, entry] : entries) {
    std::string where = spec.file + ": entry '" + key + "'";
    if (!entry->is_object())
      throw ConfigError("table", where + " is " + shorten(*entry) + ", expected an object");
    for (size_t j = 0; j < spec.metrics.size(); ++j) {
      const std::string &field = spec.metrics[j].second;
      auto value = entry->find(field);
      if (value == entry->end())
        throw ConfigError("table", where + " has no field '" + field + "'");
      if (!value->is_number())
        throw ConfigError("table", where + ": field '" + field + "' holds " + shorten(*value) +
                                       ", expected a number");
      row[j] = value->get<double>();
    }
    if (!table.add(key, row.data()))
      throw ConfigError("table", where + " appears a second time");
  }
  return table;
}

} // namespace nas::tabular
