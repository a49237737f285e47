// One loaded plugin library (.so): its entry, checked against the host's ABI, and its
// descriptors. Libraries are never unloaded (LibTorch plugins cannot be, safely).
#pragma once

#include <nas/abi.h>

#include <string>
#include <vector>

namespace nas::core {

// A descriptor as the host reads it: fields a shorter (older) struct lacks read as "{}".
struct Descriptor {
  const nas_descriptor_t *raw = nullptr;
  std::string kind, name, version, description;
  uint64_t flags = 0;
  std::string config = "{}", roles = "{}", metrics = "{}";
  std::string file; // the library it came from
};

class PluginLibrary {
public:
  // Loads and checks `path`; throws std::runtime_error naming the file and the reason.
  static const PluginLibrary &load(const std::string &path);

  const std::string &path() const { return path_; }
  nas_version_t abi() const { return entry_->abi; }
  const nas_factory_v1_t *factory() const { return factory_; }
  const std::vector<Descriptor> &descriptors() const { return descriptors_; }

private:
  PluginLibrary() = default;
  std::string path_;
  const nas_plugin_entry_t *entry_ = nullptr;
  const nas_factory_v1_t *factory_ = nullptr;
  std::vector<Descriptor> descriptors_;
};

// The host's ABI, as abi.h defines it (the host is never built with it overridden).
nas_version_t host_abi();

} // namespace nas::core
