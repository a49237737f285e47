// Supernet: the network builder with a mixed op at every option-carrying entry.
#include <nas/torch/supernet.hpp>

#include <torch/torch.h>

#include <algorithm>
#include <map>
#include <stdexcept>

namespace nas::torch {

namespace tnn = ::torch::nn;
using ir::detail::join;

// Set for the length of one forward: the mixed ops read their group's weights or option.
struct MixingState {
  const std::vector<::torch::Tensor> *weights = nullptr;
  const std::vector<int64_t> *path = nullptr;
};

namespace {

std::string group_key(int decision, const std::string &path) {
  return decision >= 0 ? "#" + std::to_string(decision) : path;
}

// One entry: a module per option; forward mixes them as the state says.
class MixedOpImpl : public tnn::Module {
public:
  MixedOpImpl(std::vector<tnn::AnyModule> ops, std::vector<bool> is_none, size_t group,
              std::shared_ptr<const MixingState> state)
      : ops_(std::move(ops)), is_none_(std::move(is_none)), group_(group),
        state_(std::move(state)) {
    for (size_t i = 0; i < ops_.size(); ++i)
      register_module("option" + std::to_string(i), ops_[i].ptr());
  }

  ::torch::Tensor forward(const ::torch::Tensor &x) {
    if (state_->path)
      return ops_[static_cast<size_t>((*state_->path)[group_])].forward(x);
    if (!state_->weights)
      throw std::logic_error("a supernet's mixed op ran outside Supernet::forward");
    const ::torch::Tensor &w = (*state_->weights)[group_];
    ::torch::Tensor sum;
    for (size_t i = 0; i < ops_.size(); ++i) {
      if (is_none_[i]) // zeros: adds nothing, and its weight gets no gradient through it
        continue;
      ::torch::Tensor term = w[static_cast<int64_t>(i)] * ops_[i].forward(x);
      sum = sum.defined() ? sum + term : term;
    }
    if (!sum.defined()) // every option is `none`
      sum = ops_.front().forward(x);
    return sum;
  }

private:
  std::vector<tnn::AnyModule> ops_;
  std::vector<bool> is_none_;
  size_t group_;
  std::shared_ptr<const MixingState> state_;
};
NAS_TORCH_MODULE(MixedOp);

// RAII: the state points at the caller's weights or path for one forward.
class Mixing {
public:
  Mixing(MixingState &state, const std::vector<::torch::Tensor> *w, const std::vector<int64_t> *p)
      : state_(state) {
    state_.weights = w;
    state_.path = p;
  }
  ~Mixing() { state_ = MixingState{}; }

private:
  MixingState &state_;
};

} // namespace

std::vector<MixingGroup> mixing_groups(const ir::Network &supernet) {
  std::vector<MixingGroup> groups;
  std::map<std::string, size_t> index;
  auto add = [&](MixingGroup g) {
    std::string key = group_key(g.decision, g.path);
    auto it = index.find(key);
    if (it == index.end()) {
      index.emplace(key, groups.size());
      groups.push_back(std::move(g));
    } else if (groups[it->second].options.size() != g.options.size()) {
      throw ir::Error(g.path, "names decision " + std::to_string(g.decision) + " with " +
                                  std::to_string(g.options.size()) + " options, but " +
                                  groups[it->second].path + " names it with " +
                                  std::to_string(groups[it->second].options.size()));
    }
  };
  for (const auto &[name, cell] : supernet.cells)
    for (size_t e = 0; e < cell.edges.size(); ++e) {
      const ir::Edge &edge = cell.edges[e];
      if (edge.options.empty())
        continue;
      MixingGroup g;
      g.decision = edge.decision;
      g.options = edge.options;
      g.path = join(join(join("/cells", name), "edges"), e);
      g.cell = name;
      g.from = edge.from;
      g.to = edge.to;
      add(std::move(g));
    }
  for (size_t i = 0; i < supernet.layers.size(); ++i) {
    const ir::Layer &layer = supernet.layers[i];
    if (layer.options.empty())
      continue;
    MixingGroup g;
    g.decision = layer.decision;
    g.options = layer.options;
    g.path = join("/layers", i);
    g.layer = static_cast<int>(i);
    add(std::move(g));
  }
  return groups;
}

SupernetImpl::SupernetImpl(const ir::Network &supernet, const OpRegistry &registry)
    : state_(std::make_shared<MixingState>()) {
  ir::validate(supernet);
  if (!supernet.supernet)
    throw ir::Error("/supernet", "a supernet needs an IR with \"supernet\": true (a space's "
                                 "supernet_ir), got one architecture's IR");
  groups_ = mixing_groups(supernet);
  std::map<std::string, size_t> group_of;
  for (size_t g = 0; g < groups_.size(); ++g)
    group_of.emplace(group_key(groups_[g].decision, groups_[g].path), g);
  auto entries = [&](const OpSpec &spec, const std::vector<std::string> &options,
                     int decision) -> tnn::AnyModule {
    if (options.empty())
      return registry.make(spec);
    std::vector<tnn::AnyModule> ops;
    std::vector<bool> is_none;
    for (const std::string &op : options) {
      OpSpec one = spec;
      one.op = op;
      ops.push_back(registry.make(one));
      is_none.push_back(op == "none");
    }
    size_t group = group_of.at(group_key(decision, spec.path));
    return tnn::AnyModule(MixedOp(std::move(ops), std::move(is_none), group, state_));
  };
  network_ = register_module("network", build_network_with(supernet, registry, entries));
}

::torch::Tensor SupernetImpl::forward(const ::torch::Tensor &x,
                                      const std::vector<::torch::Tensor> &weights) {
  if (weights.size() != groups_.size())
    throw std::invalid_argument("Supernet::forward: " + std::to_string(weights.size()) +
                                " weight vectors for " + std::to_string(groups_.size()) +
                                " groups");
  for (size_t g = 0; g < groups_.size(); ++g)
    if (weights[g].numel() != static_cast<int64_t>(groups_[g].options.size()))
      throw std::invalid_argument("Supernet::forward: group " + std::to_string(g) + " (" +
                                  groups_[g].path + ") has " +
                                  std::to_string(groups_[g].options.size()) + " options, got " +
                                  std::to_string(weights[g].numel()) + " weights");
  Mixing mixing(*state_, &weights, nullptr);
  return network_->forward(x);
}

::torch::Tensor SupernetImpl::forward_path(const ::torch::Tensor &x,
                                           const std::vector<int64_t> &path) {
  if (path.size() != groups_.size())
    throw std::invalid_argument("Supernet::forward_path: a path of " +
                                std::to_string(path.size()) + " for " +
                                std::to_string(groups_.size()) + " groups");
  for (size_t g = 0; g < groups_.size(); ++g)
    if (path[g] < 0 || path[g] >= static_cast<int64_t>(groups_[g].options.size()))
      throw std::invalid_argument("Supernet::forward_path: option " + std::to_string(path[g]) +
                                  " of group " + std::to_string(g) + " (" + groups_[g].path +
                                  "), which has " + std::to_string(groups_[g].options.size()));
  Mixing mixing(*state_, nullptr, &path);
  return network_->forward(x);
}

std::vector<int64_t> SupernetImpl::path_of(const ir::Network &architecture) const {
  std::vector<int64_t> path;
  for (const MixingGroup &g : groups_) {
    std::string op, where;
    if (g.layer >= 0) {
      where = join("/layers", static_cast<size_t>(g.layer));
      if (static_cast<size_t>(g.layer) >= architecture.layers.size() ||
          architecture.layers[static_cast<size_t>(g.layer)].type != ir::LayerType::op)
        throw ir::Error(where, "the architecture has no op layer here, where the supernet "
                               "chooses among " + std::to_string(g.options.size()) + " ops");
      op = architecture.layers[static_cast<size_t>(g.layer)].op;
    } else {
      auto cell = architecture.cells.find(g.cell);
      where = join("/cells", g.cell);
      if (cell == architecture.cells.end())
        throw ir::Error(where, "the architecture has no cell '" + g.cell +
                                   "', which the supernet has");
      op = "none"; // an edge the architecture's cell lacks
      for (size_t e = 0; e < cell->second.edges.size(); ++e) {
        const ir::Edge &edge = cell->second.edges[e];
        if (edge.from == g.from && edge.to == g.to) {
          op = edge.op;
          where = join(join(where, "edges"), e);
          break;
        }
      }
    }
    auto it = std::find(g.options.begin(), g.options.end(), op);
    if (it == g.options.end())
      throw ir::Error(where, "op '" + op + "' is not one of the supernet's options at " + g.path +
                                 " (" + ir::detail::show(nlohmann::json(g.options)) + ")");
    path.push_back(it - g.options.begin());
  }
  return path;
}

} // namespace nas::torch
