// The built nas.predictor.knn, bound to nas.distance.hamming on NAS-Bench-Macro (8
// decisions of 3 options) and called through the C ABI: exact predictions on hand-made
// data, the variance, save/load, errors, and predictions from several threads.
#include "predictor_client.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <thread>
#include <vector>

namespace {

using nas::Choices;
using nas::test::Harness;
using nas::test::Json;
using nas::test::make_knn;
using nas::test::Prediction;
using nas::test::PredictorClient;

constexpr const char *kSpace = "nas.space.nasbench_macro";
constexpr double kFloor = 1e-6; // the default variance_floor

// "01200000" -> {0, 1, 2, 0, 0, 0, 0, 0}
Choices arch(const std::string &digits) {
  Choices c;
  for (char ch : digits)
    c.push_back(ch - '0');
  return c;
}

std::vector<Choices> archs(const std::vector<std::string> &digits) {
  std::vector<Choices> out;
  for (const auto &d : digits)
    out.push_back(arch(d));
  return out;
}

// Five observations: three close to 00000000 with small values, two far with large ones.
const std::vector<std::string> kPoints{"00000000", "10000000", "11000000", "22222222", "22222220"};
const std::vector<double> kValues{1, 2, 4, 100, 200};

class KnnTest : public ::testing::Test {
protected:
  Harness h{7, kSpace};
  PredictorClient knn(const Json &config = Json::object()) {
    return PredictorClient(make_knn(h, config, "predictor." + std::to_string(++made_)));
  }
  int made_ = 0;
};

TEST_F(KnnTest, KOneReturnsTheNearestValueTiesByInsertionOrder) {
  PredictorClient p = knn({{"k", 1}});
  ASSERT_TRUE(p.fit(archs({"00000000", "11000000", "11110000"}), {10, 20, 30}).ok());
  Prediction exact = p.predict(arch("11110000"));
  ASSERT_TRUE(exact.ok()) << exact;
  EXPECT_EQ(exact.mean, 30);
  EXPECT_EQ(exact.variance, kFloor); // one neighbour: no spread, only the floor
  // 10000000 is at distance 1 from both of the first two: the first fitted wins.
  EXPECT_EQ(p.predict(arch("10000000")).mean, 10);
  // 11100000 is at distance 1 from the second and the third: the second wins.
  EXPECT_EQ(p.predict(arch("11100000")).mean, 20);
  EXPECT_EQ(p.predict(arch("11112222")).mean, 30); // at 8, 6 and 4: the third
  EXPECT_EQ(p.predict(arch("22222222")).mean, 10); // at 8 from all three: the first
}

TEST_F(KnnTest, KThreeAveragesTheThreeNearestWithTheirSampleVariance) {
  PredictorClient p = knn({{"k", 3}, {"variance_floor", 0.5}});
  ASSERT_TRUE(p.fit(archs(kPoints), kValues).ok());
  Prediction q = p.predict(arch("00000000")); // distances 0, 1, 2, 8, 7
  ASSERT_TRUE(q.ok()) << q;
  EXPECT_DOUBLE_EQ(q.mean, 7.0 / 3);
  // Sample variance of {1, 2, 4}: (16 + 1 + 25) / 9 / 2 = 7/3; plus the floor.
  EXPECT_DOUBLE_EQ(q.variance, 7.0 / 3 + 0.5);
  // 22222221 is at 1 from the far pair and at 8 from the other three: the third nearest is
  // the first fitted of those at 8.
  Prediction far = p.predict(arch("22222221"));
  EXPECT_DOUBLE_EQ(far.mean, (100.0 + 200 + 1) / 3);
}

TEST_F(KnnTest, FewerObservationsThanKUsesThemAll) {
  PredictorClient p = knn({{"k", 10}});
  ASSERT_TRUE(p.fit(archs({"00000000", "22222222"}), {10, 20}).ok());
  Prediction q = p.predict(arch("11111111"));
  EXPECT_DOUBLE_EQ(q.mean, 15);
  EXPECT_DOUBLE_EQ(q.variance, 50 + kFloor); // ((-5)^2 + 5^2) / (2 - 1)
}

TEST_F(KnnTest, InverseDistanceWeights) {
  PredictorClient p = knn({{"k", 3}, {"weighting", "distance"}});
  ASSERT_TRUE(p.fit(archs(kPoints), kValues).ok());
  // 00000001: distances 1, 2, 3 to the first three, weights 1, 1/2, 1/3 on 1, 2, 4.
  Prediction q = p.predict(arch("00000001"));
  ASSERT_TRUE(q.ok()) << q;
  EXPECT_NEAR(q.mean, 20.0 / 11, 1e-12); // (1 + 1 + 4/3) / (11/6)
  // sum w (x - m)^2 = 25/11; V1 - V2/V1 = 11/6 - (49/36)/(11/6) = 12/11.
  EXPECT_NEAR(q.variance, 25.0 / 12 + kFloor, 1e-12);
}

TEST_F(KnnTest, InverseDistanceGivesAnExactMatchAllTheWeight) {
  PredictorClient p = knn({{"k", 3}, {"weighting", "distance"}});
  ASSERT_TRUE(p.fit(archs({"10000000", "00000000", "10000000", "11000000"}), {2, 50, 4, 60}).ok());
  Prediction q = p.predict(arch("10000000"));
  EXPECT_DOUBLE_EQ(q.mean, 3);              // the two observations of the architecture itself
  EXPECT_DOUBLE_EQ(q.variance, 2 + kFloor); // sample variance of {2, 4}
}

TEST_F(KnnTest, UniformWeightsIgnoreDistance) {
  PredictorClient p = knn({{"k", 2}});
  ASSERT_TRUE(p.fit(archs({"00000000", "22222222"}), {10, 30}).ok());
  EXPECT_DOUBLE_EQ(p.predict(arch("00000001")).mean, 20);
}

TEST_F(KnnTest, FitReplacesTheTrainingSet) {
  PredictorClient p = knn({{"k", 1}});
  ASSERT_TRUE(p.fit(archs({"00000000"}), {10}).ok());
  ASSERT_TRUE(p.fit(archs({"22222222"}), {99}).ok());
  EXPECT_EQ(p.predict(arch("00000000")).mean, 99);
}

TEST_F(KnnTest, PredictBeforeFitIsAClearError) {
  PredictorClient p = knn();
  Prediction q = p.predict(arch("00000000"));
  EXPECT_EQ(q.status, NAS_ERR_FAILED);
  EXPECT_NE(q.message.find("fit first"), std::string::npos) << q;
  ASSERT_TRUE(p.fit({}, {}).ok()); // fitting nothing empties it again
  EXPECT_EQ(p.predict(arch("00000000")).status, NAS_ERR_FAILED);
}

TEST_F(KnnTest, RejectsBadData) {
  PredictorClient p = knn();
  EXPECT_EQ(p.fit(archs({"00000000"}), {NAN}).status, NAS_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(p.fit({arch("00000000"), arch("0000")}, {1, 2}).status, NAS_ERR_INVALID_ARGUMENT);
  ASSERT_TRUE(p.fit(archs({"00000000"}), {1}).ok());
  EXPECT_LT(p.predict(arch("000")).status, 0); // the distance refuses another length
}

TEST_F(KnnTest, RejectsBadConfig) {
  auto bad_k = h.create_error("nas.predictor.knn", {{"k", 0}});
  ASSERT_TRUE(bad_k);
  EXPECT_EQ(bad_k->key(), "k");
  auto bad_weighting = h.create_error("nas.predictor.knn", {{"weighting", "gaussian"}});
  ASSERT_TRUE(bad_weighting);
  EXPECT_EQ(bad_weighting->key(), "weighting");
  auto bad_floor = h.create_error("nas.predictor.knn", {{"variance_floor", 0.0}});
  ASSERT_TRUE(bad_floor);
  EXPECT_EQ(bad_floor->key(), "variance_floor");
}

TEST_F(KnnTest, SaveLoadRoundTripsTheObservationsExactly) {
  PredictorClient a = knn({{"k", 3}, {"weighting", "distance"}});
  std::vector<double> values{0.1 + 0.2, 1.0 / 3, 93.12700000000001, 1e-300, -2.5};
  ASSERT_TRUE(a.fit(archs(kPoints), values).ok());
  std::string state;
  ASSERT_TRUE(a.save(state).ok());
  PredictorClient b = knn({{"k", 3}, {"weighting", "distance"}});
  ASSERT_TRUE(b.load(state).ok());
  std::string again;
  ASSERT_TRUE(b.save(again).ok());
  EXPECT_EQ(again, state);
  for (const char *q : {"00000000", "12121212", "22222221", "01010101"}) {
    Prediction x = a.predict(arch(q)), y = b.predict(arch(q));
    ASSERT_TRUE(x.ok() && y.ok());
    EXPECT_EQ(x.mean, y.mean) << q; // bit-identical
    EXPECT_EQ(x.variance, y.variance) << q;
  }
}

TEST_F(KnnTest, ABadStateIsRefusedAndKeepsTheOldOne) {
  PredictorClient p = knn({{"k", 1}});
  ASSERT_TRUE(p.fit(archs({"00000000"}), {7}).ok());
  for (const std::string bad :
       {"", "{}", "not json", R"({"format": "other/1"})",
        R"({"format": "nas.predictor.knn/1", "archs": [[0]], "values": []})"})
    EXPECT_EQ(p.load(bad).status, NAS_ERR_INVALID_ARGUMENT) << bad;
  EXPECT_EQ(p.predict(arch("00000000")).mean, 7);
}

TEST_F(KnnTest, PredictsFromSeveralThreadsAtOnce) {
  PredictorClient p = knn({{"k", 4}, {"weighting", "distance"}});
  std::vector<Choices> train;
  std::vector<double> values;
  for (int i = 0; i < 200; ++i) {
    Choices c(8);
    for (int d = 0, x = i * 7919; d < 8; ++d, x /= 3)
      c[d] = x % 3;
    train.push_back(c);
    values.push_back(i * 0.37);
  }
  ASSERT_TRUE(p.fit(train, values).ok());
  const Prediction expected = p.predict(arch("12012012"));
  ASSERT_TRUE(expected.ok()) << expected;
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        Prediction q = p.predict(train[static_cast<size_t>((i * 31 + t) % 200)]);
        Prediction r = p.predict(arch("12012012"));
        if (!q.ok() || r.mean != expected.mean || r.variance != expected.variance)
          ++mismatches[static_cast<size_t>(t)];
      }
    });
  for (auto &t : threads)
    t.join();
  for (int m : mismatches)
    EXPECT_EQ(m, 0);
}

} // namespace
