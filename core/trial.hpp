// A trial as the host keeps it, and the names of trial statuses.
#pragma once

#include "json.hpp"

#include <nas/abi.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace nas::core {

struct TrialRecord {
  int64_t id = 0;
  std::string stage;
  std::vector<int32_t> choices; // canonical
  std::string canonical;        // the space's exact string
  std::string key;              // the dedupe key (exact string or equivalence key)
  double fidelity = 1.0;
  uint32_t repeat = 0;
  uint64_t seed = 0;
  std::string tag;
  int32_t status = NAS_TRIAL_OK;
  Json metrics = Json::object();
  double objective = NAN; // maximized; NaN when the trial has no value
  std::string error;
  double started = 0, ended = 0; // seconds since the epoch
  int64_t cached_from = -1;      // for status cached: the trial that answered it
};

// "ok", "failed", ...; "unknown" for codes this host does not know.
const char *status_name(int32_t status);
// The status for a name, or -1.
int32_t status_from_name(const std::string &name);

Json to_json(const TrialRecord &t);
TrialRecord trial_from_json(const Json &j);

} // namespace nas::core
