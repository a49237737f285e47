// One created plugin instance, owned by the host: destroyed with its host context.
#pragma once

#include "host_context.hpp"
#include "json.hpp"
#include "registry.hpp"

#include <nas/abi.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace nas::core {

// A plugin's own error: its status, the config key it names (may be empty) and message.
class PluginError : public std::runtime_error {
public:
  PluginError(nas_status_t code, std::string key, const std::string &message)
      : std::runtime_error(message), code_(code), key_(std::move(key)) {}
  nas_status_t code() const { return code_; }
  const std::string &key() const { return key_; }

private:
  nas_status_t code_;
  std::string key_;
};

// The bytes of each vtable that every v1 plugin provides; later fields are optional.
constexpr size_t required_size(const nas_space_v1_t *) { return sizeof(nas_space_v1_t); }
constexpr size_t required_size(const nas_strategy_v1_t *) {
  return offsetof(nas_strategy_v1_t, save);
}
constexpr size_t required_size(const nas_evaluator_v1_t *) { return sizeof(nas_evaluator_v1_t); }
constexpr size_t required_size(const nas_distance_v1_t *) { return sizeof(nas_distance_v1_t); }
constexpr size_t required_size(const nas_features_v1_t *) { return sizeof(nas_features_v1_t); }
constexpr size_t required_size(const nas_predictor_v1_t *) {
  return offsetof(nas_predictor_v1_t, predict_joint);
}
constexpr size_t required_size(const nas_oneshot_v1_t *) { return sizeof(nas_oneshot_v1_t); }

class Instance {
public:
  // Creates `name` with `config` at `path` in the pipeline; throws PluginError when the
  // plugin refuses (e.g. a config value), std::runtime_error when the name is unknown.
  static std::unique_ptr<Instance> create(const Registry &registry, const std::string &name,
                                          const Json &config, std::shared_ptr<RunContext> run,
                                          const std::string &path);
  ~Instance();
  Instance(const Instance &) = delete;
  Instance &operator=(const Instance &) = delete;

  nas_instance_t *raw() const { return raw_; }
  const Descriptor &descriptor() const { return *desc_; }
  const HostContext &host() const { return *host_; }
  const std::string &path() const { return host_->path(); }

  // The kind's vtable, or nullptr when absent or shorter than its required v1.0 functions
  // (optional functions at its end, such as a strategy's save/load, may be missing).
  template <class VTable> const VTable *interface(const char *id) const {
    auto vt = static_cast<const VTable *>(raw_->get_interface(raw_, id));
    return vt && vt->struct_size >= required_size(static_cast<const VTable *>(nullptr)) ? vt
                                                                                        : nullptr;
  }
  // Binds `other` under `role`; throws PluginError when refused.
  void bind(const std::string &role, Instance &other);

private:
  Instance() = default;
  std::unique_ptr<HostContext> host_; // outlives raw_: destroyed after it
  const Descriptor *desc_ = nullptr;
  nas_instance_t *raw_ = nullptr;
};

// A fresh nas_error_t, zeroed with its size set.
nas_error_t make_error();

} // namespace nas::core
