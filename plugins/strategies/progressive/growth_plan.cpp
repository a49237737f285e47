#include "growth_plan.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <limits>
#include <optional>
#include <set>

namespace nas::progressive {

namespace {

struct Condition {
  uint32_t decision;
  std::vector<int64_t> values;
};

// Whether decision `i` can be active when the depth decision has option `level`: follow its
// active_if chain to the depth decision; a chain that ends elsewhere (or loops) does not
// depend on depth, so it counts as active.
bool active_at(uint32_t i, int64_t level, int32_t depth,
               const std::vector<std::optional<Condition>> &conditions) {
  for (size_t steps = 0; steps <= conditions.size(); ++steps) {
    if (!conditions[i])
      return true;
    const Condition &c = *conditions[i];
    if (static_cast<int32_t>(c.decision) == depth)
      return std::find(c.values.begin(), c.values.end(), level) != c.values.end();
    i = c.decision;
  }
  return true;
}

} // namespace

GrowthPlan::GrowthPlan(const std::string &describe_json, Options options)
    : options_(std::move(options)) {
  const uint32_t n = static_cast<uint32_t>(options_.size());
  std::vector<std::optional<Condition>> conditions(n);
  try {
    auto decisions = nlohmann::json::parse(describe_json).at("decisions");
    if (decisions.size() != n)
      throw std::invalid_argument("describe() lists " + std::to_string(decisions.size()) +
                                  " decisions, num_decisions() says " + std::to_string(n));
    for (uint32_t i = 0; i < n; ++i) {
      const auto &d = decisions[i];
      auto tags = d.value("tags", nlohmann::json::array());
      if (depth_ < 0 && std::find(tags.begin(), tags.end(), "depth") != tags.end())
        depth_ = static_cast<int32_t>(i);
      if (d.contains("active_if")) {
        Condition c{d["active_if"].at("decision").get<uint32_t>(),
                    d["active_if"].at("values").get<std::vector<int64_t>>()};
        if (c.decision >= n)
          throw std::invalid_argument("decision " + std::to_string(i) +
                                      " is active_if an unknown decision");
        conditions[i] = c;
      }
    }
  } catch (const std::exception &e) {
    throw Error(NAS_ERR_INVALID_ARGUMENT,
                std::string("nas.strategy.progressive cannot read the space's decisions: ") +
                    e.what());
  }

  if (!has_depth()) {
    for (uint32_t i = 0; i < n; ++i)
      opened_.push_back({i});
    return;
  }
  for (int64_t level = 0; level < options_[static_cast<uint32_t>(depth_)]; ++level) {
    std::vector<uint32_t> opened;
    for (uint32_t i = 0; i < n; ++i)
      if (static_cast<int32_t>(i) != depth_ && active_at(i, level, depth_, conditions) &&
          (level == 0 || !active_at(i, level - 1, depth_, conditions)))
        opened.push_back(i);
    opened_.push_back(opened);
  }
}

uint64_t GrowthPlan::combinations(size_t level) const {
  const uint64_t cap = uint64_t{1} << 63;
  uint64_t total = 1;
  for (uint32_t d : opened_[level]) {
    if (options_[d] == 0)
      return 0;
    total = total > cap / options_[d] ? cap : total * options_[d];
  }
  return total;
}

std::vector<Choices> GrowthPlan::expand(const std::vector<Choices> &parents, size_t level,
                                        const std::function<bool(Choices &)> &canonical) const {
  const std::vector<uint32_t> &opened = opened_[level];
  std::vector<Choices> children;
  if (combinations(level) == 0)
    return children;
  std::set<Choices> seen;
  for (const Choices &parent : parents) {
    Choices child = parent;
    if (has_depth())
      child[static_cast<uint32_t>(depth_)] = static_cast<int32_t>(level);
    for (uint32_t d : opened)
      child[d] = 0;
    // Odometer over the opened decisions, the last one fastest.
    for (;;) {
      Choices c = child;
      if (canonical(c) && seen.insert(c).second)
        children.push_back(std::move(c));
      size_t pos = opened.size();
      while (pos > 0 && ++child[opened[pos - 1]] == static_cast<int32_t>(options_[opened[pos - 1]]))
        child[opened[--pos]] = 0;
      if (pos == 0)
        break;
    }
  }
  return children;
}

} // namespace nas::progressive
