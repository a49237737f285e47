// parse_pipeline on files the tests write: typed values, defaults, source positions,
// --set overrides, problems collected; parse_duration; Constraint::holds.
#include "../support/run_nas.hpp"

#include "config_view.hpp"
#include "errors.hpp"
#include "pipeline.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using nas::core::parse_duration;
using nas::core::parse_pipeline;
using nas::core::Pipeline;
using nas::core::PipelineError;
using nas::core::SourcePos;
using nas::test::TempDir;

namespace {

// The 1-based line and column where the `nth` occurrence of `needle` starts in `text`.
SourcePos locate(const std::string &file, const std::string &text, const std::string &needle,
                 size_t nth = 0) {
  size_t at = text.find(needle);
  for (size_t i = 0; i < nth && at != std::string::npos; ++i)
    at = text.find(needle, at + 1);
  if (at == std::string::npos) {
    ADD_FAILURE() << "the test's own text has no '" << needle << "'";
    return SourcePos{file};
  }
  int line = 1, column = 1;
  for (size_t i = 0; i < at; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return SourcePos{file, line, column};
}

void expect_pos(const SourcePos &got, const SourcePos &want, const std::string &what) {
  EXPECT_EQ(got.file, want.file) << what;
  EXPECT_EQ(got.line, want.line) << what;
  EXPECT_EQ(got.column, want.column) << what;
}

// Every problem text of the PipelineError `parse` throws, or a failure when it throws none.
template <class F> std::vector<std::string> problems_of(F &&parse) {
  try {
    parse();
  } catch (const PipelineError &e) {
    return e.problems();
  }
  ADD_FAILURE() << "expected a PipelineError";
  return {};
}

bool any_contains(const std::vector<std::string> &items, const std::string &part) {
  for (const auto &s : items)
    if (s.find(part) != std::string::npos)
      return true;
  return false;
}

std::string joined(const std::vector<std::string> &items) {
  std::string out;
  for (const auto &s : items)
    out += s + "\n";
  return out;
}

// Everything a pipeline can say, with values that differ from every default.
const char *kFull = R"([experiment]
name   = "full"
seed   = 42
output = "out/full-run"

[objective]
metric      = "valid_accuracy"
direction   = "minimize"
constraints = ["train_seconds <= 3000", "params > 1e5"]

[space]
plugin   = "nas.space.nb201"
channels = 8

[[stage]]
name   = "search"
budget = { evaluations = 150, seconds = 60.5 }
dedupe = "equivalent"
max_cached_in_a_row = 5
strategy = { plugin = "nas.strategy.bo", initial = 10, predictor = { plugin = "nas.predictor.gp", distance = { plugin = "nas.distance.hamming" } } }

[stage.evaluator]
plugin  = "nas.evaluator.tabular"
table   = "t.csv"
xs      = [1, 2, 3]
metrics = { valid_accuracy = "valid-accuracy", train_seconds = "train-all-time" }

[[stage]]
name   = "retrain"
from   = { stage = "search", top = 3 }
budget = { simulated_seconds = 3600, time_metric = "train_seconds" }
evaluator = { plugin = "nas.evaluator.train", epochs = 20 }

[execution]
engine  = "inline"
workers = 2
trial_timeout = "1h30m"

[plugins]
paths = ["my-plugins", "../other"]
)";

} // namespace

TEST(ParsePipeline, FullFileGivesTypedValues) {
  TempDir tmp;
  std::string file = tmp.write("full.toml", kFull);
  Pipeline p = parse_pipeline(file, {});

  EXPECT_EQ(p.file, file);
  EXPECT_EQ(p.dir, fs::path(file).parent_path().lexically_normal().string());
  EXPECT_EQ(p.text, kFull);
  EXPECT_EQ(p.name, "full");
  EXPECT_EQ(p.seed, 42u);
  EXPECT_EQ(p.output, "out/full-run");

  EXPECT_EQ(p.objective.metric, "valid_accuracy");
  EXPECT_FALSE(p.objective.maximize);
  ASSERT_EQ(p.objective.constraints.size(), 2u);
  EXPECT_EQ(p.objective.constraints[0].metric, "train_seconds");
  EXPECT_EQ(p.objective.constraints[0].op, "<=");
  EXPECT_DOUBLE_EQ(p.objective.constraints[0].value, 3000);
  EXPECT_EQ(p.objective.constraints[0].text, "train_seconds <= 3000");
  EXPECT_EQ(p.objective.constraints[1].metric, "params");
  EXPECT_EQ(p.objective.constraints[1].op, ">");
  EXPECT_DOUBLE_EQ(p.objective.constraints[1].value, 1e5);

  EXPECT_EQ(p.space.name, "nas.space.nb201");
  EXPECT_EQ(p.space.path, "space");
  EXPECT_EQ(p.space.config, nas::core::Json({{"channels", 8}}));
  EXPECT_TRUE(p.space.children.empty());

  ASSERT_EQ(p.stages.size(), 2u);
  const auto &s0 = p.stages[0];
  EXPECT_EQ(s0.name, "search");
  ASSERT_TRUE(s0.budget.evaluations);
  EXPECT_EQ(*s0.budget.evaluations, 150);
  ASSERT_TRUE(s0.budget.seconds);
  EXPECT_DOUBLE_EQ(*s0.budget.seconds, 60.5);
  EXPECT_FALSE(s0.budget.simulated_seconds);
  EXPECT_EQ(s0.dedupe, "equivalent");
  EXPECT_EQ(s0.max_cached_in_a_row, 5);
  EXPECT_FALSE(s0.from);

  // Nested plugin tables become collaborators, with their paths; the rest is config.
  ASSERT_TRUE(s0.strategy);
  EXPECT_EQ(s0.strategy->name, "nas.strategy.bo");
  EXPECT_EQ(s0.strategy->path, "stage.0.strategy");
  EXPECT_EQ(s0.strategy->config, nas::core::Json({{"initial", 10}}));
  ASSERT_EQ(s0.strategy->children.size(), 1u);
  EXPECT_EQ(s0.strategy->children[0].first, "predictor");
  const auto &gp = s0.strategy->children[0].second;
  EXPECT_EQ(gp.name, "nas.predictor.gp");
  EXPECT_EQ(gp.path, "stage.0.strategy.predictor");
  ASSERT_EQ(gp.children.size(), 1u);
  EXPECT_EQ(gp.children[0].first, "distance");
  EXPECT_EQ(gp.children[0].second.name, "nas.distance.hamming");
  EXPECT_EQ(gp.children[0].second.path, "stage.0.strategy.predictor.distance");

  EXPECT_EQ(s0.evaluator->name, "nas.evaluator.tabular");
  EXPECT_EQ(s0.evaluator->path, "stage.0.evaluator");
  EXPECT_EQ(s0.evaluator->config.at("table"), "t.csv");
  EXPECT_EQ(s0.evaluator->config.at("xs"), nas::core::Json::array({1, 2, 3}));
  EXPECT_EQ(s0.evaluator->config.at("metrics").at("valid_accuracy"), "valid-accuracy");
  EXPECT_EQ(s0.evaluator->config.at("metrics").at("train_seconds"), "train-all-time");
  EXPECT_FALSE(s0.evaluator->config.contains("plugin"));

  const auto &s1 = p.stages[1];
  EXPECT_EQ(s1.name, "retrain");
  EXPECT_FALSE(s1.strategy);
  ASSERT_TRUE(s1.from);
  EXPECT_EQ(s1.from->stage, "search");
  EXPECT_EQ(s1.from->top, 3);
  ASSERT_TRUE(s1.budget.simulated_seconds);
  EXPECT_DOUBLE_EQ(*s1.budget.simulated_seconds, 3600);
  EXPECT_EQ(s1.budget.time_metric, "train_seconds");
  EXPECT_EQ(s1.evaluator->name, "nas.evaluator.train");
  EXPECT_EQ(s1.evaluator->config.at("epochs"), 20);
  EXPECT_EQ(s1.dedupe, "exact");

  EXPECT_EQ(p.execution.engine, "inline");
  EXPECT_EQ(p.execution.workers, 2);
  EXPECT_DOUBLE_EQ(p.execution.trial_timeout, 5400);

  ASSERT_EQ(p.plugin_paths.size(), 2u);
  EXPECT_EQ(p.plugin_paths[0], (fs::path(p.dir) / "my-plugins").string());
  EXPECT_EQ(p.plugin_paths[1], (fs::path(p.dir).parent_path() / "other").string());
}

TEST(ParsePipeline, DefaultsWhenKeysAreLeftOut) {
  TempDir tmp;
  std::string file = tmp.write("my-search.toml", R"([objective]
metric = "acc"

[space]
plugin = "s"

[[stage]]
budget = { evaluations = 3 }
strategy = { plugin = "st" }
evaluator = { plugin = "ev" }

[[stage]]
from = { stage = "stage0" }
evaluator = { plugin = "ev" }
)");
  Pipeline p = parse_pipeline(file, {});
  EXPECT_EQ(p.name, "my-search"); // the file's stem
  EXPECT_EQ(p.output, "runs/my-search");
  EXPECT_EQ(p.seed, 0u);
  EXPECT_TRUE(p.objective.maximize);
  EXPECT_TRUE(p.objective.constraints.empty());
  ASSERT_EQ(p.stages.size(), 2u);
  EXPECT_EQ(p.stages[0].name, "stage0");
  EXPECT_EQ(p.stages[0].dedupe, "exact");
  EXPECT_EQ(p.stages[0].max_cached_in_a_row, 1000);
  EXPECT_EQ(p.stages[0].budget.time_metric, "train_seconds");
  EXPECT_TRUE(p.stages[0].strategy->config.empty());
  EXPECT_EQ(p.stages[1].name, "stage1");
  ASSERT_TRUE(p.stages[1].from);
  EXPECT_EQ(p.stages[1].from->top, 1);
  EXPECT_TRUE(p.stages[1].budget.empty());
  EXPECT_EQ(p.execution.engine, "inline");
  EXPECT_EQ(p.execution.workers, 1);
  EXPECT_EQ(p.execution.trial_timeout, 0);
  EXPECT_TRUE(p.plugin_paths.empty());
}

TEST(ParsePipeline, OutputDefaultsToTheExperimentName) {
  TempDir tmp;
  std::string file = tmp.write("file-stem.toml", R"([experiment]
name = "given"
[objective]
metric = "acc"
[space]
plugin = "s"
[[stage]]
budget = { evaluations = 3 }
strategy = { plugin = "st" }
evaluator = { plugin = "ev" }
)");
  Pipeline p = parse_pipeline(file, {});
  EXPECT_EQ(p.name, "given");
  EXPECT_EQ(p.output, "runs/given");
}

TEST(ParsePipeline, PositionsOfKeysAndValues) {
  TempDir tmp;
  std::string file = tmp.write("full.toml", kFull);
  Pipeline p = parse_pipeline(file, {});
  auto at = [&](const std::string &needle, size_t nth = 0) {
    return locate(file, kFull, needle, nth);
  };

  expect_pos(p.objective.metric_pos, at("\"valid_accuracy\""), "objective.metric value");
  expect_pos(p.objective.constraints[0].pos, at("\"train_seconds <= 3000\""), "constraint 0");
  expect_pos(p.objective.constraints[1].pos, at("\"params > 1e5\""), "constraint 1");

  expect_pos(p.space.name_pos, at("\"nas.space.nb201\""), "space plugin value");
  expect_pos(p.space.where("channels"), at("channels"), "space config key");

  const auto &s0 = p.stages[0];
  expect_pos(s0.budget.pos, at("{ evaluations = 150"), "budget table");
  expect_pos(s0.strategy->pos, at("{ plugin = \"nas.strategy.bo\""), "strategy table");
  expect_pos(s0.strategy->name_pos, at("\"nas.strategy.bo\""), "strategy plugin value");
  expect_pos(s0.strategy->where("initial"), at("initial"), "strategy config key");
  const auto &gp = s0.strategy->children[0].second;
  expect_pos(gp.pos, at("{ plugin = \"nas.predictor.gp\""), "predictor table");
  expect_pos(gp.children[0].second.name_pos, at("\"nas.distance.hamming\""), "distance plugin");

  const auto &ev = *s0.evaluator;
  expect_pos(ev.name_pos, at("\"nas.evaluator.tabular\""), "evaluator plugin value");
  expect_pos(ev.where("table"), at("table   ="), "table key");
  expect_pos(ev.where("metrics"), at("metrics = {"), "metrics key");
  expect_pos(ev.where("metrics.train_seconds"), at("train_seconds = \"train-all-time\""),
             "a key inside the metrics table");
  // A path below a known key falls back to it; an unknown key to the table.
  expect_pos(ev.where("metrics.train_seconds.deeper"), at("train_seconds = \"train-all-time\""),
             "fallback to the enclosing key");
  expect_pos(ev.where("xs[1]"), at("2, 3]"), "an array element");
  expect_pos(ev.where("xs[7]"), at("xs "), "an absent element falls back to the array");
  expect_pos(ev.where("nope"), ev.pos, "an unknown key falls back to the table");
  EXPECT_EQ(ev.pos.line, at("[stage.evaluator]").line) << "the [stage.evaluator] table";

  const auto &s1 = p.stages[1];
  expect_pos(s1.from->pos, at("{ stage = \"search\""), "from table");
  expect_pos(s1.budget.time_metric_pos, at("\"train_seconds\" }"), "time_metric value");
  EXPECT_EQ(s1.pos.line, at("[[stage]]", 1).line) << "second [[stage]]";
  EXPECT_EQ(p.stages[0].pos.line, at("[[stage]]").line) << "first [[stage]]";

  expect_pos(p.execution.engine_pos, at("\"inline\""), "engine value");
}

TEST(ParsePipeline, OverridesChangeBudgetAndPluginAndCreateTables) {
  TempDir tmp;
  std::string file = tmp.write("p.toml", R"([objective]
metric = "acc"

[space]
plugin = "nas.space.nb201"

[[stage]]
name = "search"
budget = { evaluations = 150 }
strategy = { plugin = "nas.strategy.random" }
evaluator = { plugin = "nas.evaluator.tabular", table = "t.csv" }
)");
  Pipeline p = parse_pipeline(
      file, {"stage.0.budget.evaluations=300", "stage.0.strategy.plugin=nas.strategy.grid",
             "experiment.seed=5", "experiment.name=renamed", "stage.0.evaluator.shuffle=true",
             "execution.trial_timeout=\"2m\""});
  EXPECT_EQ(*p.stages[0].budget.evaluations, 300);
  EXPECT_EQ(p.stages[0].strategy->name, "nas.strategy.grid"); // a bare word is a string
  EXPECT_EQ(p.seed, 5u);                                      // [experiment] was created
  EXPECT_EQ(p.name, "renamed");
  EXPECT_EQ(p.output, "runs/renamed");
  EXPECT_EQ(p.stages[0].evaluator->config.at("shuffle"), true);
  EXPECT_DOUBLE_EQ(p.execution.trial_timeout, 120);
  // The file text is kept as written; overrides do not change it.
  EXPECT_EQ(p.text.find("renamed"), std::string::npos);
}

TEST(ParsePipeline, OverrideWithAWrongTypeIsAPipelineError) {
  TempDir tmp;
  std::string file = tmp.write("p.toml", R"([objective]
metric = "acc"
[space]
plugin = "s"
[[stage]]
budget = { evaluations = 150 }
strategy = { plugin = "st" }
evaluator = { plugin = "ev" }
)");
  auto problems = problems_of([&] { parse_pipeline(file, {"experiment.seed=\"seven\""}); });
  EXPECT_TRUE(any_contains(problems, "'seed' must be an integer, got a string"))
      << joined(problems);
}

// A stage's name becomes a folder (a one-shot stage's RUN_DIR/stages/<name>): a slash or an
// empty name is refused, plain names with '-', '_' and '.' are fine.
TEST(ParsePipeline, StageNamesMustBeFolderNames) {
  TempDir tmp;
  auto pipeline = [&](const std::string &name) {
    return tmp.write("p.toml", R"([objective]
metric = "acc"
[space]
plugin = "s"
[[stage]]
name = ")" + name + R"("
budget = { evaluations = 150 }
strategy = { plugin = "st" }
evaluator = { plugin = "ev" }
)");
  };
  for (const char *bad : {"a/b", "", "..", "a b"}) {
    std::string file = pipeline(bad);
    auto problems = problems_of([&] { parse_pipeline(file, {}); });
    EXPECT_TRUE(any_contains(problems, "stage name \"" + std::string(bad) + "\" must be"))
        << bad << ": " << joined(problems);
  }
  std::string file = pipeline("search-1.v2_b");
  EXPECT_NO_THROW(parse_pipeline(file, {}));
}

// A problem in an overridden value names the override, and is reported once (no second,
// wrong "empty budget" problem).
TEST(ParsePipeline, ProblemInAnOverriddenValueNamesTheOverride) {
  TempDir tmp;
  std::string file = tmp.write("p.toml", R"([objective]
metric = "acc"
[space]
plugin = "s"
[[stage]]
budget = { evaluations = 150 }
strategy = { plugin = "st" }
evaluator = { plugin = "ev" }
)");
  auto problems = problems_of([&] { parse_pipeline(file, {"stage.0.budget.evaluations=many"}); });
  EXPECT_TRUE(any_contains(problems, "'evaluations' must be an integer, got a string"))
      << joined(problems);
  EXPECT_TRUE(any_contains(problems, "stage.0.budget.evaluations")) << joined(problems);
  EXPECT_EQ(problems.size(), 1u) << joined(problems);
}

TEST(ParsePipeline, EveryProblemIsCollected) {
  TempDir tmp;
  const std::string text = R"([experiment]
seed = -1
colour = "red"

[objective]
metric = 3
direction = "up"
constraints = ["acc >> 3", 7]

[space]
plugin = "s"

[[stage]]
name = "a"
budget = { evaluations = 0, minutes = 3 }
strategy = { plugin = "st" }
evaluator = { plugin = "ev" }
dedupe = "fuzzy"

[[stage]]
name = "a"
from = { stage = "zzz", top = 0 }
evaluator = { plugin = "ev" }

[execution]
engine = "mpi"
workers = 0
trial_timeout = "soon"
)";
  std::string file = tmp.write("many.toml", text);
  auto problems = problems_of([&] { parse_pipeline(file, {}); });
  auto has = [&](const std::string &needle, const std::string &message) {
    SourcePos p = locate(file, text, needle);
    std::string prefix = p.str() + ": ";
    bool found = false;
    for (const auto &s : problems)
      found = found || (s.rfind(prefix, 0) == 0 && s.find(message) != std::string::npos);
    EXPECT_TRUE(found) << "no problem '" << prefix << "..." << message << "' in\n"
                       << joined(problems);
  };
  has("-1", "seed must be 0 or more");
  has("colour", "unknown key 'colour' in [experiment]");
  has("3\ndirection", "'metric' must be a string, got an integer");
  has("\"up\"", "direction must be \"maximize\" or \"minimize\"");
  has("\"acc >> 3\"", "is not of the form");
  has("7]", "a constraint must be a string");
  has("0, minutes", "budget.evaluations must be at least 1");
  has("minutes", "unknown key 'minutes' in budget");
  has("\"fuzzy\"", "dedupe must be");
  has("{ stage = \"zzz\"", "from.stage \"zzz\" is not an earlier stage");
  has("{ stage = \"zzz\"", "from.top must be at least 1");
  has("[[stage]]\nname = \"a\"\nfrom", "two stages are named \"a\"");
  has("\"mpi\"", "engine \"mpi\" is not available");
  has("0\ntrial", "workers must be at least 1");
  has("\"soon\"", "trial_timeout: expected a duration");
  EXPECT_EQ(problems.size(), 15u) << joined(problems);
}

TEST(ParsePipeline, MissingTablesAndUnreadableFile) {
  TempDir tmp;
  std::string file = tmp.write("empty.toml", "# nothing here\n");
  auto problems = problems_of([&] { parse_pipeline(file, {}); });
  EXPECT_TRUE(any_contains(problems, "missing [objective]")) << joined(problems);
  EXPECT_TRUE(any_contains(problems, "missing [space]")) << joined(problems);
  EXPECT_TRUE(any_contains(problems, "no [[stage]]")) << joined(problems);

  auto unreadable = problems_of([&] { parse_pipeline(tmp / "absent.toml", {}); });
  EXPECT_TRUE(any_contains(unreadable, "cannot read the pipeline file")) << joined(unreadable);
}

TEST(ParsePipeline, TomlSyntaxErrorHasLineAndColumn) {
  TempDir tmp;
  std::string file = tmp.write("bad.toml", "[objective]\nmetric = \"acc\"\nseed = = 3\n");
  auto problems = problems_of([&] { parse_pipeline(file, {}); });
  ASSERT_EQ(problems.size(), 1u) << joined(problems);
  EXPECT_EQ(problems[0].rfind(file + ":3:8: TOML syntax error", 0), 0u) << problems[0];
}

// Config tables keep the order of the file (TOML++ sorts its tables by key; key_at
// promises file order).
TEST(ParsePipeline, ConfigKeysKeepFileOrder) {
  TempDir tmp;
  std::string file = tmp.write("order.toml", R"([objective]
metric = "zeta"
[space]
plugin = "s"
[[stage]]
budget = { evaluations = 1 }
strategy = { plugin = "st" }
[stage.evaluator]
plugin = "ev"
zz = 1
aa = 2
metrics = { zeta = "z", alpha = "a", mid = "m" }
)");
  Pipeline p = parse_pipeline(file, {});
  std::vector<std::string> top;
  for (const auto &[k, v] : p.stages[0].evaluator->config.items())
    top.push_back(k);
  EXPECT_EQ(top, (std::vector<std::string>{"zz", "aa", "metrics"}));

  nas::core::ConfigView view(p.stages[0].evaluator->config);
  std::vector<std::string> keys;
  for (uint32_t i = 0; i < view.raw()->size(view.raw(), "metrics"); ++i) {
    char buf[64];
    size_t len = 0;
    ASSERT_EQ(view.raw()->key_at(view.raw(), "metrics", i, buf, sizeof buf, &len), NAS_OK);
    keys.emplace_back(buf, len);
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"zeta", "alpha", "mid"}));
}

TEST(ParseDuration, UnitsAndPlainNumbers) {
  EXPECT_DOUBLE_EQ(parse_duration("30m"), 1800);
  EXPECT_DOUBLE_EQ(parse_duration("1h30m"), 5400);
  EXPECT_DOUBLE_EQ(parse_duration("90"), 90);
  EXPECT_DOUBLE_EQ(parse_duration("2.5s"), 2.5);
  EXPECT_DOUBLE_EQ(parse_duration("2h"), 7200);
  EXPECT_DOUBLE_EQ(parse_duration("45s"), 45);
  EXPECT_DOUBLE_EQ(parse_duration("1.5h"), 5400);
  EXPECT_DOUBLE_EQ(parse_duration("1h2m3s"), 3723);
  EXPECT_DOUBLE_EQ(parse_duration("0.25"), 0.25);
}

TEST(ParseDuration, BadInputThrows) {
  for (const char *bad : {"", "abc", "10x", "m", "-5", "1h30", "h1", "30 minutes", "1h-30m"})
    EXPECT_THROW(parse_duration(bad), std::invalid_argument) << "'" << bad << "'";
  try {
    parse_duration("soon");
    FAIL() << "no exception";
  } catch (const std::invalid_argument &e) {
    EXPECT_NE(std::string(e.what()).find("\"soon\""), std::string::npos) << e.what();
  }
}

// "ms" is read as milliseconds, not as minutes followed by a stray "s".
TEST(ParseDuration, Milliseconds) {
  double v = -1;
  EXPECT_NO_THROW(v = parse_duration("500ms"));
  EXPECT_DOUBLE_EQ(v, 0.5);
}

TEST(Constraint, EveryOperator) {
  auto c = [](const char *op, double value) {
    nas::core::Constraint k;
    k.metric = "m";
    k.op = op;
    k.value = value;
    return k;
  };
  EXPECT_TRUE(c("<=", 3).holds(3));
  EXPECT_FALSE(c("<=", 3).holds(3.0001));
  EXPECT_TRUE(c("<", 3).holds(2.9));
  EXPECT_FALSE(c("<", 3).holds(3));
  EXPECT_TRUE(c(">=", 3).holds(3));
  EXPECT_FALSE(c(">=", 3).holds(2.9));
  EXPECT_TRUE(c(">", 3).holds(3.1));
  EXPECT_FALSE(c(">", 3).holds(3));
  EXPECT_TRUE(c("==", 3).holds(3));
  EXPECT_FALSE(c("==", 3).holds(4));
  EXPECT_TRUE(c("!=", 3).holds(4));
  EXPECT_FALSE(c("!=", 3).holds(3));
}
