// The base of one-shot strategies (DARTS, supernet training): a strategy bound to the space
// whose whole search is one call, search() (extension nas.oneshot/1). The host runs that
// call like a trial and never asks or tells, so ask and tell here only say so.
#pragma once

#include "../training/training_data.hpp"

#include <nas/ir.hpp>
#include <nas/plugin.hpp>

#include <memory>
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
  // The trial's supernet IR; nas::Failed when it is not valid.
  static ir::Network supernet_of(const Trial &trial) {
    try {
      return ir::read(trial.ir_json);
    } catch (const ir::Error &e) {
      throw Failed(std::string("the trial's supernet IR is not valid: ") + e.what());
    }
  }

  // The data, read at the first search (not at create: the host creates strategies it never
  // runs), checked against the supernet's input and classes.
  const training::TrainingData &data_for(const ir::Network &supernet,
                                         const training::DataConfig &config) {
    if (!data_)
      data_ = std::make_unique<training::TrainingData>(training::load_training_data(config));
    training::check_network_input(supernet, *data_, config.dataset);
    return *data_;
  }

  // The bound space; throws nas::Failed when the host bound none.
  const SpaceRef &space() const {
    if (!space_)
      throw Failed("no space is bound to this one-shot strategy");
    return space_;
  }

private:
  SpaceRef space_;
  std::unique_ptr<training::TrainingData> data_;
};

} // namespace nas::oneshot
