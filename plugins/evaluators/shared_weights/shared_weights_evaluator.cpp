// nas.evaluator.shared_weights: scores a trial's architecture with the weights of a supernet
// that a one-shot stage (nas.strategy.supernet) trained: its path in the supernet, BN
// statistics re-estimated on a few training batches, accuracy on the validation images.
// No training, nothing written. Torch-free: the scoring is supernet_scorer.cpp.
#include "shared_weights_config.hpp"
#include "supernet_scorer.hpp"

#include "../../common/oneshot/supernet_files.hpp"
#include "../../common/training/training_data.hpp"

#include <nas/ir.hpp>
#include <nas/plugin.hpp>
#include <nas/torch/count.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>

namespace nas::shared_weights {

class SharedWeightsEvaluator final : public Evaluator {
public:
  SharedWeightsEvaluator(const Config &config, const Host &host)
      : Evaluator(host),
        config_(read_shared_weights_config(config, host.run_dir(), host.config_dir())) {}

  static Info info() {
    Info i;
    i.name = "nas.evaluator.shared_weights";
    i.version = "1.0.0";
    i.description = "Scores architectures with a trained supernet's shared weights (BN "
                    "recalibrated per architecture), as random search with weight sharing does.";
    i.flags = NAS_FLAG_USES_LIBTORCH;
    i.config = shared_weights_config_schema();
    i.metrics =
        R"j({"valid_accuracy": {"unit": "%", "help": "top-1 on the validation images with the supernet's weights, BN recalibrated"},)j"
        R"j( "params": {"unit": "", "help": "parameters of the architecture as a standalone network"},)j"
        R"j( "eval_seconds": {"unit": "s", "help": "this trial's scoring time (the first trial of a worker also loads the supernet)"}})j";
    return i;
  }

  std::string evaluate(const Trial &trial) override {
    const auto started = std::chrono::steady_clock::now();
    const ir::Network network = training::architecture_of(trial, "nas.evaluator.shared_weights");
    const double accuracy = scorer().score(network);
    nlohmann::json metrics = {
        {"valid_accuracy", accuracy},
        {"params", nas::torch::count_parameters(network)},
        {"eval_seconds",
         std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()}};
    return metrics.dump();
  }

private:
  // The supernet, loaded at the first evaluation: the stage that trains it runs after this
  // evaluator is created.
  SupernetScorer &scorer() {
    if (scorer_)
      return *scorer_;
    const std::string missing = oneshot::missing_supernet_file(config_.folder);
    if (!missing.empty())
      throw Failed("no trained supernet in " + config_.folder + " (" + missing + " is missing): " +
                   (config_.stage.empty()
                        ? std::string("point checkpoint_dir at the folder of a finished "
                                      "nas.strategy.supernet stage")
                        : "the one-shot stage \"" + config_.stage +
                              "\" (e.g. nas.strategy.supernet) must run, and finish, before "
                              "this stage"));
    ScorerOptions options;
    options.calibration_batches = config_.calibration_batches;
    options.batch_size = config_.batch_size;
    options.valid_images = config_.valid_images;
    options.threads = config_.threads;
    scorer_ = std::make_unique<SupernetScorer>(config_.folder, options);
    return *scorer_;
  }

  SharedWeightsConfig config_;
  std::unique_ptr<SupernetScorer> scorer_;
};

} // namespace nas::shared_weights

NAS_PLUGIN_LIBRARY(nas::shared_weights::SharedWeightsEvaluator);
