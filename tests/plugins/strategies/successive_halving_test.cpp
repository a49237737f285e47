// nas.strategy.successive_halving over nas.strategy.random on nas.space.nb201, its trials
// scored by test.evaluator.fidelity (a score that depends on the fidelity; the bundled
// tables hold final results only, so they cannot test promotions).
#include "halving_driver.hpp"
#include "halving_pipeline.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace {

using nas::Choices;
using nas::test::Harness;
using nas::test::Json;
using nas::test::Proposal;
using nas::test::TempDir;
using namespace nas::test::halving;

const char *kName = "nas.strategy.successive_halving";

void expect_clean(const Driver &d) {
  EXPECT_TRUE(d.errors().empty()) << d.errors().front();
  EXPECT_FALSE(d.stalled()) << "the strategy waited with nothing pending";
}

// The sequence as the host would store it.
std::vector<std::string> sequence(const Driver &d) {
  std::vector<std::string> out;
  for (const Trial &t : d.trials())
    out.push_back(std::to_string(t.id) + " " + Json(t.choices).dump() + " " +
                  std::to_string(t.fidelity) + " " + std::to_string(t.resume_from) + " " + t.tag);
  return out;
}

// ---- descriptor and config ------------------------------------------------------------------

TEST(SuccessiveHalving, DescribesItsKeysAndItsSamplerRole) {
  Harness h(1, "nas.space.nb201");
  const auto &d = h.registry().find(kName);
  Json config = Json::parse(d.config), roles = Json::parse(d.roles);
  for (const char *key : {"eta", "min_fidelity", "mode", "n", "brackets"})
    EXPECT_TRUE(config.contains(key)) << key;
  EXPECT_EQ(config["eta"]["default"], 3);
  EXPECT_EQ(config["mode"]["default"], "sync");
  EXPECT_NEAR(config["min_fidelity"]["default"].get<double>(), 1.0 / 27, 1e-15);
  EXPECT_EQ(roles["sampler"]["kind"], "strategy");
  EXPECT_EQ(roles["sampler"]["required"], true);
}

TEST(SuccessiveHalving, RejectsBadConfigsNamingTheKey) {
  Harness h(1, "nas.space.nb201");
  const std::vector<std::pair<Json, std::string>> cases = {
      {{{"eta", 1}}, "eta"},
      {{{"min_fidelity", 0.0}}, "min_fidelity"},
      {{{"min_fidelity", 1.5}}, "min_fidelity"},
      {{{"min_fidelity", 1e-30}}, "min_fidelity"}, // 63 rungs of eta 3
      {{{"mode", "fast"}}, "mode"},
      {{{"n", 26}}, "n"}, // 3 halvings by 3 leave nothing of 26 for fidelity 1
      {{{"eta", 2}, {"min_fidelity", 0.25}, {"n", 3}}, "n"},
      {{{"brackets", -1}}, "brackets"},
  };
  for (const auto &[config, key] : cases) {
    auto error = h.create_error(kName, config);
    ASSERT_TRUE(error.has_value()) << config.dump();
    EXPECT_EQ(error->key(), key) << config.dump() << ": " << error->what();
  }
  EXPECT_FALSE(h.create_error(kName, {{"n", 27}, {"mode", "async"}}).has_value());
}

TEST(SuccessiveHalving, AsksWithoutASamplerFail) {
  Harness h(1, "nas.space.nb201");
  nas::test::StrategyClient s = h.strategy(kName);
  Proposal p = s.ask(1);
  EXPECT_FALSE(p.ok());
  EXPECT_NE(p.message.find("sampler"), std::string::npos) << p.message;
}

// ---- sync ----------------------------------------------------------------------------------

TEST(SuccessiveHalving, SyncRungSizesAreNThenNOverEtaUpToFidelityOne) {
  for (size_t workers : {1, 4}) {
    SCOPED_TRACE("workers = " + std::to_string(workers));
    Driver d(7, kName, {{"brackets", 2}}, workers, 0.0, Order::shuffled);
    d.run(1000);
    expect_clean(d);
    EXPECT_TRUE(d.done());
    auto brackets = sync_brackets(d.trials());
    ASSERT_EQ(brackets.size(), 2u);
    for (const auto &b : brackets) {
      EXPECT_EQ(rung_sizes(b), (std::vector<size_t>{27, 9, 3, 1}));
      for (const Trial *t : b) {
        EXPECT_EQ(t->tag, "rung " + std::to_string(t->rung));
        EXPECT_DOUBLE_EQ(t->fidelity, fidelity_at(3, 3 - t->rung)) << t->tag;
      }
      expect_sync_promotions(b, 3);
    }
    expect_resumes_from_lower_rung(d.trials(), 3);
    // Only promoted architectures reach fidelity 1.
    for (const Trial &t : d.trials()) {
      if (t.fidelity == 1.0) {
        EXPECT_EQ(t.rung, 3);
      }
    }
    // Several asks pending: with 4 workers the strategy waited at the barriers.
    if (workers > 1) {
      EXPECT_GT(d.waits(), 0u);
    }
  }
}

TEST(SuccessiveHalving, SyncRungSizesFollowEtaNAndMinFidelity) {
  struct Case {
    Json config;
    std::vector<size_t> sizes;
    std::vector<double> fidelities;
  };
  const std::vector<Case> cases = {
      {{{"eta", 2}, {"min_fidelity", 0.25}, {"n", 10}}, {10, 5, 2}, {0.25, 0.5, 1.0}},
      {{{"eta", 3}, {"min_fidelity", 0.05}}, {9, 3, 1}, {1.0 / 9, 1.0 / 3, 1.0}}, // rounded up
      {{{"eta", 4}, {"min_fidelity", 1.0 / 16}, {"n", 40}}, {40, 10, 2}, {1.0 / 16, 0.25, 1.0}},
      {{{"min_fidelity", 1.0}, {"n", 5}}, {5}, {1.0}},
  };
  for (const Case &c : cases) {
    Json config = c.config;
    config["brackets"] = 1;
    SCOPED_TRACE(config.dump());
    Driver d(3, kName, config, 2);
    d.run(1000);
    expect_clean(d);
    EXPECT_TRUE(d.done());
    auto brackets = sync_brackets(d.trials());
    ASSERT_EQ(brackets.size(), 1u);
    EXPECT_EQ(rung_sizes(brackets[0]), c.sizes);
    for (const Trial *t : brackets[0])
      EXPECT_DOUBLE_EQ(t->fidelity, c.fidelities.at(static_cast<size_t>(t->rung)));
    expect_sync_promotions(brackets[0], config["eta"].is_null() ? 3 : config["eta"].get<int>());
  }
}

// Driven by hand with chosen objectives: a whole rung is pending at once, the barrier waits
// for its last result, and the promotions are its best, best first, each resuming its trial.
TEST(SuccessiveHalving, SyncAsksAWholeRungThenWaitsForItsLastResult) {
  Driver d(9, kName, Json::object());
  const auto &s = d.strategy();
  std::map<int64_t, Choices> arch;
  for (int64_t id = 1; id <= 27; ++id) {
    Proposal p = s.ask(id);
    ASSERT_TRUE(p.ok()) << p;
    EXPECT_DOUBLE_EQ(p.fidelity, 1.0 / 27);
    EXPECT_EQ(p.resume_from, -1);
    EXPECT_EQ(p.tag, "rung 0");
    arch[id] = p.choices;
  }
  EXPECT_EQ(s.ask(28).status, NAS_WAIT);
  // Objective = id, except that three of the best fail or have no value.
  const std::set<int64_t> broken = {27, 25, 21};
  for (int64_t id = 27; id >= 1; --id) {
    if (id == 27)
      continue; // told last
    if (broken.count(id))
      ASSERT_TRUE(
          s.tell(id, arch[id], NAN, id == 25 ? NAS_TRIAL_INFEASIBLE : NAS_TRIAL_FAILED, 1.0 / 27)
              .ok());
    else
      ASSERT_TRUE(s.tell(id, arch[id], static_cast<double>(id), NAS_TRIAL_OK, 1.0 / 27).ok());
    EXPECT_EQ(s.ask(28).status, NAS_WAIT) << "after the tell of " << id;
  }
  ASSERT_TRUE(s.tell(27, arch[27], NAN, NAS_TRIAL_OK, 1.0 / 27).ok()); // ok, but no value
  // floor(27 / 3) = 9 promotions: the best valid ones, 26, 24, 23, 22, 20, 19, 18, 17, 16.
  const std::vector<int64_t> best = {26, 24, 23, 22, 20, 19, 18, 17, 16};
  for (size_t i = 0; i < best.size(); ++i) {
    Proposal p = s.ask(28 + static_cast<int64_t>(i));
    ASSERT_TRUE(p.ok()) << p;
    EXPECT_EQ(p.resume_from, best[i]);
    EXPECT_EQ(p.choices, arch[best[i]]);
    EXPECT_DOUBLE_EQ(p.fidelity, 1.0 / 9);
    EXPECT_EQ(p.tag, "rung 1");
  }
  EXPECT_EQ(s.ask(37).status, NAS_WAIT);
}

// A rung whose every result failed ends its bracket: the next bracket starts at rung 0.
TEST(SuccessiveHalving, SyncBracketWithoutAValidResultStartsTheNext) {
  Driver d(9, kName, {{"n", 27}});
  const auto &s = d.strategy();
  for (int64_t id = 1; id <= 27; ++id) {
    Proposal p = s.ask(id);
    ASSERT_TRUE(p.ok()) << p;
    ASSERT_TRUE(s.tell(id, p.choices, NAN, NAS_TRIAL_FAILED, p.fidelity).ok());
  }
  Proposal next = s.ask(28);
  ASSERT_TRUE(next.ok()) << next;
  EXPECT_EQ(next.tag, "rung 0");
  EXPECT_EQ(next.resume_from, -1);
}

// ---- async (ASHA) ----------------------------------------------------------------------------

TEST(SuccessiveHalving, AsyncNeverWaitsAndPromotesTheTopOfEachRungSoFar) {
  // (workers, results told between two fills): told in batches, several rungs have
  // something to promote at once, and the highest goes first.
  for (auto [workers, batch] : {std::pair<size_t, size_t>{1, 1}, {3, 1}, {8, 1}, {8, 5}}) {
    SCOPED_TRACE("workers = " + std::to_string(workers) + ", batch = " + std::to_string(batch));
    Options options{workers, 0.0, Order::shuffled, batch};
    Driver d(21, kName, {{"mode", "async"}}, options);
    d.run(400);
    expect_clean(d);
    EXPECT_EQ(d.trials().size(), 400u);
    EXPECT_EQ(d.waits(), 0u) << "ASHA waited with a sampler that never waits";
    expect_resumes_from_lower_rung(d.trials(), 3);
    expect_asha_promotions(d.trials(), 3, 3, {-1}, [](const Trial &t) { return t.rung; });
    std::map<int, int> per_rung;
    for (const Trial &t : d.trials()) {
      ++per_rung[t.rung];
      EXPECT_DOUBLE_EQ(t.fidelity, fidelity_at(3, 3 - t.rung));
    }
    EXPECT_GT(per_rung[3], 0) << "nothing reached fidelity 1";
    // Each rung holds about 1/eta of the one below: a bit more, since an entry promoted
    // from the top 1/eta so far may drop out of it later (the paper's mispromotions).
    for (int r = 1; r <= 3; ++r)
      EXPECT_LE(per_rung[r], per_rung[r - 1] / 2) << "rung " << r;
  }
}

// With a bracket limit ASHA samples n architectures, promotes until nothing is left to
// promote, then is done: the final top floor(n_r / eta) of every rung were all promoted, so
// each rung holds at least the sync count (more where an early promotion dropped out of
// the top later).
TEST(SuccessiveHalving, AsyncWithABracketLimitEndsWithEveryRungsTopPromoted) {
  for (uint64_t seed : {4, 5, 6}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Driver d(seed, kName, {{"mode", "async"}, {"brackets", 1}}, 4, 0.0, Order::shuffled);
    d.run(1000);
    expect_clean(d);
    EXPECT_TRUE(d.done());
    EXPECT_GT(d.waits(), 0u) << "it waits for results while nothing is promotable";
    expect_asha_promotions(d.trials(), 3, 3, {-1}, [](const Trial &t) { return t.rung; });
    expect_final_tops_promoted(d.trials(), 3, {27, 9, 3, 1}, -1);
  }
}

// ---- the sampler ---------------------------------------------------------------------------

// test.strategy.batch_wait proposes 3 architectures, then waits until all 3 are told: it
// only moves on because the bottom rung's results reach it. Both modes wait while it waits
// and finish the same brackets as with a sampler that never waits.
TEST(SuccessiveHalving, ASamplerThatWaitsIsToldItsResultsAndWaitedFor) {
  for (const char *mode : {"sync", "async"}) {
    SCOPED_TRACE(mode);
    Options options{4, 0.0, Order::shuffled, 1, "test.strategy.batch_wait", {{"batch", 3}}};
    Driver d(12, kName, {{"mode", mode}, {"brackets", 2}}, options);
    d.run(1000);
    expect_clean(d);
    EXPECT_TRUE(d.done());
    EXPECT_GT(d.waits(), 0u);
    expect_resumes_from_lower_rung(d.trials(), 3);
    if (std::string(mode) == "sync") {
      auto brackets = sync_brackets(d.trials());
      ASSERT_EQ(brackets.size(), 2u);
      for (const auto &b : brackets) {
        EXPECT_EQ(rung_sizes(b), (std::vector<size_t>{27, 9, 3, 1}));
        expect_sync_promotions(b, 3);
      }
    } else {
      expect_asha_promotions(d.trials(), 3, 3, {-1}, [](const Trial &t) { return t.rung; });
      expect_final_tops_promoted(d.trials(), 3, {54, 18, 6, 2}, -1);
    }
  }
}

// A sampler that runs out (grid search over all 15,625 NB201 cells) ends the search: the
// last bracket holds what was left (15,625 = 578 x 27 + 19: 19, 6, 2 and none at fidelity
// 1), then ask answers done.
TEST(SuccessiveHalving, ASamplerThatIsDoneEndsTheLastBracketEarly) {
  Options options{4, 0.0, Order::fifo, 1, "nas.strategy.grid"};
  Driver d(1, kName, Json::object(), options);
  d.run(100000);
  expect_clean(d);
  EXPECT_TRUE(d.done());
  auto brackets = sync_brackets(d.trials());
  ASSERT_EQ(brackets.size(), 579u);
  EXPECT_EQ(rung_sizes(brackets.front()), (std::vector<size_t>{27, 9, 3, 1}));
  EXPECT_EQ(rung_sizes(brackets.back()), (std::vector<size_t>{19, 6, 2}));
  expect_sync_promotions(brackets.back(), 3);
}

// ---- failures, seeds, state ----------------------------------------------------------------

TEST(SuccessiveHalving, HalfTheArchitecturesFailingDoesNotStallIt) {
  for (const char *mode : {"sync", "async"}) {
    SCOPED_TRACE(mode);
    Driver d(13, kName, {{"mode", mode}}, 3, 0.5, Order::shuffled);
    d.run(300);
    expect_clean(d);
    ASSERT_EQ(d.trials().size(), 300u);
    int failed = 0, bottom = 0, top = 0;
    for (const Trial &t : d.trials()) {
      failed += !t.valid;
      bottom += t.rung == 0;
      top += t.fidelity == 1.0;
    }
    // About half of the sampled architectures fail (and are never promoted).
    EXPECT_GT(failed, bottom * 35 / 100);
    EXPECT_LT(failed, bottom * 65 / 100);
    EXPECT_GT(top, 0);
    expect_resumes_from_lower_rung(d.trials(), 3); // never promotes a failed trial
    if (std::string(mode) == "async") {
      EXPECT_EQ(d.waits(), 0u);
      expect_asha_promotions(d.trials(), 3, 3, {-1}, [](const Trial &t) { return t.rung; });
    } else {
      auto brackets = sync_brackets(d.trials());
      brackets.pop_back(); // the last may be cut by the limit
      ASSERT_GE(brackets.size(), 3u);
      for (const auto &b : brackets) {
        EXPECT_EQ(rung_sizes(b)[0], 27u);
        expect_sync_promotions(b, 3);
      }
    }
  }
}

TEST(SuccessiveHalving, SameSeedSameSequence) {
  for (const char *mode : {"sync", "async"}) {
    SCOPED_TRACE(mode);
    Json config = {{"mode", mode}};
    Driver a(31, kName, config, 3, 0.2, Order::shuffled),
        b(31, kName, config, 3, 0.2, Order::shuffled),
        c(32, kName, config, 3, 0.2, Order::shuffled);
    a.run(150);
    b.run(150);
    c.run(150);
    EXPECT_EQ(sequence(a), sequence(b));
    EXPECT_NE(sequence(a), sequence(c));
  }
}

TEST(SuccessiveHalving, SaveThenLoadContinuesTheIdenticalSequence) {
  for (const char *mode : {"sync", "async"}) {
    for (size_t cut : {20, 31, 45}) {
      SCOPED_TRACE(std::string(mode) + ", saved after " + std::to_string(cut) + " asks");
      Json config = {{"mode", mode}};
      Driver a(8, kName, config, 3, 0.2, Order::shuffled);
      while (a.trials().size() < cut && a.step(1000)) {
      }
      ASSERT_GT(a.pending(), 0u) << "save with trials pending";
      std::string state;
      ASSERT_TRUE(a.strategy().save(state).ok());
      Json parsed = Json::parse(state);
      EXPECT_EQ(parsed["format"], "nas.strategy.successive_halving/1");
      ASSERT_TRUE(parsed["sampler"].contains("text")) << "the sampler's state is kept";
      EXPECT_NE(parsed["sampler"]["text"].get<std::string>().find("nas.strategy.random"),
                std::string::npos);

      Driver b(8, kName, config, 3, 0.2, Order::shuffled);
      ASSERT_TRUE(b.strategy().load(state).ok());
      std::string again;
      ASSERT_TRUE(b.strategy().save(again).ok());
      EXPECT_EQ(again, state) << "a loaded state saves to the same bytes";
      b.continue_from(a);
      a.run(200);
      b.run(200);
      expect_clean(b);
      EXPECT_EQ(sequence(a), sequence(b));
    }
  }
}

TEST(SuccessiveHalving, LoadRefusesAStateOfAnotherShape) {
  Driver a(8, kName, Json::object());
  a.run(10);
  std::string state;
  ASSERT_TRUE(a.strategy().save(state).ok());
  for (const Json &other : {Json{{"eta", 2}}, Json{{"mode", "async"}}, Json{{"n", 30}}}) {
    Driver b(8, kName, other);
    auto r = b.strategy().load(state);
    EXPECT_FALSE(r.ok()) << other.dump();
  }
  Driver c(8, kName, Json::object());
  EXPECT_FALSE(c.strategy().load("{not json").ok());
}

// A tell the strategy did not ask for (a warm start) is passed on and changes nothing.
TEST(SuccessiveHalving, TellsItDidNotAskForAreAccepted) {
  Driver a(2, kName, Json::object()), b(2, kName, Json::object());
  ASSERT_TRUE(a.strategy().tell(999, Choices(6, 1), 5.0).ok());
  ASSERT_TRUE(a.strategy().tell(998, Choices(6, 2), NAN, NAS_TRIAL_FAILED).ok());
  a.run(60);
  b.run(60);
  EXPECT_EQ(sequence(a), sequence(b));
}

// ---- end to end: `nas run` -------------------------------------------------------------------

TEST(SuccessiveHalving, NasRunsOneSyncBracketResumingEachPromotion) {
  TempDir dir;
  std::string out = dir / "run";
  std::string file =
      dir.write("pipeline.toml",
                fidelity_pipeline("{ plugin = \"nas.strategy.successive_halving\", brackets = 1, "
                                  "sampler = { plugin = \"nas.strategy.random\" } }",
                                  "evaluations = 100", 3, out));
  auto r = run_fidelity_pipeline(file);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto trials = read_trials(out);
  ASSERT_EQ(trials.size(), 40u);
  std::map<std::string, int> per_tag;
  for (const auto &t : trials) {
    EXPECT_EQ(t["status"], "ok") << t.dump();
    ++per_tag[t.value("tag", "")];
  }
  EXPECT_EQ(per_tag, (std::map<std::string, int>{
                         {"rung 0", 27}, {"rung 1", 9}, {"rung 2", 3}, {"rung 3", 1}}));
  EXPECT_EQ(expect_resumed_from_lower_rung(trials, 3), 13);
  auto summary = read_json(out + "/summary.json");
  EXPECT_NE(summary.dump().find("nothing more to propose"), std::string::npos) << summary.dump(2);
}

TEST(SuccessiveHalving, NasRunsAsyncWithSeveralWorkers) {
  TempDir dir;
  std::string out = dir / "run";
  std::string file = dir.write(
      "pipeline.toml",
      fidelity_pipeline("{ plugin = \"nas.strategy.successive_halving\", mode = \"async\", "
                        "sampler = { plugin = \"nas.strategy.random\" } }",
                        "evaluations = 120", 4, out));
  auto r = run_fidelity_pipeline(file);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto trials = read_trials(out);
  ASSERT_EQ(trials.size(), 120u);
  EXPECT_GT(expect_resumed_from_lower_rung(trials, 3), 20);
  int full = 0;
  for (const auto &t : trials)
    full += t["fidelity"].get<double>() == 1.0;
  EXPECT_GT(full, 0);
}

// budget = { evaluations = 5, fidelity_weighted = true }: a sync bracket costs 27/27 + 9/9 +
// 3/3 + 1 = 4 full evaluations, so the budget ends the stage after one bracket and the 27
// bottom-rung trials of the next (67 trials in all). ASHA spends it in its own order.
TEST(SuccessiveHalving, NasRunsWithAFidelityWeightedBudget) {
  for (const char *mode : {"sync", "async"}) {
    SCOPED_TRACE(mode);
    TempDir dir;
    std::string out = dir / "run";
    std::string file = dir.write(
        "pipeline.toml",
        fidelity_pipeline(std::string("{ plugin = \"nas.strategy.successive_halving\", mode = \"") +
                              mode + "\", sampler = { plugin = \"nas.strategy.random\" } }",
                          "evaluations = 5, fidelity_weighted = true", 2, out));
    auto r = run_fidelity_pipeline(file);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    auto trials = read_trials(out);
    const double spent = expect_weighted_budget(trials, 5.0);
    if (std::string(mode) == "sync") {
      EXPECT_EQ(trials.size(), 67u);
      EXPECT_NEAR(spent, 5.0, 1e-9);
    }
    auto summary = read_json(out + "/summary.json");
    EXPECT_NE(summary.dump().find("fidelity-weighted"), std::string::npos) << summary.dump(2);
  }
}

} // namespace
