// The built nas.strategy.progressive, driven through the C ABI on NB201 (6 decisions of 5
// options) and NAS-Bench-Macro (8 of 3), neither of which has a depth decision (the
// decision-by-decision fallback), on test.space.chain (a depth decision), with and without
// nas.predictor.knn bound, and through `nas run`.
#include "../predictors/predictor_client.hpp"
#include "plugin_harness.hpp"
#include "run_nas.hpp"

#include <nas/random.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using nas::Choices;
using nas::core::Instance;
using nas::test::Harness;
using nas::test::Json;
using nas::test::make_knn;
using nas::test::Prediction;
using nas::test::PredictorClient;
using nas::test::Proposal;
using nas::test::StrategyClient;

constexpr const char *kStrategy = "nas.strategy.progressive";
constexpr const char *kNb201 = "nas.space.nb201";
constexpr const char *kMacro = "nas.space.nasbench_macro";

using Objective = std::function<double(const Choices &)>;

std::string digits(const Choices &c) {
  std::string s;
  for (int32_t v : c)
    s += std::to_string(v);
  return s;
}

// A synthetic objective: distinct pseudo-random values in [0, 100) from the choices.
double hashed(const Choices &c) {
  return static_cast<double>(nas::hash64(digits(c)) >> 11) * 0x1.0p-53 * 100;
}

// A strategy in `h`, with nas.predictor.knn (Hamming distance) bound when `knn` is an object.
StrategyClient make(Harness &h, const Json &config, const Json &knn = nullptr) {
  Instance *predictor = knn.is_object() ? &make_knn(h, knn, "stage.0.strategy.predictor") : nullptr;
  StrategyClient s = h.strategy(kStrategy, config);
  if (predictor)
    h.bind(s.instance(), "predictor", *predictor);
  return s;
}

// Plays the host: asks, keeps up to `max_pending` trials pending, tells the oldest when full
// or on NAS_WAIT (NaN objectives as failed trials), and logs every proposal.
class Driver {
public:
  Driver(const StrategyClient &s, Objective f, size_t max_pending = 1)
      : s_(s), f_(std::move(f)), max_pending_(max_pending) {}

  std::vector<Proposal> log;
  std::deque<std::pair<int64_t, Choices>> pending;
  int64_t next_id = 1;
  size_t waits = 0;
  bool done = false;

  // Runs until done (true) or `max_asks` answered asks; fails the test on an error.
  bool run(size_t max_asks = 100000) {
    for (size_t asks = 0; asks < max_asks && !done; ++asks)
      if (!step())
        return false;
    return done;
  }
  // One ask (and the tells it needs first). False on an error or a stall.
  bool step() {
    if (pending.size() >= max_pending_)
      tell_oldest();
    Proposal p = s_.ask(next_id);
    if (p.status == NAS_DONE) {
      done = true;
      return true;
    }
    if (p.status == NAS_WAIT) {
      ++waits;
      if (pending.empty()) {
        ADD_FAILURE() << "NAS_WAIT with nothing pending: the strategy stalls";
        return false;
      }
      tell_oldest();
      return true;
    }
    if (!p.ok()) {
      ADD_FAILURE() << "ask: " << p;
      return false;
    }
    pending.emplace_back(next_id++, p.choices);
    log.push_back(p);
    return true;
  }
  void tell_oldest() {
    auto [id, choices] = pending.front();
    pending.pop_front();
    double v = f_(choices);
    auto r = s_.tell(id, choices, v, std::isnan(v) ? NAS_TRIAL_FAILED : NAS_TRIAL_OK);
    EXPECT_TRUE(r.ok()) << "tell: " << r;
  }

private:
  StrategyClient s_;
  Objective f_;
  size_t max_pending_;
};

std::vector<Choices> choices_of(const std::vector<Proposal> &log) {
  std::vector<Choices> out;
  for (const auto &p : log)
    out.push_back(p.choices);
  return out;
}

// Asks without telling until the strategy answers anything but OK; returns the proposals.
std::vector<Choices> ask_level(const StrategyClient &s, int64_t &next_id, nas_status_t &end,
                               const std::string &tag = "") {
  std::vector<Choices> out;
  for (;;) {
    Proposal p = s.ask(next_id);
    if (!p.ok()) {
      end = p.status;
      return out;
    }
    if (!tag.empty()) {
      EXPECT_EQ(p.tag, tag);
    }
    ++next_id;
    out.push_back(p.choices);
  }
}

std::set<Choices> as_set(const std::vector<Choices> &v) { return {v.begin(), v.end()}; }

Choices arch(const std::string &text) {
  Choices c;
  for (char ch : text)
    c.push_back(ch - '0');
  return c;
}

// ---- Both benchmark spaces, with and without a predictor ---------------------------------

struct Case {
  const char *space;
  uint32_t decisions;
  uint32_t options;
  bool predictor;
};

void PrintTo(const Case &c, std::ostream *out) { *out << c.space << (c.predictor ? " + knn" : ""); }

// Evaluations of a full run with beam 8 (the default) and no failures: level 1 every option
// of decision 0; level 2 the kept min(8, o) parents with o - 1 new options each (option 0 is
// the parent itself); later levels 8 parents (the pools hold more than 8) the same way.
// With a predictor, levels after the first evaluate at most 8 (candidates_per_level = beam).
size_t expected_evaluations(const Case &c) {
  size_t o = c.options, total = o;
  for (uint32_t level = 2; level <= c.decisions; ++level) {
    size_t parents = level == 2 ? std::min<size_t>(8, o) : 8;
    size_t unknown = parents * (o - 1);
    total += c.predictor ? std::min<size_t>(8, unknown) : unknown;
  }
  return total;
}

class ProgressiveSpaces : public ::testing::TestWithParam<Case> {
protected:
  Json knn() const { return GetParam().predictor ? Json{{"k", 3}} : Json(nullptr); }
};

TEST_P(ProgressiveSpaces, StaysInsideTheSpaceAndEnds) {
  const Case &c = GetParam();
  Harness h(7, c.space);
  StrategyClient s = make(h, Json::object(), knn());
  Driver d(s, hashed, /*max_pending=*/4);
  ASSERT_TRUE(d.run());
  std::set<Choices> seen;
  for (const Proposal &p : d.log) {
    ASSERT_EQ(p.choices.size(), c.decisions);
    for (int32_t v : p.choices)
      ASSERT_TRUE(v >= 0 && static_cast<uint32_t>(v) < c.options) << digits(p.choices);
    Choices canonical = p.choices;
    h.space().canonicalize(canonical);
    EXPECT_EQ(canonical, p.choices);
    EXPECT_TRUE(seen.insert(p.choices).second) << "proposed twice: " << digits(p.choices);
    EXPECT_EQ(p.fidelity, 1.0);
    EXPECT_EQ(p.tag.rfind("level ", 0), 0u) << p.tag;
  }
  EXPECT_EQ(d.log.size(), expected_evaluations(c));
  EXPECT_EQ(d.log.back().tag, "level " + std::to_string(c.decisions));
  EXPECT_EQ(s.ask(999999).status, NAS_DONE); // and it stays done
}

TEST_P(ProgressiveSpaces, FirstLevelIsEveryOptionOfDecisionZero) {
  const Case &c = GetParam();
  Harness h(7, c.space);
  StrategyClient s = make(h, Json::object(), knn());
  int64_t id = 1;
  nas_status_t end = NAS_OK;
  std::vector<Choices> level = ask_level(s, id, end, "level 1");
  EXPECT_EQ(end, NAS_WAIT);
  std::set<Choices> expected;
  for (uint32_t o = 0; o < c.options; ++o) {
    Choices a(c.decisions, 0);
    a[0] = static_cast<int32_t>(o);
    expected.insert(a);
  }
  EXPECT_EQ(level.size(), c.options);
  EXPECT_EQ(as_set(level), expected);
}

TEST_P(ProgressiveSpaces, SameSeedSameSequence) {
  auto sequence = [&](uint64_t seed) {
    Harness h(seed, GetParam().space);
    StrategyClient s = make(h, Json{{"beam", 4}}, knn());
    Driver d(s, hashed, 3);
    EXPECT_TRUE(d.run());
    return choices_of(d.log);
  };
  std::vector<Choices> a = sequence(7);
  EXPECT_EQ(a, sequence(7));
  EXPECT_NE(a, sequence(8)); // the order within a level comes from the seed
}

TEST_P(ProgressiveSpaces, FailedInfeasibleAndCachedTellsNeverStall) {
  const Case &c = GetParam();
  Harness h(7, c.space);
  StrategyClient s = make(h, Json{{"beam", 3}}, knn());
  // Half of the architectures fail; of the rest, every third told is cached, every fifth
  // infeasible (NaN), as the host tells them.
  size_t told = 0;
  std::deque<std::pair<int64_t, Choices>> pending;
  auto tell_oldest = [&] {
    auto [id, a] = pending.front();
    pending.pop_front();
    double v = hashed(a);
    int32_t status = NAS_TRIAL_OK;
    if (static_cast<int>(v) % 2 == 1) {
      v = NAN;
      status = NAS_TRIAL_FAILED;
    } else if (++told % 5 == 0) {
      v = NAN;
      status = NAS_TRIAL_INFEASIBLE;
    } else if (told % 3 == 0) {
      status = NAS_TRIAL_CACHED;
    }
    EXPECT_TRUE(s.tell(id, a, v, status).ok());
  };
  bool done = false;
  for (int64_t id = 1; id < 10000 && !done; ++id) {
    Proposal p = s.ask(id);
    if (p.status == NAS_DONE)
      done = true;
    else if (p.status == NAS_WAIT) {
      ASSERT_FALSE(pending.empty()) << "stalled";
      tell_oldest();
    } else {
      ASSERT_TRUE(p.ok()) << p;
      pending.emplace_back(id, p.choices);
      if (pending.size() > 2)
        tell_oldest();
    }
  }
  EXPECT_TRUE(done);
}

TEST_P(ProgressiveSpaces, EveryTrialFailingStillGrowsToTheEnd) {
  const Case &c = GetParam();
  Harness h(7, c.space);
  StrategyClient s = make(h, Json{{"beam", 2}}, knn());
  Driver d(
      s, [](const Choices &) { return NAN; }, 2);
  ASSERT_TRUE(d.run());
  EXPECT_EQ(d.log.back().tag, "level " + std::to_string(c.decisions));
}

INSTANTIATE_TEST_SUITE_P(Spaces, ProgressiveSpaces,
                         ::testing::Values(Case{kNb201, 6, 5, false}, Case{kNb201, 6, 5, true},
                                           Case{kMacro, 8, 3, false}, Case{kMacro, 8, 3, true}),
                         [](const ::testing::TestParamInfo<Case> &info) {
                           std::string name =
                               info.param.space == std::string(kNb201) ? "nb201" : "nasbench_macro";
                           return name + (info.param.predictor ? "_knn" : "");
                         });

// ---- Level structure -----------------------------------------------------------------------

TEST(Progressive, LaterLevelsExtendOnlyTheKeptBeam) {
  Harness h(7, kMacro);
  StrategyClient s = make(h, Json{{"beam", 2}});
  std::map<std::string, double> value{{"00000000", 50}, {"10000000", 70}, {"20000000", 60},
                                      {"11000000", 65}, {"12000000", 80}, {"21000000", 55},
                                      {"22000000", 75}};
  int64_t id = 1;
  nas_status_t end = NAS_OK;
  auto tell_all = [&](int64_t first, const std::vector<Choices> &level) {
    for (size_t i = 0; i < level.size(); ++i)
      ASSERT_TRUE(
          s.tell(first + static_cast<int64_t>(i), level[i], value.at(digits(level[i]))).ok());
  };

  std::vector<Choices> one = ask_level(s, id, end, "level 1");
  ASSERT_EQ(end, NAS_WAIT);
  EXPECT_EQ(as_set(one), as_set({arch("00000000"), arch("10000000"), arch("20000000")}));
  tell_all(1, one);

  // Kept: 1 (70) and 2 (60). Their children with option 0 on decision 1 are themselves.
  int64_t first = id;
  std::vector<Choices> two = ask_level(s, id, end, "level 2");
  ASSERT_EQ(end, NAS_WAIT);
  EXPECT_EQ(as_set(two),
            as_set({arch("11000000"), arch("12000000"), arch("21000000"), arch("22000000")}));
  tell_all(first, two);

  // The level's pool: 10 (70), 11 (65), 12 (80), 20 (60), 21 (55), 22 (75): keeps 12 and 22.
  std::vector<Choices> three = ask_level(s, id, end, "level 3");
  ASSERT_EQ(end, NAS_WAIT);
  EXPECT_EQ(as_set(three),
            as_set({arch("12100000"), arch("12200000"), arch("22100000"), arch("22200000")}));
}

TEST(Progressive, SeveralPendingAsksAndAWaitAtTheLevelBarrier) {
  Harness h(7, kMacro);
  StrategyClient s = make(h, Json::object());
  std::vector<Proposal> p;
  for (int64_t id = 1; id <= 3; ++id) {
    p.push_back(s.ask(id));
    ASSERT_TRUE(p.back().ok()) << p.back();
  }
  EXPECT_EQ(s.ask(4).status, NAS_WAIT);
  EXPECT_EQ(s.ask(4).status, NAS_WAIT);
  ASSERT_TRUE(s.tell(3, p[2].choices, 30).ok());      // in any order
  ASSERT_TRUE(s.tell(77, arch("22222222"), 99).ok()); // an unknown trial: accepted
  EXPECT_EQ(s.ask(4).status, NAS_WAIT);
  ASSERT_TRUE(s.tell(1, p[0].choices, NAN, NAS_TRIAL_FAILED).ok());
  EXPECT_EQ(s.ask(4).status, NAS_WAIT);
  ASSERT_TRUE(s.tell(2, p[1].choices, 20, NAS_TRIAL_CACHED).ok());
  Proposal next = s.ask(4);
  ASSERT_TRUE(next.ok()) << next;
  EXPECT_EQ(next.tag, "level 2");
}

TEST(Progressive, ATellWithoutAnAskIsNeverProposedAgain) {
  Harness h(7, kMacro);
  StrategyClient s = make(h, Json::object());
  ASSERT_TRUE(s.tell(1000, arch("10000000"), 88).ok()); // a warm start
  int64_t id = 1;
  nas_status_t end = NAS_OK;
  std::vector<Choices> one = ask_level(s, id, end);
  EXPECT_EQ(as_set(one), as_set({arch("00000000"), arch("20000000")}));
}

TEST(Progressive, RejectsBadConfig) {
  Harness h(7, kMacro);
  for (const char *key : {"beam", "candidates_per_level"}) {
    auto e = h.create_error(kStrategy, {{key, -1}});
    ASSERT_TRUE(e) << key;
    EXPECT_EQ(e->key(), key);
  }
  auto zero_beam = h.create_error(kStrategy, {{"beam", 0}});
  ASSERT_TRUE(zero_beam);
  EXPECT_EQ(zero_beam->key(), "beam");
}

// ---- With the k-NN predictor ---------------------------------------------------------------

// Each level after the first evaluates exactly the candidates_per_level expansions with the
// best predicted mean (a reference k-NN, fitted on the same tells in the same order, gives
// the predictions), best first; the first level is evaluated in full.
TEST(Progressive, APredictorPicksTheTopCandidatesPerLevel) {
  const size_t beam = 4, per_level = 3;
  const int options = 5, decisions = 6;
  const Json knn_config{{"k", 3}};
  Harness h(7, kNb201);
  StrategyClient s = make(h, Json{{"beam", beam}, {"candidates_per_level", per_level}}, knn_config);
  PredictorClient reference(make_knn(h, knn_config, "reference"));

  std::map<Choices, double> known;
  std::vector<Choices> told_archs;
  std::vector<double> told_values;
  std::vector<Choices> kept{Choices(decisions, 0)};
  int64_t id = 1;
  for (int level = 0; level < decisions; ++level) {
    std::vector<Choices> candidates, unknown;
    for (const Choices &parent : kept)
      for (int o = 0; o < options; ++o) {
        Choices child = parent;
        child[static_cast<size_t>(level)] = o;
        candidates.push_back(child);
        if (!known.count(child))
          unknown.push_back(child);
      }
    int64_t first = id;
    nas_status_t end = NAS_OK;
    std::vector<Choices> proposed = ask_level(s, id, end, "level " + std::to_string(level + 1));
    ASSERT_EQ(end, NAS_WAIT);
    if (level == 0) {
      EXPECT_EQ(as_set(proposed), as_set(unknown));
    } else {
      ASSERT_EQ(proposed.size(), std::min(per_level, unknown.size()));
      ASSERT_TRUE(reference.fit(told_archs, told_values).ok());
      std::map<Choices, double> mean;
      for (const Choices &c : unknown) {
        Prediction p = reference.predict(c);
        ASSERT_TRUE(p.ok()) << p;
        mean[c] = p.mean;
      }
      double worst_taken = INFINITY;
      for (size_t i = 0; i < proposed.size(); ++i) {
        ASSERT_TRUE(mean.count(proposed[i])) << "not an unknown expansion: " << digits(proposed[i]);
        if (i > 0) {
          EXPECT_GE(mean[proposed[i - 1]], mean[proposed[i]]) << "not best first";
        }
        worst_taken = std::min(worst_taken, mean[proposed[i]]);
      }
      std::set<Choices> taken = as_set(proposed);
      for (const Choices &c : unknown) {
        if (!taken.count(c)) {
          EXPECT_LE(mean[c], worst_taken) << digits(c) << " was predicted better";
        }
      }
    }
    for (size_t i = 0; i < proposed.size(); ++i) {
      double v = hashed(proposed[i]);
      ASSERT_TRUE(s.tell(first + static_cast<int64_t>(i), proposed[i], v).ok());
      known[proposed[i]] = v;
      told_archs.push_back(proposed[i]);
      told_values.push_back(v);
    }
    std::vector<Choices> pool;
    for (const Choices &c : candidates)
      if (known.count(c))
        pool.push_back(c);
    std::stable_sort(pool.begin(), pool.end(),
                     [&](const Choices &a, const Choices &b) { return known[a] > known[b]; });
    pool.resize(std::min(pool.size(), beam));
    kept = pool;
  }
  EXPECT_EQ(s.ask(id).status, NAS_DONE);
}

// ---- Save and load -------------------------------------------------------------------------

TEST(Progressive, SaveLoadContinuesTheIdenticalSequence) {
  const Json config{{"beam", 4}, {"candidates_per_level", 3}};
  const Json knn_config{{"k", 3}, {"weighting", "distance"}};
  Harness ha(7, kNb201);
  StrategyClient a = make(ha, config, knn_config);
  Driver da(a, hashed, 3);
  for (int i = 0; i < 14; ++i) // into level 3 or so, with trials pending
    ASSERT_TRUE(da.step());
  ASSERT_FALSE(da.pending.empty());
  std::string state;
  ASSERT_TRUE(a.save(state).ok());

  Harness hb(12345, kNb201); // another seed: everything must come from the state
  StrategyClient b = make(hb, config, knn_config);
  ASSERT_TRUE(b.load(state).ok());
  std::string again;
  ASSERT_TRUE(b.save(again).ok());
  EXPECT_EQ(again, state);

  Driver db(b, hashed, 3);
  db.pending = da.pending;
  db.next_id = da.next_id;
  size_t before = da.log.size();
  ASSERT_TRUE(da.run());
  ASSERT_TRUE(db.run());
  std::vector<Choices> rest_a = choices_of(da.log);
  rest_a.erase(rest_a.begin(), rest_a.begin() + static_cast<std::ptrdiff_t>(before));
  EXPECT_FALSE(rest_a.empty());
  EXPECT_EQ(choices_of(db.log), rest_a);
}

TEST(Progressive, ABadStateIsRefusedAndKeepsTheOldOne) {
  Harness h(7, kMacro);
  StrategyClient s = make(h, Json::object());
  Harness other(7, kNb201);
  StrategyClient nb201 = make(other, Json::object());
  std::string nb201_state;
  ASSERT_TRUE(nb201.save(nb201_state).ok());
  Harness with_beam(7, kMacro);
  std::string beam_state;
  ASSERT_TRUE(make(with_beam, Json{{"beam", 3}}).save(beam_state).ok());
  for (const std::string &bad :
       {std::string("not json"), std::string("{}"), nb201_state, beam_state})
    EXPECT_EQ(s.load(bad).status, NAS_ERR_INVALID_ARGUMENT) << bad;
  // Still the fresh strategy: the same first proposals as an untouched one with this seed.
  Harness fresh(7, kMacro);
  Driver d1(s, hashed), d2(make(fresh, Json::object()), hashed);
  ASSERT_TRUE(d1.run());
  ASSERT_TRUE(d2.run());
  EXPECT_EQ(choices_of(d1.log), choices_of(d2.log));
}

// ---- A space with a depth decision ----------------------------------------------------------

// test.space.chain (tests/plugins/strategies/progressive_chain_space.cpp): decisions op_0,
// op_1 (depth >= 2), depth, op_2 (depth 3), width, kernel_2 (op_2 != 0).
class ChainSpace : public ::testing::Test {
protected:
  ChainSpace() : run_(std::make_shared<nas::core::RunContext>()) {
    registry_.add_folder(NAS_BUILD_PLUGIN_DIR);
    registry_.add_folder(NAS_TEST_PLUGIN_DIR "/chain");
    run_->seed = 7;
    space_ = Instance::create(registry_, "test.space.chain", Json::object(), run_, "space");
    strategy_ = Instance::create(registry_, kStrategy, Json{{"beam", 2}}, run_, "strategy");
    strategy_->bind("space", *space_);
  }
  ~ChainSpace() override { strategy_.reset(); } // before the space it is bound to

  nas::core::Registry registry_;
  std::shared_ptr<nas::core::RunContext> run_;
  std::unique_ptr<Instance> space_, strategy_;
};

TEST_F(ChainSpace, GrowsOneLayerPerLevelOverTheDepthDecision) {
  StrategyClient s(*strategy_, 6);
  // Values favour op_0 = 2, width = 1, then op_1 = 1, then op_2 = 2 with kernel 1.
  auto f = [](const Choices &c) {
    return 10.0 * c[0] + 3.0 * c[4] + 5.0 * (c[1] == 1) + 7.0 * (c[3] == 2) + 1.0 * c[5] +
           0.01 * hashed(c);
  };
  int64_t id = 1;
  nas_status_t end = NAS_OK;
  auto tell_all = [&](int64_t first, const std::vector<Choices> &level) {
    for (size_t i = 0; i < level.size(); ++i)
      ASSERT_TRUE(s.tell(first + static_cast<int64_t>(i), level[i], f(level[i])).ok());
  };

  // Level 1, depth "1": op_0 and width (the decisions active at the smallest depth).
  std::vector<Choices> one = ask_level(s, id, end, "level 1");
  ASSERT_EQ(end, NAS_WAIT);
  std::set<Choices> expected;
  for (int op = 0; op < 3; ++op)
    for (int width = 0; width < 2; ++width)
      expected.insert({op, 0, 0, 0, width, 0});
  EXPECT_EQ(as_set(one), expected);
  tell_all(1, one);

  // Level 2, depth "2": the two best (op_0 = 2, widths 1 and 0) with every op_1.
  int64_t first = id;
  std::vector<Choices> two = ask_level(s, id, end, "level 2");
  ASSERT_EQ(end, NAS_WAIT);
  expected.clear();
  for (int width : {0, 1})
    for (int op = 0; op < 3; ++op)
      expected.insert({2, op, 1, 0, width, 0});
  EXPECT_EQ(as_set(two), expected);
  tell_all(first, two);

  // Level 3, depth "3": the two best (op_1 = 1, widths 1 and 0) with every op_2 and kernel_2
  // (kernel_2 is inactive when op_2 = 0: 5 distinct children each, not 6).
  first = id;
  std::vector<Choices> three = ask_level(s, id, end, "level 3");
  ASSERT_EQ(end, NAS_WAIT);
  expected.clear();
  for (int width : {0, 1}) {
    expected.insert({2, 1, 2, 0, width, 0});
    for (int op = 1; op < 3; ++op)
      for (int kernel = 0; kernel < 2; ++kernel)
        expected.insert({2, 1, 2, op, width, kernel});
  }
  EXPECT_EQ(three.size(), 10u);
  EXPECT_EQ(as_set(three), expected);
  tell_all(first, three);
  EXPECT_EQ(s.ask(id).status, NAS_DONE);
}

// ---- Through `nas run` ---------------------------------------------------------------------

TEST(Progressive, RunsThroughNasWithTheKnnPredictor) {
  nas::test::TempDir out;
  std::string config = std::string(NAS_SOURCE_DIR) + "/configs/nasbench-macro-progressive.toml";
  auto r = nas::test::run_nas("run '" + config + "' -q --output '" + out / "run" + "'");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::ifstream in(out / "run/summary.json");
  Json summary = Json::parse(in);
  const Json &stage = summary.at("stages").at(0);
  EXPECT_EQ(stage.at("end_reason"), "the strategy has nothing more to propose");
  // beam 8, candidates_per_level 8 on 8 layers of 3: 3 + 3 x 2 + 6 x 8 evaluations.
  EXPECT_EQ(stage.at("trials"), 57);
  EXPECT_EQ(stage.at("by_status").at("ok"), 57);
}

} // namespace
