// The REINFORCE baseline: an exponential moving average of the rewards with the bias
// correction of NAS-Bench-201's code (numerator and denominator decay alike), so its first
// value is the first reward rather than (1 - decay) times it.
#pragma once

#include <cmath>

namespace nas::reinforce {

class MovingAverage {
public:
  explicit MovingAverage(double decay = 0.9) : decay_(decay) {}

  void update(double value) {
    numerator_ = decay_ * numerator_ + (1 - decay_) * value;
    denominator_ = decay_ * denominator_ + (1 - decay_);
  }
  // NaN before the first update.
  double value() const { return denominator_ > 0 ? numerator_ / denominator_ : NAN; }

  double numerator() const { return numerator_; }
  double denominator() const { return denominator_; }
  void restore(double numerator, double denominator) {
    numerator_ = numerator;
    denominator_ = denominator;
  }

private:
  double decay_;
  double numerator_ = 0;
  double denominator_ = 0;
};

} // namespace nas::reinforce
