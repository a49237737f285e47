#include "load.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

namespace nas::cli {

std::unique_ptr<core::Registry> load_registry(const std::vector<std::string> &plugin_paths) {
  auto registry = std::make_unique<core::Registry>();
  for (const auto &p : plugin_paths)
    registry->add_folder(p);
  registry->add_default_folders();
  for (const auto &problem : registry->problems())
    spdlog::warn("{}", problem);
  return registry;
}

Loaded load(const std::string &file, const std::vector<std::string> &overrides,
            const std::vector<std::string> &plugin_paths) {
  Loaded out;
  out.pipeline = core::parse_pipeline(file, overrides);
  for (const auto &p : plugin_paths) // worker processes scan the same folders
    out.pipeline.extra_plugin_paths.push_back(std::filesystem::absolute(p).string());
  std::vector<std::string> paths = out.pipeline.plugin_paths;
  paths.insert(paths.end(), plugin_paths.begin(), plugin_paths.end());
  out.registry = load_registry(paths);
  return out;
}

} // namespace nas::cli
