// What run and validate share: the pipeline read with its overrides, and the registry
// scanned in the pipeline's [plugins] paths, --plugin-path folders and the defaults.
#pragma once

#include "../pipeline.hpp"
#include "../registry.hpp"

#include <memory>
#include <string>
#include <vector>

namespace nas::cli {

struct Loaded {
  core::Pipeline pipeline;
  std::unique_ptr<core::Registry> registry;
};

Loaded load(const std::string &file, const std::vector<std::string> &overrides,
            const std::vector<std::string> &plugin_paths);

// The registry alone (for plugins and describe).
std::unique_ptr<core::Registry> load_registry(const std::vector<std::string> &plugin_paths);

} // namespace nas::cli
