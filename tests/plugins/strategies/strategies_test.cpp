// The built nas.strategy.random and nas.strategy.grid, driven through the C ABI as the host
// drives them, on the two benchmark spaces (nas.space.nb201: 6 decisions of 5 options,
// 15,625 architectures; nas.space.nasbench_macro: 8 decisions of 3 options, 6,561).
#include "plugin_harness.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <ostream>
#include <set>
#include <string>
#include <vector>

namespace {

using nas::Choices;
using nas::test::Harness;
using nas::test::Json;
using nas::test::Proposal;
using nas::test::StrategyClient;

struct SpaceCase {
  const char *name;
  uint32_t decisions;
  uint32_t options; // every decision of both spaces has this many
  uint64_t total;
};
const SpaceCase kNb201{"nas.space.nb201", 6, 5, 15625};
const SpaceCase kMacro{"nas.space.nasbench_macro", 8, 3, 6561};

struct StrategyCase {
  const char *label;
  const char *name;
  const char *flag; // the config key
  bool value;
  bool exhaustive; // proposes every architecture once, then done
  bool seeded;     // the order depends on the run seed
};
const StrategyCase kRandomUnique{
    "random_unique", "nas.strategy.random", "unique", true, true, true};
const StrategyCase kRandomRepeats{
    "random_repeats", "nas.strategy.random", "unique", false, false, true};
const StrategyCase kGridOrdered{"grid_ordered", "nas.strategy.grid", "shuffle", false, true, false};
const StrategyCase kGridShuffled{"grid_shuffled", "nas.strategy.grid", "shuffle", true, true, true};

using Param = std::tuple<StrategyCase, SpaceCase>;
void PrintTo(const SpaceCase &c, std::ostream *out) { *out << c.name; }
void PrintTo(const StrategyCase &c, std::ostream *out) {
  *out << c.name << " {" << c.flag << " = " << (c.value ? "true" : "false") << "}";
}

// The mixed-radix index of `c` (the last decision fastest), as the grid orders them.
uint64_t index_of(const Choices &c, uint32_t options) {
  uint64_t index = 0;
  for (int32_t v : c)
    index = index * options + static_cast<uint64_t>(v);
  return index;
}

class StrategyTest : public ::testing::TestWithParam<Param> {
protected:
  const StrategyCase &strategy() const { return std::get<0>(GetParam()); }
  const SpaceCase &space() const { return std::get<1>(GetParam()); }
  Json config() const { return Json{{strategy().flag, strategy().value}}; }

  // A strategy in `h` (whose space is this case's), at the pipeline path every test uses.
  StrategyClient make(Harness &h) const { return h.strategy(strategy().name, config()); }

  // `count` asks with trial ids from `first_id`; each must succeed.
  static std::vector<Choices> ask_n(const StrategyClient &s, size_t count, int64_t first_id = 1) {
    std::vector<Choices> out;
    for (size_t i = 0; i < count; ++i) {
      Proposal p = s.ask(first_id + static_cast<int64_t>(i));
      EXPECT_TRUE(p.ok()) << "ask " << i << ": " << p;
      if (!p.ok())
        break;
      out.push_back(p.choices);
    }
    return out;
  }
};

std::string param_name(const ::testing::TestParamInfo<Param> &info) {
  std::string space = std::get<1>(info.param).name;
  return std::string(std::get<0>(info.param).label) + "_" + space.substr(space.rfind('.') + 1);
}

TEST_P(StrategyTest, NeverProposesOutsideTheSpace) {
  Harness h(11, space().name);
  StrategyClient s = make(h);
  ASSERT_EQ(h.space().num_decisions(), space().decisions);
  const size_t asks = strategy().exhaustive ? space().total : 3 * space().total;
  for (size_t i = 0; i < asks; ++i) {
    Proposal p = s.ask(static_cast<int64_t>(i) + 1);
    ASSERT_TRUE(p.ok()) << "ask " << i << ": " << p;
    ASSERT_EQ(p.choices.size(), space().decisions);
    EXPECT_EQ(p.fidelity, 1.0);
    EXPECT_EQ(p.resume_from, -1);
    Choices canonical = p.choices;
    ASSERT_NO_THROW(h.space().canonicalize(canonical)) << "ask " << i;
    ASSERT_NO_THROW(h.space().to_string(p.choices)) << "ask " << i;
  }
}

TEST_P(StrategyTest, SameSeedSameSequence) {
  Harness a(42, space().name), b(42, space().name);
  StrategyClient sa = make(a), sb = make(b);
  std::vector<Choices> first = ask_n(sa, 500), second = ask_n(sb, 500);
  EXPECT_EQ(first, second);
}

TEST_P(StrategyTest, DifferentSeedDifferentSequence) {
  Harness a(42, space().name), b(43, space().name);
  StrategyClient sa = make(a), sb = make(b);
  std::vector<Choices> first = ask_n(sa, 200), second = ask_n(sb, 200);
  ASSERT_EQ(first.size(), 200u);
  if (strategy().seeded) {
    EXPECT_NE(first, second);
    size_t same = 0;
    for (size_t i = 0; i < first.size(); ++i)
      same += first[i] == second[i];
    EXPECT_LT(same, 20u) << "two seeds agree on " << same << " of 200 proposals";
  } else {
    // The ordered grid ignores the seed: mixed-radix order, the last decision fastest.
    EXPECT_EQ(first, second);
    for (size_t i = 0; i < first.size(); ++i)
      ASSERT_EQ(index_of(first[i], space().options), i) << "proposal " << i;
  }
}

TEST_P(StrategyTest, ExhaustiveStrategiesProposeEveryArchitectureOnceThenDone) {
  Harness h(5, space().name);
  StrategyClient s = make(h);
  std::vector<bool> seen(space().total, false);
  uint64_t proposed = 0;
  for (;;) {
    Proposal p = s.ask(static_cast<int64_t>(proposed) + 1);
    if (p.status == NAS_DONE)
      break;
    ASSERT_TRUE(p.ok()) << p;
    uint64_t index = index_of(p.choices, space().options);
    ASSERT_LT(index, space().total);
    if (strategy().exhaustive) {
      ASSERT_FALSE(seen[index]) << "proposed twice, at ask " << proposed;
    }
    seen[index] = true;
    ++proposed;
    if (!strategy().exhaustive && proposed == 4 * space().total)
      break; // repeats allowed: it never ends by itself
  }
  if (strategy().exhaustive) {
    EXPECT_EQ(proposed, space().total);
    // Done stays done.
    for (int i = 0; i < 3; ++i)
      EXPECT_EQ(s.ask(1000000 + i).status, NAS_DONE);
  } else {
    EXPECT_EQ(proposed, 4 * space().total) << "unique = false ended by itself";
    // Uniform draws with replacement: 4 x |A| draws repeat (and, almost surely, cover).
    uint64_t covered = 0;
    for (bool b : seen)
      covered += b;
    EXPECT_LT(covered, proposed);
    EXPECT_GT(covered, space().total * 95 / 100);
  }
}

TEST_P(StrategyTest, SeveralPendingAsksAreDistinctUnderUnique) {
  Harness h(3, space().name);
  StrategyClient s = make(h);
  for (int round = 0; round < 3; ++round) {
    std::vector<Choices> pending = ask_n(s, 8, 100 * round + 1);
    ASSERT_EQ(pending.size(), 8u);
    if (strategy().exhaustive) {
      EXPECT_EQ(std::set<Choices>(pending.begin(), pending.end()).size(), 8u) << "round " << round;
    }
    // Told later, in reverse order.
    for (size_t i = pending.size(); i-- > 0;)
      EXPECT_TRUE(s.tell(100 * round + 1 + static_cast<int64_t>(i), pending[i], 50.0 + i).ok());
  }
}

TEST_P(StrategyTest, TellAcceptsUnknownTrialsAndFailuresAndChangesNothing) {
  // Both strategies ignore outcomes (their READMEs): a twin never told anything proposes
  // the same sequence.
  Harness h(9, space().name), twin_h(9, space().name);
  StrategyClient s = make(h), twin = make(twin_h);
  const Choices zeros(space().decisions, 0), ones(space().decisions, 1);
  // Before any ask: unknown ids (warm start, resume).
  EXPECT_TRUE(s.tell(777, zeros, 80.0).ok());
  EXPECT_TRUE(s.tell(-5, ones, NAN, NAS_TRIAL_FAILED).ok());
  for (int64_t id = 1; id <= 300; ++id) {
    Proposal p = s.ask(id), q = twin.ask(id);
    ASSERT_TRUE(p.ok()) << p;
    ASSERT_EQ(p.choices, q.choices) << "ask " << id;
    switch (id % 5) {
    case 0:
      EXPECT_TRUE(s.tell(id, p.choices, NAN, NAS_TRIAL_FAILED).ok());
      break;
    case 1:
      EXPECT_TRUE(s.tell(id, p.choices, NAN, NAS_TRIAL_INFEASIBLE, 1.0, R"({"params":1})").ok());
      break;
    case 2:
      EXPECT_TRUE(s.tell(id + 100000, ones, 12.5, NAS_TRIAL_CACHED).ok()); // unknown id
      break;
    case 3:
      EXPECT_TRUE(s.tell(id, p.choices, NAN, NAS_TRIAL_CRASHED, 0.25).ok());
      break;
    default:
      EXPECT_TRUE(
          s.tell(id, p.choices, 90.0 + id * 1e-3, NAS_TRIAL_OK, 1.0, R"({"valid_accuracy":90.0})")
              .ok());
    }
  }
  // An id told twice.
  EXPECT_TRUE(s.tell(4, zeros, 1.0).ok());
}

TEST_P(StrategyTest, SaveThenLoadContinuesTheSameSequence) {
  std::vector<uint64_t> ks = {0, 1, 8, 257};
  if (strategy().exhaustive)
    ks.push_back(space().total - 50); // past the middle, and into done
  for (uint64_t k : ks) {
    SCOPED_TRACE("k = " + std::to_string(k));
    Harness h(21, space().name);
    StrategyClient original = make(h);
    ASSERT_EQ(ask_n(original, k).size(), k);
    std::string state;
    ASSERT_TRUE(original.save(state).ok());
    ASSERT_FALSE(state.empty());

    // A fresh instance in another run (another seed): load must override everything.
    Harness other(999, space().name);
    StrategyClient fresh = make(other);
    fresh.ask(1); // a state of its own, which load replaces
    ASSERT_TRUE(fresh.load(state).ok()) << fresh.load(state);

    for (int i = 0; i < 100; ++i) {
      Proposal want = original.ask(static_cast<int64_t>(k) + i + 1);
      Proposal got = fresh.ask(static_cast<int64_t>(k) + i + 1);
      ASSERT_EQ(got.status, want.status) << "ask " << i << " after load";
      if (want.ok()) {
        ASSERT_EQ(got.choices, want.choices) << "ask " << i << " after load";
      }
    }
    // Saving the loaded one gives what saving the original gives.
    std::string a, b;
    ASSERT_TRUE(original.save(a).ok());
    ASSERT_TRUE(fresh.save(b).ok());
    EXPECT_EQ(a, b);
  }
}

TEST_P(StrategyTest, LoadOfAStateFromAnotherSpaceIsRefused) {
  const SpaceCase &other_space = space().name == kNb201.name ? kMacro : kNb201;
  Harness there(1, other_space.name);
  StrategyClient foreign = there.strategy(strategy().name, config());
  ask_n(foreign, 3);
  std::string state;
  ASSERT_TRUE(foreign.save(state).ok());

  Harness h(1, space().name), twin_h(1, space().name);
  StrategyClient s = make(h), twin = make(twin_h);
  ASSERT_EQ(ask_n(s, 5), ask_n(twin, 5));
  nas::test::CallResult r = s.load(state);
  EXPECT_LT(r.status, 0) << "a state saved on " << other_space.name << " was loaded";
  EXPECT_FALSE(r.message.empty());
  // Garbage and another strategy's state are refused too.
  EXPECT_LT(s.load("").status, 0);
  EXPECT_LT(s.load("{not json").status, 0);
  EXPECT_LT(s.load(R"({"format": "nas.strategy.other/1"})").status, 0);
  // The refused loads left it as it was.
  EXPECT_EQ(ask_n(s, 50, 6), ask_n(twin, 50, 6));
}

INSTANTIATE_TEST_SUITE_P(Strategies, StrategyTest,
                         ::testing::Combine(::testing::Values(kRandomUnique, kRandomRepeats,
                                                              kGridOrdered, kGridShuffled),
                                            ::testing::Values(kNb201, kMacro)),
                         param_name);

// ---- Checks that concern one plugin or a pair --------------------------------------------------

TEST(Strategies, StatesOfTheOtherSettingOrStrategyAreRefused) {
  Harness h(1, kNb201.name);
  StrategyClient unique = h.strategy("nas.strategy.random", {{"unique", true}}, "a");
  StrategyClient repeats = h.strategy("nas.strategy.random", {{"unique", false}}, "b");
  StrategyClient ordered = h.strategy("nas.strategy.grid", {{"shuffle", false}}, "c");
  StrategyClient shuffled = h.strategy("nas.strategy.grid", {{"shuffle", true}}, "d");
  std::vector<StrategyClient *> all = {&unique, &repeats, &ordered, &shuffled};
  std::vector<std::string> states(all.size());
  for (size_t i = 0; i < all.size(); ++i) {
    all[i]->ask(1);
    ASSERT_TRUE(all[i]->save(states[i]).ok());
  }
  for (size_t i = 0; i < all.size(); ++i)
    for (size_t j = 0; j < all.size(); ++j)
      if (i != j) {
        EXPECT_LT(all[i]->load(states[j]).status, 0) << "state " << j << " loaded into " << i;
      }
}

TEST(Strategies, AskWithoutABoundSpaceIsAnErrorNotACrash) {
  Harness h(1);
  for (const char *name : {"nas.strategy.random", "nas.strategy.grid"}) {
    StrategyClient s(h.create(name), 6);
    Proposal p = s.ask(1);
    EXPECT_LT(p.status, 0) << name;
    EXPECT_FALSE(p.message.empty()) << name;
  }
}

TEST(Strategies, AskWithRoomForTheWrongNumberOfDecisionsIsAnError) {
  Harness h(1, kNb201.name);
  for (const char *name : {"nas.strategy.random", "nas.strategy.grid"}) {
    StrategyClient s(h.create(name), 5); // the space has 6
    EXPECT_EQ(s.ask(1).status, NAS_ERR_INVALID_ARGUMENT) << name;
  }
}

TEST(Strategies, ShuffledGridIsAPermutationNotTheOrderedGrid) {
  Harness h(2, kMacro.name);
  StrategyClient shuffled = h.strategy("nas.strategy.grid", {{"shuffle", true}});
  std::vector<Choices> got;
  for (Proposal p = shuffled.ask(1); p.ok(); p = shuffled.ask(1))
    got.push_back(p.choices);
  ASSERT_EQ(got.size(), kMacro.total);
  size_t in_place = 0;
  for (size_t i = 0; i < got.size(); ++i)
    in_place += index_of(got[i], kMacro.options) == i;
  EXPECT_LT(in_place, 20u); // a random permutation has about one fixed point
}

} // namespace
