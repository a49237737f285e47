// What BO remembers: every told trial (failed ones too, so they are never proposed again) and
// the pending proposals with the value a batch strategy pretends they have. The training set
// is the told architectures with a value (repeats averaged), in order of their first tell.
#pragma once

#include <nas/plugin.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

namespace nas::bo {

struct Pending {
  Choices choices;
  std::optional<double> belief; // kriging believer: the posterior mean when it was chosen
};

class History {
public:
  void propose(int64_t trial, Choices choices, std::optional<double> belief);
  // Records a result (asked for or not); `value` is NaN for a trial without one.
  void tell(int64_t trial, const Choices &choices, double value);
  // Forgets a pending proposal without recording a result (its result was unusable).
  void drop(int64_t trial);

  // Told or pending: never proposed again.
  bool seen(const Choices &choices) const {
    return told_.count(choices) > 0 || pending_choices_.count(choices) > 0;
  }
  size_t seen_count() const { return told_.size() + pending_choices_.size(); }
  size_t valued() const { return order_.size(); }

  // Distinct architectures with a value, their mean values, in order of first tell.
  void training(std::vector<Choices> &archs, std::vector<double> &values) const;
  // Of the valued ones: the best value (NaN when none), the worst and the mean.
  double best() const;
  double worst() const;
  double mean() const;
  // The `k` best valued architectures, best first (ties: first told first).
  std::vector<Choices> top(size_t k) const;

  std::map<int64_t, Pending> &pending() { return pending_; }
  const std::map<int64_t, Pending> &pending() const { return pending_; }

  nlohmann::json to_json() const;
  // Throws std::invalid_argument on anything malformed.
  static History from_json(const nlohmann::json &j);

private:
  struct Record {
    double sum = 0;
    size_t count = 0; // told with a value
    double value() const { return sum / static_cast<double>(count); }
  };
  struct Told {
    int64_t trial;
    Choices choices;
    double value; // NaN: none
  };

  std::vector<Told> log_;                  // every tell, in order (the saved form)
  std::map<Choices, Record> told_;         // every told architecture
  std::vector<Choices> order_;             // valued architectures, first tell first
  std::map<int64_t, Pending> pending_;     // by trial id
  std::multiset<Choices> pending_choices_; // the same, by architecture
};

} // namespace nas::bo
