// The built nas.predictor.gp, bound to a distance on NAS-Bench-Macro (8 decisions of 3
// options) and called through the C ABI: posteriors against a closed form, the features and
// pairwise paths agreeing, the marginal-likelihood fit recovering a length scale, non-PSD
// kernels repaired (or a clear failure), the joint posterior, save/load, errors, threads.
#include "predictor_client.hpp"

#include <nas/random.hpp>

#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

using nas::Choices;
using nas::core::Instance;
using nas::test::CallResult;
using nas::test::Json;
using nas::test::Prediction;
using nas::test::PredictorClient;
namespace core = nas::core;

constexpr const char *kSpace = "nas.space.nasbench_macro";

Choices arch(const std::string &digits) {
  Choices c;
  for (char ch : digits)
    c.push_back(ch - '0');
  return c;
}

double hamming(const Choices &a, const Choices &b) {
  double h = 0;
  for (size_t i = 0; i < a.size(); ++i)
    h += a[i] != b[i];
  return h;
}

// ---- Plain linear algebra for the closed forms --------------------------------------------

using Mat = std::vector<std::vector<double>>;

Mat cholesky(const Mat &a) {
  size_t n = a.size();
  Mat l(n, std::vector<double>(n, 0.0));
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j <= i; ++j) {
      double s = a[i][j];
      for (size_t k = 0; k < j; ++k)
        s -= l[i][k] * l[j][k];
      l[i][j] = i == j ? std::sqrt(s) : s / l[j][j];
    }
  return l;
}

// x with (L L^T) x = b.
std::vector<double> solve(const Mat &l, std::vector<double> b) {
  size_t n = l.size();
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = 0; k < i; ++k)
      b[i] -= l[i][k] * b[k];
    b[i] /= l[i][i];
  }
  for (size_t i = n; i-- > 0;) {
    for (size_t k = i + 1; k < n; ++k)
      b[i] -= l[k][i] * b[k];
    b[i] /= l[i][i];
  }
  return b;
}

double dot(const std::vector<double> &a, const std::vector<double> &b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i)
    s += a[i] * b[i];
  return s;
}

// The GP posterior of the latent function by the textbook formulas (Rasmussen and Williams,
// eq. 2.25-2.26), with the kernel s2 exp(-h^p / l) on Hamming distances.
struct ClosedForm {
  double s2, l, noise, p = 1;
  bool normalize = false;
  std::pair<double, double> at(const std::vector<Choices> &x, const std::vector<double> &y,
                               const Choices &q) const {
    size_t n = x.size();
    double mean = 0, sd = 1;
    if (normalize) {
      for (double v : y)
        mean += v;
      mean /= n;
      double var = 0;
      for (double v : y)
        var += (v - mean) * (v - mean);
      sd = std::sqrt(var / n);
    }
    std::vector<double> ys;
    for (double v : y)
      ys.push_back((v - mean) / sd);
    auto k = [&](const Choices &a, const Choices &b) {
      return s2 * std::exp(-std::pow(hamming(a, b), p) / l);
    };
    Mat kk(n, std::vector<double>(n));
    std::vector<double> ks(n);
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = 0; j < n; ++j)
        kk[i][j] = k(x[i], x[j]) + (i == j ? noise : 0);
      ks[i] = k(q, x[i]);
    }
    Mat chol = cholesky(kk);
    double m = dot(ks, solve(chol, ys));
    double v = s2 - dot(ks, solve(chol, ks));
    return {mean + sd * m, sd * sd * v};
  }
};

// ---- The fixture: plugins from the build and tests/plugins/power --------------------------

class GpTest : public ::testing::Test {
protected:
  GpTest() : run_(std::make_shared<core::RunContext>()) {
    registry_.add_folder(NAS_BUILD_PLUGIN_DIR);
    registry_.add_folder(NAS_TEST_PLUGIN_DIR "/power");
    run_->seed = 7;
    space_ = &make("nas.space.nasbench_macro", Json::object(), "space");
    log_ = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(256);
    spdlog::default_logger()->sinks().push_back(log_);
  }
  ~GpTest() override {
    auto &sinks = spdlog::default_logger()->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), log_), sinks.end());
    while (!owned_.empty())
      owned_.pop_back(); // the last created first: nothing outlives what it is bound to
  }

  Instance &make(const std::string &name, const Json &config, const std::string &path) {
    owned_.push_back(Instance::create(registry_, name, config, run_, path));
    return *owned_.back();
  }

  // A GP with `config`, bound to `distance` (with `distance_config`) on the space.
  PredictorClient gp(const Json &config, const std::string &distance = "nas.distance.hamming",
                     const Json &distance_config = Json::object()) {
    std::string path = "predictor." + std::to_string(++made_);
    Instance &d = make(distance, distance_config, path + ".distance");
    d.bind("space", *space_);
    Instance &p = make("nas.predictor.gp", config, path);
    p.bind("distance", d);
    return PredictorClient(p);
  }

  size_t logged(const std::string &needle) const {
    size_t n = 0;
    for (const std::string &line : log_->last_formatted())
      n += line.find(needle) != std::string::npos;
    return n;
  }

  core::Registry registry_;
  std::shared_ptr<core::RunContext> run_;
  std::vector<std::unique_ptr<Instance>> owned_;
  Instance *space_ = nullptr;
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> log_;
  int made_ = 0;
};

// Three points on a line (Hamming distances 1, 1, 2) and queries on and off it.
const std::vector<Choices> kLine = {arch("00000000"), arch("10000000"), arch("11000000")};
const std::vector<double> kLineValues = {1.0, 3.0, 2.0};
const std::vector<Choices> kQueries = {arch("11100000"), arch("10000000"), arch("01000000"),
                                       arch("22222222")};

Json fixed(double s2, double l, double noise, bool normalize, double p = 1) {
  return {{"fit", false},           {"signal_variance", s2},
          {"lengthscale", l},       {"noise_variance", noise},
          {"normalize", normalize}, {"kernel_power", p},
          {"jitter", 0.0}};
}

// Queries on the line only: exp(-h^2 / l) is PSD for points on a line, not for a point at
// distance 8 from all three (no Euclidean point is equidistant from three collinear ones).
const std::vector<Choices> kLineQueries = {arch("11100000"), arch("10000000"), arch("11110000")};

void expect_closed_form(const PredictorClient &p, const ClosedForm &cf,
                        const std::vector<Choices> &queries = kQueries) {
  for (const Choices &q : queries) {
    Prediction got = p.predict(q);
    ASSERT_TRUE(got.ok()) << got;
    auto [mean, var] = cf.at(kLine, kLineValues, q);
    EXPECT_NEAR(got.mean, mean, 1e-12 * (1 + std::abs(mean)));
    EXPECT_NEAR(got.variance, var, 1e-12 * (1 + var));
  }
}

TEST_F(GpTest, PosteriorMatchesTheClosedFormOnALine) {
  PredictorClient p = gp(fixed(2.0, 1.5, 0.1, false));
  ASSERT_TRUE(p.fit(kLine, kLineValues).ok());
  expect_closed_form(p, {2.0, 1.5, 0.1});
  // By hand for the point at distance 0 from "10000000": K = [[2.1, a, b], [a, 2.1, a],
  // [b, a, 2.1]] with a = 2 exp(-1/1.5), b = 2 exp(-2/1.5); the mean is below 3 (noise).
  Prediction on = p.predict(arch("10000000"));
  EXPECT_LT(on.mean, 3.0);
  EXPECT_GT(on.mean, 2.0);
}

TEST_F(GpTest, PosteriorMatchesWithStandardizedTargetsAndPowerTwo) {
  PredictorClient p = gp(fixed(1.3, 0.8, 0.05, true));
  ASSERT_TRUE(p.fit(kLine, kLineValues).ok());
  expect_closed_form(p, {1.3, 0.8, 0.05, 1, true});
  PredictorClient q = gp(fixed(1.3, 2.5, 0.05, true, 2));
  ASSERT_TRUE(q.fit(kLine, kLineValues).ok());
  expect_closed_form(q, {1.3, 2.5, 0.05, 2, true}, kLineQueries);
}

TEST_F(GpTest, NoiseFreeVarianceIsZeroAtObservations) {
  PredictorClient p = gp(fixed(1.0, 2.0, 0.0, false));
  ASSERT_TRUE(p.fit(kLine, kLineValues).ok());
  for (size_t i = 0; i < kLine.size(); ++i) {
    Prediction at = p.predict(kLine[i]);
    EXPECT_NEAR(at.mean, kLineValues[i], 1e-9);
    EXPECT_LT(at.variance, 1e-12);
  }
  EXPECT_GT(p.predict(arch("22222222")).variance, 0.5);
}

TEST_F(GpTest, FeaturesAndPairwiseCallsAgree) {
  // Hamming's one-hot features (2x Hamming), the test distance's scaled ones (0.98x) and its
  // pairwise calls: the same distances, so the same posterior.
  Json c = fixed(1.7, 1.2, 0.02, true);
  PredictorClient features = gp(c);
  PredictorClient scaled = gp(c, "test.distance.power", {{"feature_scale", 0.7}});
  PredictorClient pairwise = gp(c, "test.distance.power");
  for (const PredictorClient *p : {&features, &scaled, &pairwise})
    ASSERT_TRUE(p->fit(kLine, kLineValues).ok());
  for (const Choices &q : kQueries) {
    Prediction a = features.predict(q), b = scaled.predict(q), d = pairwise.predict(q);
    EXPECT_NEAR(a.mean, d.mean, 1e-12);
    EXPECT_NEAR(a.variance, d.variance, 1e-12);
    EXPECT_NEAR(b.mean, d.mean, 1e-12);
    EXPECT_NEAR(b.variance, d.variance, 1e-12);
  }
}

TEST_F(GpTest, FeaturesThatAreNotProportionalFallBackToDistanceCalls) {
  // d = hamming^2, but the features' squared distances are 2 x hamming.
  Json c = fixed(1.0, 3.0, 0.01, false, 1);
  PredictorClient mixed = gp(c, "test.distance.power", {{"power", 2}, {"feature_scale", 1}});
  PredictorClient pairwise = gp(c, "test.distance.power", {{"power", 2}});
  std::vector<Choices> x = {arch("00000000"), arch("10000000"), arch("11000000"), arch("11100000")};
  std::vector<double> y = {1, 2, 3, 4};
  ASSERT_TRUE(mixed.fit(x, y).ok());
  ASSERT_TRUE(pairwise.fit(x, y).ok());
  EXPECT_EQ(logged("not proportional"), 1u);
  Prediction a = mixed.predict(arch("22222222")), b = pairwise.predict(arch("22222222"));
  EXPECT_NEAR(a.mean, b.mean, 1e-12);
  EXPECT_NEAR(a.variance, b.variance, 1e-12);
}

TEST_F(GpTest, EachDistanceIsComputedOncePerPairWhileBothAreKept) {
  spdlog::default_logger()->set_level(spdlog::level::debug);
  PredictorClient p = gp(fixed(1.0, 2.0, 0.01, true), "test.distance.power");
  std::vector<Choices> x;
  for (int i = 0; i < 10; ++i)
    x.push_back({i % 3, i / 3 % 3, i / 9, 0, 1, 2, 0, 1});
  std::vector<double> y(x.size(), 0.0);
  for (size_t i = 0; i < y.size(); ++i)
    y[i] = static_cast<double>(i % 4);
  const std::vector<Choices> candidates = {arch("22222222"), arch("11111111"), arch("00000000")};
  ASSERT_TRUE(p.fit(x, y).ok());          // 45 pairs
  for (int round = 0; round < 2; ++round) // 3 x 10 pairs, once
    for (const Choices &c : candidates)
      ASSERT_TRUE(p.predict(c).ok());
  x.push_back(candidates[0]); // its distances to the training set are known already
  y.push_back(5);
  ASSERT_TRUE(p.fit(x, y).ok());
  x.push_back(arch("12121212")); // a new one: 11 more pairs
  y.push_back(1);
  ASSERT_TRUE(p.fit(x, y).ok());
  spdlog::default_logger()->set_level(spdlog::level::info);
  EXPECT_EQ(logged("training set of 10 architectures; distance calls so far: 45"), 1u);
  EXPECT_EQ(logged("training set of 11 architectures; distance calls so far: 75"), 1u);
  EXPECT_EQ(logged("training set of 12 architectures; distance calls so far: 86"), 1u);
}

// ---- The marginal-likelihood fit ----------------------------------------------------------

// Draws f ~ GP(0, exp(-h / l) + noise) at `n` distinct random architectures.
void draw_from_gp(uint64_t seed, size_t n, double l, double noise, std::vector<Choices> &x,
                  std::vector<double> &y) {
  nas::Rng rng(seed);
  std::set<Choices> seen;
  while (x.size() < n) {
    Choices c(8);
    for (int32_t &v : c)
      v = static_cast<int32_t>(rng.below(3));
    if (seen.insert(c).second)
      x.push_back(c);
  }
  Mat k(n, std::vector<double>(n));
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j)
      k[i][j] = std::exp(-hamming(x[i], x[j]) / l) + (i == j ? noise : 0);
  Mat chol = cholesky(k);
  std::vector<double> z(n);
  for (double &v : z)
    v = rng.normal();
  y.assign(n, 0.0);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j <= i; ++j)
      y[i] += chol[i][j] * z[j];
}

Json hyper_of(const PredictorClient &p) {
  std::string state;
  EXPECT_TRUE(p.save(state).ok());
  return Json::parse(state).at("hyper");
}

TEST_F(GpTest, MarginalLikelihoodFitRecoversTheLengthScale) {
  for (double truth : {1.0, 3.0}) {
    std::vector<Choices> x;
    std::vector<double> y;
    draw_from_gp(11, 250, truth, 1e-3, x, y);
    PredictorClient p = gp({{"restarts", 2}});
    ASSERT_TRUE(p.fit(x, y).ok());
    double fitted = hyper_of(p).at("lengthscale").get<double>();
    EXPECT_NEAR(std::log(fitted), std::log(truth), std::log(1.3))
        << "fitted " << fitted << ", drawn with " << truth;
  }
}

TEST_F(GpTest, AdamReachesTheSameLengthScale) {
  std::vector<Choices> x;
  std::vector<double> y;
  draw_from_gp(5, 150, 2.0, 1e-3, x, y);
  PredictorClient lbfgs = gp({{"restarts", 0}});
  PredictorClient adam = gp({{"restarts", 0}, {"optimizer", "adam"}, {"steps", 300}});
  ASSERT_TRUE(lbfgs.fit(x, y).ok());
  ASSERT_TRUE(adam.fit(x, y).ok());
  double a = hyper_of(lbfgs).at("lengthscale").get<double>();
  double b = hyper_of(adam).at("lengthscale").get<double>();
  EXPECT_NEAR(std::log(a), std::log(b), std::log(1.1));
}

TEST_F(GpTest, RefitsTheHyperparametersEveryKFits) {
  std::vector<Choices> x;
  std::vector<double> y;
  draw_from_gp(3, 60, 2.0, 1e-3, x, y);
  PredictorClient p = gp({{"refit_every", 3}, {"restarts", 0}});
  std::vector<Json> hyper;
  for (size_t n = 40; n <= 45; ++n) {
    ASSERT_TRUE(p.fit({x.begin(), x.begin() + n}, {y.begin(), y.begin() + n}).ok());
    hyper.push_back(hyper_of(p));
  }
  EXPECT_EQ(hyper[0], hyper[1]); // fits 1, 4 fit the hyperparameters; 2, 3, 5, 6 keep them
  EXPECT_EQ(hyper[1], hyper[2]);
  EXPECT_NE(hyper[2], hyper[3]);
  EXPECT_EQ(hyper[3], hyper[4]);
}

// ---- Kernels that are not PSD -------------------------------------------------------------

// d = hamming^3: 1, 1 and 8 between 00000000, 10000000 and 11000000, so with l = 10 the
// correlation matrix has a negative determinant (1 + b < 2 a^2 for a = e^-0.1, b = e^-0.8).
const std::vector<Choices> kBent = {arch("00000000"), arch("10000000"), arch("11000000"),
                                    arch("11100000"), arch("21000000")};
const std::vector<double> kBentValues = {1, 2, 3, 2.5, 2};

TEST_F(GpTest, ANonPsdKernelMatrixIsRepairedAndSaidOnce) {
  PredictorClient p = gp(fixed(1.0, 10.0, 1e-4, false), "test.distance.power", {{"power", 3}});
  ASSERT_TRUE(p.fit(kBent, kBentValues).ok());
  ASSERT_TRUE(p.fit(kBent, kBentValues).ok());
  EXPECT_EQ(logged("not positive semidefinite"), 1u);
  for (const Choices &q : kQueries) {
    Prediction r = p.predict(q);
    ASSERT_TRUE(r.ok()) << r;
    EXPECT_TRUE(std::isfinite(r.mean));
    EXPECT_GE(r.variance, 0);
  }
  // Fitting the hyperparameters over such a kernel works too.
  PredictorClient fitted = gp(Json::object(), "test.distance.power", {{"power", 3}});
  ASSERT_TRUE(fitted.fit(kBent, kBentValues).ok());
  EXPECT_TRUE(fitted.predict(arch("22222222")).ok());
}

TEST_F(GpTest, WithoutRepairTheFitFailsWithAClearMessage) {
  Json c = fixed(1.0, 10.0, 1e-4, false);
  c["repair"] = false;
  PredictorClient p = gp(c, "test.distance.power", {{"power", 3}});
  CallResult r = p.fit(kBent, kBentValues);
  EXPECT_EQ(r.status, NAS_ERR_FAILED);
  EXPECT_NE(r.message.find("not positive definite"), std::string::npos) << r;
  EXPECT_NE(r.message.find("jitter"), std::string::npos) << r;
  EXPECT_EQ(p.predict(arch("00000000")).status, NAS_ERR_FAILED); // no posterior: fit first
}

// ---- Joint posterior, state, errors, threads ----------------------------------------------

struct Joint : CallResult {
  std::vector<double> mean, cov;
};

Joint predict_joint(const PredictorClient &p, const std::vector<Choices> &archs) {
  auto vt = p.instance().interface<nas_predictor_v1_t>(NAS_PREDICTOR_V1);
  std::vector<nas_arch_t> views;
  for (const Choices &a : archs)
    views.push_back(nas::arch_view(a));
  Joint j;
  j.mean.resize(archs.size());
  j.cov.resize(archs.size() * archs.size());
  nas_error_t e = core::make_error();
  static_cast<CallResult &>(j) = nas::test::detail::result_of(
      vt->predict_joint(p.instance().raw(), views.data(), static_cast<uint32_t>(archs.size()),
                        j.mean.data(), j.cov.data(), &e),
      e);
  return j;
}

TEST_F(GpTest, JointPosteriorAgreesWithTheMarginals) {
  PredictorClient p = gp({{"restarts", 1}});
  ASSERT_TRUE(p.fit(kBent, kBentValues).ok());
  Joint j = predict_joint(p, kQueries);
  ASSERT_TRUE(j.ok()) << j;
  const size_t m = kQueries.size();
  for (size_t i = 0; i < m; ++i) {
    Prediction one = p.predict(kQueries[i]);
    EXPECT_NEAR(j.mean[i], one.mean, 1e-9);
    EXPECT_NEAR(j.cov[i * m + i], one.variance, 1e-9);
    for (size_t k = 0; k < m; ++k)
      EXPECT_EQ(j.cov[i * m + k], j.cov[k * m + i]);
  }
  // Two equal architectures are perfectly correlated.
  Joint same = predict_joint(p, {arch("22222222"), arch("22222222")});
  EXPECT_NEAR(same.cov[1], same.cov[0], 1e-9);
}

TEST_F(GpTest, SaveAndLoadGiveTheSamePredictions) {
  std::vector<Choices> x;
  std::vector<double> y;
  draw_from_gp(9, 40, 2.0, 1e-2, x, y);
  PredictorClient p = gp(Json::object());
  ASSERT_TRUE(p.fit(x, y).ok());
  std::string state;
  ASSERT_TRUE(p.save(state).ok());
  PredictorClient q = gp(Json::object());
  ASSERT_TRUE(q.load(state).ok());
  for (const Choices &c : kQueries) {
    EXPECT_EQ(p.predict(c).mean, q.predict(c).mean);
    EXPECT_EQ(p.predict(c).variance, q.predict(c).variance);
  }
  std::string again;
  ASSERT_TRUE(q.save(again).ok());
  EXPECT_EQ(again, state);
  EXPECT_EQ(q.load("{\"format\": \"other\"}").status, NAS_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(q.predict(kQueries[0]).mean, p.predict(kQueries[0]).mean); // unchanged
}

TEST_F(GpTest, ErrorsAreStatusesNotCrashes) {
  PredictorClient p = gp(Json::object());
  Prediction before = p.predict(arch("00000000"));
  EXPECT_EQ(before.status, NAS_ERR_FAILED);
  EXPECT_NE(before.message.find("fit first"), std::string::npos) << before;
  EXPECT_EQ(p.fit({arch("00000000")}, {NAN}).status, NAS_ERR_INVALID_ARGUMENT);
  ASSERT_TRUE(p.fit({arch("00000000")}, {5}).ok()); // one point: the prior around it
  Prediction one = p.predict(arch("00000000"));
  ASSERT_TRUE(one.ok()) << one;
  EXPECT_NEAR(one.mean, 5, 1e-6);
  for (auto [key, value] : std::vector<std::pair<std::string, Json>>{
           {"kernel_power", 3}, {"optimizer", "sgd"}, {"restarts", -1}, {"refit_every", 0}}) {
    try {
      make("nas.predictor.gp", {{key, value}}, "bad." + key);
      ADD_FAILURE() << key << " = " << value << " was accepted";
    } catch (const core::PluginError &e) {
      EXPECT_EQ(e.key(), key);
    }
  }
}

TEST_F(GpTest, PredictionsFromManyThreadsAgree) {
  std::vector<Choices> x;
  std::vector<double> y;
  draw_from_gp(13, 60, 2.0, 1e-2, x, y);
  PredictorClient p = gp({{"restarts", 0}}, "test.distance.power");
  ASSERT_TRUE(p.fit(x, y).ok());
  std::vector<Choices> queries;
  for (int i = 0; i < 3 * 3 * 3 * 3; ++i)
    queries.push_back({i % 3, i / 3 % 3, i / 9 % 3, i / 27, 1, 2, 0, 1});
  std::vector<double> serial;
  for (const Choices &q : queries)
    serial.push_back(p.predict(q).mean);
  PredictorClient fresh = gp({{"restarts", 0}}, "test.distance.power");
  ASSERT_TRUE(fresh.fit(x, y).ok());
  std::vector<std::vector<double>> got(4, std::vector<double>(queries.size()));
  std::vector<std::thread> threads;
  for (size_t t = 0; t < got.size(); ++t)
    threads.emplace_back([&, t] {
      for (size_t i = 0; i < queries.size(); ++i)
        got[t][i] = fresh.predict(queries[(i + 17 * t) % queries.size()]).mean;
    });
  for (auto &th : threads)
    th.join();
  for (size_t t = 0; t < got.size(); ++t)
    for (size_t i = 0; i < queries.size(); ++i)
      EXPECT_EQ(got[t][i], serial[(i + 17 * t) % queries.size()]);
}

} // namespace
