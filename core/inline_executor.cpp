#include "inline_executor.hpp"

#include "evaluation.hpp"

#include <stdexcept>

namespace nas::core {

TrialOutcome InlineExecutor::wait_one() {
  if (queue_.empty())
    throw std::logic_error("InlineExecutor::wait_one with no trial in flight");
  TrialJob job = std::move(queue_.front());
  queue_.pop_front();
  run_.current_trial = job.id;
  run_.stop_trial = false;
  TrialOutcome out = evaluate_trial(runner_, job);
  run_.current_trial = 0;
  return out;
}

} // namespace nas::core
