#include "host_context.hpp"

#include <nas/random.hpp>

#include <spdlog/spdlog.h>

namespace nas::core {

namespace {

const HostContext &self_of(const nas_host_t *h) {
  return *static_cast<const HostContext *>(h->ctx);
}

spdlog::level::level_enum to_spdlog(int32_t level) {
  switch (level) {
  case NAS_LOG_TRACE:
    return spdlog::level::trace;
  case NAS_LOG_DEBUG:
    return spdlog::level::debug;
  case NAS_LOG_INFO:
    return spdlog::level::info;
  case NAS_LOG_WARN:
    return spdlog::level::warn;
  default:
    return spdlog::level::err;
  }
}

} // namespace

HostContext::HostContext(std::shared_ptr<RunContext> run, std::string path)
    : run_(std::move(run)), path_(std::move(path)) {
  host_.struct_size = sizeof host_;
  host_.ctx = this;
  host_.abi = nas_version_t{NAS_ABI_MAJOR, NAS_ABI_MINOR};
  host_.path = path_.c_str();
  host_.run_dir = run_->run_dir.c_str();
  host_.config_dir = run_->config_dir.c_str();
  host_.log = [](const nas_host_t *h, int32_t level, const char *message) {
    spdlog::log(to_spdlog(level), "[{}] {}", self_of(h).path_, message ? message : "");
  };
  host_.is_cancelled = [](const nas_host_t *h) -> int32_t {
    return self_of(h).run_->cancelled.load() ? 1 : 0;
  };
  host_.seed = [](const nas_host_t *h, const char *stream) {
    return self_of(h).seed(stream ? stream : "");
  };
  host_.progress = [](const nas_host_t *h, double done, double total, const char *message) {
    const HostContext &self = self_of(h);
    if (self.run_->on_progress)
      self.run_->on_progress(self.path_, done, total, message ? message : "");
  };
  host_.report = [](const nas_host_t *h, int64_t step, const char *json) {
    const HostContext &self = self_of(h);
    // Called from plugin code: nothing may be thrown through its frames. A report that
    // cannot be stored (a full disk) is logged; the trial's own commit then fails the run.
    try {
      if (self.run_->on_report)
        self.run_->on_report(self.path_, step, json ? json : "{}");
    } catch (const std::exception &e) {
      spdlog::error("a report of {} was not stored: {}", self.path_, e.what());
    }
  };
  host_.should_stop = [](const nas_host_t *h) -> int32_t {
    const RunContext &run = *self_of(h).run_;
    return run.stop_trial.load() || run.cancelled.load() ? 1 : 0;
  };
  host_.get_extension = [](const nas_host_t *, const char *) -> const void * { return nullptr; };
}

uint64_t HostContext::seed(const std::string &stream) const {
  return nas::derive_seed(nas::derive_seed(run_->seed, path_), stream);
}

} // namespace nas::core
