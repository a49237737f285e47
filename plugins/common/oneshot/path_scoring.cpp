#include "path_scoring.hpp"

#include <nas/random.hpp>
#include <nas/torch/training.hpp>

#include <numeric>

namespace nas::oneshot {

namespace {

// The project's ops use BatchNorm2d only (sdk/torch standard_ops); plugin ops with other
// norms keep their statistics.
std::vector<::torch::nn::BatchNorm2dImpl *> batch_norms(::torch::nn::Module &module) {
  std::vector<::torch::nn::BatchNorm2dImpl *> out;
  for (const auto &m : module.modules(/*include_self=*/true))
    if (auto *bn = dynamic_cast<::torch::nn::BatchNorm2dImpl *>(m.get()))
      out.push_back(bn);
  return out;
}

} // namespace

std::vector<std::vector<int64_t>> calibration_batches(int64_t count, const Calibration &c) {
  std::vector<int64_t> order(static_cast<size_t>(count));
  std::iota(order.begin(), order.end(), int64_t{0});
  Rng rng(derive_seed(c.seed, "nas.oneshot/calibration"));
  rng.shuffle(order.begin(), order.end());
  std::vector<std::vector<int64_t>> out;
  size_t next = 0;
  for (int64_t b = 0; b < c.batches && count > 0; ++b) {
    std::vector<int64_t> batch;
    for (int64_t i = 0; i < c.batch_size; ++i, ++next)
      batch.push_back(order[next % order.size()]);
    out.push_back(std::move(batch));
  }
  return out;
}

void recalibrate_batch_norm(nas::torch::SupernetImpl &net, const std::vector<int64_t> &path,
                            const ::torch::Tensor &train_images, const Calibration &c,
                            const ::torch::Device &device) {
  for (auto *bn : batch_norms(net)) {
    bn->reset_running_stats();
    bn->options.momentum(c10::nullopt); // each batch weighs 1/k: the plain average
  }
  const bool was_training = net.is_training();
  net.train();
  ::torch::NoGradGuard no_grad;
  for (const auto &batch : calibration_batches(train_images.size(0), c)) {
    auto index = ::torch::tensor(batch, ::torch::kInt64);
    net.forward_path(train_images.index_select(0, index).to(device), path);
  }
  net.train(was_training);
}

double score_path(nas::torch::SupernetImpl &net, const std::vector<int64_t> &path,
                  const ::torch::Tensor &train_images, const ::torch::Tensor &valid_images,
                  const ::torch::Tensor &valid_labels, const Calibration &c,
                  const ::torch::Device &device) {
  recalibrate_batch_norm(net, path, train_images, c, device);
  return nas::torch::accuracy(
      net, [&](const ::torch::Tensor &x) { return net.forward_path(x, path); }, valid_images,
      valid_labels, device);
}

BatchNormSnapshot::BatchNormSnapshot(::torch::nn::Module &module) {
  for (auto *bn : batch_norms(module))
    saved_.push_back({bn, bn->running_mean.clone(), bn->running_var.clone(),
                      bn->num_batches_tracked.clone(), bn->options.momentum()});
}

void BatchNormSnapshot::restore() {
  ::torch::NoGradGuard no_grad;
  for (auto &s : saved_) {
    s.bn->running_mean.copy_(s.mean);
    s.bn->running_var.copy_(s.var);
    s.bn->num_batches_tracked.copy_(s.tracked);
    s.bn->options.momentum(s.momentum);
  }
}

} // namespace nas::oneshot
