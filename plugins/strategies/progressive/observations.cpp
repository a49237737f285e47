#include "observations.hpp"

#include <cmath>
#include <stdexcept>

namespace nas::progressive {

void Observations::record(const Choices &arch, double value) {
  auto [it, inserted] = index_.emplace(arch, archs_.size());
  if (inserted) {
    archs_.push_back(arch);
    values_.push_back(value);
  } else if (std::isnan(values_[it->second]) && !std::isnan(value)) {
    values_[it->second] = value;
  }
}

const double *Observations::find(const Choices &arch) const {
  auto it = index_.find(arch);
  return it == index_.end() ? nullptr : &values_[it->second];
}

void Observations::finite(std::vector<Choices> &archs, std::vector<double> &values) const {
  archs.clear();
  values.clear();
  for (size_t i = 0; i < archs_.size(); ++i)
    if (std::isfinite(values_[i])) {
      archs.push_back(archs_[i]);
      values.push_back(values_[i]);
    }
}

bool Observations::any_finite() const {
  for (double v : values_)
    if (std::isfinite(v))
      return true;
  return false;
}

nlohmann::json Observations::to_json() const {
  auto out = nlohmann::json::array();
  for (size_t i = 0; i < archs_.size(); ++i)
    out.push_back({archs_[i], std::isfinite(values_[i]) ? nlohmann::json(values_[i]) : nullptr});
  return out;
}

Observations Observations::from_json(const nlohmann::json &state, size_t decisions) {
  Observations out;
  for (const auto &item : state) {
    Choices arch = item.at(0).get<Choices>();
    if (arch.size() != decisions)
      throw std::invalid_argument("an observation has " + std::to_string(arch.size()) +
                                  " decisions, the space has " + std::to_string(decisions));
    out.record(arch, item.at(1).is_null() ? NAN : item.at(1).get<double>());
  }
  return out;
}

} // namespace nas::progressive
