// One level of progressive search: its expansions, which of them are evaluated and in what
// order, and the trials still pending. The level ends (a barrier) once the queue is
// proposed and every pending trial was told.
#pragma once

#include <nas/plugin.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <vector>

namespace nas::progressive {

struct Level {
  int64_t index = -1;                // from 0; -1 before the first ask
  std::vector<Choices> candidates;   // every expansion, in enumeration order
  std::vector<size_t> queue;         // candidates to evaluate, in proposal order
  size_t next = 0;                   // queue[next] is proposed next
  std::map<int64_t, size_t> pending; // trial id -> candidate

  bool started() const { return index >= 0; }

  nlohmann::json to_json() const;
  // Throws std::invalid_argument when the state does not fit a space of `options`.
  static Level from_json(const nlohmann::json &state, const std::vector<uint32_t> &options);
};

} // namespace nas::progressive
