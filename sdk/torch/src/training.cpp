#include <nas/torch/training.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace nas::torch {

::torch::Tensor images_tensor(const data::ImageSet &set, int64_t count,
                              const data::ChannelStats &stats) {
  auto bytes = ::torch::from_blob(const_cast<uint8_t *>(set.pixels.data()),
                                  {count, set.channels, set.height, set.width}, ::torch::kUInt8);
  auto mean = ::torch::tensor(stats.mean).view({1, set.channels, 1, 1});
  auto std = ::torch::tensor(stats.std).view({1, set.channels, 1, 1});
  // from_blob does not own the bytes: the arithmetic makes the owned copy.
  return ((bytes.to(::torch::kFloat32) / 255.0f - mean) / std).contiguous();
}

::torch::Tensor labels_tensor(const data::ImageSet &set, int64_t count) {
  return ::torch::from_blob(const_cast<uint8_t *>(set.labels.data()), {count}, ::torch::kUInt8)
      .to(::torch::kInt64);
}

::torch::Tensor augment_batch(const ::torch::Tensor &batch, Rng &rng) {
  constexpr int64_t pad = 2;
  const int64_t n = batch.size(0), h = batch.size(2), w = batch.size(3);
  auto padded = ::torch::constant_pad_nd(batch, {pad, pad, pad, pad}, 0);
  std::vector<::torch::Tensor> images;
  images.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    int64_t dy = static_cast<int64_t>(rng.below(2 * pad + 1));
    int64_t dx = static_cast<int64_t>(rng.below(2 * pad + 1));
    auto image = padded[i].narrow(1, dy, h).narrow(2, dx, w);
    images.push_back(rng.below(2) ? image.flip({2}) : image);
  }
  return ::torch::stack(images).contiguous();
}

double accuracy(::torch::nn::Module &module, const Forward &forward,
                const ::torch::Tensor &images, const ::torch::Tensor &labels,
                const ::torch::Device &device, int64_t batch) {
  const bool was_training = module.is_training();
  module.eval();
  ::torch::NoGradGuard no_grad;
  int64_t correct = 0, total = images.size(0);
  for (int64_t start = 0; start < total; start += batch) {
    int64_t size = std::min(batch, total - start);
    auto x = images.narrow(0, start, size).to(device);
    auto y = labels.narrow(0, start, size).to(device);
    correct += forward(x).argmax(1).eq(y).sum().item<int64_t>();
  }
  module.train(was_training);
  return total == 0 ? 0.0 : 100.0 * static_cast<double>(correct) / static_cast<double>(total);
}

double accuracy(NetworkImpl &net, const ::torch::Tensor &images, const ::torch::Tensor &labels,
                const ::torch::Device &device, int64_t batch) {
  return accuracy(
      net, [&net](const ::torch::Tensor &x) { return net.forward(x); }, images, labels, device,
      batch);
}

double median_latency_ms(NetworkImpl &net, const ir::Shape &input, int runs,
                         int warmup) {
  const bool was_training = net.is_training();
  net.eval();
  ::torch::NoGradGuard no_grad;
  auto device =
      net.parameters().empty() ? ::torch::Device(::torch::kCPU) : net.parameters().front().device();
  auto x = ::torch::zeros({1, input.channels, input.height, input.width}, device);
  std::vector<double> times;
  for (int i = 0; i < warmup + runs; ++i) {
    auto start = std::chrono::steady_clock::now();
    auto out = net.forward(x);
    if (device.is_cuda())
      out.cpu(); // waits for the device
    std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
    if (i >= warmup)
      times.push_back(took.count());
  }
  net.train(was_training);
  std::nth_element(times.begin(), times.begin() + times.size() / 2, times.end());
  return times[times.size() / 2];
}

::torch::Device pick_device(const std::string &choice) {
  bool cuda = choice == "cuda" || (choice == "auto" && ::torch::cuda::is_available());
  return cuda ? ::torch::Device(::torch::kCUDA) : ::torch::Device(::torch::kCPU);
}

bool cuda_available() { return ::torch::cuda::is_available(); }

int thread_budget(int64_t configured) {
  if (configured > 0)
    return static_cast<int>(configured);
  if (const char *text = std::getenv("NAS_NUM_THREADS")) {
    int threads = std::atoi(text);
    if (threads > 0)
      return threads;
  }
  return at::get_num_threads();
}

double cosine_rate(double lr, double progress) {
  return 0.5 * lr * (1.0 + std::cos(M_PI * progress));
}

void set_rate(::torch::optim::Optimizer &optimizer, double lr) {
  for (auto &group : optimizer.param_groups())
    group.options().set_lr(lr);
}

std::string loss_text(double loss) {
  if (std::isnan(loss))
    return "nan";
  if (std::isinf(loss))
    return loss > 0 ? "inf" : "-inf";
  char text[32];
  std::snprintf(text, sizeof text, "%g", loss);
  return text;
}

} // namespace nas::torch
