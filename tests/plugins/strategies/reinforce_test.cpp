// nas.strategy.reinforce driven through the C ABI as the host drives it, on the two benchmark
// spaces (nas.space.nb201: 6 decisions of 5 options; nas.space.nasbench_macro: 8 of 3), with
// rewards computed here from the choices so each test knows the best architecture.
#include "plugin_harness.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace {

using nas::Choices;
using nas::test::CallResult;
using nas::test::Harness;
using nas::test::Json;
using nas::test::Proposal;
using nas::test::StrategyClient;

constexpr const char *kName = "nas.strategy.reinforce";

struct SpaceCase {
  const char *name;
  uint32_t decisions;
  uint32_t options; // every decision of both spaces has this many
  double total;
  int32_t best; // the option the toy reward counts (nb201: nor_conv_3x3)
};
const SpaceCase kNb201{"nas.space.nb201", 6, 5, 15625, 3};
const SpaceCase kMacro{"nas.space.nasbench_macro", 8, 3, 6561, 2};

// The toy reward: how many decisions take `best`; the best architecture takes it everywhere.
double count_of(const Choices &c, int32_t best) {
  double n = 0;
  for (int32_t v : c)
    n += v == best;
  return n;
}

// The probability the strategy writes in a proposal's tag ("p=0.0123").
double tag_probability(const Proposal &p) {
  double v = NAN;
  if (std::sscanf(p.tag.c_str(), "p=%lf", &v) != 1)
    ADD_FAILURE() << "tag '" << p.tag << "' holds no probability";
  return v;
}

// What a trial's outcome is: a value, or NaN with a status.
struct Result {
  double value;
  int32_t status = NAS_TRIAL_OK;
};
using Rewarder = std::function<Result(const Choices &)>;

// Asks until the strategy waits, then tells the pending proposals (in reverse order, as
// asynchronous workers might), until `tells` trials were told. Records every proposal.
struct Driver {
  Driver(StrategyClient &client, Rewarder rewarder, int64_t first_id = 1)
      : s(client), reward(std::move(rewarder)), next_id(first_id) {}

  StrategyClient &s;
  Rewarder reward;
  int64_t next_id;
  std::vector<Proposal> proposals;

  void run(size_t tells) {
    size_t told = 0;
    while (told < tells) {
      std::vector<std::pair<int64_t, Choices>> pending;
      for (;;) {
        Proposal p = s.ask(next_id);
        if (p.status == NAS_WAIT)
          break;
        ASSERT_TRUE(p.ok()) << p;
        pending.emplace_back(next_id++, p.choices);
        proposals.push_back(p);
        ASSERT_LE(pending.size(), 4096u) << "it never waits";
      }
      ASSERT_FALSE(pending.empty()) << "it waits with nothing pending: stalled";
      for (size_t i = pending.size(); i-- > 0;) {
        Result r = reward(pending[i].second);
        ASSERT_TRUE(s.tell(pending[i].first, pending[i].second, r.value, r.status).ok());
        ++told;
      }
    }
  }
};

Rewarder counting(int32_t best) {
  return [best](const Choices &c) { return Result{count_of(c, best)}; };
}

class ReinforceTest : public ::testing::TestWithParam<SpaceCase> {
protected:
  const SpaceCase &space() const { return GetParam(); }
};

std::string space_name(const ::testing::TestParamInfo<SpaceCase> &info) {
  std::string name = info.param.name;
  return name.substr(name.rfind('.') + 1);
}

TEST_P(ReinforceTest, NeverProposesOutsideTheSpace) {
  for (const char *controller : {"lstm", "logits"}) {
    SCOPED_TRACE(controller);
    Harness h(11, space().name);
    StrategyClient s = h.strategy(kName, {{"controller", controller}, {"batch", 3}});
    Driver d{s, counting(space().best)};
    d.run(400);
    for (const Proposal &p : d.proposals) {
      ASSERT_EQ(p.choices.size(), space().decisions);
      EXPECT_EQ(p.fidelity, 1.0);
      EXPECT_EQ(p.resume_from, -1);
      for (int32_t v : p.choices)
        ASSERT_TRUE(v >= 0 && static_cast<uint32_t>(v) < space().options) << v;
      Choices canonical = p.choices;
      ASSERT_NO_THROW(h.space().canonicalize(canonical));
      ASSERT_NO_THROW(h.space().to_string(p.choices));
      double prob = tag_probability(p);
      EXPECT_TRUE(prob > 0 && prob <= 1) << p.tag;
    }
  }
}

TEST_P(ReinforceTest, SameSeedSameSequenceOtherSeedOtherSequence) {
  auto run = [&](uint64_t seed, const char *controller) {
    Harness h(seed, space().name);
    StrategyClient s = h.strategy(kName, {{"controller", controller}, {"batch", 2}});
    Driver d{s, counting(space().best)};
    d.run(200);
    std::vector<std::pair<Choices, std::string>> out;
    for (const Proposal &p : d.proposals)
      out.emplace_back(p.choices, p.tag);
    return out;
  };
  for (const char *controller : {"lstm", "logits"}) {
    SCOPED_TRACE(controller);
    auto a = run(42, controller), b = run(42, controller), c = run(43, controller);
    ASSERT_EQ(a.size(), 200u);
    EXPECT_EQ(a, b); // choices and probabilities, bit for bit
    size_t same = 0;
    for (size_t i = 0; i < 50; ++i)
      same += a[i].first == c[i].first;
    EXPECT_LT(same, 10u) << "two seeds agree on " << same << " of the first 50 proposals";
  }
}

TEST(Reinforce, WaitsUntilTheWholeBatchIsTold) {
  Harness h(5, kMacro.name);
  StrategyClient s = h.strategy(kName, {{"batch", 4}});
  std::vector<Choices> batch;
  for (int64_t id = 1; id <= 4; ++id) {
    Proposal p = s.ask(id);
    ASSERT_TRUE(p.ok()) << p;
    batch.push_back(p.choices);
  }
  EXPECT_EQ(s.ask(5).status, NAS_WAIT);
  // Told out of order, with an unknown trial and a repeat in between: still waiting.
  EXPECT_TRUE(s.tell(3, batch[2], 1.0).ok());
  EXPECT_TRUE(s.tell(1, batch[0], 2.0).ok());
  EXPECT_TRUE(s.tell(99, batch[0], 5.0).ok());
  EXPECT_TRUE(s.tell(1, batch[0], 7.0).ok());
  EXPECT_TRUE(s.tell(4, batch[3], NAN, NAS_TRIAL_FAILED).ok());
  EXPECT_EQ(s.ask(5).status, NAS_WAIT);
  EXPECT_EQ(s.ask(5).status, NAS_WAIT);
  EXPECT_TRUE(s.tell(2, batch[1], 3.0).ok());
  for (int64_t id = 5; id <= 8; ++id)
    EXPECT_TRUE(s.ask(id).ok()) << "ask " << id << " after the batch was told";
  EXPECT_EQ(s.ask(9).status, NAS_WAIT);

  // The default batch is one: a second pending ask waits.
  StrategyClient one = h.strategy(kName, {}, "one");
  Proposal p = one.ask(1);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(one.ask(2).status, NAS_WAIT);
  EXPECT_TRUE(one.tell(1, p.choices, 0.5).ok());
  EXPECT_TRUE(one.ask(2).ok());
}

TEST_P(ReinforceTest, SaveThenLoadContinuesIdentically) {
  for (const char *controller : {"lstm", "logits"}) {
    // Saved after k tells, mid-batch (batch 3: some of the batch asked, some told).
    for (size_t k : {0, 1, 7, 100}) {
      SCOPED_TRACE(std::string(controller) + ", k = " + std::to_string(k));
      const Json config = {{"controller", controller}, {"batch", 3}};
      Harness h(21, space().name);
      StrategyClient original = h.strategy(kName, config);
      Driver d{original, counting(space().best)};
      d.run(k);
      // Two more asked, one told.
      Proposal a = original.ask(d.next_id), b = original.ask(d.next_id + 1);
      ASSERT_TRUE(a.ok() && b.ok()) << a << " " << b;
      original.tell(d.next_id, a.choices, count_of(a.choices, space().best));
      std::string state;
      ASSERT_TRUE(original.save(state).ok());

      // Another run (another seed): load must replace everything.
      Harness other(999, space().name);
      StrategyClient fresh = other.strategy(kName, config);
      fresh.ask(1);
      CallResult loaded = fresh.load(state);
      ASSERT_TRUE(loaded.ok()) << loaded;

      // Both finish the batch and go on alike.
      for (StrategyClient *s : {&original, &fresh})
        ASSERT_TRUE(s->tell(d.next_id + 1, b.choices, count_of(b.choices, space().best)).ok());
      Driver x{original, counting(space().best), d.next_id + 2};
      Driver y{fresh, counting(space().best), d.next_id + 2};
      x.run(60);
      y.run(60);
      ASSERT_EQ(x.proposals.size(), y.proposals.size());
      for (size_t i = 0; i < x.proposals.size(); ++i) {
        ASSERT_EQ(x.proposals[i].choices, y.proposals[i].choices) << "ask " << i << " after";
        ASSERT_EQ(x.proposals[i].tag, y.proposals[i].tag) << "ask " << i << " after";
      }
      std::string s1, s2;
      ASSERT_TRUE(original.save(s1).ok());
      ASSERT_TRUE(fresh.save(s2).ok());
      EXPECT_EQ(Json::parse(s1).at("pending"), Json::parse(s2).at("pending"));
      EXPECT_EQ(Json::parse(s1).at("baseline"), Json::parse(s2).at("baseline"));
    }
  }
}

TEST_P(ReinforceTest, LoadRefusesOtherStatesAndKeepsItsOwn) {
  const SpaceCase &elsewhere = space().name == kNb201.name ? kMacro : kNb201;
  Harness there(1, elsewhere.name);
  StrategyClient foreign = there.strategy(kName);
  std::string foreign_state, logits_state;
  foreign.ask(1);
  ASSERT_TRUE(foreign.save(foreign_state).ok());
  Harness h(1, space().name), twin_h(1, space().name);
  StrategyClient logits = h.strategy(kName, {{"controller", "logits"}}, "logits");
  ASSERT_TRUE(logits.save(logits_state).ok());

  StrategyClient s = h.strategy(kName), twin = twin_h.strategy(kName);
  Driver ds{s, counting(space().best)}, dt{twin, counting(space().best)};
  ds.run(20);
  dt.run(20);
  for (const std::string &bad :
       {foreign_state, logits_state, std::string(), std::string("{not json"),
        std::string(R"({"format": "nas.strategy.other/1"})")}) {
    CallResult r = s.load(bad);
    EXPECT_LT(r.status, 0) << bad.substr(0, 80);
    EXPECT_FALSE(r.message.empty());
  }
  // A damaged controller archive is refused too.
  std::string state;
  ASSERT_TRUE(s.save(state).ok());
  Json damaged = Json::parse(state);
  damaged["controller"] = "AAAA";
  EXPECT_LT(s.load(damaged.dump()).status, 0);
  ds.run(30);
  dt.run(30);
  ASSERT_EQ(ds.proposals.size(), dt.proposals.size());
  for (size_t i = 0; i < ds.proposals.size(); ++i)
    ASSERT_EQ(ds.proposals[i].choices, dt.proposals[i].choices) << "ask " << i;
}

TEST_P(ReinforceTest, FailedTrialsNeverStallItAndItLearnsToAvoidThem) {
  // Decision 0 at the toy reward's best option fails (a third or a fifth of the space), so
  // only the failures teach the controller to avoid it; the rest are told the toy reward.
  const int32_t best = space().best;
  Rewarder reward = [best](const Choices &c) {
    if (c[0] == best)
      return Result{NAN, NAS_TRIAL_FAILED};
    return Result{count_of(c, best)};
  };
  Harness h(8, space().name);
  StrategyClient s = h.strategy(kName, {{"batch", 2}});
  // Failures and infeasible results first, cached repeats and unknown trials in between.
  Proposal p1 = s.ask(1), p2 = s.ask(2);
  ASSERT_TRUE(p1.ok() && p2.ok());
  EXPECT_TRUE(s.tell(1, p1.choices, NAN, NAS_TRIAL_FAILED).ok());
  EXPECT_TRUE(s.tell(2, p2.choices, NAN, NAS_TRIAL_INFEASIBLE).ok());
  Proposal p3 = s.ask(3), p4 = s.ask(4);
  ASSERT_TRUE(p3.ok() && p4.ok()) << "stalled after a batch of failures";
  EXPECT_TRUE(s.tell(3, p3.choices, 2.0, NAS_TRIAL_CACHED).ok());
  EXPECT_TRUE(s.tell(12345, p3.choices, 1.0).ok());
  EXPECT_TRUE(s.tell(4, p4.choices, NAN, NAS_TRIAL_CRASHED).ok());
  Driver d{s, reward, 5};
  d.run(400);
  size_t failed = 0;
  for (size_t i = d.proposals.size() - 100; i < d.proposals.size(); ++i)
    failed += d.proposals[i].choices[0] == best;
  // Uniform sampling fails 1 in options; the controller learns to avoid it.
  EXPECT_LT(failed, 100 / space().options / 2) << failed << " of the last 100 failed";

  // A configured failure reward works alike.
  StrategyClient fixed = h.strategy(kName, {{"failure_reward", -5.0}}, "fixed");
  Driver f{fixed, reward};
  f.run(300);
}

// The issue's learning test: the toy reward's best architecture (one option per decision)
// becomes far more likely than uniform within a few hundred tells.
TEST_P(ReinforceTest, LearnsTheBestArchitectureOfAToySpace) {
  const double uniform = 1.0 / space().total;
  for (const char *controller : {"lstm", "logits"}) {
    SCOPED_TRACE(controller);
    auto start = std::chrono::steady_clock::now();
    Harness h(3, space().name);
    StrategyClient s = h.strategy(kName, {{"controller", controller}});
    Driver d{s, counting(space().best)};
    const Choices best(space().decisions, space().best);
    std::string curve;
    double last_p = NAN; // the tag's probability when the best was last proposed
    for (size_t window = 0; window < 5; ++window) {
      d.run(100);
      size_t hits = 0;
      for (size_t i = d.proposals.size() - 100; i < d.proposals.size(); ++i)
        if (d.proposals[i].choices == best) {
          ++hits;
          last_p = tag_probability(d.proposals[i]);
        }
      char line[160];
      std::snprintf(line, sizeof line,
                    "  tells %4zu: best proposed %3zu/100, p(best) %.4g (%.0fx)\n",
                    d.proposals.size(), hits, last_p, last_p / uniform);
      curve += line;
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%s on %s (uniform %.3g), %.2f s:\n%s", controller, space().name, uniform, seconds,
                curve.c_str());
    ASSERT_FALSE(std::isnan(last_p)) << "the best architecture was never proposed\n" << curve;
    EXPECT_GT(last_p, 100 * uniform) << curve;
    // The last 100 proposals: the best one far more often than uniform sampling would.
    size_t hits = 0;
    for (size_t i = d.proposals.size() - 100; i < d.proposals.size(); ++i)
      hits += d.proposals[i].choices == best;
    EXPECT_GE(hits, 5u) << curve;
  }
}

INSTANTIATE_TEST_SUITE_P(Reinforce, ReinforceTest, ::testing::Values(kNb201, kMacro), space_name);

TEST(Reinforce, RejectsBadConfig) {
  Harness h(1, kNb201.name);
  const std::vector<std::pair<Json, std::string>> bad = {
      {{{"controller", "gru"}}, "controller"},
      {{{"hidden", 0}}, "hidden"},
      {{{"learning_rate", 0.0}}, "learning_rate"},
      {{{"baseline_decay", 1.0}}, "baseline_decay"},
      {{{"entropy_weight", -1.0}}, "entropy_weight"},
      {{{"batch", 0}}, "batch"},
      {{{"threads", 0}}, "threads"},
      {{{"batch", "two"}}, "batch"}};
  for (const auto &[config, key] : bad) {
    auto error = h.create_error(kName, config);
    ASSERT_TRUE(error.has_value()) << config.dump();
    EXPECT_EQ(error->key(), key) << config.dump() << ": " << error->what();
  }
}

TEST(Reinforce, DescribesItselfAsATorchStrategy) {
  Harness h(1, kNb201.name);
  nas::core::Instance &inst = h.create(kName);
  EXPECT_EQ(inst.descriptor().kind, NAS_KIND_STRATEGY);
  EXPECT_TRUE(inst.descriptor().flags & NAS_FLAG_USES_LIBTORCH);
  Json config = Json::parse(inst.descriptor().config);
  for (const char *key : {"controller", "hidden", "learning_rate", "baseline_decay",
                          "entropy_weight", "batch", "failure_reward", "threads"})
    EXPECT_TRUE(config.contains(key)) << key;
}

TEST(Reinforce, AskWithoutASpaceOrWithTheWrongRoomIsAnError) {
  Harness bare(1);
  StrategyClient unbound(bare.create(kName), 6);
  Proposal p = unbound.ask(1);
  EXPECT_LT(p.status, 0);
  EXPECT_FALSE(p.message.empty());
  Harness h(1, kNb201.name);
  StrategyClient wrong(h.create(kName), 5); // the space has 6
  EXPECT_EQ(wrong.ask(1).status, NAS_ERR_INVALID_ARGUMENT);
}

} // namespace
