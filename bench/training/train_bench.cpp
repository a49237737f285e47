// bench/training's driver: times one epoch of nas.evaluator.train's own training loop
// (trainer.cpp's run_trial, compiled in from plugins/evaluators/train) on the evaluator's own
// data path (training_data.cpp: load_dataset, split_indices, select), so what is measured is
// the code a search runs, not a copy of it.
//
//   train_bench ir PLUGIN_DIR OUT_DIR
//       writes OUT_DIR/nb201.json and OUT_DIR/chain.json (the IRs, from the space plugins of a
//       build) and OUT_DIR/data.json (the evaluator's split: the training and validation
//       indices into Fashion-MNIST's training set, and the normalization), for torch_bench.py.
//   train_bench train IR_JSON THREADS [TRAIN_IMAGES] [VALID_IMAGES]
//       one epoch of run_trial (batch 64, SGD momentum 0.9, cosine, weight decay 5e-4, grad
//       clip 5: the evaluator's defaults; no augmentation, no latency, no files); prints one
//       JSON line. The clock runs from the first batch (the first should_stop call) to the
//       epoch's report, so it covers the batches and the epoch's validation pass (of
//       VALID_IMAGES, default 100: small on purpose), not the data loading or network build.
//   train_bench mm THREADS
//       GFLOP/s of torch::mm on 2048 x 2048 float32 (the best of 3 after a warm-up): the
//       machine's practical peak through this libtorch, to put the training rate against;
//       and GMAC/s of a 3x3 convolution (64 -> 64 channels, 64 x 28 x 28, oneDNN) forward.
#include "instance.hpp" // core/
#include "registry.hpp"
#include "run_context.hpp"

#include "trainer.hpp" // plugins/evaluators/train/
#include "../../common/training/training_data.hpp"

#include <nas/abi.h>
#include <nas/data/split.hpp>
#include <nas/ir.hpp>
#include <nas/plugin.hpp>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

// The benchmark's two networks, as the space plugins render them (28x28 grey inputs).
const char *const kNb201Best =
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|";
const char *const kChainCnn = "conv3x3_bn_relu@1|conv3x3_bn_relu@1|conv3x3_bn_relu@1";

std::string space_ir(const nas::core::Registry &registry, const std::string &plugin,
                     const Json &config, const std::string &text) {
  auto run = std::make_shared<nas::core::RunContext>();
  auto space = nas::core::Instance::create(registry, plugin, config, run, "space");
  auto *vt = space->interface<nas_space_v1_t>(NAS_SPACE_V1);
  nas::Choices choices(vt->num_decisions(space->raw()));
  nas_error_t error = nas::core::make_error();
  if (vt->from_string(space->raw(), text.c_str(), choices.data(),
                      static_cast<uint32_t>(choices.size()), &error) != NAS_OK)
    throw std::runtime_error(plugin + " cannot read '" + text + "': " + error.message);
  nas_arch_t arch = nas::arch_view(choices);
  nas::detail::StringSink sink;
  if (vt->to_ir(space->raw(), &arch, &sink, &error) != NAS_OK)
    throw std::runtime_error(plugin + " gives no IR for '" + text + "': " + error.message);
  return sink.text;
}

void write_file(const fs::path &path, const std::string &text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text << "\n";
  if (!out.flush())
    throw std::runtime_error("cannot write " + path.string());
}

std::string read_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The evaluator's config for the benchmark: its defaults, 10,000 training images, one epoch.
nas::train::TrainConfig bench_config(int64_t train_images, int64_t valid_images) {
  nas::train::TrainConfig c;
  c.data.train_images = train_images;
  c.data.valid_images = valid_images;
  c.epochs = 1;
  c.latency = false;
  return c;
}

int write_inputs(const std::string &plugin_dir, const std::string &out_dir) {
  nas::core::Registry registry;
  registry.add_folder(plugin_dir);
  fs::create_directories(out_dir);
  write_file(fs::path(out_dir) / "nb201.json",
             space_ir(registry, "nas.space.nb201",
                      Json{{"channels", 16}, {"cells_per_stage", 1}, {"input_channels", 1},
                           {"input_size", 28}},
                      kNb201Best));
  write_file(fs::path(out_dir) / "chain.json",
             space_ir(registry, "nas.space.chain",
                      Json{{"max_depth", 3}, {"min_depth", 3}, {"ops", {"conv3x3_bn_relu"}},
                           {"widths", {1.0}}, {"channels", 16}, {"reduce_at", {0, 1}},
                           {"input_channels", 1}, {"input_size", 28}},
                      kChainCnn));
  // The split as the evaluator draws it (split_seed 0), for the PyTorch side to use the very
  // same images; the largest slice anyone asks for is 50,000 / 10,000.
  auto split = nas::data::split_indices(60000, nas::data::kDefaultValidCount, 0);
  auto data = nas::training::load_training_data(bench_config(1, 1).data);
  Json inputs;
  inputs["train"] = split.train;
  inputs["valid"] = split.valid;
  inputs["mean"] = data.stats.mean;
  inputs["std"] = data.stats.std;
  write_file(fs::path(out_dir) / "data.json", inputs.dump());
  return 0;
}

int train(const std::string &ir_path, int threads, int64_t train_images, int64_t valid_images) {
  const auto config = bench_config(train_images, valid_images);
  const auto data = nas::training::load_training_data(config.data);
  const auto network = nas::ir::read(read_file(ir_path));

  Clock::time_point first_batch{}, reported{};
  int64_t batches = 0;
  nas::train::TrialPlan plan;
  plan.config = &config;
  plan.network = &network;
  plan.data = &data;
  plan.train_count = train_images;
  plan.epochs = 1;
  plan.seed = 1;
  plan.threads = threads;
  plan.should_stop = [&] {
    if (batches++ == 0)
      first_batch = Clock::now();
    return false;
  };
  plan.report = [&](int64_t, const std::string &) { reported = Clock::now(); };
  const auto out = nas::train::run_trial(plan);
  const double seconds = std::chrono::duration<double>(reported - first_batch).count();

  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::cout << Json{{"side", "nas"},
                    {"threads", threads},
                    {"images", train_images},
                    {"batches", batches},
                    {"epoch_s", seconds},
                    {"images_per_s", static_cast<double>(train_images) / seconds},
                    {"macs_per_image", out.macs},
                    {"params", out.params},
                    {"train_loss", out.train_loss.value_or(-1)},
                    {"valid_accuracy", out.valid_accuracy},
                    {"maxrss_mib", static_cast<double>(usage.ru_maxrss) / 1024.0}}
                   .dump()
            << "\n";
  return 0;
}

int matmul_peak(int threads) {
  at::set_num_threads(threads);
  const int64_t n = 2048;
  auto a = torch::randn({n, n}), b = torch::randn({n, n});
  auto c = torch::mm(a, b); // warm-up
  double best = 1e30;
  for (int i = 0; i < 3; ++i) {
    auto start = Clock::now();
    c = torch::mm(a, b);
    best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
  }
  const double flops = 2.0 * static_cast<double>(n * n * n);
  // The matrix product goes to the BLAS (Debian's reference BLAS unless OpenBLAS is
  // installed), convolutions to oneDNN: a large 3x3 convolution's forward is the peak the
  // training's convolutions can reach.
  auto x = torch::randn({64, 64, 28, 28}), w = torch::randn({64, 64, 3, 3});
  auto y = torch::conv2d(x, w, {}, 1, 1); // warm-up
  double conv_best = 1e30;
  for (int i = 0; i < 3; ++i) {
    auto start = Clock::now();
    y = torch::conv2d(x, w, {}, 1, 1);
    conv_best = std::min(conv_best, std::chrono::duration<double>(Clock::now() - start).count());
  }
  const double conv_macs = 64.0 * 64 * 28 * 28 * 64 * 9;
  std::cout << Json{{"side", "nas"},
                    {"threads", threads},
                    {"mm_n", n},
                    {"mm_s", best},
                    {"gflops", flops / best / 1e9},
                    {"gmacs", flops / 2 / best / 1e9},
                    {"conv_gmacs", conv_macs / conv_best / 1e9}}
                   .dump()
            << "\n";
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  try {
    if (mode == "ir" && argc == 4)
      return write_inputs(argv[2], argv[3]);
    if (mode == "train" && argc >= 4 && argc <= 6)
      return train(argv[2], std::stoi(argv[3]), argc > 4 ? std::stoll(argv[4]) : 10000,
                   argc > 5 ? std::stoll(argv[5]) : 100);
    if (mode == "mm" && argc == 3)
      return matmul_peak(std::stoi(argv[2]));
  } catch (const std::exception &e) {
    std::fprintf(stderr, "train_bench %s: %s\n", mode.c_str(), e.what());
    return 1;
  }
  std::fprintf(stderr, "usage: %s ir PLUGIN_DIR OUT_DIR\n"
                       "       %s train IR_JSON THREADS [TRAIN_IMAGES] [VALID_IMAGES]\n"
                       "       %s mm THREADS\n",
               argv[0], argv[0], argv[0]);
  return 2;
}
