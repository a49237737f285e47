// What a GP keeps between calls, and its save/load form (JSON; doubles round-trip exactly):
// the observations, the hyperparameters and the fit counter that schedules refits.
#pragma once

#include "gp_types.hpp"

#include <nas/plugin.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nas::gp {

struct GpState {
  std::vector<Choices> archs;
  std::vector<double> values;
  std::optional<Hyper> hyper; // none before the first fit
  bool fitted = false;        // the hyperparameters came from a likelihood fit
  uint64_t fits = 0;          // calls of fit so far

  std::string to_json() const;
  static GpState from_json(std::string_view text);
};

} // namespace nas::gp
