// The proposals of one controller update: asked in order, told in any order; the update
// waits until every one is told.
#pragma once

#include <nas/plugin.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

namespace nas::reinforce {

struct BatchMember {
  int64_t trial = -1;
  Choices choices; // as sampled (the host tells canonical choices; the log-likelihood needs these)
  bool told = false;
  double value = NAN; // the told objective; NaN for a trial without one (failed, infeasible)
};

class RewardBatch {
public:
  explicit RewardBatch(size_t size = 1) : size_(size) {}

  size_t size() const { return size_; }
  bool full() const { return members_.size() >= size_; }
  bool complete() const;
  const std::vector<BatchMember> &members() const { return members_; }

  void add(int64_t trial, const Choices &choices);
  // Records the value of a pending member; false when `trial` is none (or already told).
  bool tell(int64_t trial, double value);
  void clear() { members_.clear(); }

  // The rewards in ask order: each member's value, or `failure` for a member without one;
  // a member whose reward would be NaN (no failure reward known yet) is left out.
  void rewards(double failure, std::vector<Choices> &archs, std::vector<double> &out) const;

  nlohmann::json save() const;
  // Throws std::exception on a malformed list, one longer than the batch, or choices outside
  // a space with these option counts.
  void load(const nlohmann::json &members, const std::vector<uint32_t> &radices);

private:
  size_t size_;
  std::vector<BatchMember> members_;
};

} // namespace nas::reinforce
