#include "unique_sampler.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace nas::random_strategy {

UniqueSampler::UniqueSampler(Radices radices) : radices_(std::move(radices)) {
  total_known_ = count_architectures(radices_, total_);
  if (uses_bitmap())
    bitmap_ = IndexBitmap(total_);
}

uint64_t UniqueSampler::proposed() const {
  return uses_bitmap() ? bitmap_.count() : vectors_.size();
}

bool UniqueSampler::next(Rng &rng, Choices &choices) {
  if (total_known_ && proposed() >= total_)
    return false;
  return uses_bitmap() ? next_from_bitmap(rng, choices) : next_from_hash_set(rng, choices);
}

bool UniqueSampler::next_from_bitmap(Rng &rng, Choices &choices) {
  uint64_t used = bitmap_.count();
  uint64_t index;
  if (used <= total_ - used) {
    // At most half is used: a rejection costs fewer than two draws on average.
    do {
      draw_uniform(radices_, rng, choices);
      index = index_of(radices_, choices);
    } while (bitmap_.test(index));
  } else {
    index = bitmap_.nth_clear(rng.below(total_ - used));
    decode(radices_, index, choices);
  }
  bitmap_.set(index);
  return true;
}

bool UniqueSampler::next_from_hash_set(Rng &rng, Choices &choices) {
  for (;;) {
    draw_uniform(radices_, rng, choices);
    if (vectors_.insert(pack(choices)).second)
      return true;
  }
}

std::string UniqueSampler::pack(const Choices &choices) {
  std::string key(choices.size() * sizeof(int32_t), '\0');
  std::memcpy(&key[0], choices.data(), key.size());
  return key;
}

nlohmann::json UniqueSampler::save() const {
  if (uses_bitmap())
    return {{"bitmap", bitmap_.to_hex()}};
  // Sorted, so equal states save to equal bytes whatever the hash set's order.
  std::vector<Choices> sorted;
  sorted.reserve(vectors_.size());
  for (const std::string &key : vectors_) {
    Choices c(key.size() / sizeof(int32_t));
    std::memcpy(c.data(), key.data(), key.size());
    sorted.push_back(std::move(c));
  }
  std::sort(sorted.begin(), sorted.end());
  return {{"vectors", sorted}};
}

void UniqueSampler::load(const nlohmann::json &state) {
  if (uses_bitmap()) {
    bitmap_ = IndexBitmap::from_hex(total_, state.at("bitmap").get<std::string>());
    return;
  }
  std::unordered_set<std::string> vectors;
  for (const auto &item : state.at("vectors")) {
    Choices c = item.get<Choices>();
    if (c.size() != radices_.size())
      throw std::invalid_argument("a saved vector has " + std::to_string(c.size()) +
                                  " decisions, the space has " + std::to_string(radices_.size()));
    for (size_t i = 0; i < c.size(); ++i)
      if (c[i] < 0 || static_cast<uint32_t>(c[i]) >= radices_[i])
        throw std::invalid_argument("a saved vector has an option out of range");
    vectors.insert(pack(c));
  }
  vectors_ = std::move(vectors);
}

} // namespace nas::random_strategy
