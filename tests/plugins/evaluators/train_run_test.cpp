// `nas run` with nas.evaluator.train: random search over NB201 sized for Fashion-MNIST
// (1x28x28, C=8, one cell per stage), three trials on a 1,000-image slice, inline engine.
// The trials' metrics, per-epoch reports and files land in the run; a diverging trial costs
// only itself. Skipped where Debian's dataset-fashion-mnist is not installed.
#include "run_nas.hpp"
#include "store_reader.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;
using nas::test::run_nas;
using nas::test::StoreReader;
using nas::test::TempDir;
using nlohmann::json;

const char *kFashion = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";

std::string pipeline(const std::string &output, const std::string &evaluator_extra) {
  return "[experiment]\nname = \"train\"\nseed = 5\noutput = \"" + output +
         "\"\n\n[objective]\nmetric = \"valid_accuracy\"\n\n[space]\n"
         "plugin = \"nas.space.nb201\"\ninput_channels = 1\ninput_size = 28\nchannels = 8\n"
         "cells_per_stage = 1\n\n[[stage]]\nname = \"search\"\nbudget = { evaluations = 3 }\n"
         "strategy = { plugin = \"nas.strategy.random\" }\n"
         "evaluator = { plugin = \"nas.evaluator.train\", train_images = 1000, "
         "valid_images = 500, batch_size = 32, epochs = 1, threads = 1, latency = false" +
         evaluator_extra + " }\n\n[execution]\nengine = \"inline\"\n";
}


class TrainRun : public ::testing::Test {
protected:
  void SetUp() override {
    if (!fs::exists(kFashion))
      GTEST_SKIP() << kFashion << " is missing (Debian package dataset-fashion-mnist)";
  }
  TempDir dir;
};

TEST_F(TrainRun, RandomSearchOnFashionMnistStoresMetricsReportsAndWeights) {
  std::string out = dir / "run";
  auto r = run_nas("run " + dir.write("p.toml", pipeline(out, "")), "timeout 100");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

  auto trials = nas::test::trials_by_id(out);
  ASSERT_EQ(trials.size(), 3u);
  StoreReader store(out);
  for (const auto &[id, t] : trials) {
    ASSERT_EQ(t["status"], "ok") << t.dump();
    const json &m = t["metrics"];
    double accuracy = m["valid_accuracy"].get<double>();
    EXPECT_GE(accuracy, 0.0);
    EXPECT_LE(accuracy, 100.0);
    EXPECT_EQ(t["objective"], m["valid_accuracy"]) << t.dump();
    EXPECT_GT(m["params"].get<int64_t>(), 0);
    EXPECT_EQ(m["epochs"], 1);
    EXPECT_FALSE(m.contains("test_accuracy"));
    auto reports = store.rows(
        "SELECT step, metrics FROM reports WHERE trial = " + std::to_string(id) + " ORDER BY step");
    ASSERT_EQ(reports.size(), 1u) << "one report per epoch, trial " << id;
    EXPECT_EQ(reports[0][0], "1");
    EXPECT_EQ(json::parse(reports[0][1])["valid_accuracy"], m["valid_accuracy"]);
    std::string folder = out + "/trials/" + std::to_string(id);
    for (const char *file : {"ir.json", "weights.pt", "checkpoint.pt", "metrics.json"})
      EXPECT_TRUE(fs::is_regular_file(folder + "/" + file)) << folder << "/" << file;
  }
}

TEST_F(TrainRun, DivergingTrialsFailWithTheirMessageAndTheRunGoesOn) {
  std::string out = dir / "run";
  auto r = run_nas("run " + dir.write("p.toml", pipeline(out, ", lr = 1e6")), "timeout 100");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto trials = nas::test::trials_by_id(out);
  ASSERT_EQ(trials.size(), 3u) << "every trial of the budget ran";
  for (const auto &[id, t] : trials) {
    EXPECT_EQ(t["status"], "failed") << t.dump();
    EXPECT_NE(t.value("error", "").find("training diverged at epoch 1, batch "), std::string::npos)
        << t.dump();
  }
}

} // namespace
