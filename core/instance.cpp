#include "instance.hpp"

#include "config_view.hpp"

namespace nas::core {

nas_error_t make_error() {
  nas_error_t e{};
  e.struct_size = sizeof e;
  return e;
}

std::unique_ptr<Instance> Instance::create(const Registry &registry, const std::string &name,
                                           const Json &config, std::shared_ptr<RunContext> run,
                                           const std::string &path) {
  const Descriptor &desc = registry.find(name);
  const nas_factory_v1_t *factory = registry.library_of(name).factory();
  std::unique_ptr<Instance> inst(new Instance());
  inst->desc_ = &desc;
  inst->host_ = std::make_unique<HostContext>(std::move(run), path);
  ConfigView view(config);
  nas_error_t error = make_error();
  nas_status_t status =
      factory->create(factory, name.c_str(), inst->host_->raw(), view.raw(), &inst->raw_, &error);
  if (status != NAS_OK || !inst->raw_)
    throw PluginError(status, error.key, name + ": " + error.message);
  return inst;
}

Instance::~Instance() {
  if (raw_)
    raw_->destroy(raw_);
}

void Instance::bind(const std::string &role, Instance &other) {
  nas_error_t error = make_error();
  if (raw_->bind(raw_, role.c_str(), other.raw(), &error) != NAS_OK)
    throw PluginError(error.code, error.key,
                      desc_->name + " refused " + other.descriptor().name + " as its '" + role +
                          "': " + error.message);
}

} // namespace nas::core
