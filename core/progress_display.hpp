// The one-line progress display on a terminal: trials done/budget, best so far, rate.
// Silent when stderr is not a terminal (logs and CI stay clean).
#pragma once

#include <string>

namespace nas::core {

class ProgressDisplay {
public:
  ProgressDisplay();
  // Redraws at most ten times a second unless `force`.
  void update(const std::string &stage, long done, long budget, double best, double rate,
              bool force = false);
  // Ends the line so later output starts on a fresh one.
  void finish();
  bool enabled() const { return enabled_; }

private:
  bool enabled_;
  bool drawn_ = false;
  double last_ = 0;
};

} // namespace nas::core
