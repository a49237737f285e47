#include "history.hpp"

#include <algorithm>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace nas::bo {

void History::propose(int64_t trial, Choices choices, std::optional<double> belief) {
  auto old = pending_.find(trial);
  if (old != pending_.end()) // the host reused an id: the newer proposal replaces it
    pending_choices_.erase(pending_choices_.find(old->second.choices));
  pending_choices_.insert(choices);
  pending_[trial] = {std::move(choices), belief};
}

void History::drop(int64_t trial) {
  auto it = pending_.find(trial);
  if (it != pending_.end()) {
    pending_choices_.erase(pending_choices_.find(it->second.choices));
    pending_.erase(it);
  }
}

void History::tell(int64_t trial, const Choices &choices, double value) {
  drop(trial);
  log_.push_back({trial, choices, value});
  Record &r = told_[choices];
  if (std::isnan(value))
    return;
  if (r.count == 0)
    order_.push_back(choices);
  r.sum += value;
  ++r.count;
}

void History::training(std::vector<Choices> &archs, std::vector<double> &values) const {
  archs = order_;
  values.clear();
  for (const Choices &c : order_)
    values.push_back(told_.at(c).value());
}

double History::best() const {
  double b = NAN;
  for (const Choices &c : order_)
    b = std::isnan(b) ? told_.at(c).value() : std::max(b, told_.at(c).value());
  return b;
}

double History::worst() const {
  double w = NAN;
  for (const Choices &c : order_)
    w = std::isnan(w) ? told_.at(c).value() : std::min(w, told_.at(c).value());
  return w;
}

double History::mean() const {
  double sum = 0;
  for (const Choices &c : order_)
    sum += told_.at(c).value();
  return order_.empty() ? NAN : sum / static_cast<double>(order_.size());
}

std::vector<Choices> History::top(size_t k) const {
  std::vector<size_t> index(order_.size());
  std::iota(index.begin(), index.end(), 0);
  std::stable_sort(index.begin(), index.end(), [&](size_t a, size_t b) {
    return told_.at(order_[a]).value() > told_.at(order_[b]).value();
  });
  std::vector<Choices> out;
  for (size_t i = 0; i < index.size() && i < k; ++i)
    out.push_back(order_[index[i]]);
  return out;
}

nlohmann::json History::to_json() const {
  nlohmann::json told = nlohmann::json::array(), pending = nlohmann::json::array();
  for (const Told &t : log_)
    told.push_back(
        {{"trial", t.trial},
         {"choices", t.choices},
         {"value", std::isnan(t.value) ? nlohmann::json(nullptr) : nlohmann::json(t.value)}});
  for (const auto &[trial, p] : pending_)
    pending.push_back({{"trial", trial},
                       {"choices", p.choices},
                       {"belief", p.belief ? nlohmann::json(*p.belief) : nlohmann::json(nullptr)}});
  return {{"told", told}, {"pending", pending}};
}

History History::from_json(const nlohmann::json &j) {
  History h;
  for (const auto &t : j.at("told")) {
    const auto &v = t.at("value");
    h.tell(t.at("trial").get<int64_t>(), t.at("choices").get<Choices>(),
           v.is_null() ? NAN : v.get<double>());
  }
  for (const auto &p : j.at("pending")) {
    const auto &b = p.at("belief");
    h.propose(p.at("trial").get<int64_t>(), p.at("choices").get<Choices>(),
              b.is_null() ? std::nullopt : std::optional<double>(b.get<double>()));
  }
  return h;
}

} // namespace nas::bo
