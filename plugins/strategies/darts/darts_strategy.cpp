// nas.strategy.darts: DARTS (Liu, Simonyan and Yang, ICLR 2019) as a one-shot strategy:
// the space's supernet with a softmax-mixed op on every searchable entry, weights and
// architecture parameters trained in alternation (first or second order), the architecture
// derived from the final mixing weights. Torch-free: the training is search.cpp.
#include "darts_config.hpp"
#include "derivation.hpp"
#include "search.hpp"

#include "../../common/oneshot/oneshot_strategy.hpp"

#include <nas/ir.hpp>
#include <nas/plugin.hpp>

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace nas::darts_search {

namespace {

// The space's choices for a derivation: decisions directly, DARTS cells through the space's
// genotype string.
Choices to_choices(const Derived &derived, const SpaceRef &space) {
  if (!derived.cells.empty()) {
    std::string genotype = darts_genotype(derived);
    try {
      return space.from_string(genotype);
    } catch (const nas::Error &e) {
      throw Failed("the space does not read the derived genotype " + genotype + ": " + e.what());
    }
  }
  Choices choices(space.num_decisions(), 0);
  for (const auto &[decision, option] : derived.options) {
    if (decision < 0 || static_cast<uint32_t>(decision) >= choices.size())
      throw Failed("the supernet names decision " + std::to_string(decision) + ", the space has " +
                   std::to_string(choices.size()));
    choices[static_cast<size_t>(decision)] = option;
  }
  space.canonicalize(choices);
  return choices;
}

} // namespace

class DartsStrategy final : public oneshot::OneShotStrategy {
public:
  DartsStrategy(const Config &config, const Host &host)
      : OneShotStrategy(host), config_(read_darts_config(config, host.config_dir())) {}

  static Info info() {
    Info i;
    i.name = "nas.strategy.darts";
    i.version = "1.0.0";
    i.description = "DARTS: one-shot differentiable search of the space's supernet (first or "
                    "second order), with a skip-connection cap and early stop.";
    i.flags = NAS_FLAG_USES_LIBTORCH;
    i.config = darts_config_schema();
    i.roles = kRoles;
    i.metrics =
        R"j({"valid_accuracy": {"unit": "%", "help": "the supernet's, mixed, on the validation images after the last epoch"},)j"
        R"j( "train_loss": {"unit": "", "help": "mean weight-step loss of the last epoch"},)j"
        R"j( "skip_connections": {"unit": "", "help": "skip_connect in the derived cell (most of any cell)"},)j"
        R"j( "epochs": {"unit": "", "help": "search epochs done, resumed ones included"},)j"
        R"j( "resumed_from_epoch": {"unit": "", "help": "epochs of the checkpoint the search continued from"},)j"
        R"j( "stopped_early": {"unit": "", "help": "1 when stop_at_skips ended the search"},)j"
        R"j( "search_seconds": {"unit": "s", "help": "this session's search time"}})j";
    return i;
  }

  Choices search(const Trial &trial, std::string &metrics_json) override {
    const ir::Network supernet = supernet_of(trial);
    const training::TrainingData &data = data_for(supernet, config_.data);

    SearchPlan plan;
    plan.config = &config_;
    plan.supernet = &supernet;
    plan.data = &data;
    plan.seed = trial.seed;
    plan.artifact_dir = trial.artifact_dir;
    plan.resume_from = trial.resume_from;
    plan.end_of_epoch = [&](int64_t epoch, const std::vector<GroupWeights> &groups,
                            nlohmann::json &report) {
      Derived derived =
          derive(groups, static_cast<int>(config_.skip_cap), config_.allow_none);
      report["skip_connections"] = derived.max_skips();
      report["architecture"] = space().to_string(to_choices(derived, space()));
      // DARTS+: skips crowding the cell mean the search is collapsing; the cap (if any)
      // already applies, so count them before it.
      int uncapped = derive(groups, -1, config_.allow_none).max_skips();
      if (config_.stop_at_skips > 0 && uncapped >= config_.stop_at_skips) {
        host().info("DARTS: stopping after epoch " + std::to_string(epoch) + ": the derived cell "
                    "has " + std::to_string(uncapped) + " skip_connect (stop_at_skips = " +
                    std::to_string(config_.stop_at_skips) + ")");
        return true;
      }
      return false;
    };
    plan.report = [&](int64_t epoch, const std::string &json) { host().report(epoch, json); };
    plan.progress = [&](double done, double total, const std::string &message) {
      host().progress(done, total, message);
    };
    plan.cancelled = [&] { return host().cancelled(); };

    SearchOutcome out = run_search(plan);
    Derived derived;
    try {
      derived = derive(out.groups, static_cast<int>(config_.skip_cap), config_.allow_none);
    } catch (const std::invalid_argument &e) {
      throw Failed(std::string("cannot derive an architecture: ") + e.what());
    }
    Choices choices = to_choices(derived, space());
    nlohmann::json metrics = {{"valid_accuracy", out.valid_accuracy},
                              {"train_loss", out.train_loss},
                              {"skip_connections", derived.max_skips()},
                              {"epochs", out.epochs},
                              {"resumed_from_epoch", out.resumed_from_epoch},
                              {"stopped_early", out.stopped_early ? 1 : 0},
                              {"search_seconds", out.seconds}};
    metrics_json = metrics.dump();
    return choices;
  }

private:
  DartsConfig config_;
};

} // namespace nas::darts_search

NAS_PLUGIN_LIBRARY(nas::darts_search::DartsStrategy);
