// One interface for every way of running trials: the search loop submits when there is
// room and completes a trial when the executor answers, so it is asynchronous from the
// start. InlineExecutor runs the stage's runner (its evaluator, or its one-shot strategy)
// in the host process; worker processes and MPI ranks are other implementations of the
// same interface.
#pragma once

#include "json.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace nas::core {

struct TrialJob {
  int64_t id = 0;
  std::vector<int32_t> choices;
  std::string canonical;
  std::string ir_json;
  double fidelity = 1.0;
  uint64_t seed = 0;
  uint32_t repeat = 0;
  std::string artifact_dir;
  std::string resume_from;
  std::string tag;
  // A one-shot search: the stage's strategy runs it (nas.oneshot/1), `choices` only says
  // how many decisions it derives, ir_json is the supernet IR.
  bool oneshot = false;
};

struct TrialOutcome {
  int64_t id = 0;
  int32_t status = 0; // NAS_TRIAL_*
  Json metrics = Json::object();
  std::string error;
  double started = 0, ended = 0;
  int worker = 0;               // which worker ran it (0: the host process)
  std::vector<int32_t> choices; // a one-shot search's derived architecture; else empty
};

class Executor {
public:
  virtual ~Executor() = default;
  // How many trials may be in flight at once.
  virtual size_t capacity() const = 0;
  virtual size_t in_flight() const = 0;
  virtual void submit(TrialJob job) = 0;
  // Blocks until one submitted trial finishes and returns it. Requires in_flight() > 0.
  virtual TrialOutcome wait_one() = 0;
};

} // namespace nas::core
