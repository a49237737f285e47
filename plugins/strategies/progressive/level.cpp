#include "level.hpp"

#include <stdexcept>
#include <string>

namespace nas::progressive {

nlohmann::json Level::to_json() const {
  auto pending_list = nlohmann::json::array();
  for (const auto &[trial, candidate] : pending)
    pending_list.push_back({trial, candidate});
  return {{"index", index},
          {"candidates", candidates},
          {"queue", queue},
          {"next", next},
          {"pending", pending_list}};
}

Level Level::from_json(const nlohmann::json &state, const std::vector<uint32_t> &options) {
  Level l;
  l.index = state.at("index").get<int64_t>();
  l.candidates = state.at("candidates").get<std::vector<Choices>>();
  l.queue = state.at("queue").get<std::vector<size_t>>();
  l.next = state.at("next").get<size_t>();
  for (const auto &item : state.at("pending"))
    l.pending[item.at(0).get<int64_t>()] = item.at(1).get<size_t>();

  for (const Choices &c : l.candidates) {
    if (c.size() != options.size())
      throw std::invalid_argument("a candidate has " + std::to_string(c.size()) +
                                  " decisions, the space has " + std::to_string(options.size()));
    for (size_t i = 0; i < c.size(); ++i)
      if (c[i] < 0 || static_cast<uint32_t>(c[i]) >= options[i])
        throw std::invalid_argument("a candidate has an option out of range");
  }
  for (size_t q : l.queue)
    if (q >= l.candidates.size())
      throw std::invalid_argument("the queue names a candidate that does not exist");
  for (const auto &[trial, candidate] : l.pending)
    if (candidate >= l.candidates.size())
      throw std::invalid_argument("a pending trial names a candidate that does not exist");
  if (l.next > l.queue.size())
    throw std::invalid_argument("the queue position is past its end");
  return l;
}

} // namespace nas::progressive
