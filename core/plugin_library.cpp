#include "plugin_library.hpp"

#define BOOST_DLL_USE_STD_FS
#include <boost/dll/shared_library.hpp>

#include <dlfcn.h>

#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace nas::core {

nas_version_t host_abi() { return nas_version_t{NAS_ABI_MAJOR, NAS_ABI_MINOR}; }

namespace {

std::string version_text(nas_version_t v) {
  return std::to_string(v.major) + "." + std::to_string(v.minor);
}

const char *text_or(const nas_descriptor_t *d, const char *nas_descriptor_t::*field,
                    size_t end_offset, const char *fallback) {
  if (d->struct_size < end_offset)
    return fallback; // an older, shorter descriptor without this field
  const char *v = d->*field;
  return v ? v : fallback;
}

Descriptor read_descriptor(const nas_descriptor_t *d, const std::string &file) {
  Descriptor out;
  out.raw = d;
  out.file = file;
  auto end_of = [](size_t offset) { return offset + sizeof(const char *); };
  out.kind = text_or(d, &nas_descriptor_t::kind, end_of(offsetof(nas_descriptor_t, kind)), "");
  out.name = text_or(d, &nas_descriptor_t::name, end_of(offsetof(nas_descriptor_t, name)), "");
  out.version =
      text_or(d, &nas_descriptor_t::version, end_of(offsetof(nas_descriptor_t, version)), "");
  out.description = text_or(d, &nas_descriptor_t::description,
                            end_of(offsetof(nas_descriptor_t, description)), "");
  if (NAS_HAS_FIELD(d, nas_descriptor_t, flags))
    out.flags = d->flags;
  out.config =
      text_or(d, &nas_descriptor_t::config, end_of(offsetof(nas_descriptor_t, config)), "{}");
  out.roles = text_or(d, &nas_descriptor_t::roles, end_of(offsetof(nas_descriptor_t, roles)), "{}");
  out.metrics =
      text_or(d, &nas_descriptor_t::metrics, end_of(offsetof(nas_descriptor_t, metrics)), "{}");
  return out;
}

} // namespace

const PluginLibrary &PluginLibrary::load(const std::string &path) {
  // Loaded libraries live for the process: kept here, never destroyed (no dlclose at exit).
  static auto *loaded = new std::map<std::string, std::unique_ptr<PluginLibrary>>();
  static auto *handles = new std::vector<std::unique_ptr<boost::dll::shared_library>>();
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  if (auto it = loaded->find(path); it != loaded->end())
    return *it->second;

  auto lib = std::make_unique<boost::dll::shared_library>();
  boost::dll::fs::error_code ec;
  lib->load(path, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local, ec);
  if (ec) {
    const char *reason = dlerror(); // Boost.DLL leaves dlopen's own message here
    throw std::runtime_error(path + ": cannot load: " + (reason ? reason : ec.message()));
  }
  if (!lib->has(NAS_PLUGIN_ENTRY_SYMBOL))
    throw std::runtime_error(path + ": not a nas plugin (no '" NAS_PLUGIN_ENTRY_SYMBOL "' symbol)");
  const auto *entry = &lib->get<const nas_plugin_entry_t>(NAS_PLUGIN_ENTRY_SYMBOL);

  const nas_version_t host = host_abi();
  if (entry->abi.major != host.major)
    throw std::runtime_error(path + ": built for plugin ABI " + version_text(entry->abi) +
                             ", but this host speaks ABI " + version_text(host) +
                             " (the major versions must match; rebuild the plugin against "
                             "this SDK)");
  if (entry->min_host_minor > host.minor)
    throw std::runtime_error(path + ": needs a host of ABI " + std::to_string(host.major) + "." +
                             std::to_string(entry->min_host_minor) + " or newer (built for ABI " +
                             version_text(entry->abi) + "), but this host speaks ABI " +
                             version_text(host));
  if (entry->struct_size < offsetof(nas_plugin_entry_t, get_factory) + sizeof(void *) ||
      !entry->init || !entry->get_factory)
    throw std::runtime_error(path + ": its nas_plugin_entry is incomplete (struct_size " +
                             std::to_string(entry->struct_size) + ")");

  nas_error_t error{};
  error.struct_size = sizeof error;
  if (entry->init(path.c_str(), &host, &error) != NAS_OK)
    throw std::runtime_error(path + ": init failed: " + error.message);
  const auto *factory = static_cast<const nas_factory_v1_t *>(entry->get_factory(NAS_FACTORY_V1));
  if (!factory)
    throw std::runtime_error(path + ": offers no " NAS_FACTORY_V1);

  auto out = std::unique_ptr<PluginLibrary>(new PluginLibrary());
  out->path_ = path;
  out->entry_ = entry;
  out->factory_ = factory;
  for (uint32_t i = 0, n = factory->count(factory); i < n; ++i) {
    const nas_descriptor_t *d = factory->get_descriptor(factory, i);
    if (!d)
      throw std::runtime_error(path + ": descriptor " + std::to_string(i) + " is null");
    Descriptor desc = read_descriptor(d, path);
    if (desc.name.empty() || desc.kind.empty())
      throw std::runtime_error(path + ": descriptor " + std::to_string(i) + " has no name or kind");
    out->descriptors_.push_back(std::move(desc));
  }
  handles->push_back(std::move(lib));
  return *loaded->emplace(path, std::move(out)).first->second;
}

} // namespace nas::core
