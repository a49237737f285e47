// `nas export` end to end: a trained trial's network leaves the run as ir.json, weights.pt
// and preprocess.json, and the docs' classify example, in a fresh process, rebuilds it with
// libnas_torch and reproduces the test accuracy the run recorded. Bad exports are refused.
#include "../support/run_nas.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;
using nas::test::run_nas;
using nas::test::TempDir;

namespace {

const char *const kFashionMnist = "/usr/share/datasets/fashion-mnist";

std::string training_pipeline(const std::string &output) {
  return R"([experiment]
name = "export"
seed = 2
output = ")" + output + R"("

[objective]
metric = "valid_accuracy"
direction = "maximize"

[space]
plugin = "nas.space.nb201"
input_channels = 1
input_size = 28
channels = 8
cells_per_stage = 1

[[stage]]
name = "search"
budget = { evaluations = 2 }
strategy = { plugin = "nas.strategy.random" }

[stage.evaluator]
plugin = "nas.evaluator.train"
train_images = 1000
valid_images = 500
batch_size = 32
epochs = 1
threads = 1
latency = false
test = true
)";
}

// Runs a shell command; returns {exit code, stdout}.
std::pair<int, std::string> run_command(const std::string &command) {
  std::string out;
  FILE *pipe = ::popen((command + " 2>&1").c_str(), "r");
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
    out.append(buffer, n);
  int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

nlohmann::json read_json(const std::string &path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

class Export : public ::testing::Test {
protected:
  void SetUp() override {
    if (!fs::exists(kFashionMnist))
      GTEST_SKIP() << "needs Debian's dataset-fashion-mnist";
  }
};

TEST_F(Export, TheExportedNetworkReproducesItsTestAccuracyInAFreshProcess) {
  TempDir dir;
  const std::string run = dir / "run", out = dir / "best";
  auto r = run_nas("run " + dir.write("p.toml", training_pipeline(run)) + " -q");
  ASSERT_EQ(r.exit_code, 0) << r.err;

  r = run_nas("export " + run + " --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char *file : {"ir.json", "weights.pt", "preprocess.json", "metrics.json", "trial.json"})
    EXPECT_TRUE(fs::exists(out + "/" + file)) << file;
  const auto trial = read_json(out + "/trial.json");
  const auto results = nlohmann::json::parse(run_nas("results " + run + " --format json").out);
  double best = -1, recorded = -1;
  for (const auto &t : results["trials"])
    if (t["objective"].is_number() && t["objective"].get<double>() > best) {
      best = t["objective"].get<double>();
      recorded = t["metrics"]["test_accuracy"].get<double>();
    }
  EXPECT_EQ(trial["objective"].get<double>(), best) << "--trial best exports the best trial";
  EXPECT_EQ(trial["metrics"]["test_accuracy"].get<double>(), recorded);

  auto [code, text] = run_command(std::string(NAS_CLASSIFY) + " " + out + " --evaluate");
  ASSERT_EQ(code, 0) << text;
  double reproduced = -1;
  ASSERT_EQ(std::sscanf(text.c_str(), "test_accuracy %lf", &reproduced), 1) << text;
  EXPECT_NEAR(reproduced, recorded, 0.011) << text; // printed with two decimals

  std::tie(code, text) = run_command(std::string(NAS_CLASSIFY) + " " + out + " 0 1 2");
  ASSERT_EQ(code, 0) << text;
  EXPECT_NE(text.find("image 2: "), std::string::npos) << text;
  EXPECT_NE(text.find("true: "), std::string::npos) << text;
}

TEST_F(Export, BadExportsAreRefusedAndWriteNothing) {
  TempDir dir;
  const std::string run = dir / "run";
  auto r = run_nas("run " + dir.write("p.toml", training_pipeline(run)) + " -q");
  ASSERT_EQ(r.exit_code, 0) << r.err;

  r = run_nas("export " + run + " --trial 99 --out " + (dir / "a"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no trial 99"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "a"));

  dir.write("full/keep.txt", "mine");
  r = run_nas("export " + run + " --out " + (dir / "full"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not an empty folder"), std::string::npos) << r.err;
  EXPECT_EQ(std::distance(fs::directory_iterator(dir / "full"), fs::directory_iterator()), 1);

  r = run_nas("export " + run);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--out"), std::string::npos) << r.err;
}

// A tabular benchmark's trials have no network to export: said, not an empty export.
TEST(ExportTabular, ATrialWithoutASavedNetworkIsRefusedClearly) {
  TempDir dir;
  const std::string run = dir / "run";
  auto r = run_nas("run " NAS_SOURCE_DIR "/configs/nb201-random.toml -q --output " + run +
                   " --set stage.0.budget.evaluations=3");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_nas("export " + run + " --out " + (dir / "out"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("has no saved network"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "out"));
}

} // namespace
