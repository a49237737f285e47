// The strategy bound under role `sampler`: it proposes the bottom rung's architectures and
// hears their results. Called through its C vtable, as the host calls strategies.
#pragma once

#include <nas/plugin.hpp>

#include <optional>
#include <string>

namespace nas::halving {

class Sampler {
public:
  Sampler() = default;
  explicit Sampler(nas_instance_t *inst);
  explicit operator bool() const { return inst_ != nullptr; }
  std::string name() const;

  // Asks for trial `trial_id` with a fresh ask struct, as the host would make it, writing
  // into `choices` (pre-sized to the space). Returns NAS_OK, NAS_WAIT or NAS_DONE; throws
  // the sampler's error otherwise.
  nas_status_t ask(int64_t trial_id, Choices &choices) const;
  // Passes a result on (its own trials, and any it did not ask for).
  void tell(const Outcome &outcome) const;
  // The sampler's state, or nullopt when it keeps none (no save, or NAS_ERR_UNSUPPORTED).
  std::optional<std::string> save() const;
  // Restores what save() gave; throws when the sampler cannot load.
  void load(const std::string &state) const;

private:
  nas_instance_t *inst_ = nullptr;
  const nas_strategy_v1_t *vt_ = nullptr;
};

} // namespace nas::halving
