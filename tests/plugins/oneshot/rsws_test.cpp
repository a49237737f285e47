// Random search with weight sharing on a tiny NB201 supernet (C = 4, one cell per stage,
// 1x28x28 Fashion-MNIST slices): nas.strategy.supernet trains an epoch, leaves its files and
// a checkpoint, and continues from that checkpoint after a cancel; nas.evaluator.shared_weights
// refuses without a trained supernet (naming the folder and the stage), and two of its
// instances (two workers) agree exactly on an architecture, with the search's own ranking
// too; BN recalibration re-estimates the running stats and changes nothing else.
#include "path_scoring.hpp"

#include "plugin_harness.hpp"

#include <nas/ir.hpp>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using nas::test::Json;
using ::torch::Tensor;

const Json kNb201 = {{"channels", 4}, {"cells_per_stage", 1}, {"input_channels", 1},
                     {"input_size", 28}};
// 20 steps of 50 images an epoch; 4 architectures ranked at the end, 2 calibration batches.
const Json kSupernet = {{"train_images", 1000}, {"valid_images", 200}, {"batch_size", 50},
                        {"threads", 1}, {"rank_samples", 4}, {"calibration_batches", 2},
                        {"epochs", 1}};
constexpr uint64_t kSeed = 11;

Json with(Json config, const Json &more) {
  config.update(more);
  return config;
}

fs::path fresh_dir(const std::string &name) {
  fs::path dir = fs::path(testing::TempDir()) / ("rsws_test_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

Json read_json(const fs::path &path) {
  std::ifstream in(path);
  return Json::parse(in);
}

// ---- nas.strategy.supernet through the nas.oneshot/1 ABI ---------------------------------

struct Search : nas::test::OneShotSearch {
  std::string name; // the space's string of the choices
};

Search run_search(nas::test::Harness &h, const Json &config, const fs::path &dir,
                  const std::string &resume_from = "", int cancel_after_epoch = 0) {
  nas::core::Instance &strategy = h.create("nas.strategy.supernet", config, "stage.0.strategy");
  Search out;
  static_cast<nas::test::OneShotSearch &>(out) = nas::test::run_oneshot(
      h.run(), strategy, h.space(), kSeed, dir.string(), resume_from, cancel_after_epoch);
  if (out.result.ok())
    out.name = h.space().to_string(out.choices);
  return out;
}

// One epoch's supernet, trained once and shared by the tests that read it.
struct Trained {
  fs::path dir;
  Search search;
};
const Trained &trained() {
  static const Trained t = [] {
    Trained out;
    out.dir = fresh_dir("trained");
    nas::test::Harness h(5, "nas.space.nb201", kNb201);
    out.search = run_search(h, kSupernet, out.dir);
    return out;
  }();
  return t;
}

TEST(SupernetStrategy, TrainsAnEpochLeavesItsFilesAndReturnsTheBestRanked) {
  const Trained &t = trained();
  const Search &s = t.search;
  ASSERT_TRUE(s.result.ok()) << s.result;
  EXPECT_EQ(s.metrics.at("epochs"), 1);
  EXPECT_EQ(s.metrics.at("resumed_from_epoch"), 0);
  EXPECT_GT(s.metrics.at("valid_accuracy").get<double>(), 10.0) << "better than chance";
  EXPECT_GT(s.metrics.at("train_loss").get<double>(), 0.0);

  ASSERT_EQ(s.reports.size(), 1u) << "one report per epoch";
  const Json &report = s.reports[0];
  EXPECT_EQ(report.at("epoch"), 1);
  for (const char *key : {"train_loss", "lr", "valid_accuracy"})
    EXPECT_TRUE(report.at(key).is_number()) << key;

  for (const char *file : {"checkpoint.pt", "supernet.pt", "supernet_ir.json", "supernet.json",
                           "ranking.json"})
    EXPECT_TRUE(fs::is_regular_file(t.dir / file)) << file;
  for (const auto &entry : fs::directory_iterator(t.dir))
    EXPECT_NE(entry.path().extension(), ".tmp") << "written through a rename: " << entry.path();
  nas::test::Harness h(5, "nas.space.nb201", kNb201);
  EXPECT_EQ(read_json(t.dir / "supernet_ir.json"), Json::parse(h.space().supernet_ir()));
  Json settings = read_json(t.dir / "supernet.json");
  EXPECT_EQ(settings.at("dataset"), "fashion-mnist");
  EXPECT_EQ(settings.at("train_images"), 1000);
  EXPECT_EQ(settings.at("valid_images"), 200);
  EXPECT_EQ(settings.at("split_seed"), 0);
  EXPECT_EQ(settings.at("seed"), kSeed);

  // The result is the best of the ranked sample, with its accuracy.
  Json ranking = read_json(t.dir / "ranking.json");
  ASSERT_EQ(ranking.size(), 4u);
  EXPECT_EQ(ranking[0].at("architecture"), s.name);
  EXPECT_EQ(ranking[0].at("valid_accuracy"), s.metrics.at("valid_accuracy"));
  for (size_t i = 1; i < ranking.size(); ++i)
    EXPECT_GE(ranking[i - 1].at("valid_accuracy").get<double>(),
              ranking[i].at("valid_accuracy").get<double>());
  nas::Choices canonical = s.choices;
  h.space().canonicalize(canonical);
  EXPECT_EQ(canonical, s.choices) << "a canonical architecture";
}

TEST(SupernetStrategy, ACancelledTrainingResumesAfterItsLastFinishedEpoch) {
  const fs::path dir = fresh_dir("cut");
  const Json config = with(kSupernet, {{"epochs", 2}});
  Search first, second;
  {
    nas::test::Harness h(5, "nas.space.nb201", kNb201);
    first = run_search(h, config, dir, "", /*cancel_after_epoch=*/1);
  }
  EXPECT_EQ(first.result.status, NAS_ERR_CANCELLED) << first.result;
  EXPECT_TRUE(fs::is_regular_file(dir / "checkpoint.pt"));
  EXPECT_FALSE(fs::exists(dir / "supernet.pt")) << "written only when the training ends";
  {
    nas::test::Harness h(5, "nas.space.nb201", kNb201);
    second = run_search(h, config, dir, dir.string());
  }
  ASSERT_TRUE(second.result.ok()) << second.result;
  EXPECT_EQ(second.metrics.at("resumed_from_epoch"), 1);
  EXPECT_EQ(second.metrics.at("epochs"), 2);
  // Epoch 1's report again (a kill may have lost it), from the checkpoint; then epoch 2.
  ASSERT_EQ(second.reports.size(), 2u);
  EXPECT_EQ(second.reports[0], first.reports.back());
  EXPECT_EQ(second.reports[1].at("epoch"), 2) << "only epoch 2 ran again";
  EXPECT_TRUE(fs::is_regular_file(dir / "supernet.pt"));
}

// ---- nas.evaluator.shared_weights ---------------------------------------------------------

TEST(SharedWeightsEvaluator, RefusesWithoutATrainedSupernetNamingTheFolderAndTheStage) {
  const fs::path run = fresh_dir("empty_run");
  nas::test::Harness h(5, "nas.space.nb201", kNb201);
  h.run().run_dir = run.string();
  auto evaluator = h.evaluator("nas.evaluator.shared_weights", {{"supernet_stage", "supernet"}});
  nas::test::Evaluation e = evaluator.evaluate(nas::Choices(h.space().num_decisions(), 2));
  EXPECT_EQ(e.status, NAS_ERR_FAILED) << e;
  EXPECT_NE(e.message.find((run / "stages" / "supernet").string()), std::string::npos)
      << e.message;
  EXPECT_NE(e.message.find("\"supernet\""), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("supernet.pt"), std::string::npos) << e.message;
  EXPECT_FALSE(fs::exists(run / "stages")) << "the evaluator writes nothing";

  auto neither = h.create_error("nas.evaluator.shared_weights", Json::object());
  ASSERT_TRUE(neither.has_value());
  EXPECT_NE(std::string(neither->what()).find("supernet_stage"), std::string::npos)
      << neither->what();
}

TEST(SharedWeightsEvaluator, TwoWorkersAgreeExactlyAndMatchTheSearchsRanking) {
  const Trained &t = trained();
  ASSERT_TRUE(t.search.result.ok()) << t.search.result;
  std::map<fs::path, fs::file_time_type> before;
  for (const auto &entry : fs::directory_iterator(t.dir))
    before[entry.path()] = entry.last_write_time();

  // The calibration settings of the search, so its ranking is the same measurement.
  const Json config = {{"checkpoint_dir", t.dir.string()}, {"batch_size", 50},
                       {"calibration_batches", 2}, {"threads", 1}};
  nas::test::Harness h(5, "nas.space.nb201", kNb201);
  const nas::Choices derived = t.search.choices;
  nas::Choices other = h.space().from_string(
      "|nor_conv_3x3~0|+|skip_connect~0|avg_pool_3x3~1|+|nor_conv_1x1~0|none~1|nor_conv_3x3~2|");
  // Two workers, in opposite orders: a score depends on the architecture only.
  std::map<std::string, std::vector<double>> scores;
  for (const auto &order : {std::vector<nas::Choices>{derived, other},
                            std::vector<nas::Choices>{other, derived}}) {
    nas::test::Harness worker(5, "nas.space.nb201", kNb201);
    auto evaluator = worker.evaluator("nas.evaluator.shared_weights", config);
    for (const nas::Choices &arch : order) {
      nas::test::Evaluation e = evaluator.evaluate(arch);
      ASSERT_TRUE(e.ok()) << e;
      EXPECT_TRUE(e.metrics.at("eval_seconds").is_number());
      EXPECT_GT(e.metrics.at("params").get<int64_t>(), 0);
      scores[worker.space().to_string(arch)].push_back(
          e.metrics.at("valid_accuracy").get<double>());
    }
  }
  for (const auto &[name, values] : scores) {
    ASSERT_EQ(values.size(), 2u);
    EXPECT_EQ(values[0], values[1]) << name << ": the two workers disagree";
  }
  EXPECT_EQ(scores.at(t.search.name)[0], t.search.metrics.at("valid_accuracy").get<double>())
      << "the evaluator measures what the search ranked by";

  std::map<fs::path, fs::file_time_type> after;
  for (const auto &entry : fs::directory_iterator(t.dir))
    after[entry.path()] = entry.last_write_time();
  EXPECT_EQ(before, after) << "the supernet's folder is read only";
}

// ---- BN recalibration ---------------------------------------------------------------------

std::map<std::string, Tensor> copies(const torch::OrderedDict<std::string, Tensor> &named) {
  std::map<std::string, Tensor> out;
  for (const auto &item : named)
    out[item.key()] = item.value().clone();
  return out;
}

bool same(const Tensor &a, const Tensor &b) { return a.sizes() == b.sizes() && a.equal(b); }

TEST(BatchNormRecalibration, ReestimatesTheRunningStatsOfThePathAndChangesNothingElse) {
  nas::test::Harness h(5, "nas.space.nb201", kNb201);
  ::torch::manual_seed(1);
  nas::torch::Supernet net(nas::ir::read(h.space().supernet_ir()));
  const std::vector<int64_t> path =
      net->path_of(nas::ir::read(h.space().to_ir(nas::Choices(h.space().num_decisions(), 3))));
  const Tensor images = ::torch::randn({120, 1, 28, 28});
  // Running stats that training left: a few train-mode batches at the default momentum.
  net->train();
  {
    ::torch::NoGradGuard no_grad;
    for (int i = 0; i < 3; ++i)
      net->forward_path(images.slice(0, 40 * i, 40 * (i + 1)) * 2 + 1, path);
  }
  net->eval();
  const auto parameters = copies(net->named_parameters());
  const auto buffers = copies(net->named_buffers());

  nas::oneshot::Calibration calibration{3, 20, 7};
  nas::oneshot::BatchNormSnapshot snapshot(*net);
  nas::oneshot::recalibrate_batch_norm(*net, path, images, calibration, ::torch::kCPU);
  EXPECT_FALSE(net->is_training()) << "the module's mode is restored";
  for (const auto &item : net->named_parameters())
    EXPECT_TRUE(same(item.value(), parameters.at(item.key()))) << item.key() << " changed";
  int changed = 0, counted = 0;
  for (const auto &item : net->named_buffers()) {
    const Tensor &now = item.value();
    if (!same(now, buffers.at(item.key())))
      ++changed;
    if (item.key().size() > 19 &&
        item.key().compare(item.key().size() - 19, 19, "num_batches_tracked") == 0) {
      const int64_t n = now.item<int64_t>();
      EXPECT_TRUE(n == 0 || n == calibration.batches) << item.key() << " = " << n;
      counted += n == calibration.batches;
    }
  }
  EXPECT_GT(changed, 0) << "the path's running stats are re-estimated";
  EXPECT_GT(counted, 0) << "the path's batch norms saw every calibration batch";

  // Reset then averaged, not accumulated: a second recalibration gives the same stats.
  const auto once = copies(net->named_buffers());
  nas::oneshot::recalibrate_batch_norm(*net, path, images, calibration, ::torch::kCPU);
  for (const auto &item : net->named_buffers())
    EXPECT_TRUE(same(item.value(), once.at(item.key()))) << item.key();

  // What scoring mid-training puts back.
  snapshot.restore();
  for (const auto &item : net->named_buffers())
    EXPECT_TRUE(same(item.value(), buffers.at(item.key()))) << item.key() << " not restored";
}

TEST(BatchNormRecalibration, CalibrationBatchesDependOnTheSeedAlone) {
  nas::oneshot::Calibration c{3, 4, 9};
  auto a = nas::oneshot::calibration_batches(10, c), b = nas::oneshot::calibration_batches(10, c);
  EXPECT_EQ(a, b);
  ASSERT_EQ(a.size(), 3u);
  std::vector<int64_t> seen;
  for (const auto &batch : a) {
    EXPECT_EQ(batch.size(), 4u);
    seen.insert(seen.end(), batch.begin(), batch.end());
  }
  std::vector<int64_t> first(seen.begin(), seen.begin() + 10);
  std::sort(first.begin(), first.end());
  for (int64_t i = 0; i < 10; ++i)
    EXPECT_EQ(first[static_cast<size_t>(i)], i) << "each image once before any repeats";
  c.seed = 10;
  EXPECT_NE(nas::oneshot::calibration_batches(10, c), a);
}

} // namespace
