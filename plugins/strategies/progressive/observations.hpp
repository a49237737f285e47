// Everything told to progressive search: one value per architecture (NaN for a trial
// without one), in the order first told. Finite values train the predictor; any entry
// means "already evaluated", so an expansion equal to it is never proposed again.
#pragma once

#include <nas/plugin.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <vector>

namespace nas::progressive {

class Observations {
public:
  // Keeps the first value told, except that a value replaces an earlier NaN.
  void record(const Choices &arch, double value);
  // The value told for `arch` (may be NaN), or nullptr when it was never told.
  const double *find(const Choices &arch) const;
  // The finite values and their architectures, in the order first told.
  void finite(std::vector<Choices> &archs, std::vector<double> &values) const;
  bool any_finite() const;

  // [[choices, value or null], ...]
  nlohmann::json to_json() const;
  static Observations from_json(const nlohmann::json &state, size_t decisions);

private:
  std::vector<Choices> archs_;
  std::vector<double> values_;
  std::map<Choices, size_t> index_;
};

} // namespace nas::progressive
