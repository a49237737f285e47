// The `nas` command line: help, version, plugins, describe, run and results.
#include "../support/run_nas.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
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

std::string slurp(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> lines_of(const std::string &text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

std::vector<std::string> split_csv_simple(const std::string &line) {
  std::vector<std::string> out;
  std::stringstream in(line);
  for (std::string field; std::getline(in, field, ',');)
    out.push_back(field);
  return out;
}

const std::vector<std::string> kPlugins = {
    "nas.space.nb201",       "nas.space.nasbench_macro", "nas.strategy.random",
    "nas.strategy.grid",     "nas.evaluator.tabular",    "nas.distance.hamming"};

// One run of configs/nb201-random.toml (150 trials), shared by the tests that read it.
class Nb201Run : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    tmp_ = new TempDir;
    run_dir_ = *tmp_ / "run";
    run_ = new NasResult(run_nas("run " + config("nb201-random.toml") + " --output " +
                                 quote(run_dir_)));
  }
  static void TearDownTestSuite() {
    delete run_;
    delete tmp_;
  }
  void SetUp() override {
    ASSERT_EQ(run_->exit_code, 0) << run_->out << run_->err;
  }
  static Json results_json(const std::string &extra = "") {
    NasResult r = run_nas("results " + quote(run_dir_) + " --format json " + extra);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    try {
      return Json::parse(r.out);
    } catch (const std::exception &e) {
      ADD_FAILURE() << "not JSON: " << e.what() << "\n" << r.out.substr(0, 500);
      return Json::object();
    }
  }
  static TempDir *tmp_;
  static std::string run_dir_;
  static NasResult *run_;
};
TempDir *Nb201Run::tmp_ = nullptr;
std::string Nb201Run::run_dir_;
NasResult *Nb201Run::run_ = nullptr;

} // namespace

TEST(Cli, Version) {
  NasResult r = run_nas("--version");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("nas ", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("plugin ABI 1."), std::string::npos) << r.out;
}

TEST(Cli, HelpDescribesEveryCommand) {
  for (const char *flag : {"--help", "-h", "help"}) {
    NasResult r = run_nas(flag);
    EXPECT_EQ(r.exit_code, 0) << flag;
    EXPECT_NE(r.out.find("usage: nas <command>"), std::string::npos) << r.out;
    for (const char *cmd : {"run PIPELINE", "validate PIPELINE", "plugins", "describe PLUGIN",
                            "results RUN_DIR"})
      EXPECT_NE(r.out.find(cmd), std::string::npos) << cmd << " in\n" << r.out;
    EXPECT_NE(r.out.find("Exit status"), std::string::npos);
  }
}

TEST(Cli, NoCommandIsBadUsage) {
  NasResult r = run_nas("");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("usage: nas"), std::string::npos) << r.out << r.err;
}

TEST(Cli, EachCommandHasItsOwnHelp) {
  const std::map<std::string, std::vector<std::string>> about = {
      {"run", {"usage: nas run PIPELINE", "--set", "--output", "--seed", "never overwritten"}},
      {"validate", {"usage: nas validate PIPELINE", "--set", "Checks the pipeline"}},
      {"plugins", {"usage: nas plugins", "--json", "Lists the plugins"}},
      {"describe", {"usage: nas describe PLUGIN", "--json", "config keys"}},
      {"results", {"usage: nas results RUN_DIR", "--format", "--top", "--stage"}}};
  for (const auto &[cmd, parts] : about) {
    for (const char *flag : {"--help", "-h"}) {
      NasResult r = run_nas(cmd + " " + flag);
      EXPECT_EQ(r.exit_code, 0) << cmd << " " << flag << "\n" << r.err;
      for (const auto &p : parts)
        EXPECT_NE(r.out.find(p), std::string::npos) << "'" << p << "' in `nas " << cmd << " "
                                                     << flag << "`:\n" << r.out;
    }
  }
}

TEST(Cli, UnknownCommandOrOptionIsBadUsage) {
  NasResult r = run_nas("frobnicate");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown command 'frobnicate'"), std::string::npos) << r.err;

  NasResult o = run_nas("plugins --no-such-option");
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("no-such-option"), std::string::npos) << o.err;

  NasResult missing = run_nas("run");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("which pipeline"), std::string::npos) << missing.err;
}

TEST(Cli, PluginsListsTheSix) {
  NasResult r = run_nas("plugins");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto rows = lines_of(r.out);
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0].rfind("NAME", 0), 0u) << rows[0];
  for (const auto &name : kPlugins) {
    std::string kind = name.substr(4, name.find('.', 4) - 4);
    bool found = false;
    for (const auto &row : rows)
      found = found || (row.rfind(name + " ", 0) == 0 && row.find(" " + kind + " ") != std::string::npos);
    EXPECT_TRUE(found) << name << " (" << kind << ") in\n" << r.out;
  }
}

TEST(Cli, PluginsJson) {
  NasResult r = run_nas("plugins --json");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  Json j = Json::parse(r.out); // throws, failing the test, when not JSON
  ASSERT_TRUE(j.is_array());
  std::set<std::string> names;
  for (const auto &p : j) {
    for (const char *field : {"name", "kind", "version", "abi", "file"}) {
      ASSERT_TRUE(p.contains(field)) << field << " in " << p.dump();
      EXPECT_TRUE(p[field].is_string()) << field << " in " << p.dump();
    }
    std::string name = p["name"];
    names.insert(name);
    EXPECT_EQ(name.rfind("nas." + p["kind"].get<std::string>() + ".", 0), 0u) << p.dump();
    EXPECT_EQ(p["abi"].get<std::string>().rfind("1.", 0), 0u) << p.dump();
    EXPECT_TRUE(fs::exists(p["file"].get<std::string>())) << p.dump();
    EXPECT_FALSE(p["version"].get<std::string>().empty());
  }
  for (const auto &name : kPlugins)
    EXPECT_TRUE(names.count(name)) << name;
}

TEST(Cli, DescribeTabularShowsKeysTypesAndDefaults) {
  NasResult r = run_nas("describe nas.evaluator.tabular");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char *part : {"nas.evaluator.tabular", "evaluator", "config keys:",
                           "table (string, required)", "format (string, default \"auto\")",
                           "key (string, default \"arch_str\")", "metrics (table, required)",
                           "roles:", "metrics:", "fidelity"})
    EXPECT_NE(r.out.find(part), std::string::npos) << "'" << part << "' in\n" << r.out;
}

TEST(Cli, DescribeJson) {
  NasResult r = run_nas("describe nas.strategy.random --json");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  Json j = Json::parse(r.out);
  EXPECT_EQ(j["name"], "nas.strategy.random");
  EXPECT_EQ(j["kind"], "strategy");
  ASSERT_TRUE(j["config"].contains("unique"));
  EXPECT_EQ(j["config"]["unique"]["type"], "bool");
  EXPECT_EQ(j["config"]["unique"]["default"], true);
  ASSERT_TRUE(j["roles"].contains("space"));
  EXPECT_EQ(j["roles"]["space"]["kind"], "space");
}

TEST(Cli, DescribeUnknownPlugin) {
  NasResult r = run_nas("describe nope");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no plugin named 'nope'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nas.evaluator.tabular"), std::string::npos) << "lists the plugins: "
                                                                    << r.err;
  NasResult none = run_nas("describe");
  EXPECT_EQ(none.exit_code, 2);
}

TEST_F(Nb201Run, RunReportsAndWritesTheRunFolder) {
  EXPECT_NE(run_->out.find("run folder: " + run_dir_), std::string::npos) << run_->out;
  EXPECT_NE(run_->out.find("150 trials"), std::string::npos) << run_->out;
  for (const char *f : {"trials.jsonl", "summary.json", "pipeline.toml", "nas.log"})
    EXPECT_TRUE(fs::exists(fs::path(run_dir_) / f)) << f;
  EXPECT_EQ(slurp(run_dir_ + "/pipeline.toml"),
            slurp(std::string(NAS_SOURCE_DIR) + "/configs/nb201-random.toml"));
  Json summary = Json::parse(slurp(run_dir_ + "/summary.json"));
  EXPECT_EQ(summary["stages"][0]["trials"], 150);
  EXPECT_EQ(summary["objective"]["metric"], "valid_accuracy");
}

TEST_F(Nb201Run, ResultsJsonHas150Trials) {
  Json j = results_json();
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j.size(), 1u) << "one object {\"trials\": [...]}";
  ASSERT_TRUE(j.contains("trials") && j["trials"].is_array());
  ASSERT_EQ(j["trials"].size(), 150u);
  std::set<int64_t> ids;
  std::set<std::string> canonicals;
  int64_t last = 0;
  for (const auto &t : j["trials"]) {
    for (const char *field :
         {"id", "stage", "choices", "canonical", "fidelity", "status", "metrics", "objective"})
      ASSERT_TRUE(t.contains(field)) << field << " in " << t.dump();
    EXPECT_GT(t["id"].get<int64_t>(), last) << "id order";
    last = t["id"];
    ids.insert(t["id"].get<int64_t>());
    EXPECT_EQ(t["stage"], "search");
    ASSERT_TRUE(t["choices"].is_array());
    EXPECT_EQ(t["choices"].size(), 6u);
    for (const auto &c : t["choices"])
      EXPECT_TRUE(c.is_number_integer() && c >= 0 && c < 5) << t.dump();
    std::string canonical = t["canonical"];
    EXPECT_EQ(canonical.front(), '|');
    canonicals.insert(canonical);
    EXPECT_EQ(t["fidelity"], 1.0);
    EXPECT_EQ(t["status"], "ok");
    ASSERT_TRUE(t["metrics"].is_object());
    for (const char *m : {"valid_accuracy", "test_accuracy", "train_seconds"})
      EXPECT_TRUE(t["metrics"].contains(m) && t["metrics"][m].is_number()) << m << t.dump();
    // maximize: the objective is the metric itself
    EXPECT_EQ(t["objective"], t["metrics"]["valid_accuracy"]);
  }
  EXPECT_EQ(ids.size(), 150u);
  EXPECT_EQ(canonicals.size(), 150u) << "random search with unique = true never repeats";
}

TEST_F(Nb201Run, TopOneIsTheBest) {
  Json all = results_json();
  double best = -1e300;
  for (const auto &t : all["trials"])
    best = std::max(best, t["objective"].get<double>());
  Json top = results_json("--top 1");
  ASSERT_EQ(top["trials"].size(), 1u);
  EXPECT_EQ(top["trials"][0]["objective"].get<double>(), best);
  Json summary = Json::parse(slurp(run_dir_ + "/summary.json"));
  EXPECT_EQ(summary["stages"][0]["best"]["id"], top["trials"][0]["id"]);

  Json top5 = results_json("--top 5");
  ASSERT_EQ(top5["trials"].size(), 5u);
  for (size_t i = 1; i < 5; ++i)
    EXPECT_GE(top5["trials"][i - 1]["objective"].get<double>(),
              top5["trials"][i]["objective"].get<double>());
}

TEST_F(Nb201Run, CsvHasAHeaderAnd150Rows) {
  NasResult r = run_nas("results " + quote(run_dir_) + " --format csv");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto rows = lines_of(r.out);
  ASSERT_EQ(rows.size(), 151u);
  auto header = split_csv_simple(rows[0]);
  ASSERT_GE(header.size(), 4u);
  EXPECT_EQ(header[0], "id");
  EXPECT_EQ(header[1], "stage");
  EXPECT_EQ(header[2], "status");
  EXPECT_EQ(header[3], "objective");
  for (const char *m : {"valid_accuracy", "test_accuracy", "train_seconds", "canonical"})
    EXPECT_NE(std::find(header.begin(), header.end(), m), header.end()) << m;
  for (size_t i = 1; i < rows.size(); ++i) {
    auto f = split_csv_simple(rows[i]);
    EXPECT_EQ(f[0], std::to_string(i)) << rows[i];
    EXPECT_EQ(f[1], "search");
    EXPECT_EQ(f[2], "ok");
  }
}

// A metric named like a fixed column (the tabular evaluator echoes `fidelity`) appears once,
// so a CSV reader keyed by name loses nothing.
TEST_F(Nb201Run, CsvColumnNamesAreUnique) {
  NasResult r = run_nas("results " + quote(run_dir_) + " --format csv");
  auto rows = lines_of(r.out);
  ASSERT_FALSE(rows.empty());
  auto header = split_csv_simple(rows[0]);
  std::set<std::string> unique(header.begin(), header.end());
  EXPECT_EQ(unique.size(), header.size()) << rows[0];
}

// The CSV export holds the stored values exactly, as the JSON does.
TEST_F(Nb201Run, CsvValuesEqualTheJsonValues) {
  Json j = results_json();
  NasResult r = run_nas("results " + quote(run_dir_) + " --format csv");
  auto rows = lines_of(r.out);
  ASSERT_EQ(rows.size(), 151u);
  auto header = split_csv_simple(rows[0]);
  size_t col = std::find(header.begin(), header.end(), "train_seconds") - header.begin();
  ASSERT_LT(col, header.size());
  size_t differ = 0;
  for (size_t i = 1; i < rows.size(); ++i) {
    double csv = std::stod(split_csv_simple(rows[i]).at(col));
    double json = j["trials"][i - 1]["metrics"]["train_seconds"];
    differ += std::fabs(csv - json) > 1e-9 * std::fabs(json);
  }
  EXPECT_EQ(differ, 0u) << "of 150 rows, train_seconds differs from the JSON value";
}

TEST_F(Nb201Run, JsonlTableStageFilterAndBadFormat) {
  NasResult jl = run_nas("results " + quote(run_dir_) + " --format jsonl");
  EXPECT_EQ(jl.exit_code, 0);
  auto lines = lines_of(jl.out);
  ASSERT_EQ(lines.size(), 150u);
  for (const auto &l : lines)
    EXPECT_TRUE(Json::parse(l).contains("canonical"));

  NasResult table = run_nas("results " + quote(run_dir_));
  EXPECT_EQ(table.exit_code, 0);
  auto rows = lines_of(table.out);
  ASSERT_GE(rows.size(), 11u);
  EXPECT_EQ(rows[0].rfind("id", 0), 0u) << rows[0];
  EXPECT_NE(table.out.find("10 best of 150"), std::string::npos) << table.out;

  Json none = results_json("--stage nope");
  EXPECT_EQ(none["trials"].size(), 0u);
  Json search = results_json("--stage search");
  EXPECT_EQ(search["trials"].size(), 150u);

  NasResult bad = run_nas("results " + quote(run_dir_) + " --format xml");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--format"), std::string::npos) << bad.err;
}

TEST(Cli, ExistingOutputIsNeverOverwritten) {
  TempDir tmp;
  std::string out = tmp / "run";
  NasResult first = run_nas("run " + config("nb201-random.toml") + " -q --output " + quote(out));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  std::string before = slurp(out + "/trials.jsonl");
  ASSERT_FALSE(before.empty());

  // Another seed on the same folder is another run: refused, naming what changed.
  NasResult second = run_nas("run " + config("nb201-random.toml") +
                             " -q --seed 8 --output " + quote(out));
  EXPECT_EQ(second.exit_code, 2) << second.err;
  EXPECT_NE(second.err.find("the seed (7 -> 8)"), std::string::npos) << second.err;
  EXPECT_EQ(slurp(out + "/trials.jsonl"), before) << "the first run's trials changed";

  // --fresh starts over beside it.
  NasResult fresh = run_nas("run " + config("nb201-random.toml") +
                            " -q --seed 8 --fresh --output " + quote(out));
  ASSERT_EQ(fresh.exit_code, 0) << fresh.err;
  EXPECT_NE(fresh.out.find("run folder: " + out + "-2"), std::string::npos) << fresh.out;
  EXPECT_EQ(slurp(out + "/trials.jsonl"), before);
  EXPECT_EQ(lines_of(slurp(out + "-2/trials.jsonl")).size(), 150u);

  // The same pipeline again resumes the finished run: nothing is evaluated twice.
  NasResult third = run_nas("run " + config("nb201-random.toml") + " -q --output " + quote(out));
  ASSERT_EQ(third.exit_code, 0) << third.err;
  EXPECT_NE(third.out.find("run folder: " + out + "\n"), std::string::npos) << third.out;
  EXPECT_EQ(slurp(out + "/trials.jsonl"), before);

  // A folder that holds something else than a run is left alone.
  fs::create_directories(tmp / "other");
  std::ofstream(tmp / "other/notes.txt") << "mine";
  NasResult other = run_nas("run " + config("nb201-random.toml") + " -q --output " +
                            quote(tmp / "other"));
  ASSERT_EQ(other.exit_code, 0) << other.err;
  EXPECT_NE(other.out.find("run folder: " + (tmp / "other-2")), std::string::npos) << other.out;

  // An existing but empty folder is used as it is.
  fs::create_directories(tmp / "empty");
  NasResult empty = run_nas("run " + config("nb201-random.toml") + " -q --output " +
                            quote(tmp / "empty"));
  ASSERT_EQ(empty.exit_code, 0) << empty.err;
  EXPECT_TRUE(fs::exists(tmp / "empty/trials.jsonl"));
  EXPECT_FALSE(fs::exists(tmp / "empty-2"));
}

TEST(Cli, SameSeedSameTrialsOtherSeedOtherTrials) {
  TempDir tmp;
  auto canonicals = [&](const std::string &dir, const std::string &args) {
    NasResult r = run_nas("run " + config("nb201-random.toml") + " -q " + args + " --output " +
                          quote(tmp / dir));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> out;
    for (const auto &line : lines_of(slurp(tmp / (dir + "/trials.jsonl"))))
      out.push_back(Json::parse(line)["canonical"]);
    return out;
  };
  auto a = canonicals("a", "");
  auto b = canonicals("b", "");
  auto c = canonicals("c", "--seed 8");
  ASSERT_EQ(a.size(), 150u);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(Cli, SetOverridesAreAppliedAndRecorded) {
  TempDir tmp;
  NasResult r = run_nas("run " + config("nb201-random.toml") +
                        " -q --set stage.0.budget.evaluations=12 --output " + quote(tmp / "run"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(lines_of(slurp(tmp / "run/trials.jsonl")).size(), 12u);
  EXPECT_EQ(slurp(tmp / "run/overrides.txt"), "stage.0.budget.evaluations=12\n");
}

TEST(Cli, ResultsOfAFolderWithoutResults) {
  TempDir tmp;
  fs::create_directories(tmp / "nothing");
  NasResult r = run_nas("results " + quote(tmp / "nothing"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("no results in " + (tmp / "nothing")), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;

  NasResult absent = run_nas("results " + quote(tmp / "absent") + " --format json");
  EXPECT_NE(absent.exit_code, 0);
  EXPECT_NE(absent.err.find("no results"), std::string::npos) << absent.err;
}

TEST(Cli, ValidateAGoodPipeline) {
  for (const char *c : {"nb201-random.toml", "nb201-grid.toml", "nasbench-macro-random.toml"}) {
    NasResult r = run_nas("validate " + config(c));
    EXPECT_EQ(r.exit_code, 0) << c << "\n" << r.err;
    EXPECT_NE(r.out.find("valid"), std::string::npos) << r.out;
  }
}

TEST(Cli, SeedMustBeANumber) {
  TempDir tmp;
  NasResult r = run_nas("run " + config("nb201-random.toml") + " --seed abc --output " +
                        quote(tmp / "run"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--seed"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(tmp / "run"));
}

// `--seed -1` is refused as `seed = -1` in a file is (Boost would wrap it to 2^64-1).
TEST(Cli, NegativeSeedIsRefused) {
  TempDir tmp;
  NasResult r = run_nas("run " + config("nb201-random.toml") + " -q --seed -1 --output " +
                        quote(tmp / "run"));
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_FALSE(fs::exists(tmp / "run"));
}
