#include "weight_training.hpp"

#include "../training/config_checks.hpp"

#include <nas/torch/runtime.hpp>

#include <cmath>
#include <vector>

namespace nas::oneshot {

using training::int_at_least;
using training::number_in;
using training::pick;

double WeightTraining::rate_at(double progress) const {
  return lr_min + nas::torch::cosine_rate(lr - lr_min, progress);
}

WeightTraining read_weight_training(const Config &config) {
  WeightTraining c;
  c.epochs = int_at_least(config, "epochs", c.epochs, 1);
  c.batch_size = int_at_least(config, "batch_size", c.batch_size, 2);
  c.lr = number_in(config, "lr", c.lr, 0, -1, true);
  c.lr_min = number_in(config, "lr_min", c.lr_min, 0, c.lr);
  c.momentum = number_in(config, "momentum", c.momentum, 0, 1);
  c.weight_decay = number_in(config, "weight_decay", c.weight_decay, 0, -1);
  c.grad_clip = number_in(config, "grad_clip", c.grad_clip, 0, -1);
  c.threads = int_at_least(config, "threads", c.threads, 0);
  const std::vector<std::string> devices = {"cpu", "cuda", "auto"};
  c.device = devices[pick(config, "device", devices)];
  if (c.device == "cuda" && !nas::torch::cuda_available())
    throw ConfigError("device", "'device' is \"cuda\", but this libtorch sees no CUDA device "
                                "(a CPU-only build, or no GPU); use \"cpu\" or \"auto\"");
  return c;
}

std::string weight_training_schema() {
  return R"j("epochs": {"type": "int", "default": 10, "help": "passes over train_images"},)j"
         R"j( "batch_size": {"type": "int", "default": 64, "help": "images per step"},)j"
         R"j( "lr": {"type": "double", "default": 0.025, "help": "weights: SGD rate at the )j"
         R"j(start (cosine down to lr_min)"},)j"
         R"j( "lr_min": {"type": "double", "default": 0.001, "help": "weights: rate at the end"},)j"
         R"j( "momentum": {"type": "double", "default": 0.9, "help": "weights: SGD momentum"},)j"
         R"j( "weight_decay": {"type": "double", "default": 0.0003, "help": "weights: L2"},)j"
         R"j( "grad_clip": {"type": "double", "default": 5, "help": "weights: max gradient )j"
         R"j(norm; 0: none"},)j"
         R"j( "threads": {"type": "int", "default": 0, "help": "torch threads; 0: the host's )j"
         R"j(NAS_NUM_THREADS, else torch's default"},)j"
         R"j( "device": {"type": "string", "default": "cpu", "help": "cpu, cuda or auto"})j";
}

void check_loss(double loss, const std::string &what, int64_t epoch, int64_t step) {
  if (!std::isfinite(loss) || loss > 1e4)
    throw Failed(what + " diverged at epoch " + std::to_string(epoch + 1) + ", step " +
                 std::to_string(step + 1) + ": loss = " + nas::torch::loss_text(loss));
}

} // namespace nas::oneshot
