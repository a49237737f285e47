// score(): the pipeline's objective and constraints turned into the maximized number.
#include "../support/run_nas.hpp"

#include "objective.hpp"
#include "pipeline.hpp"

#include <nas/abi.h>

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using nas::core::Json;
using nas::core::Objective;
using nas::core::score;

namespace {

// The objective as a pipeline file states it, read by parse_pipeline.
Objective objective_of(const std::string &direction, const std::string &constraints) {
  nas::test::TempDir tmp;
  std::string file = tmp.write("o.toml", "[objective]\nmetric = \"acc\"\ndirection = \"" +
                                             direction + "\"\nconstraints = [" + constraints +
                                             "]\n[space]\nplugin = \"s\"\n[[stage]]\n"
                                             "budget = { evaluations = 1 }\n"
                                             "strategy = { plugin = \"st\" }\n"
                                             "evaluator = { plugin = \"ev\" }\n");
  return nas::core::parse_pipeline(file, {}).objective;
}

} // namespace

TEST(Score, MaximizeGivesTheMetric) {
  Objective o = objective_of("maximize", "");
  auto s = score(o, NAS_TRIAL_OK, Json{{"acc", 91.5}, {"other", 1}});
  EXPECT_EQ(s.status, NAS_TRIAL_OK);
  EXPECT_DOUBLE_EQ(s.objective, 91.5);
  EXPECT_TRUE(s.error.empty());
}

TEST(Score, MinimizeNegates) {
  Objective o = objective_of("minimize", "");
  auto s = score(o, NAS_TRIAL_OK, Json{{"acc", 12.25}});
  EXPECT_EQ(s.status, NAS_TRIAL_OK);
  EXPECT_DOUBLE_EQ(s.objective, -12.25);
  // Lower is better: a smaller metric scores higher.
  EXPECT_GT(score(o, NAS_TRIAL_OK, Json{{"acc", 1.0}}).objective, s.objective);
}

TEST(Score, IntegerMetricsAreNumbers) {
  Objective o = objective_of("maximize", "\"params <= 200\"");
  auto s = score(o, NAS_TRIAL_OK, Json{{"acc", 90}, {"params", 200}});
  EXPECT_EQ(s.status, NAS_TRIAL_OK);
  EXPECT_DOUBLE_EQ(s.objective, 90);
}

TEST(Score, ConstraintsThatHoldKeepTheTrialOk) {
  Objective o = objective_of("maximize", "\"train_seconds <= 3000\", \"params > 10\"");
  auto s = score(o, NAS_TRIAL_OK, Json{{"acc", 80}, {"train_seconds", 3000}, {"params", 11}});
  EXPECT_EQ(s.status, NAS_TRIAL_OK);
  EXPECT_DOUBLE_EQ(s.objective, 80);
}

TEST(Score, AViolatedConstraintMakesTheTrialInfeasible) {
  Objective o = objective_of("maximize", "\"train_seconds <= 3000\", \"params > 10\"");
  auto s = score(o, NAS_TRIAL_OK, Json{{"acc", 99}, {"train_seconds", 3000.5}, {"params", 11}});
  EXPECT_EQ(s.status, NAS_TRIAL_INFEASIBLE);
  EXPECT_TRUE(std::isnan(s.objective));
  EXPECT_NE(s.error.find("train_seconds <= 3000"), std::string::npos) << s.error;

  auto t = score(o, NAS_TRIAL_OK, Json{{"acc", 99}, {"train_seconds", 1}, {"params", 10}});
  EXPECT_EQ(t.status, NAS_TRIAL_INFEASIBLE);
  EXPECT_NE(t.error.find("params > 10"), std::string::npos) << t.error;
}

TEST(Score, AMissingObjectiveMetricMakesTheTrialFailed) {
  Objective o = objective_of("maximize", "");
  auto s = score(o, NAS_TRIAL_OK, Json{{"valid_accuracy", 90}});
  EXPECT_EQ(s.status, NAS_TRIAL_FAILED);
  EXPECT_TRUE(std::isnan(s.objective));
  EXPECT_NE(s.error.find("'acc'"), std::string::npos) << s.error;

  auto not_a_number = score(o, NAS_TRIAL_OK, Json{{"acc", "high"}});
  EXPECT_EQ(not_a_number.status, NAS_TRIAL_FAILED);
  EXPECT_TRUE(std::isnan(not_a_number.objective));

  auto null = score(o, NAS_TRIAL_OK, Json{{"acc", nullptr}});
  EXPECT_EQ(null.status, NAS_TRIAL_FAILED);
}

TEST(Score, ANonFiniteObjectiveMakesTheTrialFailed) {
  Objective o = objective_of("maximize", "");
  auto s = score(o, NAS_TRIAL_OK, Json{{"acc", std::numeric_limits<double>::infinity()}});
  EXPECT_EQ(s.status, NAS_TRIAL_FAILED);
  EXPECT_TRUE(std::isnan(s.objective));
  auto n = score(o, NAS_TRIAL_OK, Json{{"acc", std::nan("")}});
  EXPECT_EQ(n.status, NAS_TRIAL_FAILED);
}

TEST(Score, AMissingConstraintMetricMakesTheTrialFailed) {
  Objective o = objective_of("maximize", "\"train_seconds <= 3000\"");
  auto s = score(o, NAS_TRIAL_OK, Json{{"acc", 90}});
  EXPECT_EQ(s.status, NAS_TRIAL_FAILED);
  EXPECT_TRUE(std::isnan(s.objective));
  EXPECT_NE(s.error.find("train_seconds"), std::string::npos) << s.error;
}

TEST(Score, TheEvaluatorsStatusIsKept) {
  Objective o = objective_of("maximize", "");
  for (int32_t status : {NAS_TRIAL_FAILED, NAS_TRIAL_TIMEOUT, NAS_TRIAL_CRASHED, NAS_TRIAL_OOM,
                         NAS_TRIAL_INVALID, NAS_TRIAL_CANCELLED}) {
    auto s = score(o, status, Json{{"acc", 90}});
    EXPECT_EQ(s.status, status);
    EXPECT_TRUE(std::isnan(s.objective)) << "status " << status;
  }
}
