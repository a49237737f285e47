// One-shot stages: a strategy offering nas.oneshot/1 runs its whole search as the stage's
// one trial (inline, or in a worker), reports per epoch, checkpoints in
// RUN_DIR/stages/<stage>, resumes from its last checkpoint after a killed host, and hands
// the architecture it derived to a retrain stage like any top trial.
#include "../support/nas_process.hpp"
#include "../support/run_nas.hpp"
#include "../support/store_reader.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace fs = std::filesystem;
using nas::test::NasProcess;
using nas::test::run_nas;
using nas::test::StoreReader;
using nas::test::TempDir;
using nas::test::trials_by_id;

namespace {

const std::string kOneShotDir = NAS_TEST_PLUGIN_DIR "/oneshot";
constexpr size_t kNb201Edges = 6;
constexpr int kNb201Options = 5;

// `text` with every @NAME@ replaced by its value.
std::string fill(std::string text, const std::vector<std::pair<std::string, std::string>> &values) {
  for (const auto &[name, value] : values) {
    const std::string key = "@" + name + "@";
    for (size_t at = 0; (at = text.find(key, at)) != std::string::npos; at += value.size())
      text.replace(at, key.size(), value);
  }
  return text;
}

struct OneShotSetup {
  std::string engine = "inline";
  int epochs = 3;
  int sleep_ms = 0;
  std::string search_extra;   // more lines in the one-shot [[stage]] table
  std::string strategy_extra; // more keys of its strategy (", key = value")
  std::string space = "nas.space.nb201";
  bool retrain = true;
};

// A one-shot search stage, then (when `retrain`) its top architecture evaluated from the
// NB201 table.
std::string pipeline(const OneShotSetup &s, const std::string &output) {
  std::string text = fill(R"([experiment]
name = "oneshot"
seed = 5
output = "@OUTPUT@"

[objective]
metric = "valid_accuracy"
direction = "maximize"

[space]
plugin = "@SPACE@"

[plugins]
paths = ["@PLUGINS@"]

[execution]
engine = "@ENGINE@"

[[stage]]
name = "search"
strategy = { plugin = "test.strategy.oneshot", epochs = @EPOCHS@, sleep_ms = @SLEEP@@STRATEGY_EXTRA@ }
@EXTRA@
)",
                          {{"OUTPUT", output},
                           {"SPACE", s.space},
                           {"PLUGINS", kOneShotDir},
                           {"ENGINE", s.engine},
                           {"EPOCHS", std::to_string(s.epochs)},
                           {"SLEEP", std::to_string(s.sleep_ms)},
                           {"EXTRA", s.search_extra},
                           {"STRATEGY_EXTRA", s.strategy_extra}});
  if (s.retrain)
    text += fill(R"(
[[stage]]
name = "retrain"
from = { stage = "search", top = 1 }
evaluator = { plugin = "nas.evaluator.tabular", table = "@DATA@/nb201/cifar10_avg.csv.gz", key = "arch_str", metrics = { valid_accuracy = "valid-accuracy" } }
)",
                 {{"DATA", nas::test::data_dir()}});
  return text;
}

// The 1-based line of the first occurrence of `needle` in `text`.
int line_of(const std::string &text, const std::string &needle) {
  size_t at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << needle;
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
}

// The one trial of `stage`, failing the test when there is not exactly one.
nlohmann::json only_trial(const std::map<int64_t, nlohmann::json> &trials,
                          const std::string &stage) {
  std::vector<nlohmann::json> found;
  for (const auto &[id, t] : trials)
    if (t.value("stage", "") == stage)
      found.push_back(t);
  EXPECT_EQ(found.size(), 1u) << "trials of stage " << stage;
  return found.empty() ? nlohmann::json::object() : found.front();
}

// Checks a finished run: the search trial holds the derived architecture (the last option
// of every NB201 edge), its canonical string and metrics, one report per epoch, and the
// retrain stage evaluated exactly that architecture from the table. The reports cover every
// epoch once, those before a kill (`resumed`: the epoch a rerun search continued after)
// included: the alphas' whole history.
void expect_searched_then_retrained(const std::string &run, int epochs, int resumed = 0) {
  auto trials = trials_by_id(run);
  nlohmann::json search = only_trial(trials, "search");
  nlohmann::json retrain = only_trial(trials, "retrain");
  ASSERT_FALSE(search.empty());
  ASSERT_FALSE(retrain.empty());
  EXPECT_EQ(search["status"], "ok") << search.dump();
  EXPECT_EQ(search["tag"], "one-shot search");
  EXPECT_EQ(search["choices"].get<std::vector<int>>(),
            std::vector<int>(kNb201Edges, kNb201Options - 1));
  const std::string canonical = search.value("canonical", "");
  EXPECT_NE(canonical.find('|'), std::string::npos) << "an NB201 string, got " << canonical;
  EXPECT_DOUBLE_EQ(search["metrics"].value("valid_accuracy", -1.0), 40.0 + epochs);

  EXPECT_EQ(retrain["status"], "ok") << retrain.dump();
  EXPECT_EQ(retrain["choices"], search["choices"]);
  EXPECT_EQ(retrain["canonical"], canonical);
  ASSERT_TRUE(retrain["metrics"]["valid_accuracy"].is_number()) << retrain.dump();
  // The table's accuracy, not the search's stand-in number.
  EXPECT_NE(retrain["metrics"]["valid_accuracy"].get<double>(), 40.0 + epochs);

  StoreReader store(run);
  auto reports = store.rows(
      "SELECT step, metrics FROM reports WHERE trial = " + search["id"].dump() + " ORDER BY step");
  std::vector<int> expected;
  (void)resumed;
  for (int e = 1; e <= epochs; ++e)
    expected.push_back(e);
  std::vector<int> steps;
  for (const auto &row : reports) {
    steps.push_back(std::stoi(row[0]));
    auto m = nlohmann::json::parse(row[1]);
    EXPECT_EQ(m["epoch"], steps.back());
    EXPECT_EQ(m["alpha"].size(), kNb201Edges);
  }
  EXPECT_EQ(steps, expected) << "one report per epoch, none twice";
  EXPECT_TRUE(fs::exists(fs::path(run) / "stages" / "search" / "checkpoint.json"));
}

class OneShotEngines : public ::testing::TestWithParam<std::string> {};

TEST_P(OneShotEngines, SearchThenRetrainTheDerivedArchitecture) {
  TempDir dir;
  std::string run = dir / "run";
  OneShotSetup s;
  s.engine = GetParam();
  s.epochs = 4;
  auto r = run_nas("run " + dir.write("pipeline.toml", pipeline(s, run)));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_searched_then_retrained(run, s.epochs);
  auto search = only_trial(trials_by_id(run), "search");
  EXPECT_EQ(search["metrics"]["epochs_run_this_session"], 4);
  EXPECT_EQ(search["metrics"]["resumed_from_epoch"], 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, OneShotEngines, ::testing::Values("inline", "local"));

TEST(OneShot, FailedSearchIsAFailedTrialAndTheRetrainHasNothing) {
  TempDir dir;
  std::string run = dir / "run";
  OneShotSetup s;
  s.search_extra = "";
  std::string text = pipeline(s, run);
  text.replace(text.find("sleep_ms = 0 }"), 14, "sleep_ms = 0, fail = true }");
  auto r = run_nas("run " + dir.write("pipeline.toml", text));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto trials = trials_by_id(run);
  auto search = only_trial(trials, "search");
  EXPECT_EQ(search["status"], "failed");
  EXPECT_NE(search.value("error", "").find("asked to fail"), std::string::npos) << search;
  EXPECT_EQ(trials.size(), 1u) << "the retrain stage has no architecture to evaluate";
}

TEST(OneShot, AnEvaluatorBesideAOneShotStrategyIsRefused) {
  TempDir dir;
  std::string run = dir / "run";
  OneShotSetup s;
  s.retrain = false;
  s.search_extra = "evaluator = { plugin = \"nas.evaluator.tabular\", table = \"" +
                   nas::test::data_dir() +
                   "/nb201/cifar10_avg.csv.gz\", key = \"arch_str\", metrics = { "
                   "valid_accuracy = \"valid-accuracy\" } }\n";
  std::string text = pipeline(s, run);
  auto r = run_nas("run " + dir.write("pipeline.toml", text));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("test.strategy.oneshot runs a one-shot search and scores its result "
                       "itself: remove the stage's evaluator"),
            std::string::npos)
      << r.err;
  std::string where = "pipeline.toml:" + std::to_string(line_of(text, "evaluator = ")) + ":";
  EXPECT_NE(r.err.find(where), std::string::npos) << "expected " << where << " in:\n" << r.err;
  EXPECT_FALSE(fs::exists(run)) << "nothing may run when the pipeline is refused";
}

TEST(OneShot, AStageWithAnOrdinaryStrategyAndNoEvaluatorIsRefused) {
  TempDir dir;
  std::string run = dir / "run";
  OneShotSetup s;
  s.retrain = false;
  std::string text = pipeline(s, run);
  text.replace(text.find("strategy = {"), std::string::npos,
               "strategy = { plugin = \"nas.strategy.random\" }\n"
               "budget = { evaluations = 5 }\n");
  auto r = run_nas("run " + dir.write("pipeline.toml", text));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("stage 'search' needs an 'evaluator = { plugin = ... }'"), std::string::npos)
      << r.err;
  std::string where = "pipeline.toml:" + std::to_string(line_of(text, "[[stage]]")) + ":";
  EXPECT_NE(r.err.find(where), std::string::npos) << "expected " << where << " in:\n" << r.err;
  EXPECT_FALSE(fs::exists(run));
}

TEST(OneShot, ASpaceWithoutASupernetIsAClearError) {
  TempDir dir;
  std::string run = dir / "run";
  OneShotSetup s;
  s.retrain = false;
  s.space = "test.space.no_supernet";
  auto r = run_nas("run " + dir.write("pipeline.toml", pipeline(s, run)));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("test.space.no_supernet has no supernet IR, which test.strategy.oneshot "
                       "needs"),
            std::string::npos)
      << r.err;
}

// The epoch of RUN_DIR/stages/search/checkpoint.json, 0 when there is none yet.
int checkpointed_epoch(const std::string &run) {
  std::ifstream in(fs::path(run) / "stages" / "search" / "checkpoint.json");
  if (!in)
    return 0;
  try {
    return nlohmann::json::parse(in).at("epoch").get<int>();
  } catch (const std::exception &) {
    return 0;
  }
}

// In a worker, the search is held to trial_timeout like any trial.
TEST(OneShot, SearchInAWorkerPastTrialTimeoutIsATimeout) {
  TempDir dir;
  std::string run = dir / "run";
  OneShotSetup s;
  s.engine = "local";
  s.epochs = 50;
  s.sleep_ms = 100;
  s.retrain = false;
  std::string text = pipeline(s, run);
  text.replace(text.find("engine = \"local\""), 16, "engine = \"local\"\ntrial_timeout = 1");
  auto r = run_nas("run " + dir.write("pipeline.toml", text));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto search = only_trial(trials_by_id(run), "search");
  EXPECT_EQ(search["status"], "timeout") << search;
  EXPECT_LT(checkpointed_epoch(run), s.epochs);
}

class OneShotKilled : public ::testing::TestWithParam<std::string> {};

TEST_P(OneShotKilled, MidSearchItResumesFromItsLastCheckpoint) {
  TempDir dir;
  std::string run = dir / "run";
  OneShotSetup s;
  s.engine = GetParam();
  s.epochs = 6;
  s.sleep_ms = 150;
  std::string file = dir.write("pipeline.toml", pipeline(s, run));
  {
    NasProcess nas({"run", file}, dir / "first.log");
    auto limit = NasProcess::Clock::now() + std::chrono::seconds(20);
    while (nas.running() && checkpointed_epoch(run) < 2 && NasProcess::Clock::now() < limit)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ASSERT_EQ(nas.kill9(), 137) << "the search ended before the kill:\n" << nas.output();
  }
  const int killed_after = checkpointed_epoch(run);
  ASSERT_GE(killed_after, 2);
  ASSERT_LT(killed_after, s.epochs);

  auto r = run_nas("run " + file);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto search = only_trial(trials_by_id(run), "search");
  const int resumed = search["metrics"].value("resumed_from_epoch", -1);
  EXPECT_GE(resumed, killed_after);
  EXPECT_EQ(search["metrics"].value("epochs_run_this_session", -1), s.epochs - resumed);
  expect_searched_then_retrained(run, s.epochs, resumed);
}

// A kill of the host between an epoch's checkpoint and its report loses the report, unless
// the resumed search sends it again; the store keeps it once. Inline, where the search's
// SIGKILL is the host's (in a worker it would be a crashed worker, another story).
TEST(OneShot, KilledBetweenACheckpointAndItsReportTheResumedSearchReportsThatEpoch) {
  TempDir dir;
  std::string run = dir / "run";
  OneShotSetup s;
  s.epochs = 4;
  s.strategy_extra = ", die_after_checkpoint = 2";
  std::string file = dir.write("pipeline.toml", pipeline(s, run));
  auto killed = run_nas("run " + file);
  ASSERT_NE(killed.exit_code, 0) << "the search was to kill its process\n" << killed.err;
  ASSERT_EQ(checkpointed_epoch(run), 2);

  auto r = run_nas("run " + file);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(only_trial(trials_by_id(run), "search")["metrics"].value("resumed_from_epoch", -1), 2);
  expect_searched_then_retrained(run, s.epochs, 2);
}

INSTANTIATE_TEST_SUITE_P(Engines, OneShotKilled, ::testing::Values("inline", "local"));

} // namespace
