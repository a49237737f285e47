// nas.strategy.supernet: random search with weight sharing (Li & Talwalkar, UAI 2019) as a
// one-shot strategy: the space's supernet trained on uniformly sampled single paths, then
// rank_samples sampled architectures scored with the shared weights (BN recalibrated) and
// the best one returned. Leaves supernet.pt, supernet_ir.json and supernet.json in the
// stage's folder for nas.evaluator.shared_weights. Torch-free: the training is
// supernet_training.cpp.
#include "supernet_config.hpp"
#include "supernet_training.hpp"

#include "../../common/oneshot/oneshot_strategy.hpp"
#include "../../common/oneshot/supernet_files.hpp"
#include "../../common/training/training_data.hpp"
#include "../common/space_sampler.hpp"

#include <nas/ir.hpp>
#include <nas/plugin.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>

namespace nas::supernet_search {

namespace fs = std::filesystem;

class SupernetStrategy final : public oneshot::OneShotStrategy {
public:
  SupernetStrategy(const Config &config, const Host &host)
      : OneShotStrategy(host), config_(read_supernet_config(config, host.config_dir())) {}

  static Info info() {
    Info i;
    i.name = "nas.strategy.supernet";
    i.version = "1.0.0";
    i.description = "Random search with weight sharing (Li & Talwalkar 2019): trains the "
                    "space's supernet on uniformly sampled paths, then ranks sampled "
                    "architectures with the shared weights.";
    i.flags = NAS_FLAG_USES_LIBTORCH;
    i.config = supernet_config_schema();
    i.roles = kRoles;
    i.metrics =
        R"j({"valid_accuracy": {"unit": "%", "help": "the derived architecture's, with the shared weights (BN recalibrated), on the validation images"},)j"
        R"j( "train_loss": {"unit": "", "help": "mean loss of the last epoch's sampled paths"},)j"
        R"j( "epochs": {"unit": "", "help": "supernet epochs done, resumed ones included"},)j"
        R"j( "resumed_from_epoch": {"unit": "", "help": "epochs of the checkpoint the training continued from"},)j"
        R"j( "search_seconds": {"unit": "s", "help": "this session's training and ranking time"}})j";
    return i;
  }

  Choices search(const Trial &trial, std::string &metrics_json) override {
    const ir::Network supernet = supernet_of(trial);
    const training::TrainingData &data = data_for(supernet, config_.data);
    if (!trial.artifact_dir.empty())
      fs::create_directories(trial.artifact_dir);

    strategies::SpaceSampler sampler(space());
    TrainingPlan plan;
    plan.config = &config_;
    plan.supernet = &supernet;
    plan.data = &data;
    plan.seed = trial.seed;
    plan.artifact_dir = trial.artifact_dir;
    plan.resume_from = trial.resume_from;
    plan.sample = [&](Rng &rng) { return sample(sampler, rng); };
    plan.report = [&](int64_t epoch, const std::string &json) { host().report(epoch, json); };
    plan.progress = [&](double done, double total, const std::string &message) {
      host().progress(done, total, message);
    };
    plan.cancelled = [&] { return host().cancelled(); };

    TrainingOutcome out = train_and_rank(plan);
    if (out.ranked.empty())
      throw Failed("no architecture could be sampled from the space to rank");
    if (!trial.artifact_dir.empty())
      write_files(trial, out);
    const Ranked &best = out.ranked.front();
    metrics_json = nlohmann::json{{"valid_accuracy", best.valid_accuracy},
                                  {"train_loss", out.train_loss},
                                  {"epochs", out.epochs},
                                  {"resumed_from_epoch", out.resumed_from_epoch},
                                  {"search_seconds", out.seconds}}
                       .dump();
    return best.architecture.choices;
  }

private:
  // One architecture drawn uniformly, canonicalized; redrawn when the space rejects a draw.
  Sampled sample(const strategies::SpaceSampler &sampler, Rng &rng) const {
    for (int tries = 0; tries < 1000; ++tries) {
      std::optional<Choices> choices = sampler.draw(rng);
      if (!choices)
        continue;
      Sampled s;
      s.choices = *choices;
      s.name = space().to_string(s.choices);
      try {
        s.network = ir::read(space().to_ir(s.choices));
      } catch (const ir::Error &e) {
        throw Failed("the space's IR of " + s.name + " is not valid: " + e.what());
      }
      return s;
    }
    throw Failed("the space rejected 1000 uniform draws in a row: nothing to train");
  }

  // What later stages and nas.evaluator.shared_weights read: the weights (written by the
  // training), the supernet IR, the data settings, and the ranking.
  void write_files(const Trial &trial, const TrainingOutcome &out) const {
    const fs::path dir = trial.artifact_dir;
    oneshot::write_text_atomically((dir / oneshot::kIrFile).string(), trial.ir_json);
    oneshot::write_settings(dir.string(), {config_.data, trial.seed});
    nlohmann::json ranking = nlohmann::json::array();
    for (const Ranked &r : out.ranked)
      ranking.push_back({{"architecture", r.architecture.name},
                         {"valid_accuracy", r.valid_accuracy}});
    oneshot::write_text_atomically((dir / "ranking.json").string(), ranking.dump(2) + "\n");
  }

  SupernetConfig config_;
};

} // namespace nas::supernet_search

NAS_PLUGIN_LIBRARY(nas::supernet_search::SupernetStrategy);
