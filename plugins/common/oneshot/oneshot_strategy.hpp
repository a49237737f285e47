// The base of one-shot strategies (DARTS, supernet training): a strategy bound to the space
// whose whole search is one call, search() (extension nas.oneshot/1). The host runs that
// call like a trial and never asks or tells, so ask and tell here only say so.
#pragma once

#include <nas/plugin.hpp>

#include <string>

namespace nas::oneshot {

class OneShotStrategy : public Strategy, public OneShot {
public:
  using Strategy::Strategy;

  Ask ask(int64_t, Proposal &) override { return Ask::done; }
  void tell(const Outcome &) override {}

  void bind(const std::string &role, nas_instance_t *other) override {
    if (role != "space")
      return Strategy::bind(role, other);
    space_ = SpaceRef(other);
  }

  // The roles JSON of every one-shot strategy: the space, bound by the host.
  static constexpr const char *kRoles =
      R"({"space": {"kind": "space", "required": true, "help": "the space whose supernet is searched"}})";

protected:
  // The bound space; throws nas::Failed when the host bound none.
  const SpaceRef &space() const {
    if (!space_)
      throw Failed("no space is bound to this one-shot strategy");
    return space_;
  }

private:
  SpaceRef space_;
};

} // namespace nas::oneshot
