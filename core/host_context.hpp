// The nas_host_t one instance receives: its path in the pipeline, seeds namespaced by that
// path, logging into the run's log, and the run's cancel and report hooks.
#pragma once

#include "run_context.hpp"

#include <nas/abi.h>

#include <memory>
#include <string>

namespace nas::core {

class HostContext {
public:
  HostContext(std::shared_ptr<RunContext> run, std::string path);
  HostContext(const HostContext &) = delete;
  HostContext &operator=(const HostContext &) = delete;

  const nas_host_t *raw() const { return &host_; }
  const std::string &path() const { return path_; }
  // The seed of `stream` for this instance: f(run seed, path, stream), nothing else.
  uint64_t seed(const std::string &stream) const;

private:
  std::shared_ptr<RunContext> run_;
  std::string path_;
  nas_host_t host_{};
};

} // namespace nas::core
