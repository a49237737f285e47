// DARTS: the second-order hypergradient against a finite-difference check on a tiny
// supernet, and whole searches through the plugin on Fashion-MNIST slices: NB201's supernet
// and the DARTS space's each give a valid architecture after an epoch, with per-epoch
// reports and files; a search cancelled after an epoch resumes from its checkpoint and ends
// where an uninterrupted one does.
#include "bilevel.hpp"

#include "plugin_harness.hpp"

#include <nas/ir.hpp>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
namespace ir = nas::ir;
using namespace nas::darts_search;
using nas::test::Json;
using ::torch::Tensor;

// ---- the hypergradient ------------------------------------------------------------------

ir::Network tiny_supernet() {
  ir::Network net;
  net.input = {1, 6, 6};
  net.num_classes = 3;
  net.supernet = true;
  net.layers = {ir::op_layer("conv3x3_bn", 3),
                ir::choice_layer({"nor_conv_1x1", "skip_connect", "avg_pool_3x3", "none"}, -1, 3),
                ir::choice_layer({"nor_conv_3x3", "max_pool_3x3", "skip_connect"}, -1, 3),
                ir::head_layer()};
  return net;
}

std::vector<Tensor> trained_weights(nas::torch::SupernetImpl &net) {
  std::vector<Tensor> w;
  for (const Tensor &p : net.parameters())
    if (p.requires_grad())
      w.push_back(p);
  return w;
}

// L_val(w - xi (grad_w L_train(w, alpha) + wd w), alpha), the weights restored afterwards.
double unrolled_validation_loss(nas::torch::SupernetImpl &net, const std::vector<Tensor> &alphas,
                                const Batch &train, const Batch &valid, double xi, double wd) {
  std::vector<Tensor> w = trained_weights(net);
  std::vector<Tensor> original;
  for (const Tensor &p : w)
    original.push_back(p.detach().clone());
  std::vector<Tensor> g = ::torch::autograd::grad({supernet_loss(net, alphas, train)}, w, {},
                                                  false, false, true);
  {
    ::torch::NoGradGuard no_grad;
    for (size_t i = 0; i < w.size(); ++i)
      w[i].sub_((g[i].defined() ? g[i] : ::torch::zeros_like(w[i])) + wd * original[i], xi);
  }
  double loss;
  {
    ::torch::NoGradGuard no_grad;
    loss = supernet_loss(net, alphas, valid).item<double>();
    for (size_t i = 0; i < w.size(); ++i)
      w[i].copy_(original[i]);
  }
  return loss;
}

TEST(DartsBilevel, SecondOrderHypergradientMatchesFiniteDifferences) {
  ::torch::manual_seed(3);
  nas::torch::Supernet net(tiny_supernet());
  net->to(::torch::kFloat64);
  net->train();
  std::vector<Tensor> alphas;
  for (const auto &g : net->groups())
    alphas.push_back(::torch::randn({static_cast<int64_t>(g.options.size())}, ::torch::kFloat64)
                         .requires_grad_(true));
  Batch train{::torch::randn({8, 1, 6, 6}, ::torch::kFloat64),
              ::torch::randint(0, 3, {8}, ::torch::kInt64)};
  Batch valid{::torch::randn({8, 1, 6, 6}, ::torch::kFloat64),
              ::torch::randint(0, 3, {8}, ::torch::kInt64)};
  VirtualStep step;
  step.xi = 0.5;
  step.weight_decay = 0.01;

  std::vector<Tensor> analytic = second_order_gradient(*net, alphas, train, valid, step);
  std::vector<Tensor> first = first_order_gradient(*net, alphas, valid);
  const double h = 1e-5;
  std::vector<double> ours, numeric, first_order;
  for (size_t g = 0; g < alphas.size(); ++g)
    for (int64_t k = 0; k < alphas[g].numel(); ++k) {
      auto nudge = [&](double by) {
        ::torch::NoGradGuard no_grad;
        alphas[g][k] += by;
      };
      nudge(h);
      double up = unrolled_validation_loss(*net, alphas, train, valid, step.xi, step.weight_decay);
      nudge(-2 * h);
      double down =
          unrolled_validation_loss(*net, alphas, train, valid, step.xi, step.weight_decay);
      nudge(h);
      numeric.push_back((up - down) / (2 * h));
      ours.push_back(analytic[g][k].item<double>());
      first_order.push_back(first[g][k].item<double>());
    }
  // The second-order term (what the unrolled step adds to the first-order gradient) is what
  // the check is about: ours must match the numeric one to a fraction of it. The paper's
  // Hessian-vector product is itself a finite difference (eps = 0.01 / |v|), across ReLU
  // and pooling kinks, so it is close, not exact: a few percent here.
  double term = 0, error = 0;
  for (size_t i = 0; i < ours.size(); ++i) {
    term = std::max(term, std::abs(numeric[i] - first_order[i]));
    error = std::max(error, std::abs(ours[i] - numeric[i]));
  }
  ASSERT_GT(term, 1e-3) << "the second-order term must be large enough to check";
  EXPECT_LT(error, 0.15 * term) << "hypergradient error " << error << ", second-order term "
                                << term;
  for (size_t i = 0; i < ours.size(); ++i)
    EXPECT_NEAR(ours[i], numeric[i], 0.15 * term) << "alpha entry " << i;
}

// ---- searches through the plugin ----------------------------------------------------------

using Search = nas::test::OneShotSearch;

Search run_search(nas::test::Harness &h, nas::core::Instance &strategy, const std::string &dir,
                  const std::string &resume_from = "", int cancel_after_epoch = 0) {
  return nas::test::run_oneshot(h.run(), strategy, h.space(), 11, dir, resume_from,
                                cancel_after_epoch);
}

fs::path fresh_dir(const std::string &name) {
  fs::path dir = fs::path(testing::TempDir()) / ("darts_test_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

const Json kSlice = {{"train_images", 1000}, {"valid_images", 200}, {"batch_size", 50},
                     {"threads", 1}};

Json with(Json config, const Json &more) {
  config.update(more);
  return config;
}

TEST(DartsSearch, Nb201SupernetRunsAnEpochAndDerivesAValidCell) {
  nas::test::Harness h(5, "nas.space.nb201",
                       {{"channels", 4}, {"cells_per_stage", 1}, {"input_channels", 1},
                        {"input_size", 28}});
  auto &darts = h.create("nas.strategy.darts", with(kSlice, {{"epochs", 1}}), "stage.0.strategy");
  fs::path dir = fresh_dir("nb201");
  Search s = run_search(h, darts, dir.string());
  ASSERT_TRUE(s.result.ok()) << s.result;
  EXPECT_NO_THROW(h.space().to_string(s.choices)) << "a valid NB201 cell";
  EXPECT_GT(s.metrics.at("valid_accuracy").get<double>(), 10.0) << "better than chance";
  EXPECT_EQ(s.metrics.at("epochs"), 1);
  EXPECT_EQ(s.metrics.at("skip_connections").get<int>(),
            static_cast<int>(std::count(s.choices.begin(), s.choices.end(), 1)));
  ASSERT_EQ(s.reports.size(), 1u);
  EXPECT_EQ(s.reports[0].at("alphas").size(), 6u) << "one weight vector per NB201 edge";
  EXPECT_EQ(s.reports[0].at("architecture"), h.space().to_string(s.choices));
  EXPECT_TRUE(fs::is_regular_file(dir / "search.pt"));
  EXPECT_TRUE(fs::is_regular_file(dir / "alphas.json"));
}

TEST(DartsSearch, DartsSpaceSupernetRunsAnEpochAndRespectsTheSkipCap) {
  nas::test::Harness h(5, "nas.space.darts",
                       {{"layers", 3}, {"channels", 4}, {"input_channels", 1},
                        {"input_size", 28}});
  auto &darts = h.create("nas.strategy.darts", with(kSlice, {{"epochs", 1}, {"skip_cap", 1}}),
                         "stage.0.strategy");
  Search s = run_search(h, darts, fresh_dir("darts").string());
  ASSERT_TRUE(s.result.ok()) << s.result;
  std::string genotype = h.space().to_string(s.choices);
  EXPECT_EQ(genotype.rfind("Genotype(normal=[", 0), 0u) << genotype;
  EXPECT_LE(s.metrics.at("skip_connections").get<int>(), 1);
  ASSERT_EQ(s.reports.size(), 1u);
  EXPECT_EQ(s.reports[0].at("alphas").size(), 28u) << "14 edges in each of the two cells";
}

TEST(DartsSearch, ACancelledSearchResumesFromItsLastEpochAndEndsAsAnUninterruptedOne) {
  const Json nb201 = {{"channels", 4}, {"cells_per_stage", 1}, {"input_channels", 1},
                      {"input_size", 28}};
  const Json config = with(kSlice, {{"epochs", 2}, {"train_images", 500}});
  fs::path whole = fresh_dir("whole"), cut = fresh_dir("cut");
  Search uninterrupted, first, second;
  {
    nas::test::Harness h(5, "nas.space.nb201", nb201);
    uninterrupted = run_search(h, h.create("nas.strategy.darts", config, "stage.0.strategy"),
                               whole.string());
  }
  {
    nas::test::Harness h(5, "nas.space.nb201", nb201);
    auto &darts = h.create("nas.strategy.darts", config, "stage.0.strategy");
    first = run_search(h, darts, cut.string(), "", /*cancel_after_epoch=*/1);
  }
  {
    nas::test::Harness h(5, "nas.space.nb201", nb201);
    auto &darts = h.create("nas.strategy.darts", config, "stage.0.strategy");
    second = run_search(h, darts, cut.string(), cut.string());
  }
  ASSERT_TRUE(uninterrupted.result.ok()) << uninterrupted.result;
  EXPECT_EQ(first.result.status, NAS_ERR_CANCELLED) << first.result;
  ASSERT_TRUE(second.result.ok()) << second.result;
  EXPECT_EQ(second.metrics.at("resumed_from_epoch"), 1);
  EXPECT_EQ(second.metrics.at("epochs"), 2);
  // Epoch 1's report again (a kill may have lost it), from the checkpoint; then epoch 2.
  ASSERT_EQ(second.reports.size(), 2u);
  EXPECT_EQ(second.reports[0], first.reports.back());
  EXPECT_EQ(second.reports[1].at("epoch"), 2) << "only epoch 2 ran again";
  EXPECT_EQ(second.choices, uninterrupted.choices);
  Json a = Json::parse(std::ifstream(whole / "alphas.json"));
  Json b = Json::parse(std::ifstream(cut / "alphas.json"));
  for (auto it = a.begin(); it != a.end(); ++it)
    for (auto op = it->begin(); op != it->end(); ++op)
      EXPECT_NEAR(op->get<double>(), b.at(it.key()).at(op.key()).get<double>(), 1e-5)
          << it.key() << " " << op.key();
}

} // namespace
