#include "commands.hpp"
#include "load.hpp"
#include "options.hpp"
#include "report.hpp"

#include "../assembly.hpp"
#include "../errors.hpp"
#include "../logging.hpp"
#include "../run.hpp"
#include "../run_folder.hpp"

#include <spdlog/spdlog.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace nas::cli {

namespace {

std::atomic<bool> *g_cancel = nullptr;

// First Ctrl-C: stop asking and end the run cleanly. Second: leave at once.
void on_interrupt(int) {
  if (g_cancel && !g_cancel->exchange(true)) {
    const char msg[] = "\nnas: interrupted; finishing the current trial (Ctrl-C again to quit)\n";
    (void)!write(STDERR_FILENO, msg, sizeof msg - 1);
    return;
  }
  _exit(130);
}

} // namespace

int cmd_run(const Args &args) {
  po::options_description options("Options");
  options.add_options()("pipeline", po::value<std::string>(), "the pipeline file (TOML)")(
      "set", po::value<std::vector<std::string>>()->composing(),
      "override a key: --set stage.0.budget.evaluations=300 (value parsed as TOML)")(
      "output,o", po::value<std::string>(), "the run folder (default: [experiment] output)")(
      "seed", po::value<int64_t>(), "the experiment seed, 0 or more (default: [experiment] seed)")(
      "plugin-path", po::value<std::vector<std::string>>()->composing(),
      "another folder to look for plugins in")(
      "fresh", po::bool_switch(),
      "start over in a new folder (DIR-2, ...) even when DIR holds a run to resume");
  options.add(common_options());
  po::positional_options_description positional;
  positional.add("pipeline", 1);
  po::variables_map vm = parse(args, options, positional);
  if (vm.count("help")) {
    print_help("run PIPELINE [--set KEY=VALUE]... [--output DIR] [--seed N] [--fresh]",
               "Runs the pipeline's stages in order and stores every trial in the run folder's\n"
               "run.sqlite as it finishes (also: summary.json, trials.jsonl at the end, nas.log,\n"
               "pipeline.toml). Run it again on the same folder to resume an interrupted run:\n"
               "nothing finished is evaluated twice. A folder that holds something else is\n"
               "never overwritten: the run goes to DIR-2, ... (as with --fresh).\n"
               "Ctrl-C stops asking for trials and lets running ones finish; a second Ctrl-C\n"
               "quits at once. Either way the run can be resumed.",
               options);
    return 0;
  }
  init_logging_from(vm);
  if (!vm.count("pipeline"))
    throw core::UsageError("which pipeline? usage: nas run PIPELINE");

  auto sets = vm.count("set") ? vm["set"].as<std::vector<std::string>>() : Args{};
  auto paths = vm.count("plugin-path") ? vm["plugin-path"].as<std::vector<std::string>>() : Args{};
  Loaded loaded = load(vm["pipeline"].as<std::string>(), sets, paths);
  core::Pipeline &pipeline = loaded.pipeline;
  if (vm.count("seed")) {
    if (vm["seed"].as<int64_t>() < 0)
      throw core::UsageError("--seed must be 0 or more");
    pipeline.seed = static_cast<uint64_t>(vm["seed"].as<int64_t>());
  }
  if (vm.count("output"))
    pipeline.output = vm["output"].as<std::string>();

  core::RunFolder folder = core::plan_run_folder(pipeline, vm["fresh"].as<bool>());
  auto run = std::make_shared<core::RunContext>();
  run->seed = pipeline.seed;
  run->config_dir = pipeline.dir;
  run->run_dir = folder.dir;
  // Every check, and every plugin's own config check, before anything is written.
  core::Assembly assembly(pipeline, *loaded.registry, run);
  core::open_run_folder(folder, pipeline, sets);
  core::add_log_file(run->run_dir + "/nas.log");
  spdlog::info("{} run '{}' (seed {}) in {}", folder.resumed ? "resuming" : "starting",
               pipeline.name, pipeline.seed, run->run_dir);

  g_cancel = &run->cancelled;
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  auto result = core::run_pipeline(pipeline, assembly, run, *folder.store);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  g_cancel = nullptr;

  print_run_report(std::cout, pipeline, *result);
  return result->interrupted ? 130 : 0;
}

int cmd_validate(const Args &args) {
  po::options_description options("Options");
  options.add_options()("pipeline", po::value<std::string>(), "the pipeline file (TOML)")(
      "set", po::value<std::vector<std::string>>()->composing(), "override a key, as for run")(
      "plugin-path", po::value<std::vector<std::string>>()->composing(),
      "another folder to look for plugins in");
  options.add(common_options());
  po::positional_options_description positional;
  positional.add("pipeline", 1);
  po::variables_map vm = parse(args, options, positional);
  if (vm.count("help")) {
    print_help("validate PIPELINE [--set KEY=VALUE]...",
               "Checks the pipeline: TOML syntax, keys and types, plugins and their roles,\n"
               "each plugin's config, and that the objective's metrics are produced. Creates\n"
               "the instances (no run folder, no trial). Exit 0 when valid, 2 otherwise.",
               options);
    return 0;
  }
  init_logging_from(vm);
  if (!vm.count("pipeline"))
    throw core::UsageError("which pipeline? usage: nas validate PIPELINE");
  auto sets = vm.count("set") ? vm["set"].as<std::vector<std::string>>() : Args{};
  auto paths = vm.count("plugin-path") ? vm["plugin-path"].as<std::vector<std::string>>() : Args{};
  Loaded loaded = load(vm["pipeline"].as<std::string>(), sets, paths);
  auto run = std::make_shared<core::RunContext>();
  run->seed = loaded.pipeline.seed;
  run->config_dir = loaded.pipeline.dir;
  core::Assembly assembly(loaded.pipeline, *loaded.registry, run);
  std::cout << loaded.pipeline.file << ": valid (" << loaded.pipeline.stages.size() << " stage(s), "
            << assembly.instances().size() << " plugin instance(s))\n";
  return 0;
}

} // namespace nas::cli
