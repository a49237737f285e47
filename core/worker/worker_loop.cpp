#include "worker_loop.hpp"

#include "../assembly.hpp"
#include "../evaluation.hpp"
#include "../logging.hpp"
#include "../registry.hpp"
#include "frame_channel.hpp"
#include "messages.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdlib>
#include <mutex>
#include <sys/prctl.h>
#include <unistd.h>

namespace nas::core::worker {

namespace {

RunContext *g_run = nullptr;

// The host forwards its cancel flag as SIGUSR1, so plugins polling is_cancelled() stop.
void on_cancel(int) {
  if (g_run)
    g_run->cancelled = true;
}

// Log lines go to the host, which writes them to its console and nas.log.
class HostLogSink : public spdlog::sinks::base_sink<std::mutex> {
public:
  explicit HostLogSink(FrameWriter &writer) : writer_(writer) {}

protected:
  void sink_it_(const spdlog::details::log_msg &msg) override {
    try {
      writer_.send(log_message(static_cast<int>(msg.level),
                               std::string(msg.payload.data(), msg.payload.size())));
    } catch (const std::exception &) {
      // The host is gone; the main loop finds out on its next message.
    }
  }
  void flush_() override {}

private:
  FrameWriter &writer_;
};

std::string memory_note(const Hello &h) {
  if (h.memory_limit <= 0)
    return "";
  std::string limit = std::to_string(h.memory_limit / (1024 * 1024)) + " MiB";
  return h.memory_method == "cgroup"
             ? " (trial_memory " + limit + ", a cgroup memory.max)"
             : " (trial_memory " + limit + ", an address-space limit (RLIMIT_AS) on the worker)";
}

// Everything the worker loads once: kept together so they are destroyed in order
// (instances before the libraries that hold their code).
struct Loaded {
  Registry registry;
  Pipeline pipeline;
  std::unique_ptr<Assembly> assembly;
  const Instance *runner = nullptr; // the stage's evaluator, or its one-shot strategy
};

std::unique_ptr<Loaded> load(const Hello &h, const std::shared_ptr<RunContext> &run) {
  auto out = std::make_unique<Loaded>();
  out->pipeline = parse_pipeline_text(h.pipeline_file, h.pipeline_text, h.overrides);
  out->pipeline.seed = h.seed;
  if (!h.plugin_files.empty()) {
    for (const auto &f : h.plugin_files) // the very files the host resolved the names to
      out->registry.add_file(f);
  } else { // the same folders in the same order as the host's `load`: names resolve alike
    for (const auto &p : out->pipeline.plugin_paths)
      out->registry.add_folder(p);
    for (const auto &p : h.plugin_paths)
      out->registry.add_folder(p);
    out->registry.add_default_folders();
  }
  for (const auto &problem : out->registry.problems())
    spdlog::debug("{}", problem); // the host already warned
  if (h.stage >= out->pipeline.stages.size())
    throw std::runtime_error("the pipeline has no stage " + std::to_string(h.stage));
  out->assembly = Assembly::for_worker(out->pipeline, out->registry, run, h.stage);
  out->runner = out->assembly->stage(h.stage).runner();
  if (!out->runner)
    throw std::runtime_error("stage " + std::to_string(h.stage) + " has no evaluator");
  return out;
}

// Undoes what run_worker points at its own locals: the cancel flag and the log sink.
struct Cleanup {
  ~Cleanup() {
    g_run = nullptr;
    init_logging(0);
  }
};

std::string describe(const std::exception &e) {
  if (const auto *p = dynamic_cast<const PipelineError *>(&e)) {
    std::string out;
    for (const auto &line : p->problems())
      out += (out.empty() ? "" : "; ") + line;
    return out;
  }
  return e.what();
}

} // namespace

int run_worker(int in_fd, int out_fd) {
  std::signal(SIGINT, SIG_IGN); // Ctrl-C is for the host to interpret
  std::signal(SIGPIPE, SIG_IGN);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  FrameReader reader(in_fd);
  FrameWriter writer(out_fd);
  auto run = std::make_shared<RunContext>();
  Cleanup cleanup; // declared after `run` and `writer`: undone before they go
  try {
    std::optional<Json> first = reader.next();
    if (!first)
      return 0;
    if (type_of(*first) != "hello")
      throw FrameError("the first message is \"" + type_of(*first) + "\", not \"hello\"");
    Hello h = hello_from_json(*first);

    auto logger = std::make_shared<spdlog::logger>("nas", std::make_shared<HostLogSink>(writer));
    logger->set_level(static_cast<spdlog::level::level_enum>(h.log_level));
    spdlog::set_default_logger(logger);
    // For test evaluators that must write straight to the host (garbage on purpose).
    ::setenv("NAS_WORKER_RESULT_FD", std::to_string(out_fd).c_str(), 1);
    ::setenv("NAS_NUM_THREADS", std::to_string(h.threads).c_str(), 0);

    run->seed = h.seed;
    run->run_dir = h.run_dir;
    run->config_dir = h.config_dir;
    g_run = run.get();
    std::signal(SIGUSR1, on_cancel);
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_UNBLOCK, &usr1, nullptr); // blocked by the host until the handler is in

    std::unique_ptr<Loaded> loaded;
    try {
      loaded = load(h, run);
    } catch (const std::exception &e) {
      writer.send(error_message(describe(e)));
      return 2;
    }
    // These run inside a plugin's call to the host: nothing may be thrown through it. A
    // report that cannot be sent is lost; a host that is gone kills us (PDEATHSIG).
    run->on_report = [&](const std::string &path, int64_t step, const std::string &json) {
      try {
        writer.send(report_message(run->current_trial, path, step, json));
      } catch (const std::exception &e) {
        spdlog::warn("a report of trial {} is lost: {}", run->current_trial.load(), e.what());
      }
    };
    run->on_progress = [&](const std::string &path, double done, double total,
                           const std::string &message) {
      try {
        writer.send(progress_message(path, done, total, message));
      } catch (const std::exception &) {
      }
    };
    writer.send(ready_message(static_cast<int>(::getpid())));
    spdlog::debug("loaded {} ({} thread(s))", loaded->runner->descriptor().name, h.threads);

    while (std::optional<Json> message = reader.next()) {
      std::string type = type_of(*message);
      if (type == "quit")
        break;
      if (type != "trial")
        throw FrameError("unexpected \"" + type + "\" message from the host");
      TrialJob job = job_from_json(field<Json>(*message, "trial", "trial message"));
      run->current_trial = job.id;
      run->stop_trial = false;
      TrialOutcome outcome = evaluate_trial(*loaded->runner, job);
      run->current_trial = 0;
      if (outcome.status == NAS_TRIAL_OOM)
        outcome.error += memory_note(h);
      std::string frame;
      try {
        frame = encode_frame(result_message(outcome));
      } catch (const FrameError &e) { // metrics over the frame limit fail the trial only
        outcome.status = NAS_TRIAL_FAILED;
        outcome.metrics = Json::object();
        outcome.error = std::string("the metrics cannot be sent to the host: ") + e.what();
        frame = encode_frame(result_message(outcome));
      }
      writer.send_frame(frame);
    }
    return 0;
  } catch (const FrameError &e) {
    spdlog::error("worker: a message from the host is unusable: {}", e.what());
    return 2;
  } catch (const std::system_error &) {
    return 1; // the pipe to the host is broken: nobody is left to tell
  }
}

} // namespace nas::core::worker
