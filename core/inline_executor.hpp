// Runs the stage's runner (its evaluator, or its one-shot strategy) in the host process,
// one trial at a time: no process cost, for
// tabular benchmarks and tests. `capacity` trials may be pending at once (evaluated in
// submission order), so strategies see several pending asks as they will with workers.
#pragma once

#include "executor.hpp"
#include "instance.hpp"

#include <deque>

namespace nas::core {

class InlineExecutor : public Executor {
public:
  InlineExecutor(const Instance &runner, RunContext &run, size_t capacity = 1)
      : runner_(runner), run_(run), capacity_(capacity) {}
  size_t capacity() const override { return capacity_; }
  size_t in_flight() const override { return queue_.size(); }
  void submit(TrialJob job) override { queue_.push_back(std::move(job)); }
  TrialOutcome wait_one() override;

private:
  const Instance &runner_;
  RunContext &run_;
  size_t capacity_;
  std::deque<TrialJob> queue_;
};

} // namespace nas::core
