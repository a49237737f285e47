#include "darts_config.hpp"

#include "../../common/training/config_checks.hpp"

namespace nas::darts_search {

using training::int_at_least;
using training::number_in;
using training::pick;

DartsConfig read_darts_config(const Config &config, const std::string &config_dir) {
  DartsConfig c;
  training::DataConfig defaults;
  defaults.train_images = 5000;
  defaults.valid_images = 5000;
  c.data = training::read_data_config(config, config_dir, defaults);
  static_cast<oneshot::WeightTraining &>(c) = oneshot::read_weight_training(config);
  c.alpha_lr = number_in(config, "alpha_lr", c.alpha_lr, 0, -1, true);
  c.alpha_weight_decay = number_in(config, "alpha_weight_decay", c.alpha_weight_decay, 0, -1);
  c.order = static_cast<Order>(pick(config, "order", {"first", "second"}));
  c.skip_cap = int_at_least(config, "skip_cap", c.skip_cap, -1);
  c.stop_at_skips = int_at_least(config, "stop_at_skips", c.stop_at_skips, 0);
  c.allow_none = config.get_bool("allow_none", c.allow_none);
  if (c.batch_size > c.data.train_images || c.batch_size > c.data.valid_images)
    throw ConfigError("batch_size", "'batch_size' (" + std::to_string(c.batch_size) +
                                        ") is larger than train_images or valid_images");
  return c;
}

const char *darts_config_schema() {
  static const std::string schema =
      "{" + training::data_config_schema(5000, 5000) + "," +
      oneshot::weight_training_schema() + "," +
      R"j( "alpha_lr": {"type": "double", "default": 0.0003, "help": "architecture )j"
      R"j(parameters: Adam rate (betas 0.5, 0.999)"},)j"
      R"j( "alpha_weight_decay": {"type": "double", "default": 0.001, "help": "architecture )j"
      R"j(parameters: L2"},)j"
      R"j( "order": {"type": "string", "default": "first", "help": "first (alphas on the )j"
      R"j(current weights) or second (one unrolled weight step, finite-difference )j"
      R"j(Hessian-vector product)"},)j"
      R"j( "skip_cap": {"type": "int", "default": -1, "help": "at most this many )j"
      R"j(skip_connect per derived cell (weakest replaced); -1: no cap"},)j"
      R"j( "stop_at_skips": {"type": "int", "default": 0, "help": "end the search after an )j"
      R"j(epoch whose derived cell has this many skip_connect (DARTS+); 0: never"},)j"
      R"j( "allow_none": {"type": "bool", "default": false, "help": "spaces whose )j"
      R"j(decisions pick an edge's op (NB201): let `none` win an edge, as NB201's DARTS )j"
      R"j(baseline does (it can disconnect the cell)"}})j";
  return schema.c_str();
}

} // namespace nas::darts_search
