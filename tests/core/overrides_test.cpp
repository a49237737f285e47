// apply_overrides: `--set dotted.path=value` on a TOML tree.
#include "errors.hpp"
#include "overrides.hpp"

#include <gtest/gtest.h>

#include <toml++/toml.h>

#include <string>
#include <vector>

using nas::core::apply_overrides;
using nas::core::UsageError;

namespace {

toml::table tree() {
  return toml::parse(R"([experiment]
seed = 7

[[stage]]
name = "a"
budget = { evaluations = 150 }
strategy = { plugin = "nas.strategy.random" }
xs = [1, 2, 3]

[[stage]]
name = "b"
)");
}

std::string usage_error(toml::table &root, const std::vector<std::string> &sets) {
  try {
    apply_overrides(root, sets);
  } catch (const UsageError &e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a UsageError";
  return "";
}

} // namespace

TEST(Overrides, IntegerInAnInlineTableOfAnArrayOfTables) {
  toml::table root = tree();
  apply_overrides(root, {"stage.0.budget.evaluations=300"});
  auto v = root.at_path("stage[0].budget.evaluations").value_exact<int64_t>();
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, 300);
  // The other stage is untouched.
  EXPECT_FALSE(root.at_path("stage[1].budget"));
}

TEST(Overrides, BareWordIsAString) {
  toml::table root = tree();
  apply_overrides(root, {"stage.0.strategy.plugin=nas.strategy.grid",
                         "experiment.output=runs/x y", "stage.1.name=b=c"});
  EXPECT_EQ(root.at_path("stage[0].strategy.plugin").value_exact<std::string>(),
            std::optional<std::string>("nas.strategy.grid"));
  EXPECT_EQ(root.at_path("experiment.output").value_exact<std::string>(),
            std::optional<std::string>("runs/x y"));
  // Only the first '=' splits key from value.
  EXPECT_EQ(root.at_path("stage[1].name").value_exact<std::string>(),
            std::optional<std::string>("b=c"));
}

TEST(Overrides, ValuesAreParsedAsToml) {
  toml::table root = tree();
  apply_overrides(root, {"experiment.a=3", "experiment.b=2.5", "experiment.c=true",
                         "experiment.d=[1, 2]", "experiment.e=\"quoted 3\"",
                         "experiment.f={ x = 1 }", "experiment.g=-4"});
  EXPECT_EQ(root.at_path("experiment.a").value_exact<int64_t>(), std::optional<int64_t>(3));
  EXPECT_EQ(root.at_path("experiment.b").value_exact<double>(), std::optional<double>(2.5));
  EXPECT_EQ(root.at_path("experiment.c").value_exact<bool>(), std::optional<bool>(true));
  ASSERT_TRUE(root.at_path("experiment.d").is_array());
  EXPECT_EQ(root.at_path("experiment.d").as_array()->size(), 2u);
  EXPECT_EQ(root.at_path("experiment.e").value_exact<std::string>(),
            std::optional<std::string>("quoted 3"));
  EXPECT_EQ(root.at_path("experiment.f.x").value_exact<int64_t>(), std::optional<int64_t>(1));
  EXPECT_EQ(root.at_path("experiment.g").value_exact<int64_t>(), std::optional<int64_t>(-4));
}

TEST(Overrides, MissingTablesAreCreated) {
  toml::table root = toml::parse("[objective]\nmetric = \"acc\"\n");
  apply_overrides(root, {"experiment.seed=5", "a.b.c.d=x"});
  ASSERT_TRUE(root["experiment"].is_table());
  EXPECT_EQ(root.at_path("experiment.seed").value_exact<int64_t>(), std::optional<int64_t>(5));
  EXPECT_EQ(root.at_path("a.b.c.d").value_exact<std::string>(), std::optional<std::string>("x"));
  EXPECT_EQ(root.at_path("objective.metric").value_exact<std::string>(),
            std::optional<std::string>("acc"));
}

TEST(Overrides, ReplacesValuesOfAnotherTypeAndLaterWins) {
  toml::table root = tree();
  apply_overrides(root, {"experiment.seed=\"seven\"", "stage.0.name=first", "stage.0.name=second"});
  EXPECT_EQ(root.at_path("experiment.seed").value_exact<std::string>(),
            std::optional<std::string>("seven"));
  EXPECT_EQ(root.at_path("stage[0].name").value_exact<std::string>(),
            std::optional<std::string>("second"));
}

TEST(Overrides, ArrayElementAsLastSegment) {
  toml::table root = tree();
  apply_overrides(root, {"stage.0.xs.1=20"});
  EXPECT_EQ(root.at_path("stage[0].xs[1]").value_exact<int64_t>(), std::optional<int64_t>(20));
  EXPECT_EQ(root.at_path("stage[0].xs").as_array()->size(), 3u);
}

TEST(Overrides, MalformedOverridesAreUsageErrors) {
  toml::table root = tree();
  EXPECT_NE(usage_error(root, {"no-equals-sign"}).find("expected KEY=VALUE"), std::string::npos);
  EXPECT_NE(usage_error(root, {"=3"}).find("expected KEY=VALUE"), std::string::npos);
}

TEST(Overrides, IndexOutOfRangeOrNotANumber) {
  toml::table root = tree();
  std::string e = usage_error(root, {"stage.5.budget.evaluations=3"});
  EXPECT_NE(e.find("--set stage.5.budget.evaluations=3"), std::string::npos) << e;
  EXPECT_NE(e.find("index below 2"), std::string::npos) << e;
  e = usage_error(root, {"stage.first.name=x"});
  EXPECT_NE(e.find("index below 2"), std::string::npos) << e;
  e = usage_error(root, {"stage.0.xs.3=9"});
  EXPECT_NE(e.find("stage.0.xs.3=9"), std::string::npos) << e;
}

TEST(Overrides, WalkingThroughAValueIsAUsageError) {
  toml::table root = tree();
  std::string e = usage_error(root, {"experiment.seed.x.y=3"});
  EXPECT_NE(e.find("'seed' is a value, not a table"), std::string::npos) << e;
  e = usage_error(root, {"experiment.seed.x=3"});
  EXPECT_NE(e.find("--set experiment.seed.x=3"), std::string::npos) << e;
  // Nothing was changed by the failed overrides.
  EXPECT_EQ(root.at_path("experiment.seed").value_exact<int64_t>(), std::optional<int64_t>(7));
}

// An index too large for any number type is bad usage, not an escaping std::out_of_range
// (found by the pipeline fuzzer).
TEST(Overrides, AHugeIndexIsBadUsage) {
  toml::table root = tree();
  EXPECT_NE(usage_error(root, {"stage.99999999999999999999.budget.evaluations=3"}).find("index"),
            std::string::npos);
  EXPECT_NE(usage_error(root, {"stage.0.xs.99999999999999999999=3"}).find("cannot set"),
            std::string::npos);
}
