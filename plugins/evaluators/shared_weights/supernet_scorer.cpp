#include "supernet_scorer.hpp"

#include "../../common/oneshot/path_scoring.hpp"
#include "../../common/oneshot/supernet_files.hpp"
#include "../../common/training/training_data.hpp"

#include <nas/plugin.hpp>
#include <nas/torch/checkpoint.hpp>
#include <nas/torch/supernet.hpp>
#include <nas/torch/training.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace nas::shared_weights {

namespace fs = std::filesystem;
using ::torch::Tensor;

struct SupernetScorer::State {
  nas::torch::Supernet net{nullptr};
  Tensor train_x, valid_x, valid_y;
  oneshot::Calibration calibration;
  ::torch::Device device{::torch::kCPU};
  int threads = 0;
};

SupernetScorer::SupernetScorer(const std::string &folder, const ScorerOptions &options)
    : state_(std::make_unique<State>()) {
  State &s = *state_;
  const oneshot::SupernetSettings settings = oneshot::read_settings(folder);

  const std::string ir_path = (fs::path(folder) / oneshot::kIrFile).string();
  std::ifstream in(ir_path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  try {
    s.net = nas::torch::Supernet(ir::read(text.str()));
  } catch (const ir::Error &e) {
    throw Failed(ir_path + ": not a supernet IR this build can construct: " + e.what());
  }
  const std::string weights = (fs::path(folder) / oneshot::kWeightsFile).string();
  try {
    ::torch::load(s.net, weights);
  } catch (const c10::Error &e) {
    throw Failed(weights + ": cannot load the supernet's weights (not written for " +
                 oneshot::kIrFile + ", or a damaged file): " + e.what_without_backtrace());
  }
  s.threads = nas::torch::thread_budget(options.threads);
  s.net->to(s.device);

  training::DataConfig data = settings.data;
  if (options.valid_images > 0)
    data.valid_images = options.valid_images;
  training::TrainingData images;
  try {
    images = training::load_training_data(data);
  } catch (const nas::Error &e) {
    throw Failed((fs::path(folder) / oneshot::kSettingsFile).string() +
                 ": cannot read the data it names: " + e.what());
  }
  s.train_x = nas::torch::images_tensor(images.train, images.train.count, images.stats);
  s.valid_x = nas::torch::images_tensor(images.valid, images.valid.count, images.stats);
  s.valid_y = nas::torch::labels_tensor(images.valid, images.valid.count);
  // The supernet's seed: every architecture, in every worker, calibrates on the same images.
  s.calibration = {options.calibration_batches, options.batch_size, settings.seed};
}

SupernetScorer::~SupernetScorer() = default;

double SupernetScorer::score(const ir::Network &architecture) {
  State &s = *state_;
  std::vector<int64_t> path;
  try {
    path = s.net->path_of(architecture);
  } catch (const ir::Error &e) {
    throw InvalidArch(std::string("the architecture has no path in the trained supernet "
                                  "(another space, or other space settings?): ") + e.what());
  }
  at::set_num_threads(s.threads);
  return oneshot::score_path(*s.net, path, s.train_x, s.valid_x, s.valid_y, s.calibration,
                             s.device);
}

} // namespace nas::shared_weights
