#include "epoch_plan.hpp"

#include <nas/random.hpp>

#include <numeric>
#include <string>

namespace nas::darts_search {

EpochBatches plan_epoch(int64_t train_count, int64_t valid_count, int64_t batch, uint64_t seed,
                        int64_t epoch) {
  auto shuffled = [&](int64_t n, const char *stream) {
    std::vector<int64_t> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), int64_t{0});
    Rng rng(derive_seed(seed, std::string("nas.strategy.darts/") + stream + "/" +
                                  std::to_string(epoch)));
    rng.shuffle(order.begin(), order.end());
    return order;
  };
  const std::vector<int64_t> train = shuffled(train_count, "train");
  const std::vector<int64_t> valid = shuffled(valid_count, "valid");
  EpochBatches out;
  // Full batches only: batch norm needs more than one image, and equal steps keep the
  // two sides in lockstep.
  const int64_t steps = train_count / batch;
  size_t v = 0;
  for (int64_t s = 0; s < steps; ++s) {
    out.train.emplace_back(train.begin() + s * batch, train.begin() + (s + 1) * batch);
    std::vector<int64_t> vb;
    for (int64_t i = 0; i < batch; ++i, ++v)
      vb.push_back(valid[v % valid.size()]);
    out.valid.push_back(std::move(vb));
  }
  return out;
}

} // namespace nas::darts_search
