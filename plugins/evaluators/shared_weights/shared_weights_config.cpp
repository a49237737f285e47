#include "shared_weights_config.hpp"

#include "../../common/training/config_checks.hpp"

#include <filesystem>

namespace nas::shared_weights {

namespace fs = std::filesystem;
using training::int_at_least;

SharedWeightsConfig read_shared_weights_config(const Config &config, const std::string &run_dir,
                                               const std::string &config_dir) {
  SharedWeightsConfig c;
  const bool by_stage = config.has("supernet_stage"), by_folder = config.has("checkpoint_dir");
  if (by_stage == by_folder)
    throw ConfigError(by_stage ? "checkpoint_dir" : "supernet_stage",
                      "give exactly one of 'supernet_stage' (the one-shot stage that trains the "
                      "supernet) and 'checkpoint_dir' (its folder); " +
                          std::string(by_stage ? "both were given" : "neither was given"));
  if (by_stage) {
    c.stage = config.get_string("supernet_stage", "");
    if (c.stage.empty() || c.stage.find('/') != std::string::npos || c.stage == "." ||
        c.stage == "..")
      throw ConfigError("supernet_stage", "'supernet_stage' must be a stage name, got \"" +
                                              c.stage + "\"");
    c.folder = (fs::path(run_dir) / "stages" / c.stage).string();
  } else {
    fs::path dir = config.get_string("checkpoint_dir", "");
    if (dir.empty())
      throw ConfigError("checkpoint_dir", "'checkpoint_dir' must name a folder, got \"\"");
    c.folder = (dir.is_absolute() ? dir : fs::path(config_dir) / dir).lexically_normal().string();
  }
  c.calibration_batches = int_at_least(config, "calibration_batches", c.calibration_batches, 1);
  c.batch_size = int_at_least(config, "batch_size", c.batch_size, 2);
  c.valid_images = int_at_least(config, "valid_images", c.valid_images, 0);
  c.threads = int_at_least(config, "threads", c.threads, 0);
  return c;
}

const char *shared_weights_config_schema() {
  return R"j({"supernet_stage": {"type": "string", "default": null, "help": "the one-shot stage (e.g. )j"
         R"j(nas.strategy.supernet) whose folder RUN_DIR/stages/<name> holds the trained )j"
         R"j(supernet; it must run before this stage"},)j"
         R"j( "checkpoint_dir": {"type": "string", "default": null, "help": "instead of supernet_stage: that )j"
         R"j(folder, relative to the config's folder"},)j"
         R"j( "calibration_batches": {"type": "int", "default": 10, "help": "training )j"
         R"j(batches that re-estimate BN statistics for each architecture"},)j"
         R"j( "batch_size": {"type": "int", "default": 64, "help": "images per calibration )j"
         R"j(batch"},)j"
         R"j( "valid_images": {"type": "int", "default": 0, "help": "validation images )j"
         R"j(scored; 0: the supernet's (supernet.json)"},)j"
         R"j( "threads": {"type": "int", "default": 0, "help": "torch threads; 0: the host's )j"
         R"j(NAS_NUM_THREADS, else torch's default"}})j";
}

} // namespace nas::shared_weights
