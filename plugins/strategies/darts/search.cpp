// The DARTS search loop: per step an architecture step on a validation batch (first or
// second order) then a weight step on a training batch; per epoch validation, a report
// and a checkpoint that a resumed search continues from.
#include "search.hpp"

#include "bilevel.hpp"

#include <nas/plugin.hpp>
#include <nas/random.hpp>
#include <nas/torch/checkpoint.hpp>
#include <nas/torch/supernet.hpp>
#include <nas/torch/training.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>

namespace nas::darts_search {

namespace {

namespace fs = std::filesystem;
using ::torch::Tensor;
using Clock = std::chrono::steady_clock;

constexpr const char *kCheckpoint = "search.pt";

std::vector<GroupWeights> weights_of(const nas::torch::SupernetImpl &net,
                                     const std::vector<Tensor> &alphas) {
  std::vector<GroupWeights> out;
  for (size_t g = 0; g < alphas.size(); ++g) {
    const nas::torch::MixingGroup &group = net.groups()[g];
    GroupWeights w;
    w.decision = group.decision;
    w.cell = group.cell;
    w.from = group.from;
    w.to = group.to;
    w.path = group.path;
    w.options = group.options;
    Tensor p = ::torch::softmax(alphas[g].detach().to(::torch::kCPU, ::torch::kFloat64), 0);
    w.weights.assign(p.data_ptr<double>(), p.data_ptr<double>() + p.numel());
    out.push_back(std::move(w));
  }
  return out;
}

nlohmann::json weights_json(const std::vector<GroupWeights> &groups) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto &g : groups) {
    nlohmann::json entry = nlohmann::json::object();
    for (size_t i = 0; i < g.options.size(); ++i)
      entry[g.options[i]] = g.weights[i];
    out[g.path] = entry;
  }
  return out;
}

struct State {
  nas::torch::Supernet net{nullptr};
  std::vector<Tensor> alphas;
  std::unique_ptr<::torch::optim::SGD> weights_optimizer;
  std::unique_ptr<::torch::optim::Adam> alpha_optimizer;
};

void save(State &s, int64_t epoch, bool stopped, const std::string &report,
          const std::string &path) {
  ::torch::serialize::OutputArchive model, w_state, a_state, archive;
  s.net->save(model);
  s.weights_optimizer->save(w_state);
  s.alpha_optimizer->save(a_state);
  archive.write("model", model);
  archive.write("optimizer", w_state);
  archive.write("alpha_optimizer", a_state);
  for (size_t g = 0; g < s.alphas.size(); ++g)
    archive.write("alpha" + std::to_string(g), s.alphas[g].detach());
  archive.write("epoch", ::torch::tensor(epoch, ::torch::kInt64));
  archive.write("stopped", ::torch::tensor(stopped ? 1 : 0, ::torch::kInt64));
  nas::torch::write_text(archive, "report", report);
  nas::torch::save_archive(archive, path);
}

struct Resumed {
  int64_t epochs;     // done
  bool stopped;       // the search had decided to stop there
  std::string report; // that epoch's, to send again ("" from an older checkpoint)
};

Resumed load(State &s, const std::string &path, const ::torch::Device &device) {
  auto archive = nas::torch::load_archive(path, device, "the search.pt of this search");
  try {
    ::torch::serialize::InputArchive model, w_state, a_state;
    archive.read("model", model);
    archive.read("optimizer", w_state);
    archive.read("alpha_optimizer", a_state);
    s.net->load(model);
    s.weights_optimizer->load(w_state);
    s.alpha_optimizer->load(a_state);
    for (size_t g = 0; g < s.alphas.size(); ++g) {
      Tensor saved;
      archive.read("alpha" + std::to_string(g), saved);
      ::torch::NoGradGuard no_grad;
      s.alphas[g].copy_(saved);
    }
    Tensor epoch, stopped;
    archive.read("epoch", epoch);
    archive.read("stopped", stopped);
    return {epoch.item<int64_t>(), stopped.item<int64_t>() != 0,
            nas::torch::read_text(archive, "report")};
  } catch (const c10::Error &e) {
    throw Failed(path + ": cannot continue the search from this checkpoint (another supernet "
                        "or config, or a damaged file): " + e.what_without_backtrace());
  }
}

Batch batch_of(const Tensor &x, const Tensor &y, const std::vector<int64_t> &index,
               const ::torch::Device &device) {
  auto i = ::torch::tensor(index, ::torch::kInt64);
  return {x.index_select(0, i).to(device), y.index_select(0, i).to(device)};
}

} // namespace

SearchOutcome run_search(const SearchPlan &plan) {
  const DartsConfig &c = *plan.config;
  const training::TrainingData &data = *plan.data;
  at::set_num_threads(nas::torch::thread_budget(c.threads));
  ::torch::manual_seed(plan.seed);
  const ::torch::Device device = nas::torch::pick_device(c.device);

  SearchOutcome out;
  out.device = device.is_cuda() ? "cuda" : "cpu";
  State s;
  try {
    s.net = nas::torch::Supernet(*plan.supernet);
  } catch (const ir::Error &e) {
    throw Failed(std::string("the supernet IR cannot be built: ") + e.what());
  }
  s.net->to(device);
  for (const auto &g : s.net->groups())
    s.alphas.push_back(
        (1e-3 * ::torch::randn({static_cast<int64_t>(g.options.size())})).to(device)
            .requires_grad_(true));
  s.weights_optimizer = std::make_unique<::torch::optim::SGD>(
      s.net->parameters(),
      ::torch::optim::SGDOptions(c.lr).momentum(c.momentum).weight_decay(c.weight_decay));
  s.alpha_optimizer = std::make_unique<::torch::optim::Adam>(
      s.alphas, ::torch::optim::AdamOptions(c.alpha_lr)
                    .betas({0.5, 0.999})
                    .weight_decay(c.alpha_weight_decay));

  int64_t epoch = 0;
  if (!plan.resume_from.empty() && fs::exists(fs::path(plan.resume_from) / kCheckpoint)) {
    Resumed resumed = load(s, (fs::path(plan.resume_from) / kCheckpoint).string(), device);
    epoch = out.resumed_from_epoch = resumed.epochs;
    out.stopped_early = resumed.stopped;
    // Sent again: a kill may have come between the checkpoint and the report.
    if (plan.report && !resumed.report.empty())
      plan.report(epoch, resumed.report);
  }
  out.epochs = epoch;

  const int64_t n_train = data.train.count, n_valid = data.valid.count;
  const Tensor train_x = nas::torch::images_tensor(data.train, n_train, data.stats);
  const Tensor train_y = nas::torch::labels_tensor(data.train, n_train);
  const Tensor valid_x = nas::torch::images_tensor(data.valid, n_valid, data.stats);
  const Tensor valid_y = nas::torch::labels_tensor(data.valid, n_valid);
  auto mixed = [&](const Tensor &x) {
    return s.net->forward(x, mixing_weights(s.alphas));
  };

  std::vector<Tensor> weights;
  for (const Tensor &p : s.net->parameters())
    if (p.requires_grad())
      weights.push_back(p);

  const auto started = Clock::now();
  bool validated = false;
  for (; epoch < c.epochs && !out.stopped_early; ++epoch) {
    EpochBatches batches = plan_epoch(n_train, n_valid, c.batch_size, plan.seed, epoch);
    s.net->train();
    double loss_sum = 0;
    const size_t steps = batches.train.size();
    for (size_t step = 0; step < steps; ++step) {
      if (plan.cancelled && plan.cancelled())
        throw Error(NAS_ERR_CANCELLED,
                    "the search was cancelled during epoch " + std::to_string(epoch + 1));
      const double progress =
          (static_cast<double>(epoch) + static_cast<double>(step) / steps) / c.epochs;
      const double lr = c.rate_at(progress);
      nas::torch::set_rate(*s.weights_optimizer, lr);
      Batch train = batch_of(train_x, train_y, batches.train[step], device);
      Batch valid = batch_of(valid_x, valid_y, batches.valid[step], device);

      // Architecture step, on validation images only.
      std::vector<Tensor> hypergradient;
      if (c.order == Order::second) {
        VirtualStep virtual_step;
        virtual_step.xi = lr;
        virtual_step.weight_decay = c.weight_decay;
        virtual_step.momentum = c.momentum;
        virtual_step.momentum_buffers = momentum_buffers(*s.weights_optimizer, weights);
        hypergradient = second_order_gradient(*s.net, s.alphas, train, valid, virtual_step);
      } else {
        hypergradient = first_order_gradient(*s.net, s.alphas, valid);
      }
      s.alpha_optimizer->zero_grad();
      for (size_t g = 0; g < s.alphas.size(); ++g)
        s.alphas[g].mutable_grad() = hypergradient[g];
      s.alpha_optimizer->step();

      // Weight step, on training images only, the alphas held fixed.
      s.weights_optimizer->zero_grad();
      std::vector<Tensor> fixed;
      for (const Tensor &a : s.alphas)
        fixed.push_back(a.detach());
      Tensor loss = supernet_loss(*s.net, fixed, train);
      const double value = loss.item<double>();
      oneshot::check_loss(value, "the search", epoch, static_cast<int64_t>(step));
      loss.backward();
      if (c.grad_clip > 0)
        ::torch::nn::utils::clip_grad_norm_(weights, c.grad_clip);
      s.weights_optimizer->step();
      loss_sum += value;
      if (plan.progress && (step % 10 == 0 || step + 1 == steps))
        plan.progress(static_cast<double>(epoch) + static_cast<double>(step + 1) / steps,
                      static_cast<double>(c.epochs),
                      "epoch " + std::to_string(epoch + 1) + "/" + std::to_string(c.epochs));
    }
    out.train_loss = steps ? loss_sum / static_cast<double>(steps) : 0;
    out.valid_accuracy = nas::torch::accuracy(*s.net, mixed, valid_x, valid_y, device);
    validated = true;
    out.epochs = epoch + 1;
    out.groups = weights_of(*s.net, s.alphas);
    nlohmann::json point = {{"epoch", epoch + 1},
                            {"train_loss", out.train_loss},
                            {"valid_accuracy", out.valid_accuracy},
                            {"alphas", weights_json(out.groups)}};
    bool stop = plan.end_of_epoch && plan.end_of_epoch(epoch + 1, out.groups, point);
    const std::string report = point.dump();
    if (!plan.artifact_dir.empty())
      save(s, epoch + 1, stop, report, (fs::path(plan.artifact_dir) / kCheckpoint).string());
    if (plan.report)
      plan.report(epoch + 1, report);
    if (stop) {
      out.stopped_early = true;
      break;
    }
  }
  if (!validated) // resumed after the last epoch
    out.valid_accuracy = nas::torch::accuracy(*s.net, mixed, valid_x, valid_y, device);
  out.groups = weights_of(*s.net, s.alphas);
  out.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  if (!plan.artifact_dir.empty()) {
    std::ofstream alphas(fs::path(plan.artifact_dir) / "alphas.json", std::ios::trunc);
    alphas << weights_json(out.groups).dump(2) << "\n";
  }
  return out;
}

} // namespace nas::darts_search
