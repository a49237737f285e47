// Strategies that answer NAS_WAIT, for the tests of the host's search loop.
//
// test.strategy.batch_wait proposes batches of `batch` (config, default 3) random
// architectures and answers NAS_WAIT until every trial of the current batch was told, as
// batch-synchronous methods do. It counts every ask call, and tags each proposal with
// "ask=<asks so far, this one included> wait=<WAIT answers so far> batch=<batch number,
// from 1> pending=<trials of the batch not told yet, before this proposal>", so the tests
// can see how often the host asked (no busy loop) and that several trials were pending.
//
// test.strategy.always_wait answers NAS_WAIT to every ask and never proposes anything; it
// logs (warn) how often it was asked when it is destroyed.
#include <nas/plugin.hpp>
#include <nas/random.hpp>

#include <set>

namespace nas::test {

class BatchWaitStrategy final : public Strategy {
public:
  BatchWaitStrategy(const Config &config, const Host &host)
      : Strategy(host), batch_(config.get_int("batch", 3)), rng_(host.seed("sample")) {
    if (batch_ < 1)
      throw ConfigError("batch", "'batch' must be at least 1");
  }

  static Info info() {
    Info i;
    i.name = "test.strategy.batch_wait";
    i.version = "1.0.0";
    i.description = "Test strategy: random batches, NAS_WAIT until a batch is told.";
    i.config = R"({"batch": {"type": "int", "default": 3, "help": "proposals per batch"}})";
    i.roles = R"({"space": {"kind": "space", "required": true, "help": "the space sampled"}})";
    return i;
  }

  void bind(const std::string &role, nas_instance_t *other) override {
    if (role != "space")
      return Strategy::bind(role, other);
    space_ = SpaceRef(other);
  }

  Ask ask(int64_t trial_id, Proposal &out) override {
    ++asks_;
    if (in_batch_ == batch_) {
      if (!pending_.empty()) {
        ++waits_;
        return Ask::wait;
      }
      in_batch_ = 0; // the whole batch was told: the next one starts
    }
    if (in_batch_ == 0)
      ++batches_;
    for (uint32_t i = 0; i < out.choices.size(); ++i)
      out.choices[i] = static_cast<int32_t>(rng_.below(space_.num_options(i)));
    out.tag = "ask=" + std::to_string(asks_) + " wait=" + std::to_string(waits_) +
              " batch=" + std::to_string(batches_) + " pending=" + std::to_string(pending_.size());
    pending_.insert(trial_id);
    ++in_batch_;
    return Ask::ok;
  }

  void tell(const Outcome &o) override { pending_.erase(o.trial_id); }

private:
  int64_t batch_;
  Rng rng_;
  SpaceRef space_;
  int64_t asks_ = 0, waits_ = 0, batches_ = 0, in_batch_ = 0;
  std::set<int64_t> pending_; // asked in this batch, not told yet
};

class AlwaysWaitStrategy final : public Strategy {
public:
  AlwaysWaitStrategy(const Config &, const Host &host) : Strategy(host) {}
  ~AlwaysWaitStrategy() override {
    host().warn("test.strategy.always_wait was asked " + std::to_string(asks_) + " times");
  }

  static Info info() {
    Info i;
    i.name = "test.strategy.always_wait";
    i.version = "1.0.0";
    i.description = "Test strategy: answers NAS_WAIT to every ask, never proposes.";
    i.roles = R"({"space": {"kind": "space", "required": true, "help": "unused"}})";
    return i;
  }

  void bind(const std::string &role, nas_instance_t *other) override {
    if (role != "space")
      return Strategy::bind(role, other);
  }

  Ask ask(int64_t, Proposal &) override {
    ++asks_;
    return Ask::wait;
  }
  void tell(const Outcome &) override {}

private:
  int64_t asks_ = 0;
};

} // namespace nas::test

NAS_PLUGIN_LIBRARY(nas::test::BatchWaitStrategy, nas::test::AlwaysWaitStrategy);
