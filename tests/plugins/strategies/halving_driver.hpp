// Test support for nas.strategy.successive_halving and nas.strategy.hyperband: a small host
// loop over the ABI (asks until `workers` trials are pending, then completes one or a
// batch, as the inline executor does) with test.evaluator.fidelity scoring the trials, a log of
// every ask and tell, and checks of the rung logic against that log.
#pragma once

#include "plugin_harness.hpp" // StrategyClient, EvaluatorClient
#include "registry.hpp"       // core/

#include <nas/random.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace nas::test::halving {

// The build's plugins and the test plugins these tests use: test.evaluator.fidelity, and
// test.strategy.batch_wait as a sampler that waits.
inline const core::Registry &halving_registry() {
  static const core::Registry registry = [] {
    core::Registry r;
    r.add_folder(NAS_BUILD_PLUGIN_DIR);
    r.add_folder(NAS_TEST_PLUGIN_DIR "/fidelity");
    r.add_folder(NAS_TEST_PLUGIN_DIR "/wait");
    return r;
  }();
  return registry;
}

// One trial as the driver saw it. `bracket` is the s of a Hyperband tag, -1 without one.
struct Trial {
  int64_t id = 0;
  Choices choices;
  double fidelity = 1.0;
  int64_t resume_from = -1;
  std::string tag;
  int bracket = -1;
  int rung = -1;
  size_t asked_at = 0; // the driver's event counter
  size_t told_at = 0;  // 0 while pending
  bool valid = false;
  double score = NAN;
};

// "rung 2" or "bracket 3 rung 1" into (bracket, rung); false for anything else.
inline bool parse_tag(const std::string &tag, int &bracket, int &rung) {
  char rest = 0;
  bracket = -1;
  if (std::sscanf(tag.c_str(), "bracket %d rung %d%c", &bracket, &rung, &rest) == 2)
    return true;
  bracket = -1;
  return std::sscanf(tag.c_str(), "rung %d%c", &rung, &rest) == 1;
}

enum class Order { fifo, shuffled };

struct Options {
  size_t workers = 1;        // trials pending at most
  double fail_fraction = 0;  // test.evaluator.fidelity's
  Order order = Order::fifo; // which pending trial completes next
  size_t batch = 1;          // trials completed between two fills
  std::string sampler = "nas.strategy.random";
  Json sampler_config = Json::object();
};

// nas.space.nb201, the strategy under test with its sampler, and test.evaluator.fidelity,
// created and bound as the host does (the instances' paths give their seeds).
class Driver {
public:
  Driver(uint64_t seed, const std::string &strategy, const Json &config, size_t workers = 1,
         double fail_fraction = 0.0, Order order = Order::fifo)
      : Driver(seed, strategy, config, Options{workers, fail_fraction, order}) {}

  Driver(uint64_t seed, const std::string &strategy, const Json &config, const Options &options)
      : options_(options), order_rng_(seed ^ 0x5eedu), run_(std::make_shared<core::RunContext>()) {
    run_->seed = seed;
    core::Instance &space = create("nas.space.nb201", Json::object(), "space");
    space_ = SpaceRef(space.raw());
    core::Instance &sampler =
        create(options.sampler, options.sampler_config, "stage.0.strategy.sampler");
    sampler.bind("space", space);
    core::Instance &self = create(strategy, config, "stage.0.strategy");
    self.bind("sampler", sampler);
    strategy_.emplace(self, space_.num_decisions());
    core::Instance &evaluator =
        create("test.evaluator.fidelity", Json{{"fail_fraction", options.fail_fraction}},
               "stage.0.evaluator");
    evaluate_.emplace(evaluator, space_);
  }
  ~Driver() {
    while (!owned_.empty())
      owned_.pop_back(); // the last created goes first: collaborators outlive their users
  }
  Driver(const Driver &) = delete;
  Driver &operator=(const Driver &) = delete;

  const StrategyClient &strategy() const { return *strategy_; }
  const std::vector<Trial> &trials() const { return trials_; }
  size_t pending() const { return pending_.size(); }
  size_t asks() const { return asks_; }
  // NAS_WAIT answers (each came while fewer than `workers` trials were pending).
  size_t waits() const { return waits_; }
  bool done() const { return done_; }
  bool stalled() const { return stalled_; }
  const std::vector<std::string> &errors() const { return errors_; }

  // Asks until `workers` trials are pending, the strategy waits or is done, or `limit`
  // trials were asked in all.
  void fill(size_t limit) {
    while (!done_ && pending_.size() < options_.workers && trials_.size() < limit) {
      Proposal p = strategy_->ask(next_id_);
      ++asks_;
      ++clock_;
      if (p.status == NAS_WAIT) {
        ++waits_;
        return;
      }
      if (p.status == NAS_DONE) {
        done_ = true;
        return;
      }
      if (!p.ok()) {
        errors_.push_back("ask " + std::to_string(next_id_) + ": " + p.message);
        done_ = true;
        return;
      }
      Trial t;
      t.id = next_id_++;
      t.choices = p.choices;
      t.fidelity = p.fidelity;
      t.resume_from = p.resume_from;
      t.tag = p.tag;
      if (!parse_tag(p.tag, t.bracket, t.rung))
        errors_.push_back("trial " + std::to_string(t.id) + " has the tag '" + p.tag + "'");
      t.asked_at = clock_;
      space_.canonicalize(t.choices); // as the host does before telling
      pending_.push_back(trials_.size());
      trials_.push_back(std::move(t));
    }
  }

  // Evaluates and tells pending trial number `which` (in pending order).
  void complete(size_t which) {
    size_t index = pending_.at(which);
    pending_.erase(pending_.begin() + static_cast<std::ptrdiff_t>(which));
    Trial &t = trials_[index];
    Evaluation e = evaluate_->evaluate(t.choices, t.fidelity);
    t.valid = e.ok();
    t.score = e.ok() ? e.metrics.at("score").get<double>() : NAN;
    t.told_at = ++clock_;
    CallResult r =
        strategy_->tell(t.id, t.choices, t.score, e.ok() ? NAS_TRIAL_OK : NAS_TRIAL_FAILED,
                        t.fidelity, e.ok() ? e.text : "{}");
    if (!r.ok())
      errors_.push_back("tell " + std::to_string(t.id) + ": " + r.message);
  }

  // One round: fill, then complete `batch` pending trials. False when nothing is left to do.
  bool step(size_t limit) {
    fill(limit);
    if (pending_.empty()) {
      stalled_ = !done_ && trials_.size() < limit; // waits with nothing pending
      return false;
    }
    for (size_t i = 0; i < options_.batch && !pending_.empty(); ++i)
      complete(options_.order == Order::fifo ? 0 : order_rng_.below(pending_.size()));
    return true;
  }

  // Steps until `limit` trials were asked and told, the strategy is done, or it stalls.
  void run(size_t limit) {
    while (step(limit)) {
    }
  }

  // For save/load: this driver continues where `other` is (its log, pending trials, ids,
  // completion order), with this driver's strategy loaded from `other`'s state.
  void continue_from(const Driver &other) {
    trials_ = other.trials_;
    pending_ = other.pending_;
    next_id_ = other.next_id_;
    clock_ = other.clock_;
    order_rng_ = other.order_rng_;
  }

private:
  core::Instance &create(const std::string &name, const Json &config, const std::string &path) {
    owned_.push_back(core::Instance::create(halving_registry(), name, config, run_, path));
    return *owned_.back();
  }

  Options options_;
  Rng order_rng_;
  std::shared_ptr<core::RunContext> run_;
  std::vector<std::unique_ptr<core::Instance>> owned_;
  SpaceRef space_;
  std::optional<StrategyClient> strategy_;
  std::optional<EvaluatorClient> evaluate_;

  std::vector<Trial> trials_;
  std::vector<size_t> pending_; // indices into trials_
  int64_t next_id_ = 1;
  size_t clock_ = 0, asks_ = 0, waits_ = 0;
  bool done_ = false, stalled_ = false;
  std::vector<std::string> errors_;
};

// ---- checks on a driver's log ---------------------------------------------------------------

inline const Trial *by_id(const std::vector<Trial> &trials, int64_t id) {
  for (const Trial &t : trials)
    if (t.id == id)
      return &t;
  return nullptr;
}

// 1 / eta^k, computed as the strategies compute it.
inline double fidelity_at(int64_t eta, int k) {
  double p = 1.0;
  for (int i = 0; i < k; ++i)
    p *= static_cast<double>(eta);
  return 1.0 / p;
}

// The valid trials of `rung`, best first (ties: the earlier trial), as the strategies rank.
inline std::vector<const Trial *> ranked(std::vector<const Trial *> rung) {
  rung.erase(std::remove_if(rung.begin(), rung.end(), [](const Trial *t) { return !t->valid; }),
             rung.end());
  std::sort(rung.begin(), rung.end(), [](const Trial *a, const Trial *b) {
    return a->score != b->score ? a->score > b->score : a->id < b->id;
  });
  return rung;
}

// Every promotion continues a valid trial of the same architecture one rung lower, at
// eta times its fidelity; every bottom-rung trial resumes nothing.
inline void expect_resumes_from_lower_rung(const std::vector<Trial> &trials, int64_t eta) {
  for (const Trial &t : trials) {
    SCOPED_TRACE("trial " + std::to_string(t.id) + " (" + t.tag + ")");
    if (t.rung == 0) {
      EXPECT_EQ(t.resume_from, -1);
      continue;
    }
    const Trial *lower = by_id(trials, t.resume_from);
    ASSERT_NE(lower, nullptr) << "resume_from " << t.resume_from << " is no trial";
    EXPECT_EQ(lower->choices, t.choices);
    EXPECT_EQ(lower->rung, t.rung - 1);
    EXPECT_EQ(lower->bracket, t.bracket);
    EXPECT_TRUE(lower->valid) << "a failed trial was promoted";
    EXPECT_NEAR(lower->fidelity * static_cast<double>(eta), t.fidelity, 1e-12);
    EXPECT_LT(lower->told_at, t.asked_at) << "promoted before its result was told";
    EXPECT_NE(lower->told_at, 0u);
  }
  // Nothing is promoted twice.
  std::map<int64_t, int> continued;
  for (const Trial &t : trials) {
    if (t.resume_from >= 0) {
      EXPECT_EQ(++continued[t.resume_from], 1) << "trial " << t.resume_from << " promoted twice";
    }
  }
}

// A sync run split into its brackets, in ask order (a bracket ends before the next begins,
// and Hyperband's consecutive brackets differ in s).
inline std::vector<std::vector<const Trial *>> sync_brackets(const std::vector<Trial> &trials) {
  std::vector<std::vector<const Trial *>> out;
  const Trial *last = nullptr;
  for (const Trial &t : trials) {
    if (!last || t.bracket != last->bracket || (t.rung == 0 && last->rung != 0))
      out.emplace_back();
    out.back().push_back(&t);
    last = &t;
  }
  return out;
}

// The number of trials in each rung of `bracket`, bottom first.
inline std::vector<size_t> rung_sizes(const std::vector<const Trial *> &bracket) {
  std::vector<size_t> sizes;
  for (const Trial *t : bracket) {
    if (sizes.size() <= static_cast<size_t>(t->rung))
      sizes.resize(static_cast<size_t>(t->rung) + 1);
    ++sizes[static_cast<size_t>(t->rung)];
  }
  return sizes;
}

// The trials of one bracket by rung.
inline std::map<int, std::vector<const Trial *>> rungs_of(const std::vector<const Trial *> &b) {
  std::map<int, std::vector<const Trial *>> out;
  for (const Trial *t : b)
    out[t->rung].push_back(t);
  return out;
}

// Sync: rung r + 1 of a bracket begins only once rung r was told in full, and is its top
// floor(n_r / eta) valid trials, asked best first.
inline void expect_sync_promotions(const std::vector<const Trial *> &bracket, int64_t eta) {
  auto rungs = rungs_of(bracket);
  for (auto it = rungs.begin(); std::next(it) != rungs.end(); ++it) {
    const auto &lower = it->second, &upper = std::next(it)->second;
    SCOPED_TRACE("rung " + std::to_string(it->first) + " -> " + std::to_string(it->first + 1));
    size_t last_told = 0, first_asked = SIZE_MAX;
    for (const Trial *t : lower)
      last_told = std::max(last_told, t->told_at);
    for (const Trial *t : upper)
      first_asked = std::min(first_asked, t->asked_at);
    EXPECT_LT(last_told, first_asked) << "the rung barrier was not kept";
    std::vector<const Trial *> best = ranked(lower);
    size_t k = std::min(lower.size() / static_cast<size_t>(eta), best.size());
    ASSERT_EQ(upper.size(), k);
    for (size_t i = 0; i < k; ++i)
      EXPECT_EQ(upper[i]->resume_from, best[i]->id) << "promotion " << i;
  }
}

// A finished ASHA bracket (`bracket`: its tag's s, -1 without): rung r has `least[r]`
// trials at least (rung 0 exactly), and the final top floor(valid / eta) of every rung below
// the top were all promoted.
inline void expect_final_tops_promoted(const std::vector<Trial> &trials, int64_t eta,
                                       const std::vector<size_t> &least, int bracket) {
  std::vector<const Trial *> mine;
  for (const Trial &t : trials)
    if (t.bracket == bracket)
      mine.push_back(&t);
  std::vector<size_t> sizes = rung_sizes(mine);
  ASSERT_EQ(sizes.size(), least.size());
  EXPECT_EQ(sizes[0], least[0]);
  auto rungs = rungs_of(mine);
  for (size_t r = 0; r < least.size(); ++r) {
    EXPECT_GE(sizes[r], least[r]) << "rung " << r;
    if (r + 1 == least.size())
      break;
    std::vector<const Trial *> best = ranked(rungs[static_cast<int>(r)]);
    std::set<int64_t> continued;
    for (const Trial *t : rungs[static_cast<int>(r) + 1])
      continued.insert(t->resume_from);
    for (size_t i = 0; i < best.size() / static_cast<size_t>(eta); ++i)
      EXPECT_EQ(continued.count(best[i]->id), 1u) << "rung " << r << ", place " << i;
  }
}

// ASHA, replayed from the log: at every ask, if some rung has a valid trial in the top
// floor(valid / eta) of its results told so far that is not promoted yet, the ask promotes
// the best such trial of the highest level (brackets in the order given by `bracket_order`,
// a list of bracket tags' s); otherwise it samples a new bottom-rung architecture.
// `level_of(trial)` gives a trial's ladder level.
template <class LevelOf>
void expect_asha_promotions(const std::vector<Trial> &trials, int64_t eta, int top,
                            const std::vector<int> &bracket_order, LevelOf level_of) {
  std::vector<const Trial *> by_ask;
  for (const Trial &t : trials)
    by_ask.push_back(&t);
  std::sort(by_ask.begin(), by_ask.end(),
            [](const Trial *a, const Trial *b) { return a->asked_at < b->asked_at; });
  std::map<int64_t, bool> promoted;
  for (const Trial *asked : by_ask) {
    SCOPED_TRACE("trial " + std::to_string(asked->id) + " (" + asked->tag + ")");
    const Trial *expected = nullptr;
    for (int level = top - 1; level >= 0 && !expected; --level)
      for (int bracket : bracket_order) {
        std::vector<const Trial *> rung;
        for (const Trial &t : trials)
          if (t.bracket == bracket && level_of(t) == level && t.told_at != 0 &&
              t.told_at < asked->asked_at)
            rung.push_back(&t);
        // A bracket's top rung (level top) is never promoted; `level < top` holds here.
        std::vector<const Trial *> best = ranked(rung);
        size_t k = best.size() / static_cast<size_t>(eta);
        for (size_t i = 0; i < k && !expected; ++i)
          if (!promoted[best[i]->id])
            expected = best[i];
        if (expected)
          break;
      }
    if (expected) {
      EXPECT_EQ(asked->resume_from, expected->id) << "expected the promotion of " << expected->id;
      promoted[expected->id] = true;
    } else {
      EXPECT_EQ(asked->rung, 0) << "nothing was promotable, expected a new architecture";
    }
    if (asked->resume_from >= 0 && !expected)
      promoted[asked->resume_from] = true;
  }
}

} // namespace nas::test::halving
