// Uniform sampling of architectures without replacement, until the space is exhausted.
//
// Small spaces (at most kBitmapLimit architectures) keep a bitmap over mixed-radix indices:
// rejection sampling while at most half is used, then the n-th unused index for a uniform
// n, so each draw stays fast to the very end. Larger spaces keep a hash set of the
// proposed vectors and sample by rejection (they are never close to exhausted in practice).
#pragma once

#include "index_bitmap.hpp"
#include "mixed_radix.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <unordered_set>

namespace nas::random_strategy {

class UniqueSampler {
public:
  static constexpr uint64_t kBitmapLimit = uint64_t{1} << 24; // a 2 MiB bitmap at most

  explicit UniqueSampler(Radices radices);

  // Writes an architecture not proposed before to `choices` (sized to the space) and
  // records it; false when every architecture has been proposed.
  bool next(Rng &rng, Choices &choices);
  uint64_t proposed() const;

  // The proposed set: {"bitmap": "<hex>"} or {"vectors": [[...], ...]} (sorted).
  nlohmann::json save() const;
  void load(const nlohmann::json &state);

private:
  bool uses_bitmap() const { return total_known_ && total_ <= kBitmapLimit; }
  bool next_from_bitmap(Rng &rng, Choices &choices);
  bool next_from_hash_set(Rng &rng, Choices &choices);
  static std::string pack(const Choices &choices);

  Radices radices_;
  uint64_t total_ = 0;
  bool total_known_ = false; // false: more than 2^64 - 1 architectures
  IndexBitmap bitmap_;
  std::unordered_set<std::string> vectors_; // packed choice vectors (large spaces)
};

} // namespace nas::random_strategy
