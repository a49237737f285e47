#include "command_config.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>

namespace nas::command {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

std::vector<std::string> read_argv(const Json &config) {
  auto it = config.find("command");
  const char *expected = "an array of strings (the program and its arguments, e.g. "
                         "[\"/usr/bin/python3\", \"train.py\"]) or a string run by /bin/sh -c";
  if (it == config.end())
    throw ConfigError("command", std::string("'command' is required: ") + expected);
  if (it->is_string()) {
    std::string text = it->get<std::string>();
    if (text.find_first_not_of(" \t\n") == std::string::npos)
      throw ConfigError("command",
                        "'command' is an empty string; expected " + std::string(expected));
    return {"/bin/sh", "-c", text};
  }
  if (!it->is_array())
    throw ConfigError("command", "'command' is " + it->dump() + "; expected " + expected);
  if (it->empty())
    throw ConfigError("command", std::string("'command' is an empty array; expected ") + expected);
  std::vector<std::string> argv;
  for (size_t i = 0; i < it->size(); ++i) {
    const Json &arg = (*it)[i];
    std::string key = "command[" + std::to_string(i) + "]";
    if (!arg.is_string())
      throw ConfigError(key, "'" + key + "' is " + arg.dump() + "; expected a string");
    if (arg.get<std::string>().find('\0') != std::string::npos)
      throw ConfigError(key, "'" + key + "' holds a NUL character");
    argv.push_back(arg.get<std::string>());
  }
  if (argv[0].empty())
    throw ConfigError("command[0]", "'command[0]' (the program) is empty");
  return argv;
}

std::vector<std::pair<std::string, std::string>> read_env(const Json &config) {
  std::vector<std::pair<std::string, std::string>> env;
  auto it = config.find("env");
  if (it == config.end())
    return env;
  if (!it->is_object())
    throw ConfigError("env", "'env' must be a table of NAME = \"value\", e.g. "
                             "{ OMP_NUM_THREADS = \"2\" }");
  for (auto var = it->begin(); var != it->end(); ++var) {
    const std::string &name = var.key();
    std::string key = "env." + name;
    if (name.empty() || name.find('=') != std::string::npos || name.find('\0') != std::string::npos)
      throw ConfigError(key, "'" + name + "' is not a valid environment variable name");
    if (name.rfind("NAS_", 0) == 0 && (name == "NAS_TRIAL_FILE" || name == "NAS_METRICS_FILE" ||
                                       name == "NAS_REPORT_FILE" || name == "NAS_ARTIFACT_DIR"))
      throw ConfigError(key, "'" + name + "' is set by the evaluator for every trial");
    if (var->is_string())
      env.emplace_back(name, var->get<std::string>());
    else if (var->is_number_integer())
      env.emplace_back(name, var->dump());
    else
      throw ConfigError(key, "'" + key + "' is " + var->dump() + "; expected a string");
  }
  return env;
}

double read_seconds(const Config &config, const std::string &key, double fallback) {
  double value = config.get_double(key, fallback);
  if (!std::isfinite(value) || value < 0)
    throw ConfigError(key, "'" + key + "' must be a number of seconds >= 0, got " +
                               std::to_string(value));
  return value;
}

// A file name inside the trial's folder: relative, no "..", not empty.
std::string read_file_name(const Config &config, const std::string &key,
                           const std::string &fallback) {
  std::string name = config.get_string(key, fallback);
  fs::path path(name);
  bool escapes = false;
  for (const auto &part : path)
    escapes = escapes || part == "..";
  if (name.empty() || path.is_absolute() || escapes || name.back() == '/')
    throw ConfigError(key, "'" + key + "' must be a file name inside the trial's folder, e.g. \"" +
                               fallback + "\"; got \"" + name + "\"");
  return name;
}

} // namespace

CommandConfig read_command_config(const Config &config, const std::string &config_dir) {
  Json json;
  try {
    json = Json::parse(config.json());
  } catch (const Json::exception &e) {
    throw ConfigError("", std::string("the config is not readable JSON: ") + e.what());
  }
  CommandConfig c;
  c.argv = read_argv(json);
  c.env = read_env(json);
  c.timeout = read_seconds(config, "timeout", 0);
  c.term_grace = read_seconds(config, "term_grace", 5);
  c.metrics_file = read_file_name(config, "metrics_file", "metrics.json");
  c.report_file = read_file_name(config, "report_file", "reports.jsonl");
  if (c.metrics_file == c.report_file)
    throw ConfigError("report_file", "'report_file' and 'metrics_file' are the same file");

  fs::path workdir(config.get_string("workdir", "."));
  if (workdir.is_relative())
    workdir = (config_dir.empty() ? fs::current_path() : fs::path(config_dir)) / workdir;
  workdir = workdir.lexically_normal();
  std::error_code error;
  if (!fs::is_directory(workdir, error))
    throw ConfigError("workdir", "the working folder " + workdir.string() +
                                     " does not exist or is not a folder");
  c.workdir = workdir.string();
  return c;
}

std::string command_text(const std::vector<std::string> &argv) {
  if (argv.size() == 3 && argv[0] == "/bin/sh" && argv[1] == "-c")
    return argv[2];
  std::string out;
  for (const std::string &arg : argv) {
    bool plain = !arg.empty() && arg.find_first_of(" \t\n'\"\\$`") == std::string::npos;
    out += (out.empty() ? "" : " ") + (plain ? arg : "'" + arg + "'");
  }
  return out;
}

} // namespace nas::command
