// Where a distance gets an architecture's network: read from the choices through the
// supernet's decisions (IR.md: `choices[decision]` indexes an entry's options), which needs
// no rendering, or rendered with the space's to_ir and read back. The first is used when the
// supernet allows it and agrees with to_ir on a sample of architectures; `render = true`
// forces the second.
#ifndef NAS_PLUGINS_DISTANCES_COMMON_NETWORK_SOURCE_HPP
#define NAS_PLUGINS_DISTANCES_COMMON_NETWORK_SOURCE_HPP

#include "supernet_layout.hpp"

#include <nas/plugin.hpp>

#include <string>
#include <vector>

namespace nas::distances {

// What every distance that reads networks declares in its Info: the `render` config key (as
// the last entry of its config object) and its one role.
inline constexpr const char *kRenderConfigEntry =
    R"("render": {"type": "bool", "default": false, "help": "render every architecture with )"
    R"(to_ir (cached) instead of reading its choices through the supernet's decisions"})";
inline constexpr const char *kSpaceRole =
    R"({"space": {"kind": "space", "required": true, )"
    R"("help": "the space whose networks (to_ir, supernet_ir) are compared"}})";

class NetworkSource {
public:
  // [main-thread] Reads the space's supernet IR; logs which way networks are obtained.
  void bind(const SpaceRef &space, bool render, const Host &host);
  bool bound() const { return bound_; }
  bool decodes() const { return decodes_; }
  const SupernetLayout &layout() const { return layout_; }
  const SpaceRef &space() const { return space_; }

  // Throws nas::Error (invalid argument) unless `choices` fits the bound space.
  void check(const Choices &choices) const;
  // The network by to_ir (any space; slow: a JSON round trip).
  OpNetwork render(const Choices &choices) const;
  // check() and the network, decoded or rendered; `out` is reused. [thread-safe]
  void network(const Choices &choices, OpNetwork &out) const;

private:
  // Empty when decoding agrees with to_ir on a fixed sample, else what differed.
  std::string disagreement() const;

  SpaceRef space_;
  SupernetLayout layout_;
  std::vector<uint32_t> options_; // per decision
  bool bound_ = false;
  bool decodes_ = false;
};

} // namespace nas::distances

#endif
