// Readers of benchmark tables into a MetricTable. They throw nas::ConfigError: on
// `key` or `metrics.<name>` when a column is missing (listing those available), and on
// `table` when the file is malformed (naming the file, line and column, or JSON entry).
#pragma once

#include "metric_table.hpp"

#include <string_view>

namespace nas::tabular {

// A CSV file with a header row.
MetricTable load_csv_table(std::string_view text, const TableSpec &spec);

// A JSON object keyed by the key ({"22212220": {"mean_acc": 93.1, ...}, ...}) or an array
// of objects that each hold the key in the field spec.key_column.
MetricTable load_json_table(std::string_view text, const TableSpec &spec);

} // namespace nas::tabular
