// The population of regularized (aging) evolution: the last `capacity` results in the order
// they were told; adding one past capacity removes the oldest, however good it was (Real et
// al., "Regularized Evolution for Image Classifier Architecture Search", AAAI 2019).
#pragma once

#include <nas/plugin.hpp>
#include <nas/random.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <deque>

namespace nas::regularized_evolution {

struct Member {
  Choices choices;
  double objective = NAN; // NaN: failed, infeasible or without a value; never wins
  int64_t trial = -1;     // the trial that told it
  uint64_t born = 0;      // its place in the order of tells, from 0
};

class AgedPopulation {
public:
  explicit AgedPopulation(size_t capacity = 1) : capacity_(capacity) {}

  size_t size() const { return members_.size(); }
  bool empty() const { return members_.empty(); }
  const std::deque<Member> &members() const { return members_; } // oldest first

  void add(Member member);

  // A tournament: `sample` members drawn uniformly with replacement (as Real et al.'s
  // Algorithm 1 does); the winner has the highest objective, a member without one never
  // beats one with, and ties go to the first drawn. The population must not be empty.
  const Member &tournament(Rng &rng, size_t sample) const;

  // Oldest first: [{"choices": [...], "objective": x or null, "trial": id, "born": n}].
  nlohmann::json to_json() const;
  // Throws std::invalid_argument when `members` is not such a list for `capacity`.
  static AgedPopulation from_json(const nlohmann::json &members, size_t capacity);

private:
  size_t capacity_;
  std::deque<Member> members_;
};

} // namespace nas::regularized_evolution
