// configs/rsws-fmnist.toml end to end, shrunk to an epoch on a 500-image slice, 4 scored
// architectures and a tiny retraining: the supernet stage's one trial holds the best ranked
// architecture and leaves the trained supernet in stages/supernet; the search stage scores
// its architectures with those weights; the retrain stage trains the search's best.
#include "run_nas.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace fs = std::filesystem;
using nas::test::run_nas;
using nas::test::TempDir;
using nas::test::trials_by_id;

namespace {

const std::string kShrunk =
    " --set space.channels=4"
    " --set stage.0.strategy.epochs=1 --set stage.0.strategy.train_images=500"
    " --set stage.0.strategy.valid_images=200 --set stage.0.strategy.batch_size=50"
    " --set stage.0.strategy.rank_samples=3 --set stage.0.strategy.calibration_batches=2"
    " --set stage.1.budget.evaluations=4 --set stage.1.evaluator.calibration_batches=2"
    " --set stage.1.evaluator.batch_size=50 --set stage.1.evaluator.valid_images=200"
    " --set stage.2.evaluator.train_images=500 --set stage.2.evaluator.valid_images=200"
    " --set stage.2.evaluator.epochs=1 --set stage.2.evaluator.latency=false";

TEST(RswsPipeline, TrainsTheSupernetScoresArchitecturesWithItThenRetrainsTheBest) {
  TempDir dir;
  const std::string run = dir / "run";
  auto r = run_nas("run " + std::string(NAS_SOURCE_DIR) + "/configs/rsws-fmnist.toml" +
                   " --set experiment.output=" + run + kShrunk);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto trials = trials_by_id(run);
  ASSERT_EQ(trials.size(), 6u) << "1 supernet trial, 4 scored, 1 retrained";

  const nlohmann::json *supernet = nullptr, *retrain = nullptr, *best = nullptr;
  int scored = 0;
  for (const auto &[id, t] : trials) {
    EXPECT_EQ(t["status"], "ok") << t.dump();
    if (t["stage"] == "supernet")
      supernet = &t;
    else if (t["stage"] == "retrain")
      retrain = &t;
    else if (t["stage"] == "search") {
      ++scored;
      EXPECT_TRUE(t["metrics"]["valid_accuracy"].is_number()) << t.dump();
      EXPECT_TRUE(t["metrics"]["eval_seconds"].is_number()) << t.dump();
      if (!best || t["metrics"]["valid_accuracy"].get<double>() >
                       (*best)["metrics"]["valid_accuracy"].get<double>())
        best = &t;
    }
  }
  ASSERT_TRUE(supernet && retrain && best);
  EXPECT_EQ(scored, 4);
  EXPECT_EQ((*supernet)["metrics"]["epochs"], 1);
  EXPECT_EQ((*supernet)["canonical"].get<std::string>().rfind("Genotype(normal=[", 0), 0u)
      << (*supernet)["canonical"];
  EXPECT_EQ((*retrain)["canonical"], (*best)["canonical"]) << "the search's best is retrained";
  EXPECT_TRUE((*retrain)["metrics"]["test_accuracy"].is_number());
  for (const char *file : {"supernet.pt", "supernet_ir.json", "supernet.json", "checkpoint.pt"})
    EXPECT_TRUE(fs::is_regular_file(fs::path(run) / "stages" / "supernet" / file)) << file;
}

} // namespace
