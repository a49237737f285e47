// nas.strategy.hyperband over nas.strategy.random on nas.space.nb201, its trials scored by
// test.evaluator.fidelity (a score that depends on the fidelity).
#include "halving_driver.hpp"
#include "halving_pipeline.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace {

using nas::test::Harness;
using nas::test::Json;
using nas::test::TempDir;
using namespace nas::test::halving;

const char *kName = "nas.strategy.hyperband";

void expect_clean(const Driver &d) {
  EXPECT_TRUE(d.errors().empty()) << d.errors().front();
  EXPECT_FALSE(d.stalled()) << "the strategy waited with nothing pending";
}

std::vector<std::string> sequence(const Driver &d) {
  std::vector<std::string> out;
  for (const Trial &t : d.trials())
    out.push_back(std::to_string(t.id) + " " + Json(t.choices).dump() + " " +
                  std::to_string(t.fidelity) + " " + std::to_string(t.resume_from) + " " + t.tag);
  return out;
}

// Bracket s of Hyperband with eta and s_max: its rung sizes floor(n eta^-i), i = 0..s.
struct BracketShape {
  int s;
  std::vector<size_t> sizes;
};

// Checks a sync run's brackets against `shapes`, looped, and the rung logic in each.
void expect_brackets(const Driver &d, int64_t eta, int top, const std::vector<BracketShape> &shapes,
                     size_t count) {
  auto brackets = sync_brackets(d.trials());
  ASSERT_EQ(brackets.size(), count);
  for (size_t k = 0; k < brackets.size(); ++k) {
    const BracketShape &shape = shapes[k % shapes.size()];
    SCOPED_TRACE("bracket " + std::to_string(k) + " (s = " + std::to_string(shape.s) + ")");
    EXPECT_EQ(rung_sizes(brackets[k]), shape.sizes);
    for (const Trial *t : brackets[k]) {
      EXPECT_EQ(t->bracket, shape.s);
      EXPECT_EQ(t->tag, "bracket " + std::to_string(shape.s) + " rung " + std::to_string(t->rung));
      // Bracket s starts at eta^-s; rung i is at eta^(i - s).
      EXPECT_DOUBLE_EQ(t->fidelity, fidelity_at(eta, shape.s - t->rung)) << t->tag;
      // Only promoted architectures reach fidelity 1 (bracket 0 starts there).
      if (t->fidelity == 1.0 && shape.s > 0) {
        EXPECT_EQ(t->rung, shape.s);
      }
    }
    expect_sync_promotions(brackets[k], eta);
  }
  expect_resumes_from_lower_rung(d.trials(), eta);
  (void)top;
}

TEST(Hyperband, DescribesItsKeysAndItsSamplerRole) {
  Harness h(1, "nas.space.nb201");
  const auto &d = h.registry().find(kName);
  Json config = Json::parse(d.config), roles = Json::parse(d.roles);
  for (const char *key : {"eta", "min_fidelity", "mode", "brackets"})
    EXPECT_TRUE(config.contains(key)) << key;
  EXPECT_FALSE(config.contains("n")) << "bracket sizes come from the paper's formula";
  EXPECT_EQ(roles["sampler"]["kind"], "strategy");
  EXPECT_EQ(roles["sampler"]["required"], true);
}

// Li et al. 2018, Table 1 (R = 81, eta = 3): n_i and r_i of every bracket.
TEST(Hyperband, BracketsAreThoseOfThePaperForR81) {
  Driver d(5, kName, {{"min_fidelity", 1.0 / 81}, {"brackets", 5}}, 4, 0.0, Order::shuffled);
  d.run(10000);
  expect_clean(d);
  EXPECT_TRUE(d.done());
  expect_brackets(
      d, 3, 4,
      {{4, {81, 27, 9, 3, 1}}, {3, {34, 11, 3, 1}}, {2, {15, 5, 1}}, {1, {8, 2}}, {0, {5}}}, 5);
}

TEST(Hyperband, LoopsOverTheBracketsWithTheDefaults) {
  for (size_t workers : {1, 5}) {
    SCOPED_TRACE("workers = " + std::to_string(workers));
    Driver d(6, kName, {{"brackets", 9}}, workers, 0.0, Order::shuffled);
    d.run(10000);
    expect_clean(d);
    EXPECT_TRUE(d.done());
    // s_max = 3: n = 27, ceil(4/3 * 9) = 12, ceil(4/2 * 3) = 6, 4.
    expect_brackets(d, 3, 3, {{3, {27, 9, 3, 1}}, {2, {12, 4, 1}}, {1, {6, 2}}, {0, {4}}}, 9);
  }
}

TEST(Hyperband, OtherEta) {
  Driver d(6, kName, {{"eta", 2}, {"min_fidelity", 0.125}, {"brackets", 4}}, 3);
  d.run(10000);
  expect_clean(d);
  // s_max = 3: n = 8, ceil(4/3 * 4) = 6, ceil(4/2 * 2) = 4, 4.
  expect_brackets(d, 2, 3, {{3, {8, 4, 2, 1}}, {2, {6, 3, 1}}, {1, {4, 2}}, {0, {4}}}, 4);
}

TEST(Hyperband, AsyncNeverWaitsAndPromotesWithinEachBracket) {
  for (auto [workers, batch] : {std::pair<size_t, size_t>{1, 1}, {4, 1}, {9, 6}}) {
    SCOPED_TRACE("workers = " + std::to_string(workers) + ", batch = " + std::to_string(batch));
    Options options{workers, 0.1, Order::shuffled, batch};
    Driver d(17, kName, {{"mode", "async"}}, options);
    d.run(500);
    expect_clean(d);
    EXPECT_EQ(d.trials().size(), 500u);
    EXPECT_EQ(d.waits(), 0u);
    expect_resumes_from_lower_rung(d.trials(), 3);
    expect_asha_promotions(d.trials(), 3, 3, {3, 2, 1, 0},
                           [](const Trial &t) { return 3 - t.bracket + t.rung; });
    // New architectures go to the brackets in the sync schedule's order and numbers.
    const std::vector<std::pair<int, size_t>> schedule = {{3, 27}, {2, 12}, {1, 6}, {0, 4}};
    size_t slot = 0, in_slot = 0;
    for (const Trial &t : d.trials()) {
      if (t.rung != 0)
        continue;
      if (in_slot == schedule[slot % 4].second) {
        ++slot;
        in_slot = 0;
      }
      EXPECT_EQ(t.bracket, schedule[slot % 4].first) << "trial " << t.id;
      EXPECT_DOUBLE_EQ(t.fidelity, fidelity_at(3, t.bracket));
      ++in_slot;
    }
    EXPECT_GE(slot, 4u) << "the schedule looped";
  }
}

TEST(Hyperband, AsyncWithABracketLimitEndsWithEveryRungsTopPromoted) {
  Driver d(4, kName, {{"mode", "async"}, {"brackets", 4}}, 4, 0.0, Order::shuffled);
  d.run(10000);
  expect_clean(d);
  EXPECT_TRUE(d.done());
  expect_asha_promotions(d.trials(), 3, 3, {3, 2, 1, 0},
                         [](const Trial &t) { return 3 - t.bracket + t.rung; });
  expect_final_tops_promoted(d.trials(), 3, {27, 9, 3, 1}, 3);
  expect_final_tops_promoted(d.trials(), 3, {12, 4, 1}, 2);
  expect_final_tops_promoted(d.trials(), 3, {6, 2}, 1);
  expect_final_tops_promoted(d.trials(), 3, {4}, 0);
}

TEST(Hyperband, HalfTheArchitecturesFailingDoesNotStallIt) {
  for (const char *mode : {"sync", "async"}) {
    SCOPED_TRACE(mode);
    Driver d(13, kName, {{"mode", mode}}, 3, 0.5, Order::shuffled);
    d.run(400);
    expect_clean(d);
    ASSERT_EQ(d.trials().size(), 400u);
    expect_resumes_from_lower_rung(d.trials(), 3);
    if (std::string(mode) == "sync") {
      auto brackets = sync_brackets(d.trials());
      brackets.pop_back();
      for (const auto &b : brackets)
        expect_sync_promotions(b, 3);
    }
  }
}

TEST(Hyperband, SameSeedSameSequenceAndSaveLoadContinuesIt) {
  for (const char *mode : {"sync", "async"}) {
    SCOPED_TRACE(mode);
    Json config = {{"mode", mode}};
    Driver a(40, kName, config, 3, 0.2, Order::shuffled),
        b(40, kName, config, 3, 0.2, Order::shuffled);
    a.run(200);
    b.run(200);
    EXPECT_EQ(sequence(a), sequence(b));

    Driver c(40, kName, config, 3, 0.2, Order::shuffled);
    while (c.trials().size() < 57 && c.step(1000)) {
    }
    std::string state;
    ASSERT_TRUE(c.strategy().save(state).ok());
    EXPECT_EQ(Json::parse(state)["format"], "nas.strategy.hyperband/1");
    Driver e(40, kName, config, 3, 0.2, Order::shuffled);
    ASSERT_TRUE(e.strategy().load(state).ok());
    e.continue_from(c);
    c.run(250);
    e.run(250);
    expect_clean(e);
    EXPECT_EQ(sequence(c), sequence(e));
  }
}

TEST(Hyperband, NasRunsOneIterationOfEveryBracket) {
  TempDir dir;
  std::string out = dir / "run";
  std::string file = dir.write(
      "pipeline.toml", fidelity_pipeline("{ plugin = \"nas.strategy.hyperband\", brackets = 4, "
                                         "sampler = { plugin = \"nas.strategy.random\" } }",
                                         "evaluations = 200", 2, out));
  auto r = run_fidelity_pipeline(file);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto trials = read_trials(out);
  std::map<std::string, int> per_tag;
  for (const auto &t : trials)
    ++per_tag[t.value("tag", "")];
  EXPECT_EQ(per_tag, (std::map<std::string, int>{{"bracket 3 rung 0", 27},
                                                 {"bracket 3 rung 1", 9},
                                                 {"bracket 3 rung 2", 3},
                                                 {"bracket 3 rung 3", 1},
                                                 {"bracket 2 rung 0", 12},
                                                 {"bracket 2 rung 1", 4},
                                                 {"bracket 2 rung 2", 1},
                                                 {"bracket 1 rung 0", 6},
                                                 {"bracket 1 rung 1", 2},
                                                 {"bracket 0 rung 0", 4}}));
  EXPECT_EQ(expect_resumed_from_lower_rung(trials, 3), 9 + 3 + 1 + 4 + 1 + 2);
}

// One Hyperband iteration (s_max = 3) costs 4 + (12/9 + 4/3 + 1) + (6/3 + 2) + 4 = 15.67 full
// evaluations; a fidelity-weighted budget of 8 ends inside bracket s = 1, on its bottom rung.
TEST(Hyperband, NasRunsWithAFidelityWeightedBudget) {
  TempDir dir;
  std::string out = dir / "run";
  std::string file = dir.write(
      "pipeline.toml", fidelity_pipeline("{ plugin = \"nas.strategy.hyperband\", "
                                         "sampler = { plugin = \"nas.strategy.random\" } }",
                                         "evaluations = 8, fidelity_weighted = true", 3, out));
  auto r = run_fidelity_pipeline(file);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto trials = read_trials(out);
  expect_weighted_budget(trials, 8.0);
  std::map<std::string, int> per_tag;
  for (const auto &t : trials)
    ++per_tag[t.value("tag", "")];
  EXPECT_EQ(per_tag["bracket 3 rung 3"], 1);
  EXPECT_EQ(per_tag["bracket 2 rung 2"], 1);
  EXPECT_EQ(per_tag["bracket 1 rung 0"], 1) << "0.33 of the budget was left for bracket 1";
  EXPECT_EQ(per_tag["bracket 1 rung 1"], 0);
}

} // namespace
