#include "executor_factory.hpp"

#include "inline_executor.hpp"
#include "local_executor.hpp"

#include <spdlog/sinks/sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <sched.h>
#include <thread>

namespace nas::core {

namespace {

// The cores this process may run on (its affinity mask, which containers and taskset
// narrow), else what the hardware has.
int usable_cores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
    return CPU_COUNT(&set);
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

// The most detailed level any of the host's log sinks keeps, so workers send no more.
int lowest_log_level() {
  int level = spdlog::level::off;
  for (const auto &sink : spdlog::default_logger()->sinks())
    level = std::min(level, static_cast<int>(sink->level()));
  return std::max(level, static_cast<int>(spdlog::default_logger()->level()));
}

// The library files of the plugins a worker of `stage` builds: the space's and the stage
// runner's (its evaluator, or a one-shot stage's strategy), with their collaborators.
std::vector<std::string> worker_plugin_files(const Assembly &assembly, size_t stage) {
  const bool oneshot = assembly.stage(stage).evaluator == nullptr;
  const std::string runner =
      "stage." + std::to_string(stage) + (oneshot ? ".strategy" : ".evaluator");
  auto under = [](const std::string &path, const std::string &root) {
    return path == root || path.rfind(root + ".", 0) == 0;
  };
  std::vector<std::string> files;
  for (const auto &inst : assembly.instances()) {
    const std::string &file = inst->descriptor().file;
    if ((under(inst->path(), "space") || under(inst->path(), runner)) &&
        std::find(files.begin(), files.end(), file) == files.end())
      files.push_back(file);
  }
  return files;
}

} // namespace

int threads_per_worker(const Execution &e) {
  if (e.threads_per_worker > 0)
    return static_cast<int>(e.threads_per_worker);
  return std::max(1, usable_cores() / static_cast<int>(std::max<int64_t>(1, e.workers)));
}

std::unique_ptr<Executor> make_executor(const Pipeline &pipeline, const Assembly &assembly,
                                        size_t stage, RunContext &run) {
  const Execution &e = pipeline.execution;
  const Instance &runner = *assembly.stage(stage).runner();
  if (e.engine != "local") {
    if (stage == 0 && (e.trial_timeout > 0 || e.trial_memory > 0))
      spdlog::warn("trial_timeout and trial_memory need engine = \"local\"; the inline engine "
                   "runs trials in the host and cannot enforce them");
    return std::make_unique<InlineExecutor>(runner, run, static_cast<size_t>(e.workers));
  }
  LocalExecutorOptions options;
  options.workers = static_cast<size_t>(e.workers);
  options.trial_timeout = e.trial_timeout;
  options.trial_memory = e.trial_memory;
  options.threads_per_worker = threads_per_worker(e);
  worker::Hello &h = options.hello;
  h.pipeline_file = std::filesystem::absolute(pipeline.file).lexically_normal().string();
  h.pipeline_text = pipeline.text;
  h.overrides = pipeline.overrides;
  h.plugin_paths = pipeline.extra_plugin_paths;
  h.plugin_files = worker_plugin_files(assembly, stage);
  h.stage = stage;
  h.seed = pipeline.seed;
  h.run_dir = run.run_dir;
  h.config_dir = run.config_dir;
  h.log_level = lowest_log_level();
  return std::make_unique<LocalExecutor>(std::move(options), run);
}

} // namespace nas::core
