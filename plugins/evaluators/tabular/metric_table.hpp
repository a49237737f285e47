// The loaded benchmark: for each key (a space's exact string), one number per metric, in
// one flat array so a lookup is one hash probe and no allocation.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace nas::tabular {

// What to read from a table file: the key column and, for each of our metric names, the
// table's column (CSV) or field (JSON) that holds it.
struct TableSpec {
  std::string file; // as named in messages
  std::string key_column;
  std::vector<std::pair<std::string, std::string>> metrics; // {our name, table column}
};

class MetricTable {
public:
  explicit MetricTable(size_t width = 0) : width_(width) {}

  size_t width() const { return width_; }
  size_t rows() const { return rows_.size(); }
  // Adds a row of width() values; false when `key` already has one.
  bool add(const std::string &key, const double *values) {
    if (!rows_.emplace(key, values_.size()).second)
      return false;
    values_.insert(values_.end(), values, values + width_);
    return true;
  }
  // The row of `key`, or nullptr.
  const double *find(const std::string &key) const {
    auto it = rows_.find(key);
    return it == rows_.end() ? nullptr : values_.data() + it->second;
  }

private:
  size_t width_;                                 // values per row
  std::unordered_map<std::string, size_t> rows_; // key -> offset in values_
  std::vector<double> values_;
};

} // namespace nas::tabular
