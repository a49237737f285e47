// nas.strategy.successive_halving: successive halving (Jamieson and Talwalkar, AISTATS 2016)
// and its asynchronous form ASHA (Li et al., MLSys 2020) over a bound sampler strategy.
#include "halving_engine.hpp"

#include <nas/plugin.hpp>

namespace nas::halving {

class SuccessiveHalvingStrategy final : public Strategy {
public:
  SuccessiveHalvingStrategy(const Config &config, const Host &host)
      : Strategy(host), engine_(read_settings(config, false), "nas.strategy.successive_halving/1") {
  }

  static Info info() {
    Info i;
    i.name = "nas.strategy.successive_halving";
    i.version = "1.0.0";
    i.description = "Successive halving over a sampler strategy: rungs of rising fidelity, the "
                    "top 1/eta promoted (sync barriers or asynchronous, ASHA).";
    i.config = config_schema(false);
    i.roles = roles_schema();
    return i;
  }

  void bind(const std::string &role, nas_instance_t *other) override {
    if (role != "sampler")
      return Strategy::bind(role, other);
    engine_.bind_sampler(other);
  }

  Ask ask(int64_t trial_id, Proposal &out) override { return engine_.ask(trial_id, out); }
  void tell(const Outcome &outcome) override { engine_.tell(outcome); }
  std::string save() const override { return engine_.save(); }
  void load(std::string_view data) override { engine_.load(data); }

private:
  Engine engine_;
};

} // namespace nas::halving

NAS_PLUGIN_LIBRARY(nas::halving::SuccessiveHalvingStrategy);
