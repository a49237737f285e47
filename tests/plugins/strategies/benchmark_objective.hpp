// Test support for the search strategies: the two bundled benchmark tables as objectives
// (NB201: valid-accuracy by arch_str; NAS-Bench-Macro: mean_acc by its 8-digit key), read
// with `gzip -dc` and looked up by the space's canonical string; a sequential ask/tell
// driver; and `nas run` on a config with its summary.
#pragma once

#include "plugin_harness.hpp"
#include "run_nas.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace nas::test::benchmark {

inline const char *const kNb201 = "nas.space.nb201";
inline const char *const kMacro = "nas.space.nasbench_macro";

inline std::string gunzip(const std::string &path) {
  std::string command = "gzip -dc '" + path + "'";
  FILE *pipe = popen(command.c_str(), "r");
  if (!pipe)
    throw std::runtime_error("cannot run " + command);
  std::string out;
  char buf[1 << 16];
  for (size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;)
    out.append(buf, n);
  if (pclose(pipe) != 0 || out.empty())
    throw std::runtime_error(command + " failed");
  return out;
}

inline std::vector<std::string> split(const std::string &line, char sep) {
  std::vector<std::string> out;
  std::stringstream in(line);
  for (std::string field; std::getline(in, field, sep);)
    out.push_back(field);
  return out;
}

// Canonical string -> the benchmark's value.
using Table = std::unordered_map<std::string, double>;

inline Table read_nb201() {
  std::stringstream in(gunzip(data_dir() + "/nb201/cifar10_avg.csv.gz"));
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header = split(line, ',');
  size_t key = 0, value = 0;
  for (size_t i = 0; i < header.size(); ++i) {
    key = header[i] == "arch_str" ? i : key;
    value = header[i] == "valid-accuracy" ? i : value;
  }
  Table table;
  while (std::getline(in, line)) {
    std::vector<std::string> f = split(line, ',');
    if (f.size() == header.size())
      table[f[key]] = std::stod(f[value]);
  }
  return table;
}

inline Table read_macro() {
  Json all = Json::parse(gunzip(data_dir() + "/nasbench-macro/nas-bench-macro_cifar10.json.gz"));
  Table table;
  for (auto it = all.begin(); it != all.end(); ++it)
    table[it.key()] = it.value().at("mean_acc").get<double>();
  return table;
}

// The table of a space (read once per process).
inline const Table &table_for(const std::string &space) {
  static const Table nb201 = read_nb201(), macro = read_macro();
  if (space == kNb201)
    return nb201;
  if (space == kMacro)
    return macro;
  throw std::logic_error("no table for " + space);
}

// The benchmark's value of `choices` in `space`; the test fails when the table lacks it.
inline double value_of(const SpaceRef &space, const Table &table, const Choices &choices) {
  std::string key = space.to_string(choices);
  auto it = table.find(key);
  if (it == table.end()) {
    ADD_FAILURE() << "no table row for " << key;
    return NAN;
  }
  return it->second;
}

// Asks and tells one trial at a time (ids from `first_id`), each told its table value,
// until `asks` proposals; stops early (failing the test) on anything but ok.
inline std::vector<Choices> drive(const StrategyClient &s, const SpaceRef &space,
                                  const Table &table, size_t asks, int64_t first_id = 1) {
  std::vector<Choices> out;
  for (size_t i = 0; i < asks; ++i) {
    int64_t id = first_id + static_cast<int64_t>(i);
    Proposal p = s.ask(id);
    EXPECT_TRUE(p.ok()) << "ask " << i << ": " << p;
    if (!p.ok())
      break;
    CallResult r = s.tell(id, p.choices, value_of(space, table, p.choices));
    EXPECT_TRUE(r.ok()) << "tell " << i << ": " << r;
    out.push_back(p.choices);
  }
  return out;
}

inline std::string slurp(const std::string &path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// `nas run configs/<config> <extra>` into a temporary folder: the exit code, the output, the
// summary, the trials and the log.
struct RunOutput {
  NasResult result;
  Json summary;
  std::vector<Json> trials;
  std::string log;
};

inline RunOutput run_config(const std::string &config, const std::string &extra = "") {
  TempDir tmp;
  std::string out = tmp / "run";
  RunOutput run;
  run.result = run_nas("run '" + std::string(NAS_SOURCE_DIR) + "/configs/" + config + "' -q " +
                       extra + " --output '" + out + "'");
  run.summary = Json::parse(slurp(out + "/summary.json"), nullptr, false);
  std::stringstream lines(slurp(out + "/trials.jsonl"));
  for (std::string line; std::getline(lines, line);)
    run.trials.push_back(Json::parse(line));
  run.log = slurp(out + "/nas.log");
  return run;
}

} // namespace nas::test::benchmark
