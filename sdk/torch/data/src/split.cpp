#include "nas/data/split.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

#include "nas/random.hpp"

namespace nas::data {

Split split_indices(int64_t n, int64_t valid_count, uint64_t seed) {
  if (n < 0 || valid_count < 0 || valid_count > n)
    throw std::invalid_argument("split_indices: expected 0 <= valid_count <= n, found n = " +
                                std::to_string(n) + ", valid_count = " +
                                std::to_string(valid_count));
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), int64_t{0});
  // A named sub-stream, so a trainer seeded with the same value draws other numbers.
  Rng rng(derive_seed(seed, "nas.data.split"));
  rng.shuffle(order.begin(), order.end());
  Split split;
  split.valid.assign(order.begin(), order.begin() + valid_count);
  split.train.assign(order.begin() + valid_count, order.end());
  return split;
}

Split Split::subset(int64_t train_limit, int64_t valid_limit) const {
  if (train_limit < 0 || valid_limit < 0)
    throw std::invalid_argument("Split::subset: expected non-negative limits, found " +
                                std::to_string(train_limit) + " and " +
                                std::to_string(valid_limit));
  const auto first = [](const std::vector<int64_t> &v, int64_t k) {
    return std::vector<int64_t>(v.begin(),
                                v.begin() + std::min<int64_t>(k, static_cast<int64_t>(v.size())));
  };
  return Split{first(train, train_limit), first(valid, valid_limit)};
}

} // namespace nas::data
