#include "aged_population.hpp"

#include <stdexcept>
#include <string>

namespace nas::regularized_evolution {

namespace {

// a beats b: a has an objective and b has none or a smaller one.
bool beats(double a, double b) { return !std::isnan(a) && (std::isnan(b) || a > b); }

} // namespace

void AgedPopulation::add(Member member) {
  members_.push_back(std::move(member));
  while (members_.size() > capacity_)
    members_.pop_front();
}

const Member &AgedPopulation::tournament(Rng &rng, size_t sample) const {
  if (members_.empty())
    throw std::logic_error("a tournament needs a population");
  const Member *winner = nullptr;
  for (size_t i = 0; i < sample; ++i) {
    const Member &candidate = members_[rng.below(members_.size())];
    if (!winner || beats(candidate.objective, winner->objective))
      winner = &candidate;
  }
  return *winner;
}

nlohmann::json AgedPopulation::to_json() const {
  nlohmann::json out = nlohmann::json::array();
  for (const Member &m : members_) {
    nlohmann::json objective =
        std::isnan(m.objective) ? nlohmann::json(nullptr) : nlohmann::json(m.objective);
    out.push_back(
        {{"choices", m.choices}, {"objective", objective}, {"trial", m.trial}, {"born", m.born}});
  }
  return out;
}

AgedPopulation AgedPopulation::from_json(const nlohmann::json &members, size_t capacity) {
  if (!members.is_array())
    throw std::invalid_argument("'population' is not a list");
  if (members.size() > capacity)
    throw std::invalid_argument("the population holds " + std::to_string(members.size()) +
                                " members, more than its size " + std::to_string(capacity));
  AgedPopulation population(capacity);
  for (const auto &item : members) {
    Member m;
    m.choices = item.at("choices").get<Choices>();
    const auto &objective = item.at("objective");
    m.objective = objective.is_null() ? NAN : objective.get<double>();
    m.trial = item.at("trial").get<int64_t>();
    m.born = item.at("born").get<uint64_t>();
    if (!population.members_.empty() && m.born <= population.members_.back().born)
      throw std::invalid_argument("the population is not in the order of its tells");
    population.members_.push_back(std::move(m));
  }
  return population;
}

} // namespace nas::regularized_evolution
