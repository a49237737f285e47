// The training loop of nas.evaluator.train: seeded init and shuffling, SGD or Adam with a
// per-batch cosine (or constant) rate, gradient clipping, divergence checks, per-epoch
// validation, reports and checkpoints.
#include "trainer.hpp"


#include <nas/plugin.hpp>
#include <nas/random.hpp>
#include <nas/torch/checkpoint.hpp>
#include <nas/torch/network.hpp>
#include <nas/torch/training.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <numeric>

namespace nas::train {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr double kExplodingLoss = 1e4; // a loss above this counts as diverged

::torch::Device device_for(DeviceChoice choice) {
  return nas::torch::pick_device(choice == DeviceChoice::cuda        ? "cuda"
                                 : choice == DeviceChoice::automatic ? "auto"
                                                                     : "cpu");
}

std::unique_ptr<::torch::optim::Optimizer> make_optimizer(const TrainConfig &c,
                                                          std::vector<::torch::Tensor> params) {
  if (c.optimizer == OptimizerKind::adam)
    return std::make_unique<::torch::optim::Adam>(
        std::move(params), ::torch::optim::AdamOptions(c.lr).weight_decay(c.weight_decay));
  return std::make_unique<::torch::optim::SGD>(std::move(params),
                                               ::torch::optim::SGDOptions(c.lr)
                                                   .momentum(c.momentum)
                                                   .nesterov(c.nesterov)
                                                   .weight_decay(c.weight_decay));
}

// The rate at `progress` in [0, 1) of the trial's whole training (epochs, not batches, so a
// resumed trial continues the same curve whatever the earlier trial's batch count).
double rate_at(const TrainConfig &c, double progress) {
  return c.schedule == Schedule::constant ? c.lr : nas::torch::cosine_rate(c.lr, progress);
}

using namespace nas::torch; // the shared training helpers

} // namespace

TrialOutcome run_trial(const TrialPlan &plan) {
  const TrainConfig &c = *plan.config;
  const training::TrainingData &data = *plan.data;
  at::set_num_threads(plan.threads);
  ::torch::manual_seed(plan.seed); // weight init (and dropout) follow the trial's seed

  TrialOutcome out;
  const ::torch::Device device = device_for(c.device);
  out.device = device.is_cuda() ? "cuda" : "cpu";

  nas::torch::Network net{nullptr};
  try {
    net = nas::torch::build_network(*plan.network);
  } catch (const ir::Error &e) {
    throw InvalidArch(std::string("the network IR cannot be built: ") + e.what());
  } catch (const std::invalid_argument &e) {
    throw InvalidArch(std::string("the network IR cannot be built: ") + e.what());
  }
  out.params = nas::torch::count_parameters(*net);
  out.macs = nas::torch::count_macs(*net, plan.network->input);
  net->to(device);
  auto optimizer = make_optimizer(c, net->parameters());

  const bool save = !plan.artifact_dir.empty();
  const std::string checkpoint = (fs::path(plan.artifact_dir) / "checkpoint.pt").string();
  int64_t epoch = 0;
  if (!plan.resume_from.empty()) {
    epoch = load_checkpoint(*net, *optimizer,
                            (fs::path(plan.resume_from) / "checkpoint.pt").string(), device);
    out.resumed_epochs = epoch;
  }
  out.epochs = epoch;

  const auto train_x = images_tensor(data.train, plan.train_count, data.stats);
  const auto train_y = labels_tensor(data.train, plan.train_count);
  const auto valid_x = images_tensor(data.valid, data.valid.count, data.stats);
  const auto valid_y = labels_tensor(data.valid, data.valid.count);

  const int64_t n = plan.train_count, batch = std::min(c.batch_size, plan.train_count);
  // The last, short batch is kept unless it holds one image (batch norm needs two).
  int64_t batches = n / batch + (n % batch > 1 ? 1 : 0);
  std::vector<int64_t> order(static_cast<size_t>(n));

  auto started = Clock::now();
  bool validated = false;
  double lr = c.lr;
  for (; epoch < plan.epochs && !out.stopped_early; ++epoch) {
    // Each epoch's order comes from (seed, epoch) alone, so a resumed trial shuffles as an
    // uninterrupted one would.
    Rng shuffle(derive_seed(plan.seed, "nas.evaluator.train/shuffle/" + std::to_string(epoch)));
    Rng augment(derive_seed(plan.seed, "nas.evaluator.train/augment/" + std::to_string(epoch)));
    std::iota(order.begin(), order.end(), int64_t{0});
    shuffle.shuffle(order.begin(), order.end());
    auto order_tensor = ::torch::from_blob(order.data(), {n}, ::torch::kInt64);

    net->train();
    double loss_sum = 0;
    int64_t seen = 0;
    for (int64_t b = 0; b < batches; ++b) {
      if (plan.cancelled && plan.cancelled())
        throw Error(NAS_ERR_CANCELLED,
                    "the run was cancelled during epoch " + std::to_string(epoch + 1));
      if (plan.should_stop && plan.should_stop()) {
        out.stopped_early = true;
        break;
      }
      lr = rate_at(c, (static_cast<double>(epoch) + static_cast<double>(b) / batches) /
                          static_cast<double>(plan.epochs));
      set_rate(*optimizer, lr);
      int64_t size = std::min(batch, n - b * batch);
      auto index = order_tensor.narrow(0, b * batch, size);
      auto x = train_x.index_select(0, index);
      if (c.augment)
        x = augment_batch(x, augment);
      x = x.to(device);
      auto y = train_y.index_select(0, index).to(device);

      optimizer->zero_grad();
      auto loss = ::torch::nn::functional::cross_entropy(
          net->forward(x), y,
          ::torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(c.label_smoothing));
      double value = loss.item<double>();
      if (!std::isfinite(value) || value > kExplodingLoss)
        throw Failed("training diverged at epoch " + std::to_string(epoch + 1) + ", batch " +
                     std::to_string(b + 1) + ": loss = " + loss_text(value));
      loss.backward();
      if (c.grad_clip > 0)
        ::torch::nn::utils::clip_grad_norm_(net->parameters(), c.grad_clip);
      optimizer->step();
      loss_sum += value * static_cast<double>(size);
      seen += size;
    }
    if (seen > 0)
      out.train_loss = loss_sum / static_cast<double>(seen);
    out.valid_accuracy = accuracy(*net, valid_x, valid_y, device);
    validated = true;
    if (out.stopped_early && seen == 0)
      break; // asked to stop before this epoch trained anything: it does not count
    out.epochs = epoch + 1;
    nlohmann::json point = {
        {"epoch", epoch + 1}, {"valid_accuracy", out.valid_accuracy}, {"lr", lr}};
    if (out.train_loss)
      point["train_loss"] = *out.train_loss;
    if (plan.report)
      plan.report(epoch + 1, point.dump());
    if (save && !out.stopped_early) // a partial epoch is no place to resume from
      save_checkpoint(*net, *optimizer, epoch + 1, checkpoint);
  }
  if (!out.stopped_early)
    out.epochs = epoch;
  if (!validated) // a resumed trial that had nothing left to train
    out.valid_accuracy = accuracy(*net, valid_x, valid_y, device);
  out.train_seconds = std::chrono::duration<double>(Clock::now() - started).count();

  if (c.data.test)
    out.test_accuracy = accuracy(*net, images_tensor(data.test, data.test.count, data.stats),
                                 labels_tensor(data.test, data.test.count), device);
  net->to(::torch::kCPU); // weights load on any machine; latency is a CPU figure
  if (save)
    save_weights(*net, (fs::path(plan.artifact_dir) / "weights.pt").string());
  if (c.latency)
    out.latency_ms = median_latency_ms(*net, plan.network->input);
  return out;
}

} // namespace nas::train
