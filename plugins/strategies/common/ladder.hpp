// The fidelity ladder of successive halving and Hyperband: levels 0..top, each eta times the
// fidelity of the one below, the top at fidelity 1 (Li et al., JMLR 2018: r_i = R eta^(i-s)).
#pragma once

#include <cstdint>

namespace nas::halving {

class Ladder {
public:
  Ladder() = default;
  // top = floor(log_eta(1 / min_fidelity)), computed without log() so powers of 1/eta given
  // in decimal (1/27 = 0.037037...) land on their level.
  Ladder(int64_t eta, double min_fidelity) : eta_(eta) {
    while (power(top_ + 1) * min_fidelity <= 1.0 + 1e-9)
      ++top_;
  }

  int64_t eta() const { return eta_; }
  // The highest level, s_max in the Hyperband paper; fidelity(top()) == 1.
  int top() const { return top_; }
  // eta^(level - top), exactly 1 / eta^k for the integer k = top - level.
  double fidelity(int level) const { return 1.0 / power(top_ - level); }
  // eta^k as a double (exact while below 2^53).
  double power(int k) const {
    double p = 1.0;
    for (int i = 0; i < k; ++i)
      p *= static_cast<double>(eta_);
    return p;
  }

private:
  int64_t eta_ = 3;
  int top_ = 0;
};

// Hyperband's bracket sizes: bracket s (s + 1 rungs, starting at level top - s) begins with
// n = ceil((s_max + 1) / (s + 1) * eta^s) architectures, in integers (a double would round
// 4/3 * 9 up to 13).
inline int64_t hyperband_bracket_size(const Ladder &ladder, int s) {
  const auto top_plus_one = static_cast<int64_t>(ladder.top()) + 1;
  const auto eta_s = static_cast<int64_t>(ladder.power(s));
  return (top_plus_one * eta_s + s) / (s + 1);
}

} // namespace nas::halving
