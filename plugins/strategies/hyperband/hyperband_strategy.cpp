// nas.strategy.hyperband: Hyperband (Li et al., JMLR 2018), brackets of successive halving
// from every starting fidelity in turn, over a bound sampler strategy; async runs the
// brackets as ASHA does (Li et al., MLSys 2020).
#include "halving_engine.hpp"

#include <nas/plugin.hpp>

namespace nas::halving {

class HyperbandStrategy final : public Strategy {
public:
  HyperbandStrategy(const Config &config, const Host &host)
      : Strategy(host), engine_(read_settings(config, true), "nas.strategy.hyperband/1") {}

  static Info info() {
    Info i;
    i.name = "nas.strategy.hyperband";
    i.version = "1.0.0";
    i.description = "Hyperband over a sampler strategy: successive halving brackets from every "
                    "starting fidelity, looped.";
    i.config = config_schema(true);
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

NAS_PLUGIN_LIBRARY(nas::halving::HyperbandStrategy);
