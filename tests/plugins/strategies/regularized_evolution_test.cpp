// nas.strategy.regularized_evolution through the C ABI, on nas.space.nb201 and
// nas.space.nasbench_macro, told the benchmark tables' values; and through the built `nas`.
#include "benchmark_objective.hpp"
#include "plugin_harness.hpp"

#include <nas/random.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

namespace {

using nas::Choices;
using nas::test::CallResult;
using nas::test::Harness;
using nas::test::Json;
using nas::test::Proposal;
using nas::test::StrategyClient;
namespace bench = nas::test::benchmark;

const char *const kName = "nas.strategy.regularized_evolution";

Json state_of(const StrategyClient &s) {
  std::string text;
  CallResult r = s.save(text);
  EXPECT_TRUE(r.ok()) << r;
  return Json::parse(text);
}

class RegularizedEvolutionTest : public ::testing::TestWithParam<const char *> {
protected:
  const char *space() const { return GetParam(); }
  const bench::Table &table() const { return bench::table_for(space()); }
};

std::string space_name(const ::testing::TestParamInfo<const char *> &info) {
  std::string s = info.param;
  return s.substr(s.rfind('.') + 1);
}

TEST_P(RegularizedEvolutionTest, NeverProposesOutsideTheSpace) {
  Harness h(11, space());
  StrategyClient s = h.strategy(kName);
  for (int64_t id = 1; id <= 3000; ++id) {
    Proposal p = s.ask(id);
    ASSERT_TRUE(p.ok()) << "ask " << id << ": " << p;
    ASSERT_EQ(p.choices.size(), h.space().num_decisions());
    for (uint32_t d = 0; d < p.choices.size(); ++d) {
      ASSERT_GE(p.choices[d], 0);
      ASSERT_LT(static_cast<uint32_t>(p.choices[d]), h.space().num_options(d));
    }
    Choices canonical = p.choices;
    ASSERT_NO_THROW(h.space().canonicalize(canonical));
    EXPECT_EQ(canonical, p.choices) << "proposals are canonical";
    EXPECT_EQ(p.fidelity, 1.0);
    EXPECT_EQ(p.resume_from, -1);
    EXPECT_TRUE(p.tag == "random" || p.tag.rfind("mutant of trial ", 0) == 0) << p.tag;
    ASSERT_TRUE(s.tell(id, p.choices, bench::value_of(h.space(), table(), p.choices)).ok());
  }
}

TEST_P(RegularizedEvolutionTest, FirstPProposalsAreRandomThenNewMutantsOfOneDecision) {
  Harness h(5, space());
  StrategyClient s = h.strategy(kName, {{"population", 10}, {"sample", 3}});
  std::vector<Choices> told;
  size_t mutants = 0;
  for (int64_t id = 1; id <= 300; ++id) {
    Proposal p = s.ask(id);
    ASSERT_TRUE(p.ok()) << p;
    if (id <= 10) {
      EXPECT_EQ(p.tag, "random");
    } else if (p.tag != "random") { // random again only when the mutants are used up
      ++mutants;
      ASSERT_EQ(p.tag.rfind("mutant of trial ", 0), 0u) << p.tag;
      int64_t parent = std::stoll(p.tag.substr(16));
      ASSERT_GE(parent, id - 10) << "the parent is in the population (the newest 10)";
      ASSERT_LT(parent, id);
      const Choices &from = told[static_cast<size_t>(parent - 1)];
      size_t changed = 0;
      for (size_t d = 0; d < from.size(); ++d)
        changed += from[d] != p.choices[d];
      EXPECT_EQ(changed, 1u) << "a mutant differs from its parent in one decision";
    }
    told.push_back(p.choices);
    ASSERT_TRUE(s.tell(id, p.choices, bench::value_of(h.space(), table(), p.choices)).ok());
  }
  EXPECT_GT(mutants, 250u);
  // Children are re-drawn while they repeat an architecture proposed or told before.
  EXPECT_EQ(std::set<Choices>(told.begin(), told.end()).size(), told.size());
}

TEST_P(RegularizedEvolutionTest, SameSeedSameSequenceDifferentSeedsDiffer) {
  Harness a(42, space()), b(42, space()), c(43, space());
  StrategyClient sa = a.strategy(kName), sb = b.strategy(kName), sc = c.strategy(kName);
  std::vector<Choices> first = bench::drive(sa, a.space(), table(), 500);
  std::vector<Choices> second = bench::drive(sb, b.space(), table(), 500);
  std::vector<Choices> other = bench::drive(sc, c.space(), table(), 500);
  ASSERT_EQ(first.size(), 500u);
  EXPECT_EQ(first, second);
  ASSERT_EQ(other.size(), 500u);
  size_t same = 0;
  for (size_t i = 0; i < first.size(); ++i)
    same += first[i] == other[i];
  EXPECT_LT(same, 25u) << "two seeds agree on " << same << " of 500 proposals";
  EXPECT_EQ(state_of(sa), state_of(sb));
}

TEST_P(RegularizedEvolutionTest, SeveralPendingAsksWork) {
  for (int population : {10, 3}) {
    SCOPED_TRACE("population " + std::to_string(population));
    Harness h(3, space());
    StrategyClient s = h.strategy(kName, {{"population", population}, {"sample", 3}});
    nas::Rng order(17);
    std::set<Choices> all;
    int64_t id = 0;
    for (int round = 0; round < 40; ++round) {
      std::vector<std::pair<int64_t, Choices>> pending;
      for (int i = 0; i < 8; ++i) {
        Proposal p = s.ask(++id);
        ASSERT_TRUE(p.ok()) << "round " << round << " ask " << i << ": " << p;
        pending.emplace_back(id, p.choices);
        all.insert(p.choices);
      }
      if (round == 0) {
        EXPECT_EQ(all.size(), 8u) << "8 asks before any tell are distinct";
      }
      order.shuffle(pending.begin(), pending.end()); // told in any order
      for (const auto &[trial, choices] : pending)
        ASSERT_TRUE(s.tell(trial, choices, bench::value_of(h.space(), table(), choices)).ok());
    }
    EXPECT_GT(all.size(), 300u) << "pending children count as seen: few repeats";
  }
}

TEST_P(RegularizedEvolutionTest, SaveThenLoadContinuesTheIdenticalSequence) {
  for (size_t k : {0, 4, 10, 57, 400}) {
    SCOPED_TRACE("k = " + std::to_string(k));
    Harness h(21, space());
    StrategyClient original = h.strategy(kName);
    ASSERT_EQ(bench::drive(original, h.space(), table(), k).size(), k);
    // Three asks pending at the save.
    std::vector<Proposal> pending;
    for (int64_t i = 1; i <= 3; ++i)
      pending.push_back(original.ask(static_cast<int64_t>(k) + i));
    std::string state;
    ASSERT_TRUE(original.save(state).ok());

    Harness other(999, space()); // another run seed: load must replace everything
    StrategyClient copy = other.strategy(kName);
    bench::drive(copy, other.space(), table(), 12, 5000);
    ASSERT_TRUE(copy.load(state).ok()) << copy.load(state);

    for (size_t i = 0; i < pending.size(); ++i) {
      ASSERT_TRUE(pending[i].ok());
      int64_t trial = static_cast<int64_t>(k + 1 + i);
      double v = bench::value_of(h.space(), table(), pending[i].choices);
      ASSERT_TRUE(original.tell(trial, pending[i].choices, v).ok());
      ASSERT_TRUE(copy.tell(trial, pending[i].choices, v).ok());
    }
    for (int64_t i = 0; i < 100; ++i) {
      int64_t trial = static_cast<int64_t>(k) + 4 + i;
      Proposal want = original.ask(trial), got = copy.ask(trial);
      ASSERT_TRUE(want.ok()) << want;
      ASSERT_EQ(got.status, want.status) << "ask " << i << " after load";
      ASSERT_EQ(got.choices, want.choices) << "ask " << i << " after load";
      ASSERT_EQ(got.tag, want.tag);
      double v = bench::value_of(h.space(), table(), want.choices);
      ASSERT_TRUE(original.tell(trial, want.choices, v).ok());
      ASSERT_TRUE(copy.tell(trial, got.choices, v).ok());
    }
    std::string a, b;
    ASSERT_TRUE(original.save(a).ok());
    ASSERT_TRUE(copy.save(b).ok());
    EXPECT_EQ(a, b);
  }
}

TEST_P(RegularizedEvolutionTest, PopulationHoldsOnlyTheNewestP) {
  Harness h(8, space());
  StrategyClient s = h.strategy(kName, {{"population", 10}, {"sample", 3}});
  std::vector<std::pair<int64_t, Choices>> told;
  for (int64_t id = 1; id <= 400; ++id) {
    Proposal p = s.ask(id);
    ASSERT_TRUE(p.ok()) << p;
    // Some results come without an ask (warm starts), some fail: all are members.
    if (id % 7 == 0) {
      Choices extra = p.choices;
      extra[0] = (extra[0] + 1) % static_cast<int32_t>(h.space().num_options(0));
      ASSERT_TRUE(s.tell(100000 + id, extra, 50.0).ok());
      told.emplace_back(100000 + id, extra);
    }
    if (id % 5 == 0)
      ASSERT_TRUE(s.tell(id, p.choices, NAN, NAS_TRIAL_FAILED).ok());
    else
      ASSERT_TRUE(s.tell(id, p.choices, bench::value_of(h.space(), table(), p.choices)).ok());
    told.emplace_back(id, p.choices);

    if (id % 50 == 0 || id < 15) {
      Json population = state_of(s).at("population");
      size_t expected = std::min<size_t>(10, told.size());
      ASSERT_EQ(population.size(), expected) << "after " << id << " asks";
      for (size_t i = 0; i < expected; ++i) {
        const auto &[trial, choices] = told[told.size() - expected + i];
        EXPECT_EQ(population[i].at("trial").get<int64_t>(), trial) << "oldest first";
        EXPECT_EQ(population[i].at("choices").get<Choices>(), choices);
        EXPECT_EQ(population[i].at("objective").is_null(), trial < 100000 && trial % 5 == 0)
            << "a failed trial is a member without a value";
      }
    }
  }
}

TEST_P(RegularizedEvolutionTest, FailedInfeasibleAndCachedTellsNeverStallIt) {
  // Half the space fails (by a hash of its string); other outcomes come in between.
  Harness h(13, space());
  StrategyClient s = h.strategy(kName);
  auto fails = [&](const Choices &c) { return nas::hash64(h.space().to_string(c)) % 2 == 0; };
  std::set<Choices> proposed;
  size_t failed_parents = 0, parents = 0;
  std::vector<bool> failed_trial(1, false);
  for (int64_t id = 1; id <= 600; ++id) {
    Proposal p = s.ask(id);
    ASSERT_TRUE(p.ok()) << "ask " << id << ": " << p;
    proposed.insert(p.choices);
    if (p.tag.rfind("mutant of trial ", 0) == 0) {
      size_t parent = static_cast<size_t>(std::stoll(p.tag.substr(16)));
      ++parents;
      failed_parents += parent < failed_trial.size() && failed_trial[parent];
    }
    bool failed = fails(p.choices);
    failed_trial.push_back(failed);
    CallResult told;
    if (!failed)
      told = s.tell(id, p.choices, bench::value_of(h.space(), table(), p.choices));
    else
      told = s.tell(id, p.choices, NAN, id % 3 == 0 ? NAS_TRIAL_INFEASIBLE : NAS_TRIAL_FAILED);
    ASSERT_TRUE(told.ok()) << told;
    if (id % 11 == 0) { // a repeat answered from the store, with the earlier value
      ASSERT_TRUE(s.tell(200000 + id, p.choices, 10.0, NAS_TRIAL_CACHED).ok());
    }
  }
  EXPECT_GT(proposed.size(), 550u);
  // A failed member wins a tournament only when all three drawn failed: about 1 in 8 here.
  EXPECT_LT(failed_parents * 4, parents) << failed_parents << " of " << parents;
}

TEST_P(RegularizedEvolutionTest, LoadRefusesOtherStatesAndKeepsItsOwn) {
  Harness there(1, std::string(space()) == bench::kNb201 ? bench::kMacro : bench::kNb201);
  StrategyClient foreign = there.strategy(kName);
  bench::drive(foreign, there.space(), bench::table_for(there.space().instance()->desc->name), 20);
  std::string foreign_state, other_config_state;
  ASSERT_TRUE(foreign.save(foreign_state).ok());
  Harness h(1, space()), twin_h(1, space());
  StrategyClient s = h.strategy(kName), twin = twin_h.strategy(kName);
  StrategyClient bigger = h.strategy(kName, {{"population", 20}}, "other");
  ASSERT_TRUE(bigger.save(other_config_state).ok());
  ASSERT_EQ(bench::drive(s, h.space(), table(), 30), bench::drive(twin, h.space(), table(), 30));
  for (const std::string &bad :
       {foreign_state, other_config_state, std::string(""), std::string("{not json"),
        std::string(R"({"format": "nas.strategy.random/1"})")}) {
    CallResult r = s.load(bad);
    EXPECT_LT(r.status, 0) << bad.substr(0, 80);
    EXPECT_FALSE(r.message.empty());
  }
  EXPECT_EQ(bench::drive(s, h.space(), table(), 50, 31),
            bench::drive(twin, h.space(), table(), 50, 31));
}

INSTANTIATE_TEST_SUITE_P(Spaces, RegularizedEvolutionTest,
                         ::testing::Values(bench::kNb201, bench::kMacro), space_name);

// ---- Config, and runs of the built `nas` -----------------------------------------------

TEST(RegularizedEvolution, ProposesEveryArchitectureOfNasBenchMacroOnceThenDone) {
  Harness h(4, bench::kMacro);
  const bench::Table &table = bench::table_for(bench::kMacro);
  StrategyClient s = h.strategy(kName);
  std::set<Choices> proposed;
  int64_t id = 1;
  for (; id < 10000; ++id) {
    Proposal p = s.ask(id);
    if (p.status == NAS_DONE)
      break;
    ASSERT_TRUE(p.ok()) << p;
    ASSERT_TRUE(proposed.insert(p.choices).second) << "proposed twice";
    ASSERT_TRUE(s.tell(id, p.choices, bench::value_of(h.space(), table, p.choices)).ok());
  }
  EXPECT_EQ(proposed.size(), 6561u);
  EXPECT_EQ(s.ask(id + 1).status, NAS_DONE);
}

TEST(RegularizedEvolution, RejectsBadSettingsNamingTheKey) {
  Harness h(1, bench::kNb201);
  struct Case {
    Json config;
    const char *key;
  };
  for (const Case &c : {Case{{{"population", 0}}, "population"}, Case{{{"sample", 0}}, "sample"},
                        Case{{{"population", 3}, {"sample", 4}}, "sample"},
                        Case{{{"population", "ten"}}, "population"}}) {
    auto error = h.create_error(kName, c.config);
    ASSERT_TRUE(error.has_value()) << c.config.dump();
    EXPECT_EQ(error->key(), c.key) << c.config.dump() << ": " << error->what();
  }
}

TEST(RegularizedEvolution, NasRunSpendsItsBudgetOnBothBenchmarks) {
  bench::RunOutput nb201 = bench::run_config("nb201-regularized-evolution.toml");
  ASSERT_EQ(nb201.result.exit_code, 0) << nb201.result.out << nb201.result.err;
  const Json &stage = nb201.summary.at("stages").at(0);
  EXPECT_EQ(stage.at("evaluated"), 150);
  EXPECT_EQ(stage.at("trials"), 150);
  EXPECT_EQ(nb201.trials.size(), 150u);
  EXPECT_NE(stage.at("end_reason").get<std::string>().find("budget"), std::string::npos);

  bench::RunOutput macro =
      bench::run_config("nasbench-macro-random.toml",
                        "--set stage.0.strategy.plugin=nas.strategy.regularized_evolution "
                        "--set stage.0.budget.evaluations=60");
  ASSERT_EQ(macro.result.exit_code, 0) << macro.result.out << macro.result.err;
  EXPECT_EQ(macro.summary.at("stages").at(0).at("evaluated"), 60);
  size_t mutants = 0;
  for (const Json &t : macro.trials)
    mutants += t.value("tag", "").rfind("mutant of trial ", 0) == 0;
  EXPECT_GT(mutants, 40u) << "after the first 10, mutants";
}

} // namespace
