#include "csv_reader.hpp"
#include "table_loaders.hpp"

#include <nas/plugin.hpp>

#include <charconv>
#include <cmath>

namespace nas::tabular {

namespace {

std::string list_columns(const std::vector<std::string> &header) {
  std::string out;
  for (const std::string &name : header)
    out += (out.empty() ? "'" : ", '") + name + "'";
  return out;
}

size_t find_column(const std::vector<std::string> &header, const std::string &name,
                   const std::string &config_key, const std::string &file) {
  for (size_t i = 0; i < header.size(); ++i)
    if (header[i] == name)
      return i;
  throw ConfigError(config_key, file + " has no column '" + name + "'; its columns are " +
                                    list_columns(header));
}

// A whole cell as a finite number; surrounding spaces are allowed.
bool parse_number(std::string_view cell, double &out) {
  while (!cell.empty() && cell.front() == ' ')
    cell.remove_prefix(1);
  while (!cell.empty() && cell.back() == ' ')
    cell.remove_suffix(1);
  if (!cell.empty() && cell.front() == '+')
    cell.remove_prefix(1); // from_chars refuses a plus sign
  auto [end, error] = std::from_chars(cell.data(), cell.data() + cell.size(), out);
  return !cell.empty() && error == std::errc() && end == cell.data() + cell.size() &&
         std::isfinite(out);
}

} // namespace

MetricTable load_csv_table(std::string_view text, const TableSpec &spec) {
  try {
    CsvReader reader(text);
    std::vector<std::string> header, fields;
    if (!reader.next(header))
      throw ConfigError("table", spec.file + " is empty; expected a header row");
    size_t key_column = find_column(header, spec.key_column, "key", spec.file);
    std::vector<size_t> metric_columns;
    for (const auto &[name, column] : spec.metrics)
      metric_columns.push_back(find_column(header, column, "metrics." + name, spec.file));

    MetricTable table(metric_columns.size());
    std::vector<double> row(metric_columns.size());
    while (reader.next(fields)) {
      std::string where = spec.file + ":" + std::to_string(reader.line());
      if (fields.size() != header.size())
        throw ConfigError("table", where + ": " + std::to_string(fields.size()) +
                                       " fields, the header has " + std::to_string(header.size()));
      for (size_t j = 0; j < metric_columns.size(); ++j) {
        size_t c = metric_columns[j];
        if (!parse_number(fields[c], row[j]))
          throw ConfigError("table", where + ": column '" + header[c] + "' (column " +
                                         std::to_string(c + 1) + ") holds '" + fields[c] +
                                         "', expected a finite number");
      }
      if (!table.add(fields[key_column], row.data()))
        throw ConfigError("table",
                          where + ": the key '" + fields[key_column] + "' appears a second time");
    }
    if (table.rows() == 0)
      throw ConfigError("table", spec.file + " has a header row but no data rows");
    return table;
  } catch (const CsvError &e) {
    throw ConfigError("table", spec.file + ":" + std::to_string(e.line) + ": " + e.reason);
  }
}

} // namespace nas::tabular
