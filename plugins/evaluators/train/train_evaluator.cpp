// nas.evaluator.train: trains the trial's network (its IR, built with libnas_torch) on a
// fixed slice of an image data set and reports validation accuracy, size, cost and the
// per-epoch curve; weights and checkpoints go to the trial's folder. See README.md.
#include "train_config.hpp"
#include "trainer.hpp"
#include "../../common/training/training_data.hpp"

#include <nas/ir.hpp>
#include <nas/plugin.hpp>
#include <nas/torch/runtime.hpp>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace nas::train {

namespace {

namespace fs = std::filesystem;

void write_text(const fs::path &path, const std::string &text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush())
    throw Failed("cannot write " + path.string());
}

} // namespace

class TrainEvaluator final : public Evaluator {
public:
  TrainEvaluator(const Config &config, const Host &host)
      : Evaluator(host), config_(read_train_config(config, host.config_dir())) {
    if (config_.device == DeviceChoice::cuda && !nas::torch::cuda_available())
      throw ConfigError("device", "'device' is \"cuda\", but this libtorch sees no CUDA device "
                                  "(a CPU-only build, or no GPU); use \"cpu\" or \"auto\"");
    data_ = training::load_training_data(config_.data);
  }

  static Info info() {
    Info i;
    i.name = "nas.evaluator.train";
    i.version = "1.0.0";
    i.description = "Trains the trial's network (LibTorch) on a fixed slice of Fashion-MNIST, "
                    "MNIST or CIFAR-10 and reports its validation accuracy.";
    i.flags = NAS_FLAG_USES_LIBTORCH;
    i.config = train_config_schema();
    i.metrics =
        R"j({"valid_accuracy": {"unit": "%", "help": "top-1 on the validation slice after the last epoch"},)j"
        R"j( "test_accuracy": {"unit": "%", "help": "top-1 on the test set, only with test = true"},)j"
        R"j( "train_loss": {"unit": "", "help": "mean training loss of the last epoch"},)j"
        R"j( "params": {"unit": "", "help": "parameters (BN running stats excluded)"},)j"
        R"j( "flops": {"unit": "", "help": "multiply-accumulates of one image's forward"},)j"
        R"j( "latency_ms": {"unit": "ms", "help": "median batch-1 CPU inference time"},)j"
        R"j( "train_seconds": {"unit": "s", "help": "this trial's training and validation time"},)j"
        R"j( "epochs": {"unit": "", "help": "epochs the weights have seen, resumed ones included"},)j"
        R"j( "resumed_epochs": {"unit": "", "help": "of those, epochs of the checkpoint resumed from"},)j"
        R"j( "train_images": {"unit": "", "help": "training images per epoch"},)j"
        R"j( "stopped_early": {"unit": "", "help": "1 when the host asked the trial to stop early"}})j";
    return i;
  }

  std::string evaluate(const Trial &trial) override {
    const ir::Network network = training::architecture_of(trial, "nas.evaluator.train");
    training::check_network_input(network, data_, config_.data.dataset);

    TrialPlan plan;
    plan.config = &config_;
    plan.network = &network;
    plan.data = &data_;
    plan.train_count = train_images_at(config_, trial.fidelity);
    plan.epochs = epochs_at(config_, trial.fidelity);
    plan.seed = trial.seed;
    plan.threads = nas::torch::thread_budget(config_.threads);
    plan.artifact_dir = trial.artifact_dir;
    plan.resume_from = trial.resume_from;
    plan.report = [this](int64_t epoch, const std::string &json) { host().report(epoch, json); };
    plan.should_stop = [this] { return host().should_stop(); };
    plan.cancelled = [this] { return host().cancelled(); };
    if (!trial.artifact_dir.empty()) {
      std::error_code error;
      fs::create_directories(trial.artifact_dir, error);
      write_text(fs::path(trial.artifact_dir) / "ir.json", trial.ir_json);
      // How images were fed: what anyone who loads weights.pt must do to an image too.
      write_text(fs::path(trial.artifact_dir) / "preprocess.json",
                 nlohmann::json{{"dataset", config_.data.dataset},
                                {"scale", 1.0 / 255},
                                {"mean", data_.stats.mean},
                                {"std", data_.stats.std}}
                     .dump());
    }

    TrialOutcome out = run_trial(plan);

    nlohmann::json metrics = {{"valid_accuracy", out.valid_accuracy},
                              {"params", out.params},
                              {"flops", out.macs},
                              {"train_seconds", out.train_seconds},
                              {"epochs", out.epochs},
                              {"train_images", plan.train_count}};
    if (out.train_loss)
      metrics["train_loss"] = *out.train_loss;
    if (out.latency_ms)
      metrics["latency_ms"] = *out.latency_ms;
    if (out.test_accuracy)
      metrics["test_accuracy"] = *out.test_accuracy;
    if (!trial.resume_from.empty())
      metrics["resumed_epochs"] = out.resumed_epochs;
    if (out.stopped_early)
      metrics["stopped_early"] = 1;
    std::string text = metrics.dump();
    if (!trial.artifact_dir.empty())
      write_text(fs::path(trial.artifact_dir) / "metrics.json", text);
    return text;
  }

private:
  TrainConfig config_;
  training::TrainingData data_;
};

} // namespace nas::train

NAS_PLUGIN_LIBRARY(nas::train::TrainEvaluator);
