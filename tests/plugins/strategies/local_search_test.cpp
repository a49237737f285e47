// nas.strategy.local_search through the C ABI, on nas.space.nb201 and
// nas.space.nasbench_macro with first and best improvement, told the benchmark tables'
// values; and through the built `nas`.
#include "benchmark_objective.hpp"
#include "plugin_harness.hpp"

#include <nas/random.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace {

using nas::Choices;
using nas::test::CallResult;
using nas::test::Harness;
using nas::test::Json;
using nas::test::Proposal;
using nas::test::StrategyClient;
namespace bench = nas::test::benchmark;

const char *const kName = "nas.strategy.local_search";

Json state_of(const StrategyClient &s) {
  std::string text;
  CallResult r = s.save(text);
  EXPECT_TRUE(r.ok()) << r;
  return Json::parse(text);
}

size_t distance(const Choices &a, const Choices &b) {
  size_t d = 0;
  for (size_t i = 0; i < a.size(); ++i)
    d += a[i] != b[i];
  return d;
}

// Every architecture one decision away from `c`.
std::vector<Choices> neighbours_of(const nas::SpaceRef &space, const Choices &c) {
  std::vector<Choices> out;
  for (uint32_t d = 0; d < c.size(); ++d)
    for (uint32_t o = 0; o < space.num_options(d); ++o)
      if (static_cast<int32_t>(o) != c[d]) {
        Choices n = c;
        n[d] = static_cast<int32_t>(o);
        out.push_back(n);
      }
  return out;
}

using Param = std::tuple<const char *, const char *>; // space, improvement

class LocalSearchTest : public ::testing::TestWithParam<Param> {
protected:
  const char *space() const { return std::get<0>(GetParam()); }
  std::string improvement() const { return std::get<1>(GetParam()); }
  const bench::Table &table() const { return bench::table_for(space()); }
  StrategyClient make(Harness &h, Json config = Json::object()) const {
    config["improvement"] = improvement();
    return h.strategy(kName, config);
  }
};

std::string param_name(const ::testing::TestParamInfo<Param> &info) {
  std::string s = std::get<0>(info.param);
  return s.substr(s.rfind('.') + 1) + "_" + std::get<1>(info.param);
}

TEST_P(LocalSearchTest, NeverProposesOutsideTheSpaceNorTwice) {
  Harness h(11, space());
  StrategyClient s = make(h);
  std::set<Choices> seen;
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
    EXPECT_TRUE(p.tag == "initial" || p.tag == "neighbour" || p.tag == "restart") << p.tag;
    EXPECT_EQ(p.tag == "initial", id <= 10) << "ask " << id;
    // Known results are reused, never asked for again.
    ASSERT_TRUE(seen.insert(p.choices).second) << "proposed twice, at ask " << id;
    ASSERT_TRUE(s.tell(id, p.choices, bench::value_of(h.space(), table(), p.choices)).ok());
  }
}

TEST_P(LocalSearchTest, SameSeedSameSequenceDifferentSeedsDiffer) {
  Harness a(42, space()), b(42, space()), c(43, space());
  StrategyClient sa = make(a), sb = make(b), sc = make(c);
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

// A host with `workers` trials in flight: asks until that many are pending or the strategy
// waits, then completes one (in a seeded random order). Wait with nothing pending is a stall.
TEST_P(LocalSearchTest, SeveralPendingAsksWorkAndWaitOnlyOnPendingTrials) {
  Harness h(3, space());
  StrategyClient s = make(h);
  std::vector<Proposal> first8;
  for (int64_t id = 1; id <= 8; ++id) {
    first8.push_back(s.ask(id));
    ASSERT_TRUE(first8.back().ok()) << "ask " << id << " of 8 before any tell";
  }
  nas::Rng order(5);
  std::map<int64_t, Choices> pending;
  for (int64_t id = 1; id <= 8; ++id)
    pending[id] = first8[static_cast<size_t>(id - 1)].choices;
  std::set<Choices> proposed;
  for (const auto &[id, c] : pending)
    proposed.insert(c);
  EXPECT_EQ(proposed.size(), 8u);
  int64_t next_id = 9;
  size_t waits = 0;
  while (proposed.size() < 1500) {
    while (pending.size() < 8) {
      Proposal p = s.ask(next_id);
      if (p.status == NAS_WAIT) {
        ++waits;
        ASSERT_FALSE(pending.empty()) << "waits with nothing pending: it would stall";
        break;
      }
      ASSERT_TRUE(p.ok()) << p;
      ASSERT_TRUE(proposed.insert(p.choices).second) << "proposed twice";
      pending[next_id++] = p.choices;
    }
    auto it = pending.begin();
    std::advance(it, static_cast<std::ptrdiff_t>(order.below(pending.size())));
    ASSERT_TRUE(
        s.tell(it->first, it->second, bench::value_of(h.space(), table(), it->second)).ok());
    pending.erase(it);
  }
  if (improvement() == "best") {
    EXPECT_GT(waits, 0u) << "best improvement waits for whole neighbourhoods";
  }
  EXPECT_FALSE(state_of(s).at("local_optima").empty());
}

TEST_P(LocalSearchTest, SaveThenLoadContinuesTheIdenticalSequence) {
  for (size_t k : {0, 5, 10, 37, 400}) {
    SCOPED_TRACE("k = " + std::to_string(k));
    Harness h(21, space());
    StrategyClient original = make(h);
    ASSERT_EQ(bench::drive(original, h.space(), table(), k).size(), k);
    // Up to three asks pending at the save (fewer where it waits).
    std::vector<std::pair<int64_t, Choices>> pending;
    for (int64_t i = 1; i <= 3; ++i) {
      Proposal p = original.ask(static_cast<int64_t>(k) + i);
      if (p.ok())
        pending.emplace_back(static_cast<int64_t>(k) + i, p.choices);
    }
    std::string state;
    ASSERT_TRUE(original.save(state).ok());

    Harness other(999, space()); // another run seed: load must replace everything
    StrategyClient copy = make(other);
    bench::drive(copy, other.space(), table(), 15, 5000);
    ASSERT_TRUE(copy.load(state).ok()) << copy.load(state);

    for (const auto &[trial, choices] : pending) {
      double v = bench::value_of(h.space(), table(), choices);
      ASSERT_TRUE(original.tell(trial, choices, v).ok());
      ASSERT_TRUE(copy.tell(trial, choices, v).ok());
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

TEST_P(LocalSearchTest, FailedUnknownAndCachedTellsNeverStallIt) {
  // Half the space fails (by a hash of its string); results nobody asked for come in between.
  Harness h(13, space());
  StrategyClient s = make(h);
  auto fails = [&](const Choices &c) { return nas::hash64(h.space().to_string(c)) % 2 == 0; };
  const Choices zeros(h.space().num_decisions(), 0);
  ASSERT_TRUE(s.tell(777, zeros, 80.0).ok()); // before any ask: a warm start
  for (int64_t id = 1; id <= 800; ++id) {
    Proposal p = s.ask(id);
    ASSERT_TRUE(p.ok()) << "ask " << id << ": " << p;
    CallResult told;
    if (fails(p.choices))
      told = s.tell(id, p.choices, NAN, id % 3 ? NAS_TRIAL_FAILED : NAS_TRIAL_INFEASIBLE);
    else if (id % 4 == 0) // answered from the store: cached, with the earlier value
      told =
          s.tell(id, p.choices, bench::value_of(h.space(), table(), p.choices), NAS_TRIAL_CACHED);
    else
      told = s.tell(id, p.choices, bench::value_of(h.space(), table(), p.choices));
    ASSERT_TRUE(told.ok()) << told;
    if (id % 9 == 0) { // an unknown trial
      ASSERT_TRUE(s.tell(300000 + id, neighbours_of(h.space(), p.choices)[0], 1.0).ok());
    }
    if (id % 13 == 0) { // an id told twice
      ASSERT_TRUE(s.tell(id, p.choices, NAN, NAS_TRIAL_CRASHED).ok());
    }
  }
  EXPECT_FALSE(state_of(s).at("local_optima").empty());
}

// With one initial architecture the phases are visible: it becomes the centre once told, its
// whole neighbourhood is proposed in a random order, and the next move needs the results.
TEST_P(LocalSearchTest, WalksTheNeighbourhoodOfTheCentre) {
  Harness h(6, space());
  StrategyClient s = make(h, {{"initial", 1}});
  Proposal start = s.ask(1);
  ASSERT_TRUE(start.ok());
  EXPECT_EQ(start.tag, "initial");
  EXPECT_EQ(s.ask(2).status, NAS_WAIT) << "the centre needs the initial result";
  ASSERT_TRUE(s.tell(1, start.choices, bench::value_of(h.space(), table(), start.choices)).ok());
  const size_t n = neighbours_of(h.space(), start.choices).size();
  std::vector<Choices> asked;
  for (int64_t id = 2; id < 2 + static_cast<int64_t>(n); ++id) {
    Proposal p = s.ask(id);
    ASSERT_TRUE(p.ok()) << p;
    EXPECT_EQ(p.tag, "neighbour");
    EXPECT_EQ(distance(p.choices, start.choices), 1u);
    asked.push_back(p.choices);
  }
  EXPECT_EQ(std::set<Choices>(asked.begin(), asked.end()).size(), n) << "the whole neighbourhood";
  EXPECT_NE(asked, [&] {
    std::vector<Choices> sorted = asked;
    std::sort(sorted.begin(), sorted.end());
    return sorted;
  }()) << "in a random order";
  EXPECT_EQ(s.ask(100).status, NAS_WAIT) << "every neighbour is pending";
  // Tell all; the best neighbour (or, at a local optimum, a restart) comes next.
  double centre = bench::value_of(h.space(), table(), start.choices), best = centre;
  Choices best_choices = start.choices;
  for (size_t i = 0; i < asked.size(); ++i) {
    double v = bench::value_of(h.space(), table(), asked[i]);
    if (v > best) {
      best = v;
      best_choices = asked[i];
    }
    ASSERT_TRUE(s.tell(2 + static_cast<int64_t>(i), asked[i], v).ok());
  }
  Proposal next = s.ask(100);
  ASSERT_TRUE(next.ok()) << next;
  Json state = state_of(s);
  if (best == centre) {
    EXPECT_EQ(next.tag, "restart");
    EXPECT_EQ(state.at("local_optima").size(), 1u);
  } else {
    EXPECT_EQ(next.tag, "neighbour");
    Choices now = state.at("centre").get<Choices>();
    EXPECT_EQ(distance(now, start.choices), 1u);
    if (improvement() == "best") {
      EXPECT_EQ(now, best_choices);
    } else {
      EXPECT_GT(bench::value_of(h.space(), table(), now), centre);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Spaces, LocalSearchTest,
                         ::testing::Combine(::testing::Values(bench::kNb201, bench::kMacro),
                                            ::testing::Values("first", "best")),
                         param_name);

// ---- On NAS-Bench-Macro, with first and best improvement ---------------------------------

class LocalSearchMacroTest : public ::testing::TestWithParam<const char *> {
protected:
  const char *space() const { return bench::kMacro; }
  const bench::Table &table() const { return bench::table_for(bench::kMacro); }
  StrategyClient make(Harness &h) const { return h.strategy(kName, {{"improvement", GetParam()}}); }
};

TEST_P(LocalSearchMacroTest, ProposesEveryArchitectureOnceThenDone) {
  Harness h(4, space());
  StrategyClient s = make(h);
  std::set<Choices> proposed;
  int64_t id = 1;
  for (; id < 10000; ++id) {
    Proposal p = s.ask(id);
    if (p.status == NAS_DONE)
      break;
    ASSERT_TRUE(p.ok()) << p;
    ASSERT_TRUE(proposed.insert(p.choices).second);
    ASSERT_TRUE(s.tell(id, p.choices, bench::value_of(h.space(), table(), p.choices)).ok());
  }
  EXPECT_EQ(proposed.size(), 6561u);
  EXPECT_EQ(s.ask(id + 1).status, NAS_DONE);
}

TEST_P(LocalSearchMacroTest, ReachesLocalOptimaItCanProve) {
  for (uint64_t seed : {1, 2, 3}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Harness h(seed, space());
    StrategyClient s = make(h);
    Json optima;
    for (int64_t id = 1; id <= 2000; ++id) {
      bench::drive(s, h.space(), table(), 1, id);
      optima = state_of(s).at("local_optima");
      if (optima.size() >= 2)
        break;
    }
    ASSERT_GE(optima.size(), 2u) << "no local optimum in 2000 evaluations";
    for (const Json &o : optima) {
      Choices c = o.at("choices").get<Choices>();
      double v = bench::value_of(h.space(), table(), c);
      EXPECT_EQ(o.at("objective").get<double>(), v);
      for (const Choices &n : neighbours_of(h.space(), c)) {
        ASSERT_EQ(distance(n, c), 1u);
        EXPECT_LE(bench::value_of(h.space(), table(), n), v)
            << h.space().to_string(n) << " beats the local optimum " << h.space().to_string(c);
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Improvement, LocalSearchMacroTest, ::testing::Values("first", "best"),
                         [](const ::testing::TestParamInfo<const char *> &info) {
                           return std::string(info.param);
                         });

// ---- One setting, config, and runs of the built `nas` ------------------------------------

TEST(LocalSearch, FirstImprovementMovesBeforeTheNeighbourhoodIsComplete) {
  Harness h(6, bench::kMacro);
  StrategyClient s = h.strategy(kName, {{"initial", 1}, {"improvement", "first"}});
  Proposal start = s.ask(1);
  ASSERT_TRUE(s.tell(1, start.choices, 50.0).ok());
  Proposal a = s.ask(2), b = s.ask(3);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(s.tell(2, a.choices, 60.0).ok()); // better than the centre: move now
  Proposal c = s.ask(4);
  ASSERT_TRUE(c.ok()) << c;
  EXPECT_EQ(distance(c.choices, a.choices), 1u) << "a neighbour of the new centre";
  EXPECT_EQ(state_of(s).at("centre").get<Choices>(), a.choices);
  // b, of the old neighbourhood, is better still: a move to it if it neighbours the centre.
  ASSERT_TRUE(s.tell(3, b.choices, 70.0).ok());
  ASSERT_TRUE(s.ask(5).ok());
  EXPECT_EQ(state_of(s).at("centre").get<Choices>(),
            distance(a.choices, b.choices) == 1 ? b.choices : a.choices);
}

TEST(LocalSearch, DefaultsAndBadSettings) {
  Harness h(1, bench::kNb201);
  StrategyClient s = h.strategy(kName);
  Json state = state_of(s);
  EXPECT_EQ(state.at("initial"), 10);
  EXPECT_EQ(state.at("improvement"), "best");
  struct Case {
    Json config;
    const char *key;
  };
  for (const Case &c :
       {Case{{{"initial", 0}}, "initial"}, Case{{{"improvement", "worst"}}, "improvement"},
        Case{{{"improvement", 1}}, "improvement"}}) {
    auto error = h.create_error(kName, c.config);
    ASSERT_TRUE(error.has_value()) << c.config.dump();
    EXPECT_EQ(error->key(), c.key) << c.config.dump() << ": " << error->what();
  }
}

TEST(LocalSearch, LoadRefusesOtherStatesAndKeepsItsOwn) {
  Harness there(1, bench::kMacro);
  StrategyClient foreign = there.strategy(kName);
  bench::drive(foreign, there.space(), bench::table_for(bench::kMacro), 20);
  std::string foreign_state, first_state;
  ASSERT_TRUE(foreign.save(foreign_state).ok());
  Harness h(1, bench::kNb201), twin_h(1, bench::kNb201);
  const bench::Table &table = bench::table_for(bench::kNb201);
  StrategyClient s = h.strategy(kName), twin = twin_h.strategy(kName);
  ASSERT_TRUE(h.strategy(kName, {{"improvement", "first"}}, "other").save(first_state).ok());
  ASSERT_EQ(bench::drive(s, h.space(), table, 30), bench::drive(twin, h.space(), table, 30));
  for (const std::string &bad :
       {foreign_state, first_state, std::string(""), std::string("{not json"),
        std::string(R"({"format": "nas.strategy.regularized_evolution/1"})")}) {
    CallResult r = s.load(bad);
    EXPECT_LT(r.status, 0) << bad.substr(0, 80);
    EXPECT_FALSE(r.message.empty());
  }
  EXPECT_EQ(bench::drive(s, h.space(), table, 50, 31),
            bench::drive(twin, h.space(), table, 50, 31));
}

TEST(LocalSearch, NasRunSpendsItsBudgetOnBothBenchmarks) {
  bench::RunOutput nb201 = bench::run_config("nb201-local-search.toml");
  ASSERT_EQ(nb201.result.exit_code, 0) << nb201.result.out << nb201.result.err;
  const Json &stage = nb201.summary.at("stages").at(0);
  EXPECT_EQ(stage.at("evaluated"), 150);
  EXPECT_EQ(stage.at("trials"), 150);
  EXPECT_EQ(nb201.trials.size(), 150u);
  EXPECT_NE(stage.at("end_reason").get<std::string>().find("budget"), std::string::npos);

  bench::RunOutput macro = bench::run_config(
      "nasbench-macro-random.toml", "--set stage.0.strategy.plugin=nas.strategy.local_search "
                                    "--set stage.0.strategy.improvement=first "
                                    "--set stage.0.budget.evaluations=300");
  ASSERT_EQ(macro.result.exit_code, 0) << macro.result.out << macro.result.err;
  EXPECT_EQ(macro.summary.at("stages").at(0).at("evaluated"), 300);
  EXPECT_NE(macro.log.find("local optimum"), std::string::npos) << "reported in the run's log";
}

} // namespace
