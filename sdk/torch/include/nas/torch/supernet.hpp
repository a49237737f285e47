// nas/torch/supernet.hpp: a supernet IR (sdk/IR.md, "Supernets") as one torch module whose
// option-carrying entries are mixed ops, for one-shot methods.
//
//   nas::torch::Supernet net(nas::ir::read(space.supernet_ir()));
//   // DARTS: every option, weighted (weights[g] = softmax(alpha[g]), one vector per group)
//   auto logits = net->forward(images, weights);
//   // weight sharing: one option per group (a sampled path, or an architecture's)
//   auto logits = net->forward_path(images, net->path_of(nas::ir::read(space.to_ir(arch))));
//
// Entries are grouped by what picks their option: entries naming the same decision form
// one group (tied: one choice, each entry with its own weights); an entry with decision -1
// is a group of its own, shared by every copy of its cell (DARTS: one alpha vector per
// edge of the normal cell and one per edge of the reduction cell). The module's parameters
// are the network's weights only; architecture parameters belong to the method.
#pragma once

#include <nas/ir.hpp>
#include <nas/torch/export.hpp>
#include <nas/torch/network.hpp>
#include <nas/torch/ops.hpp>

#include <torch/nn/module.h>

#include <memory>
#include <string>
#include <vector>

namespace nas::torch {

// One set of entries that pick their op together.
struct NAS_TORCH_API MixingGroup {
  int decision = -1;                // the space's decision, or -1
  std::vector<std::string> options; // the candidate ops, in IR order
  std::string path;                 // IR path of its first entry ("/cells/normal/edges/3")
  std::string cell;                 // the first entry's cell ("" for an op layer)
  int from = -1, to = -1;           // its edge, for a cell entry
  int layer = -1;                   // its layer index, for an op layer
};

// The groups of a supernet IR, in IR order (cells in name order, then layers).
NAS_TORCH_API std::vector<MixingGroup> mixing_groups(const ir::Network &supernet);

struct MixingState; // what the mixed ops read during a forward

class NAS_TORCH_API SupernetImpl : public ::torch::nn::Module {
public:
  // Validates the IR (it must say "supernet": true) and builds every option of every entry.
  explicit SupernetImpl(const ir::Network &supernet,
                        const OpRegistry &registry = OpRegistry::standard());

  const std::vector<MixingGroup> &groups() const { return groups_; }
  const ir::Shape &input_shape() const { return network_->input_shape(); }

  // Every entry outputs the weighted sum of its options: weights[g] has
  // groups()[g].options.size() entries. Options named `none` (zeros) are skipped.
  ::torch::Tensor forward(const ::torch::Tensor &x, const std::vector<::torch::Tensor> &weights);
  // Every entry outputs its group's option path[g] alone.
  ::torch::Tensor forward_path(const ::torch::Tensor &x, const std::vector<int64_t> &path);

  // The path of an architecture of the same space, given as its own IR: each group's option
  // is the op of the architecture's matching entry (the same cell edge or op layer; `none`
  // where the architecture's cell lacks the edge). Throws ir::Error at the architecture's
  // entry when its op is not an option here, or the two IRs do not match.
  std::vector<int64_t> path_of(const ir::Network &architecture) const;

private:
  std::vector<MixingGroup> groups_;
  std::shared_ptr<MixingState> state_;
  Network network_{nullptr};
};
NAS_TORCH_MODULE(Supernet);

} // namespace nas::torch
