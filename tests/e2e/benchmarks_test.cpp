// Whole tabular benchmarks through the built `nas`: grid search visits every architecture
// exactly once, and every lookup equals the benchmark's own row, read here independently
// of the tabular evaluator (zlib + a plain CSV split, nlohmann for the JSON).
#include "../support/run_nas.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using Json = nlohmann::json;
using nas::test::NasResult;
using nas::test::run_nas;
using nas::test::TempDir;

namespace {

std::string quote(const std::string &s) { return "'" + s + "'"; }

std::string config(const std::string &name) {
  return quote(std::string(NAS_SOURCE_DIR) + "/configs/" + name);
}

std::string gunzip(const std::string &path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) {
    ADD_FAILURE() << "cannot open " << path;
    return "";
  }
  std::string out;
  char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0)
    out.append(buf, static_cast<size_t>(n));
  EXPECT_EQ(n, 0) << "gzread failed on " << path;
  gzclose(f);
  return out;
}

std::string slurp(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> split(const std::string &line, char sep) {
  std::vector<std::string> out;
  std::stringstream in(line);
  for (std::string field; std::getline(in, field, sep);)
    out.push_back(field);
  return out;
}

double number(const std::string &text) {
  char *end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  EXPECT_TRUE(end && *end == '\0' && !text.empty()) << "not a number: '" << text << "'";
  return v;
}

bool same_value(double a, double b) { return a == b || std::fabs(a - b) <= 1e-9 * std::fabs(b); }

double round_to(double v, int digits) {
  double scale = std::pow(10.0, digits);
  return std::round(v * scale) / scale;
}

struct RunOutput {
  std::vector<Json> trials; // trials.jsonl, one object per line
  Json summary;
};

RunOutput run_pipeline(const TempDir &tmp, const std::string &args) {
  std::string out = tmp / "run";
  NasResult r = run_nas("run " + args + " -q --output " + quote(out));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  RunOutput run;
  std::stringstream in(slurp(out + "/trials.jsonl"));
  for (std::string line; std::getline(in, line);)
    run.trials.push_back(Json::parse(line));
  run.summary = Json::parse(slurp(out + "/summary.json"));
  return run;
}

// NAS-Bench-201: arch_str -> the row's values, read from the CSV.
struct Nb201Row {
  double valid, test, train_seconds;
};

std::map<std::string, Nb201Row> read_nb201() {
  std::string text = gunzip(nas::test::data_dir() + "/nb201/cifar10_avg.csv.gz");
  EXPECT_EQ(text.find('"'), std::string::npos) << "the plain split below needs no quoting";
  std::stringstream in(text);
  std::string line;
  std::getline(in, line);
  auto header = split(line, ',');
  auto column = [&](const std::string &name) {
    size_t c = std::find(header.begin(), header.end(), name) - header.begin();
    EXPECT_LT(c, header.size()) << name;
    return c;
  };
  size_t key = column("arch_str"), valid = column("valid-accuracy"),
         test = column("test-accuracy"), train = column("train-all-time");
  std::map<std::string, Nb201Row> rows;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    auto f = split(line, ',');
    if (f.size() != header.size()) {
      ADD_FAILURE() << "row with " << f.size() << " fields: " << line;
      continue;
    }
    rows[f[key]] = {number(f[valid]), number(f[test]), number(f[train])};
  }
  return rows;
}

const char *kNb201Best =
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|";

} // namespace

TEST(Benchmarks, Nb201TableIsComplete) {
  auto rows = read_nb201();
  EXPECT_EQ(rows.size(), 15625u);
  ASSERT_TRUE(rows.count(kNb201Best));
  EXPECT_DOUBLE_EQ(round_to(rows[kNb201Best].valid, 4), 91.6067);
  EXPECT_DOUBLE_EQ(round_to(rows[kNb201Best].test, 2), 91.09);
}

TEST(Benchmarks, GridOnNb201EvaluatesEveryCellOnceAndMatchesTheTable) {
  auto table = read_nb201();
  ASSERT_EQ(table.size(), 15625u);
  TempDir tmp;
  RunOutput run = run_pipeline(tmp, config("nb201-grid.toml"));
  ASSERT_EQ(run.trials.size(), 15625u);

  std::set<std::string> seen;
  size_t mismatches = 0, not_ok = 0;
  double best = -1;
  std::string best_arch;
  for (const auto &t : run.trials) {
    std::string arch = t["canonical"];
    EXPECT_TRUE(seen.insert(arch).second) << "evaluated twice: " << arch;
    if (t["status"] != "ok") {
      ++not_ok;
      continue;
    }
    auto it = table.find(arch);
    if (it == table.end()) {
      ADD_FAILURE() << "not in the table: " << arch;
      continue;
    }
    const Json &m = t["metrics"];
    bool same = same_value(m["valid_accuracy"].get<double>(), it->second.valid) &&
                same_value(m["test_accuracy"].get<double>(), it->second.test) &&
                same_value(m["train_seconds"].get<double>(), it->second.train_seconds) &&
                same_value(t["objective"].get<double>(), it->second.valid);
    if (!same && ++mismatches <= 5)
      ADD_FAILURE() << arch << ": " << m.dump() << " vs the table's valid " << it->second.valid
                    << ", test " << it->second.test << ", train " << it->second.train_seconds;
    if (m["valid_accuracy"].get<double>() > best) {
      best = m["valid_accuracy"];
      best_arch = arch;
    }
  }
  EXPECT_EQ(seen.size(), 15625u);
  EXPECT_EQ(not_ok, 0u) << "no cached, failed or invalid trial";
  EXPECT_EQ(mismatches, 0u);

  // The known optimum.
  EXPECT_EQ(best_arch, kNb201Best);
  EXPECT_DOUBLE_EQ(round_to(best, 4), 91.6067);
  const Json &stage = run.summary["stages"][0];
  EXPECT_EQ(stage["trials"], 15625);
  EXPECT_EQ(stage["evaluated"], 15625);
  EXPECT_EQ(stage["cached"], 0);
  EXPECT_EQ(stage["best"]["canonical"], kNb201Best);
  EXPECT_DOUBLE_EQ(round_to(stage["best"]["metrics"]["test_accuracy"].get<double>(), 2), 91.09);
}

TEST(Benchmarks, GridOnNasBenchMacroEvaluatesEveryArchitectureOnceAndMatchesTheTable) {
  Json table = Json::parse(gunzip(nas::test::data_dir() + "/nasbench-macro/nas-bench-macro_cifar10.json.gz"));
  ASSERT_EQ(table.size(), 6561u);
  TempDir tmp;
  RunOutput run = run_pipeline(tmp, config("nasbench-macro-random.toml") +
                                  " --set stage.0.strategy.plugin=nas.strategy.grid"
                                  " --set stage.0.budget.evaluations=7000");
  ASSERT_EQ(run.trials.size(), 6561u);

  std::set<std::string> seen;
  size_t mismatches = 0, not_ok = 0;
  double best = -1;
  for (const auto &t : run.trials) {
    std::string arch = t["canonical"];
    EXPECT_TRUE(seen.insert(arch).second) << "evaluated twice: " << arch;
    if (t["status"] != "ok") {
      ++not_ok;
      continue;
    }
    if (!table.contains(arch)) {
      ADD_FAILURE() << "not in the table: " << arch;
      continue;
    }
    const Json &row = table[arch];
    const Json &m = t["metrics"];
    bool same = same_value(m["test_accuracy"].get<double>(), row["mean_acc"].get<double>()) &&
                same_value(m["test_accuracy_std"].get<double>(), row["std"].get<double>()) &&
                same_value(m["params"].get<double>(), row["params"].get<double>()) &&
                same_value(m["flops"].get<double>(), row["flops"].get<double>()) &&
                same_value(t["objective"].get<double>(), row["mean_acc"].get<double>());
    if (!same && ++mismatches <= 5)
      ADD_FAILURE() << arch << ": " << m.dump() << " vs the table's " << row.dump();
    best = std::max(best, m["test_accuracy"].get<double>());
  }
  EXPECT_EQ(seen.size(), 6561u);
  EXPECT_EQ(not_ok, 0u) << "no cached, failed or invalid trial";
  EXPECT_EQ(mismatches, 0u);

  const Json &stage = run.summary["stages"][0];
  EXPECT_EQ(stage["trials"], 6561);
  EXPECT_EQ(stage["evaluated"], 6561);
  EXPECT_EQ(stage["cached"], 0);
  // The budget (7,000) was not what ended it: the grid ran out of architectures.
  EXPECT_EQ(stage["end_reason"], "the strategy has nothing more to propose");

  // The known optimum: 22212220 at 93.127 (its equivalent architectures share the record, so
  // the stage's best may be any of them, at the same value).
  EXPECT_DOUBLE_EQ(round_to(best, 3), 93.127);
  double at_22212220 = -1;
  for (const auto &t : run.trials)
    if (t["canonical"] == "22212220")
      at_22212220 = t["metrics"]["test_accuracy"];
  EXPECT_EQ(at_22212220, best);
  EXPECT_DOUBLE_EQ(round_to(stage["best"]["objective"].get<double>(), 3), 93.127);
}

TEST(Benchmarks, RandomSearchLookupsMatchTheTable) {
  // The default config (random search, 150 trials) is answered from the same rows.
  auto table = read_nb201();
  TempDir tmp;
  RunOutput run = run_pipeline(tmp, config("nb201-random.toml"));
  ASSERT_EQ(run.trials.size(), 150u);
  for (const auto &t : run.trials) {
    auto it = table.find(t["canonical"].get<std::string>());
    ASSERT_NE(it, table.end()) << t.dump();
    EXPECT_TRUE(same_value(t["metrics"]["valid_accuracy"].get<double>(), it->second.valid)) << t.dump();
  }
}
