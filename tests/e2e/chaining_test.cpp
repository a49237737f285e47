// Chaining plugins: a nested { plugin = ... } table becomes an instance bound to its parent
// under the key's name, checked against the roles the parent's descriptor declares. And the
// host itself names no plugin: everything it runs comes from the pipeline.
#include "../support/run_nas.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace fs = std::filesystem;
using nas::test::run_nas;
using nas::test::TempDir;

namespace {

const std::string kRolesDir = NAS_TEST_PLUGIN_DIR "/roles";

std::vector<nlohmann::json> read_trials(const std::string &run_dir) {
  std::ifstream in(run_dir + "/trials.jsonl");
  std::vector<nlohmann::json> out;
  for (std::string line; std::getline(in, line);)
    if (!line.empty())
      out.push_back(nlohmann::json::parse(line));
  std::sort(out.begin(), out.end(), [](const nlohmann::json &a, const nlohmann::json &b) {
    return a["id"].get<int64_t>() < b["id"].get<int64_t>();
  });
  return out;
}

// `text` with every @NAME@ replaced by its value.
std::string fill(std::string text, const std::vector<std::pair<std::string, std::string>> &values) {
  for (const auto &[name, value] : values) {
    const std::string key = "@" + name + "@";
    for (size_t at = 0; (at = text.find(key, at)) != std::string::npos; at += value.size())
      text.replace(at, key.size(), value);
  }
  return text;
}

// A pipeline on NB201 with the tabular evaluator whose strategy is the given `[stage.strategy]`
// table body, loading the role test plugin through [plugins] paths.
std::string pipeline(const std::string &strategy_table, const std::string &output) {
  return fill(R"([experiment]
name = "chaining"
seed = 11
output = "@OUTPUT@"

[objective]
metric = "valid_accuracy"
direction = "maximize"

[space]
plugin = "nas.space.nb201"

[plugins]
paths = ["@PLUGINS@"]

[[stage]]
name = "search"
budget = { evaluations = 40 }

[stage.strategy]
@STRATEGY@
[stage.evaluator]
plugin = "nas.evaluator.tabular"
table = "@DATA@/nb201/cifar10_avg.csv.gz"
key = "arch_str"
metrics = { valid_accuracy = "valid-accuracy" }
)",
              {{"OUTPUT", output},
               {"STRATEGY", strategy_table},
               {"DATA", nas::test::data_dir()},
               {"PLUGINS", kRolesDir}});
}

// The 1-based line of the first occurrence of `needle` in `text`.
int line_of(const std::string &text, const std::string &needle) {
  size_t at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << needle;
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
}

int hamming(const std::vector<int> &a, const std::vector<int> &b) {
  EXPECT_EQ(a.size(), b.size());
  int d = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i)
    d += a[i] != b[i];
  return d;
}

TEST(Chaining, RoleFooIsBoundAndItsDistancesAreTheTags) {
  TempDir dir;
  std::string out = dir / "run";
  std::string file =
      dir.write("pipeline.toml", pipeline("plugin = \"test.strategy.with_role\"\n"
                                          "foo = { plugin = \"nas.distance.hamming\" }\n",
                                          out));
  auto r = run_nas("run " + file);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto trials = read_trials(out);
  ASSERT_GE(trials.size(), 40u);
  EXPECT_EQ(trials[0].value("tag", ""), "foo=first");
  std::set<int> seen;
  for (size_t i = 1; i < trials.size(); ++i) {
    auto prev = trials[i - 1]["choices"].get<std::vector<int>>();
    auto cur = trials[i]["choices"].get<std::vector<int>>();
    int d = hamming(prev, cur);
    seen.insert(d);
    EXPECT_EQ(trials[i].value("tag", ""), "foo=" + std::to_string(d))
        << "trial " << trials[i]["id"] << ": " << trials[i - 1]["choices"] << " -> "
        << trials[i]["choices"];
  }
  // Random NB201 cells: the distances vary, so a constant tag could not pass.
  EXPECT_GE(seen.size(), 3u);
}

TEST(Chaining, UnknownRoleIsRefusedWithItsLine) {
  TempDir dir;
  std::string out = dir / "run";
  std::string text = pipeline("plugin = \"test.strategy.with_role\"\n"
                              "foo = { plugin = \"nas.distance.hamming\" }\n"
                              "bar = { plugin = \"nas.distance.hamming\" }\n",
                              out);
  std::string file = dir.write("pipeline.toml", text);
  auto r = run_nas("run " + file);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("unknown role 'bar'"), std::string::npos) << r.err;
  std::string where = "pipeline.toml:" + std::to_string(line_of(text, "bar = ")) + ":";
  EXPECT_NE(r.err.find(where), std::string::npos) << "expected " << where << " in:\n" << r.err;
  EXPECT_FALSE(fs::exists(out)) << "nothing may run when the pipeline is refused";
}

TEST(Chaining, MissingRequiredRoleIsRefused) {
  TempDir dir;
  std::string out = dir / "run";
  std::string text = pipeline("plugin = \"test.strategy.with_role\"\n", out);
  std::string file = dir.write("pipeline.toml", text);
  auto r = run_nas("run " + file);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("needs its role 'foo'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("pipeline.toml:"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out)) << "nothing may run when the pipeline is refused";
}

TEST(Chaining, RoleOfTheWrongKindIsRefused) {
  TempDir dir;
  std::string out = dir / "run";
  std::string text = pipeline("plugin = \"test.strategy.with_role\"\n"
                              "foo = { plugin = \"nas.strategy.random\" }\n",
                              out);
  std::string file = dir.write("pipeline.toml", text);
  auto r = run_nas("run " + file);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("nas.strategy.random is a strategy, but a distance is expected"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(out));
}

// The host knows no plugin by name: every space, strategy, evaluator, distance and
// predictor comes from a pipeline. A plugin name hard-coded in core/ fails this test.
//
// NOTE (host findings when this test was written): it fails on two lines of core/, which
// name plugins in text rather than in logic, but name them all the same:
//   core/pipeline.cpp: the message "missing [space] table (plugin = \"nas.space...\")"
//   core/overrides.cpp: a comment giving "nas.strategy.grid" as an example value.
// Proposed fix: say `plugin = "<name>"` in the message (`nas plugins` lists names) and use
// a made-up name such as "my.strategy" in the comment.
TEST(HostIndependence, CoreNamesNoPlugin) {
  const std::vector<std::string> forbidden = {"nas.space.",    "nas.strategy.",  "nas.evaluator.",
                                              "nas.distance.", "nas.predictor.", "test.strategy"};
  fs::path core = fs::path(NAS_SOURCE_DIR) / "core";
  ASSERT_TRUE(fs::is_directory(core)) << core;
  int files = 0;
  std::string offenders;
  for (const auto &entry : fs::recursive_directory_iterator(core)) {
    if (!entry.is_regular_file())
      continue;
    ++files;
    std::ifstream in(entry.path());
    std::string line;
    for (int n = 1; std::getline(in, line); ++n)
      for (const auto &f : forbidden)
        if (line.find(f) != std::string::npos)
          offenders += fs::relative(entry.path(), NAS_SOURCE_DIR).string() + ":" +
                       std::to_string(n) + ": names \"" + f + "\": " + line + "\n";
  }
  // The host's sources are there (registry, pipeline, stage loop, CLI...): a wrong path
  // cannot pass this test by scanning nothing.
  EXPECT_GE(files, 20) << "only " << files << " files under " << core;
  EXPECT_TRUE(offenders.empty()) << "core/ names plugins:\n" << offenders;
}

} // namespace
