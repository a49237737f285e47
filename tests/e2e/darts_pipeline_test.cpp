// DARTS end to end, as the README runs it: configs/darts-nb201.toml and
// configs/darts-fmnist.toml, shrunk to an epoch on a 1,000-image slice (and a tiny
// retraining), search then retrain: the search stage's one trial holds the derived
// architecture and its per-epoch alphas, and the retrain stage trains exactly that one.
#include "../support/run_nas.hpp"
#include "../support/store_reader.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <string>

namespace fs = std::filesystem;
using nas::test::run_nas;
using nas::test::StoreReader;
using nas::test::TempDir;
using nas::test::trials_by_id;

namespace {

const std::string kShrunk =
    " --set stage.0.strategy.epochs=1 --set stage.0.strategy.train_images=1000"
    " --set stage.0.strategy.valid_images=500 --set stage.0.strategy.batch_size=50"
    " --set stage.1.evaluator.train_images=500 --set stage.1.evaluator.valid_images=500"
    " --set stage.1.evaluator.epochs=1 --set stage.1.evaluator.latency=false"
    " --set stage.0.strategy.threads=1 --set stage.1.evaluator.threads=1";

void expect_search_then_retrain(const std::string &config, const std::string &extra,
                                size_t alpha_groups, const std::string &string_start) {
  TempDir dir;
  const std::string run = dir / "run";
  auto r = run_nas("run " + std::string(NAS_SOURCE_DIR) + "/configs/" + config +
                   " --set experiment.output=" + run + kShrunk + extra);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto trials = trials_by_id(run);
  ASSERT_EQ(trials.size(), 2u);
  const nlohmann::json &search = trials.begin()->second;
  const nlohmann::json &retrain = std::next(trials.begin())->second;
  EXPECT_EQ(search["stage"], "search");
  EXPECT_EQ(search["status"], "ok") << search.dump();
  EXPECT_EQ(search["canonical"].get<std::string>().rfind(string_start, 0), 0u)
      << search["canonical"];
  EXPECT_EQ(search["metrics"]["epochs"], 1);
  EXPECT_EQ(retrain["stage"], "retrain");
  EXPECT_EQ(retrain["status"], "ok") << retrain.dump();
  EXPECT_EQ(retrain["canonical"], search["canonical"]) << "the derived architecture is retrained";
  EXPECT_TRUE(retrain["metrics"]["test_accuracy"].is_number());

  StoreReader store(run);
  auto reports = store.rows("SELECT step, metrics FROM reports WHERE trial = " +
                            search["id"].dump());
  ASSERT_EQ(reports.size(), 1u) << "one report per search epoch";
  auto report = nlohmann::json::parse(reports[0][1]);
  EXPECT_EQ(report["alphas"].size(), alpha_groups);
  EXPECT_EQ(report["architecture"], search["canonical"]);
  EXPECT_TRUE(fs::is_regular_file(fs::path(run) / "stages" / "search" / "search.pt"));

  // What a user reads the alphas' history with.
  auto shown = run_nas("results " + run + " --reports --stage search");
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  auto line = nlohmann::json::parse(shown.out.substr(0, shown.out.find('\n')));
  EXPECT_EQ(line["trial"], search["id"]);
  EXPECT_EQ(line["step"], 1);
  EXPECT_EQ(line["metrics"]["alphas"].size(), alpha_groups);
  EXPECT_EQ(std::count(shown.out.begin(), shown.out.end(), '\n'), 1) << shown.out;
}

TEST(DartsPipeline, Nb201SupernetSearchesThenRetrainsTheDerivedCell) {
  expect_search_then_retrain("darts-nb201.toml", "", 6, "|");
}

TEST(DartsPipeline, DartsSpaceSearchesThenRetrainsTheDerivedGenotype) {
  expect_search_then_retrain("darts-fmnist.toml", " --set space.channels=4", 28,
                             "Genotype(normal=[");
}

} // namespace
