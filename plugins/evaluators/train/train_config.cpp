#include "train_config.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <vector>

namespace nas::train {

namespace {

namespace fs = std::filesystem;

std::string quoted_list(const std::vector<std::string> &names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i)
    out += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + ("\"" + names[i] + "\"");
  return out;
}

// The index of `key`'s value in `names` (the fallback when absent); ConfigError otherwise.
size_t pick(const Config &config, const std::string &key, const std::vector<std::string> &names) {
  std::string value = config.get_string(key, names.front());
  for (size_t i = 0; i < names.size(); ++i)
    if (value == names[i])
      return i;
  throw ConfigError(key, "'" + key + "' must be " + quoted_list(names) + ", got \"" + value + "\"");
}

int64_t int_at_least(const Config &config, const std::string &key, int64_t fallback, int64_t min) {
  int64_t value = config.get_int(key, fallback);
  if (value < min)
    throw ConfigError(key, "'" + key + "' must be an integer >= " + std::to_string(min) + ", got " +
                               std::to_string(value));
  return value;
}

// A finite number in [min, max] (max < 0: no upper bound); `open_min` excludes min.
double number_in(const Config &config, const std::string &key, double fallback, double min,
                 double max, bool open_min = false) {
  double value = config.get_double(key, fallback);
  bool low = open_min ? !(value > min) : !(value >= min);
  if (!std::isfinite(value) || low || (max >= min && value > max)) {
    std::string range = std::string(open_min ? "> " : ">= ") + std::to_string(min);
    if (max >= min)
      range += " and <= " + std::to_string(max);
    throw ConfigError(key, "'" + key + "' must be a finite number " + range + ", got " +
                               std::to_string(value));
  }
  return value;
}

} // namespace

TrainConfig read_train_config(const Config &config, const std::string &config_dir) {
  TrainConfig c;
  c.dataset = config.get_string("dataset", c.dataset);
  if (c.dataset.empty())
    throw ConfigError("dataset", "'dataset' is empty; expected \"fashion-mnist\", \"mnist\" or "
                                 "\"cifar10\"");
  c.data_root = config.get_string("data_root", "");
  if (!c.data_root.empty() && fs::path(c.data_root).is_relative())
    c.data_root = ((config_dir.empty() ? fs::current_path() : fs::path(config_dir)) / c.data_root)
                      .lexically_normal()
                      .string();
  c.train_images = int_at_least(config, "train_images", c.train_images, 1);
  c.valid_images = int_at_least(config, "valid_images", c.valid_images, 1);
  c.split_seed = static_cast<uint64_t>(int_at_least(config, "split_seed", 0, 0));
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
  c.test = config.get_bool("test", c.test);
  c.latency = config.get_bool("latency", c.latency);
  c.augment = config.get_bool("augment", c.augment);
  return c;
}

const char *train_config_schema() {
  return R"j({"dataset": {"type": "string", "default": "fashion-mnist", "help": "fashion-mnist, )j"
         R"j(mnist or cifar10"},)j"
         R"j( "data_root": {"type": "string", "default": "", "help": "the dataset's folder; empty: )j"
         R"j(/usr/share/datasets/fashion-mnist for fashion-mnist; relative to the pipeline"},)j"
         R"j( "train_images": {"type": "int", "default": 10000, "help": "training images, from )j"
         R"j(the split's 50,000 (same for every trial)"},)j"
         R"j( "valid_images": {"type": "int", "default": 5000, "help": "validation images, from )j"
         R"j(the split's 10,000"},)j"
         R"j( "split_seed": {"type": "int", "default": 0, "help": "seed of the fixed )j"
         R"j(train/validation split (not the trial's seed)"},)j"
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
}

int64_t epochs_at(const TrainConfig &config, double fidelity) {
  return std::max<int64_t>(1, std::llround(static_cast<double>(config.epochs) * fidelity));
}

int64_t train_images_at(const TrainConfig &config, double fidelity) {
  if (config.fidelity_scales == FidelityScales::epochs)
    return config.train_images;
  int64_t scaled = std::llround(static_cast<double>(config.train_images) * fidelity);
  return std::min(config.train_images, std::max(scaled, config.batch_size));
}

} // namespace nas::train
