// The weight-sharing loop of Li & Talwalkar (2019) / SPOS (Guo et al. 2020): every batch
// trains one path of the supernet, the architecture drawn uniformly from the space; per
// epoch a fixed sampled path is scored (BN recalibrated), a report and a checkpoint that a
// resumed search continues from; at the end rank_samples sampled architectures are scored
// with the shared weights and ranked.
#include "supernet_training.hpp"

#include "../../common/oneshot/path_scoring.hpp"
#include "../../common/oneshot/supernet_files.hpp"

#include <nas/torch/checkpoint.hpp>
#include <nas/torch/supernet.hpp>
#include <nas/torch/training.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <set>

namespace nas::supernet_search {

namespace {

namespace fs = std::filesystem;
using ::torch::Tensor;
using Clock = std::chrono::steady_clock;

constexpr const char *kStream = "nas.strategy.supernet/";

// The path of an architecture in the supernet; a mismatch is the space's fault, not the
// user's: its to_ir and supernet_ir disagree.
std::vector<int64_t> path_in(const nas::torch::SupernetImpl &net, const Sampled &arch) {
  try {
    return net.path_of(arch.network);
  } catch (const ir::Error &e) {
    throw Failed("the architecture " + arch.name + " has no path in the space's supernet: " +
                 e.what());
  }
}

Sampled draw(const TrainingPlan &plan, const std::string &stream) {
  Rng rng(derive_seed(plan.seed, kStream + stream));
  return plan.sample(rng);
}

std::vector<int64_t> shuffled(int64_t n, uint64_t seed, int64_t epoch) {
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), int64_t{0});
  Rng rng(derive_seed(seed, kStream + std::string("train/") + std::to_string(epoch)));
  rng.shuffle(order.begin(), order.end());
  return order;
}

// rank_samples distinct architectures (fewer when the space has fewer), drawn uniformly.
std::vector<Sampled> rank_candidates(const TrainingPlan &plan) {
  Rng rng(derive_seed(plan.seed, kStream + std::string("rank")));
  std::vector<Sampled> out;
  std::set<Choices> seen;
  const int64_t wanted = plan.config->rank_samples;
  for (int64_t tries = 0; static_cast<int64_t>(out.size()) < wanted && tries < 20 * wanted;
       ++tries) {
    Sampled s = plan.sample(rng);
    if (seen.insert(s.choices).second)
      out.push_back(std::move(s));
  }
  return out;
}

} // namespace

TrainingOutcome train_and_rank(const TrainingPlan &plan) {
  const SupernetConfig &c = *plan.config;
  const training::TrainingData &data = *plan.data;
  at::set_num_threads(nas::torch::thread_budget(c.threads));
  ::torch::manual_seed(plan.seed);
  const ::torch::Device device = nas::torch::pick_device(c.device);

  nas::torch::Supernet net{nullptr};
  try {
    net = nas::torch::Supernet(*plan.supernet);
  } catch (const ir::Error &e) {
    throw Failed(std::string("the supernet IR cannot be built: ") + e.what());
  }
  net->to(device);
  ::torch::optim::SGD optimizer(net->parameters(), ::torch::optim::SGDOptions(c.lr)
                                                       .momentum(c.momentum)
                                                       .nesterov(false)
                                                       .weight_decay(c.weight_decay));

  TrainingOutcome out;
  int64_t epoch = 0;
  const fs::path checkpoint = fs::path(plan.artifact_dir) / oneshot::kCheckpointFile;
  if (!plan.resume_from.empty() &&
      fs::exists(fs::path(plan.resume_from) / oneshot::kCheckpointFile)) {
    std::string last_report; // sent again: a kill may have lost it (nas/torch/checkpoint.hpp)
    epoch = out.resumed_from_epoch = nas::torch::load_checkpoint(
        *net, optimizer, (fs::path(plan.resume_from) / oneshot::kCheckpointFile).string(),
        device, last_report);
    if (plan.report && !last_report.empty())
      plan.report(epoch, last_report);
  }
  out.epochs = epoch;

  const int64_t n_train = data.train.count, n_valid = data.valid.count;
  const Tensor train_x = nas::torch::images_tensor(data.train, n_train, data.stats);
  const Tensor train_y = nas::torch::labels_tensor(data.train, n_train);
  const Tensor valid_x = nas::torch::images_tensor(data.valid, n_valid, data.stats);
  const Tensor valid_y = nas::torch::labels_tensor(data.valid, n_valid);
  const oneshot::Calibration calibration{c.calibration_batches, c.batch_size, plan.seed};

  std::vector<Tensor> weights;
  for (const Tensor &p : net->parameters())
    if (p.requires_grad())
      weights.push_back(p);

  // The path each epoch's report scores: one sampled architecture, the same every epoch.
  const Sampled watched = draw(plan, "watched");
  const std::vector<int64_t> watched_path = path_in(*net, watched);

  const auto started = Clock::now();
  const int64_t steps = n_train / c.batch_size; // full batches only: BN needs more than one
  for (; epoch < c.epochs; ++epoch) {
    const std::vector<int64_t> order = shuffled(n_train, plan.seed, epoch);
    net->train();
    double loss_sum = 0;
    for (int64_t step = 0; step < steps; ++step) {
      if (plan.cancelled && plan.cancelled())
        throw Error(NAS_ERR_CANCELLED,
                    "the supernet training was cancelled during epoch " + std::to_string(epoch + 1));
      const double progress =
          (static_cast<double>(epoch) + static_cast<double>(step) / steps) / c.epochs;
      nas::torch::set_rate(optimizer, c.rate_at(progress));
      const Sampled arch =
          draw(plan, "path/" + std::to_string(epoch) + "/" + std::to_string(step));
      const std::vector<int64_t> path = path_in(*net, arch);
      auto index = ::torch::tensor(
          std::vector<int64_t>(order.begin() + step * c.batch_size,
                               order.begin() + (step + 1) * c.batch_size),
          ::torch::kInt64);
      Tensor x = train_x.index_select(0, index).to(device);
      Tensor y = train_y.index_select(0, index).to(device);
      optimizer.zero_grad();
      Tensor loss = ::torch::nn::functional::cross_entropy(net->forward_path(x, path), y);
      const double value = loss.item<double>();
      oneshot::check_loss(value, "the supernet training on path " + arch.name, epoch, step);
      loss.backward();
      if (c.grad_clip > 0)
        ::torch::nn::utils::clip_grad_norm_(weights, c.grad_clip);
      optimizer.step();
      loss_sum += value;
      if (plan.progress && (step % 10 == 0 || step + 1 == steps))
        plan.progress(static_cast<double>(epoch) + static_cast<double>(step + 1) / steps,
                      static_cast<double>(c.epochs),
                      "epoch " + std::to_string(epoch + 1) + "/" + std::to_string(c.epochs));
    }
    out.train_loss = steps ? loss_sum / static_cast<double>(steps) : 0;
    out.epochs = epoch + 1;
    double watched_accuracy;
    {
      oneshot::BatchNormSnapshot training_stats(*net); // scoring must not change training
      watched_accuracy = oneshot::score_path(*net, watched_path, train_x, valid_x, valid_y,
                                             calibration, device);
      training_stats.restore();
    }
    const std::string report = nlohmann::json{{"epoch", epoch + 1},
                                              {"train_loss", out.train_loss},
                                              {"lr", c.rate_at((epoch + 1.0) / c.epochs)},
                                              {"valid_accuracy", watched_accuracy},
                                              {"architecture", watched.name}}
                                   .dump();
    if (!plan.artifact_dir.empty())
      nas::torch::save_checkpoint(*net, optimizer, epoch + 1, checkpoint.string(), report);
    if (plan.report)
      plan.report(epoch + 1, report);
  }
  if (!plan.artifact_dir.empty())
    nas::torch::save_weights(*net, (fs::path(plan.artifact_dir) / oneshot::kWeightsFile).string());

  // Rank: every candidate scored on the same calibration batches and validation images.
  for (Sampled &arch : rank_candidates(plan)) {
    if (plan.cancelled && plan.cancelled())
      throw Error(NAS_ERR_CANCELLED, "the supernet search was cancelled while ranking");
    const std::vector<int64_t> path = path_in(*net, arch);
    const double accuracy =
        oneshot::score_path(*net, path, train_x, valid_x, valid_y, calibration, device);
    out.ranked.push_back({std::move(arch), accuracy});
    if (plan.progress)
      plan.progress(static_cast<double>(out.ranked.size()),
                    static_cast<double>(c.rank_samples), "ranking sampled architectures");
  }
  std::stable_sort(out.ranked.begin(), out.ranked.end(), [](const Ranked &a, const Ranked &b) {
    return a.valid_accuracy > b.valid_accuracy;
  });
  out.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return out;
}

} // namespace nas::supernet_search
