// bench/darts's driver: times one first-order DARTS epoch of nas.strategy.darts's own search
// loop (search.cpp's run_search, with bilevel.cpp and epoch_plan.cpp, compiled in from
// plugins/strategies/darts) on the plugin's own data path (training_data.cpp), so what is
// measured is the code a search runs, not a copy of it.
//
//   darts_bench ir PLUGIN_DIR OUT_DIR TRAIN_IMAGES VALID_IMAGES
//       writes OUT_DIR/supernet.json (nas.space.nb201's supernet IR: channels 8, one cell per
//       stage, 1 x 28 x 28 inputs) and OUT_DIR/data.json (the Fashion-MNIST training-set
//       indices of the training and validation slices, the normalization, and the epoch's
//       batches as epoch_plan.cpp draws them), for torch_darts.py to use the very same images
//       in the very same order.
//   darts_bench search IR_JSON THREADS TRAIN_IMAGES VALID_IMAGES
//       one epoch of run_search (epochs 1, order first, batch 64, the plugin's defaults
//       otherwise: SGD 0.025 cosine to 0.001, momentum 0.9, weight decay 3e-4, clip 5; Adam
//       3e-4 on the alphas); prints one JSON line. steps_s runs from the first step (the first
//       `cancelled` check, after the data tensors and the supernet are built) to the last
//       step's progress call (steps_cpu_s: the process's CPU time over the same span);
//       valid_s is the end-of-epoch validation pass after it.
#include "instance.hpp" // core/
#include "registry.hpp"
#include "run_context.hpp"

#include "epoch_plan.hpp" // plugins/strategies/darts/
#include "search.hpp"

#include <nas/abi.h>
#include <nas/data/split.hpp>
#include <nas/ir.hpp>
#include <nas/plugin.hpp>
#include <nas/torch/supernet.hpp>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <sys/resource.h>
#include <time.h>

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

// CPU seconds of the whole process (all threads): less sensitive than wall time to the other
// jobs on a shared machine.
double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

constexpr uint64_t kSeed = 1;
constexpr int64_t kBatch = 64;

std::string supernet_ir(const std::string &plugin_dir) {
  nas::core::Registry registry;
  registry.add_folder(plugin_dir);
  auto run = std::make_shared<nas::core::RunContext>();
  auto space = nas::core::Instance::create(
      registry, "nas.space.nb201",
      Json{{"channels", 8}, {"cells_per_stage", 1}, {"input_channels", 1}, {"input_size", 28}},
      run, "space");
  auto *vt = space->interface<nas_space_v1_t>(NAS_SPACE_V1);
  nas::detail::StringSink sink;
  nas_error_t error = nas::core::make_error();
  if (!vt->supernet_ir || vt->supernet_ir(space->raw(), &sink, &error) != NAS_OK)
    throw std::runtime_error(std::string("nas.space.nb201 gives no supernet IR: ") +
                             error.message);
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

nas::darts_search::DartsConfig bench_config(int threads, int64_t train, int64_t valid) {
  nas::darts_search::DartsConfig c;
  c.data.train_images = train;
  c.data.valid_images = valid;
  c.epochs = 1;
  c.batch_size = kBatch;
  c.order = nas::darts_search::Order::first;
  c.threads = threads;
  return c;
}

int write_inputs(const std::string &plugin_dir, const std::string &out_dir, int64_t train,
                 int64_t valid) {
  fs::create_directories(out_dir);
  write_file(fs::path(out_dir) / "supernet.json", supernet_ir(plugin_dir));
  // The slices as load_training_data takes them (split_seed 0), and the batches of epoch 0.
  const auto config = bench_config(1, train, valid);
  auto split = nas::data::split_indices(60000, nas::data::kDefaultValidCount, 0)
                   .subset(train, valid);
  auto data = nas::training::load_training_data(config.data);
  auto batches = nas::darts_search::plan_epoch(train, valid, kBatch, kSeed, 0);
  Json inputs;
  inputs["train"] = split.train;
  inputs["valid"] = split.valid;
  inputs["mean"] = data.stats.mean;
  inputs["std"] = data.stats.std;
  inputs["train_batches"] = batches.train;
  inputs["valid_batches"] = batches.valid;
  write_file(fs::path(out_dir) / "data.json", inputs.dump());
  return 0;
}

int search(const std::string &ir_path, int threads, int64_t train, int64_t valid) {
  const auto config = bench_config(threads, train, valid);
  const auto data = nas::training::load_training_data(config.data);
  const auto supernet = nas::ir::read(read_file(ir_path));
  int64_t params = 0;
  for (const auto &p : nas::torch::Supernet(supernet)->parameters())
    params += p.numel();

  Clock::time_point first_step{}, last_step{}, reported{};
  double first_cpu = 0, last_cpu = 0;
  bool started = false;
  nas::darts_search::SearchPlan plan;
  plan.config = &config;
  plan.supernet = &supernet;
  plan.data = &data;
  plan.seed = kSeed;
  plan.cancelled = [&] {
    if (!started) {
      started = true;
      first_step = Clock::now();
      first_cpu = cpu_seconds();
    }
    return false;
  };
  // Called after a step's weight update (every 10th and the last): the last call ends the steps.
  plan.progress = [&](double, double, const std::string &) {
    last_step = Clock::now();
    last_cpu = cpu_seconds();
  };
  plan.report = [&](int64_t, const std::string &) { reported = Clock::now(); };
  const auto out = nas::darts_search::run_search(plan);
  const double steps_s = std::chrono::duration<double>(last_step - first_step).count();
  const double valid_s = std::chrono::duration<double>(reported - last_step).count();
  const int64_t steps = train / kBatch;

  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::cout << Json{{"side", "nas"},
                    {"threads", threads},
                    {"train_images", train},
                    {"valid_images", valid},
                    {"steps", steps},
                    {"steps_s", steps_s},
                    {"steps_cpu_s", last_cpu - first_cpu},
                    {"valid_s", valid_s},
                    // training images per second (each step also runs a validation batch)
                    {"images_per_s", static_cast<double>(steps * kBatch) / steps_s},
                    {"params", params},
                    {"train_loss", out.train_loss},
                    {"valid_accuracy", out.valid_accuracy},
                    {"maxrss_mib", static_cast<double>(usage.ru_maxrss) / 1024.0}}
                   .dump()
            << "\n";
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  try {
    if (mode == "ir" && argc == 6)
      return write_inputs(argv[2], argv[3], std::stoll(argv[4]), std::stoll(argv[5]));
    if (mode == "search" && argc == 6)
      return search(argv[2], std::stoi(argv[3]), std::stoll(argv[4]), std::stoll(argv[5]));
  } catch (const std::exception &e) {
    std::fprintf(stderr, "darts_bench %s: %s\n", mode.c_str(), e.what());
    return 1;
  }
  std::fprintf(stderr,
               "usage: %s ir PLUGIN_DIR OUT_DIR TRAIN_IMAGES VALID_IMAGES\n"
               "       %s search IR_JSON THREADS TRAIN_IMAGES VALID_IMAGES\n",
               argv[0], argv[0]);
  return 2;
}
