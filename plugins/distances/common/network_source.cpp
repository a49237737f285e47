#include "network_source.hpp"

#include <nas/random.hpp>

#include <nlohmann/json.hpp>

namespace nas::distances {

namespace {

// Decisions active only under another's value: to_ir zeroes them (canonical form), decoding
// would not, so such spaces are rendered.
bool has_conditions(const SpaceRef &space) {
  nlohmann::json d = nlohmann::json::parse(space.describe(), nullptr, false);
  if (!d.is_object() || !d.contains("decisions") || !d["decisions"].is_array())
    return true; // unreadable: do not assume
  for (const auto &decision : d["decisions"])
    if (decision.is_object() && decision.contains("active_if"))
      return true;
  return false;
}

} // namespace

void NetworkSource::bind(const SpaceRef &space, bool render, const Host &host) {
  space_ = space;
  options_.assign(space.num_decisions(), 0);
  for (uint32_t i = 0; i < options_.size(); ++i)
    options_[i] = space.num_options(i);
  std::string supernet;
  try {
    supernet = space.supernet_ir();
  } catch (const Error &e) {
    throw Failed(std::string(space.instance()->desc->name) +
                 " renders no supernet IR, which this distance reads: " + e.what());
  }
  layout_ = SupernetLayout::from(ir::read(supernet));
  std::string why = render ? "render = true" : layout_.undecodable_because(options_);
  if (why.empty() && has_conditions(space))
    why = "the space has conditional decisions (active_if)";
  decodes_ = why.empty();
  if (decodes_) {
    why = disagreement();
    decodes_ = why.empty();
    if (!decodes_)
      host.warn("the supernet IR does not predict to_ir (" + why + "); rendering every network");
  }
  bound_ = true;
  host.debug(decodes_ ? "networks are read from the choices through the supernet's decisions"
                      : "networks are rendered with to_ir (" + why + ")");
}

void NetworkSource::check(const Choices &choices) const {
  if (choices.size() != options_.size())
    throw Error(NAS_ERR_INVALID_ARGUMENT, "expected " + std::to_string(options_.size()) +
                                              " decisions, got " + std::to_string(choices.size()) +
                                              (bound_ ? "" : " (is a space bound?)"));
  for (size_t i = 0; i < choices.size(); ++i)
    if (choices[i] < 0 || static_cast<uint32_t>(choices[i]) >= options_[i])
      throw Error(NAS_ERR_INVALID_ARGUMENT, "decision " + std::to_string(i) + " has option " +
                                                std::to_string(choices[i]) + ", expected 0.." +
                                                std::to_string(int64_t{options_[i]} - 1));
}

OpNetwork NetworkSource::render(const Choices &choices) const {
  return layout_.compact(ir::read(space_.to_ir(choices)));
}

void NetworkSource::network(const Choices &choices, OpNetwork &out) const {
  check(choices);
  if (decodes_)
    layout_.decode(choices, out);
  else
    out = render(choices);
}

std::string NetworkSource::disagreement() const {
  Rng rng(0x9a7b); // a fixed sample: binding is deterministic
  OpNetwork decoded;
  for (int k = 0; k < 34; ++k) {
    Choices c(options_.size());
    for (size_t i = 0; i < c.size(); ++i) // all first options, all last ones, then random
      c[i] = k == 0 ? 0 : k == 1 ? int32_t(options_[i] - 1) : int32_t(rng.below(options_[i]));
    layout_.decode(c, decoded);
    if (!same_network(decoded, render(c)))
      return "architecture " + space_.to_string(c);
  }
  return "";
}

} // namespace nas::distances
