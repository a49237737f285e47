#include "reward_batch.hpp"

#include <stdexcept>

namespace nas::reinforce {

bool RewardBatch::complete() const {
  if (!full())
    return false;
  for (const BatchMember &m : members_)
    if (!m.told)
      return false;
  return true;
}

void RewardBatch::add(int64_t trial, const Choices &choices) {
  if (full())
    throw std::logic_error("RewardBatch::add: the batch is full");
  members_.push_back({trial, choices, false, NAN});
}

bool RewardBatch::tell(int64_t trial, double value) {
  for (BatchMember &m : members_)
    if (m.trial == trial && !m.told) {
      m.told = true;
      m.value = value;
      return true;
    }
  return false;
}

void RewardBatch::rewards(double failure, std::vector<Choices> &archs,
                          std::vector<double> &out) const {
  for (const BatchMember &m : members_) {
    double reward = std::isnan(m.value) ? failure : m.value;
    if (std::isnan(reward))
      continue;
    archs.push_back(m.choices);
    out.push_back(reward);
  }
}

nlohmann::json RewardBatch::save() const {
  nlohmann::json out = nlohmann::json::array();
  for (const BatchMember &m : members_)
    out.push_back({{"trial", m.trial},
                   {"choices", m.choices},
                   {"told", m.told},
                   {"value", std::isnan(m.value) ? nlohmann::json() : nlohmann::json(m.value)}});
  return out;
}

void RewardBatch::load(const nlohmann::json &members, const std::vector<uint32_t> &radices) {
  std::vector<BatchMember> loaded;
  for (const auto &item : members) {
    BatchMember m;
    m.trial = item.at("trial").get<int64_t>();
    m.choices = item.at("choices").get<Choices>();
    m.told = item.at("told").get<bool>();
    m.value = item.at("value").is_null() ? NAN : item.at("value").get<double>();
    if (m.choices.size() != radices.size())
      throw std::invalid_argument("a pending proposal has " + std::to_string(m.choices.size()) +
                                  " decisions, the space has " + std::to_string(radices.size()));
    for (size_t i = 0; i < radices.size(); ++i)
      if (m.choices[i] < 0 || static_cast<uint32_t>(m.choices[i]) >= radices[i])
        throw std::invalid_argument("a pending proposal has an option out of range");
    loaded.push_back(std::move(m));
  }
  if (loaded.size() > size_)
    throw std::invalid_argument("more pending proposals than the batch holds");
  members_ = std::move(loaded);
}

} // namespace nas::reinforce
