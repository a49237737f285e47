// nas.evaluator.tabular: answers trials from a tabular benchmark (NAS-Bench-101/201/301,
// NAS-Bench-Macro, ...) keyed by the space's exact string, as the published benchmark
// protocols do (Ying et al. 2019; Dong and Yang, ICLR 2020; Su et al., CVPR 2021).
#include "compressed_file.hpp"
#include "metric_table.hpp"
#include "table_loaders.hpp"

#include <nas/plugin.hpp>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace nas::tabular {

namespace {

namespace fs = std::filesystem;

bool file_exists(const fs::path &path) {
  std::error_code error;
  return fs::exists(path, error);
}

// Absolute paths as given; relative ones against the pipeline's folder, then $NAS_DATA_DIR.
std::string resolve_table_path(const std::string &name, const std::string &config_dir) {
  fs::path given(name);
  if (given.is_absolute()) {
    if (file_exists(given))
      return name;
    throw ConfigError("table", "the table file " + name + " does not exist");
  }
  std::vector<fs::path> tried{(fs::path(config_dir) / given).lexically_normal()};
  if (const char *data_dir = std::getenv("NAS_DATA_DIR"); data_dir && *data_dir)
    tried.push_back((fs::path(data_dir) / given).lexically_normal());
  for (const fs::path &path : tried)
    if (file_exists(path))
      return path.string();
  std::string message = "the table file '" + name + "' was not found; tried " + tried[0].string();
  if (tried.size() > 1)
    message += " and " + tried[1].string() + " (from NAS_DATA_DIR)";
  else
    message += " (set NAS_DATA_DIR to look in a data folder too)";
  throw ConfigError("table", message);
}

bool ends_with(const std::string &text, const std::string &suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// "csv" or "json", from the config or from the file's extension (under an optional .gz).
std::string table_format(const std::string &format, const std::string &path) {
  if (format == "csv" || format == "json")
    return format;
  if (format != "auto")
    throw ConfigError("format",
                      "'format' must be \"auto\", \"csv\" or \"json\", not \"" + format + "\"");
  std::string name = path;
  for (char &c : name)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ends_with(name, ".gz"))
    name.resize(name.size() - 3);
  if (ends_with(name, ".csv"))
    return "csv";
  if (ends_with(name, ".json"))
    return "json";
  throw ConfigError("format", "cannot tell the format of " + path +
                                  " from its extension (.csv, .json, optionally .gz); set "
                                  "format = \"csv\" or \"json\"");
}

// Our metric names and their columns, in the config's order.
std::vector<std::pair<std::string, std::string>> read_metrics(const Config &config) {
  const char *example = "a table of metric name = column, e.g. "
                        "{ valid_accuracy = \"valid-accuracy\" }";
  if (config.type("metrics") != NAS_VALUE_TABLE)
    throw ConfigError("metrics", std::string(config.has("metrics") ? "'metrics' must be "
                                                                   : "'metrics' is required: ") +
                                     example);
  std::vector<std::pair<std::string, std::string>> metrics;
  for (const std::string &name : config.keys("metrics")) {
    if (name == "fidelity")
      throw ConfigError("metrics.fidelity",
                        "'fidelity' is reserved: the evaluator echoes the trial's fidelity");
    metrics.emplace_back(name, config.require_string("metrics." + name));
  }
  if (metrics.empty())
    throw ConfigError("metrics", std::string("'metrics' is empty; expected ") + example);
  return metrics;
}

std::string json_string(const std::string &text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// The shortest decimal that reads back as the same double; null for NaN and infinities,
// which JSON cannot hold.
void append_number(std::string &out, double value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  char buffer[32];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

} // namespace

class TabularEvaluator final : public Evaluator {
public:
  TabularEvaluator(const Config &config, const Host &host) : Evaluator(host) {
    TableSpec spec;
    spec.key_column = config.get_string("key", "arch_str");
    spec.metrics = read_metrics(config);
    spec.file = resolve_table_path(config.require_string("table"), host.config_dir());
    std::string format = table_format(config.get_string("format", "auto"), spec.file);
    std::string text;
    try {
      text = read_possibly_gzipped(spec.file);
    } catch (const std::runtime_error &e) {
      throw ConfigError("table", e.what());
    }
    table_ = format == "csv" ? load_csv_table(text, spec) : load_json_table(text, spec);
    file_ = spec.file;
    for (size_t j = 0; j < spec.metrics.size(); ++j)
      prefixes_.push_back((j == 0 ? "{" : ",") + json_string(spec.metrics[j].first) + ":");
    host.debug("nas.evaluator.tabular: " + std::to_string(table_.rows()) + " rows from " + file_);
  }

  static Info info() {
    Info i;
    i.name = "nas.evaluator.tabular";
    i.version = "1.0.0";
    i.description = "Looks trials up in a tabular benchmark keyed by the space's exact string.";
    i.flags = NAS_FLAG_TABULAR; // needs no IR and no artifact folder
    i.config = R"({"table": {"type": "string", "help": "the table file (.csv or .json, optionally )"
               R"(.gz); relative to the pipeline's folder, then to $NAS_DATA_DIR"},)"
               R"( "format": {"type": "string", "default": "auto", "help": )"
               R"("\"auto\" (by extension), \"csv\" or \"json\""},)"
               R"( "key": {"type": "string", "default": "arch_str", "help": "the CSV column, or )"
               R"(the field of a JSON array's objects, that holds the space's exact string"},)"
               R"( "metrics": {"type": "table", "help": "metric name = table column, e.g. )"
               R"({ valid_accuracy = \"valid-accuracy\" }"}})";
    i.metrics = R"({"$config:metrics": {"help": "the keys of the metrics table"}, )"
                R"("fidelity": {"help": "the trial's fidelity, echoed"}})";
    return i;
  }

  std::string evaluate(const Trial &trial) override {
    const double *row = table_.find(trial.canonical);
    if (!row)
      throw InvalidArch("no row for '" + trial.canonical + "' in " + file_);
    std::string out;
    out.reserve(prefixes_.size() * 40 + 32);
    for (size_t j = 0; j < prefixes_.size(); ++j) {
      out += prefixes_[j];
      append_number(out, row[j]);
    }
    out += ",\"fidelity\":";
    append_number(out, trial.fidelity);
    out += '}';
    return out;
  }

private:
  MetricTable table_;
  std::string file_;
  std::vector<std::string> prefixes_; // `{"name":` then `,"name":`, one per metric
};

} // namespace nas::tabular

NAS_PLUGIN_LIBRARY(nas::tabular::TabularEvaluator);
