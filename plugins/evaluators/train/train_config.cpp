#include "train_config.hpp"

#include "../../common/training/config_checks.hpp"

#include <algorithm>
#include <cmath>

namespace nas::train {

using training::int_at_least;
using training::number_in;
using training::pick;

TrainConfig read_train_config(const Config &config, const std::string &config_dir) {
  TrainConfig c;
  c.data = training::read_data_config(config, config_dir);
  c.data.test = config.get_bool("test", false);
  c.epochs = int_at_least(config, "epochs", c.epochs, 1);
  c.fidelity_scales =
      static_cast<FidelityScales>(pick(config, "fidelity_scales", {"epochs", "epochs_and_data"}));
  c.batch_size = int_at_least(config, "batch_size", c.batch_size, 1);
  c.optimizer = static_cast<OptimizerKind>(pick(config, "optimizer", {"sgd", "adam"}));
  // Each optimizer's usual starting rate unless the user names one.
  c.lr = number_in(config, "lr", c.optimizer == OptimizerKind::adam ? 1e-3 : 0.05, 0, -1, true);
  c.momentum = number_in(config, "momentum", c.momentum, 0, 1);
  c.nesterov = config.get_bool("nesterov", c.nesterov);
  if (c.nesterov && c.optimizer == OptimizerKind::sgd && c.momentum == 0)
    throw ConfigError("nesterov", "'nesterov' = true needs a 'momentum' above 0");
  c.weight_decay = number_in(config, "weight_decay", c.weight_decay, 0, -1);
  c.label_smoothing = number_in(config, "label_smoothing", c.label_smoothing, 0, 1);
  if (c.label_smoothing >= 1)
    throw ConfigError("label_smoothing", "'label_smoothing' must be below 1");
  c.schedule = static_cast<Schedule>(pick(config, "schedule", {"cosine", "constant"}));
  c.grad_clip = number_in(config, "grad_clip", c.grad_clip, 0, -1);
  c.threads = int_at_least(config, "threads", c.threads, 0);
  c.device = static_cast<DeviceChoice>(pick(config, "device", {"cpu", "cuda", "auto"}));
  c.latency = config.get_bool("latency", c.latency);
  c.augment = config.get_bool("augment", c.augment);
  return c;
}

const char *train_config_schema() {
  static const std::string schema =
      "{" + training::data_config_schema(10000, 5000) + "," +
      R"j( "epochs": {"type": "int", "default": 1, "help": "epochs at fidelity 1; a trial )j"
         R"j(runs max(1, round(epochs * fidelity))"},)j"
         R"j( "fidelity_scales": {"type": "string", "default": "epochs", "help": "epochs or )j"
         R"j(epochs_and_data (fidelity also scales train_images)"},)j"
         R"j( "batch_size": {"type": "int", "default": 64, "help": "training batch size"},)j"
         R"j( "optimizer": {"type": "string", "default": "sgd", "help": "sgd or adam"},)j"
         R"j( "lr": {"type": "double", "default": 0.05, "help": "initial learning rate )j"
         R"j((0.001 when optimizer = adam and lr is not given)"},)j"
         R"j( "momentum": {"type": "double", "default": 0.9, "help": "SGD momentum"},)j"
         R"j( "nesterov": {"type": "bool", "default": false, "help": "Nesterov momentum (SGD)"},)j"
         R"j( "weight_decay": {"type": "double", "default": 0.0005, "help": "L2 weight decay"},)j"
         R"j( "label_smoothing": {"type": "double", "default": 0, "help": "in [0, 1)"},)j"
         R"j( "schedule": {"type": "string", "default": "cosine", "help": "cosine (over the )j"
         R"j(trial's epochs, per batch) or constant"},)j"
         R"j( "grad_clip": {"type": "double", "default": 5, "help": "max gradient norm; 0: )j"
         R"j(none"},)j"
         R"j( "threads": {"type": "int", "default": 0, "help": "torch threads; 0: the host's )j"
         R"j(NAS_NUM_THREADS, else torch's default"},)j"
         R"j( "device": {"type": "string", "default": "cpu", "help": "cpu, cuda or auto (cuda )j"
         R"j(where available)"},)j"
         R"j( "test": {"type": "bool", "default": false, "help": "also report test_accuracy )j"
         R"j((keep off in searches)"},)j"
         R"j( "latency": {"type": "bool", "default": true, "help": "measure latency_ms (median )j"
         R"j(batch-1 CPU inference)"},)j"
         R"j( "augment": {"type": "bool", "default": false, "help": "random crop (padding 2) )j"
         R"j(and horizontal flip of training images"}})j";
  return schema.c_str();
}

int64_t epochs_at(const TrainConfig &config, double fidelity) {
  return std::max<int64_t>(1, std::llround(static_cast<double>(config.epochs) * fidelity));
}

int64_t train_images_at(const TrainConfig &config, double fidelity) {
  if (config.fidelity_scales == FidelityScales::epochs)
    return config.data.train_images;
  int64_t scaled = std::llround(static_cast<double>(config.data.train_images) * fidelity);
  return std::min(config.data.train_images, std::max(scaled, config.batch_size));
}

} // namespace nas::train
