#include "path_vocabulary.hpp"

#include "path_walk.hpp"

namespace nas::distances {

namespace {

std::vector<SlotPath> supernet_paths(const SupernetLayout &layout) {
  std::vector<SlotPath> out;
  for (size_t c = 0; c < layout.cells.size(); ++c) {
    const TemplateCell &cell = layout.cells[c];
    walk_paths(cell.inputs, cell.nodes, cell.concat, cell.edges,
               [&](int input, const std::vector<int> &edges) {
                 SlotPath p{static_cast<int>(c), input, {}};
                 for (int e : edges)
                   p.slots.push_back(cell.edges[static_cast<size_t>(e)].slot);
                 out.push_back(std::move(p));
               });
  }
  // Chain layers with one op for every architecture add the same path to all: left out.
  for (size_t i = 0; i < layout.chain.size(); ++i)
    if (layout.chain[i].varies())
      out.push_back(SlotPath{-1, static_cast<int>(i), {layout.chain[i]}});
  return out;
}

uint64_t combinations(const SlotPath &p) {
  uint64_t n = 1;
  for (const Slot &s : p.slots)
    if ((n *= s.ops.size()) > PathVocabulary::kMaxPaths)
      return PathVocabulary::kMaxPaths + 1; // and no overflow on long paths
  return n;
}

} // namespace

void PathVocabulary::build(const SupernetLayout &layout) {
  index_.clear();
  slot_paths_ = supernet_paths(layout);
  cell_names_.clear();
  for (const TemplateCell &c : layout.cells)
    cell_names_.push_back(c.name);
  op_names_.clear();
  for (size_t i = 0; i < layout.ops.size(); ++i)
    op_names_.push_back(layout.ops.name(static_cast<int>(i)));
  fixed_chain_.clear();
  for (const Slot &s : layout.chain)
    fixed_chain_.push_back(s.varies() ? kVaries : s.ops[0]);

  uint64_t total = 0;
  for (const SlotPath &p : slot_paths_)
    if ((total += combinations(p)) > kMaxPaths)
      throw Failed("the supernet has more than " + std::to_string(kMaxPaths) +
                   " labelled paths; the path encoding suits cells of a few nodes");
  for (const SlotPath &p : slot_paths_)
    for_each_combination(p, [&](const std::vector<size_t> &digits) {
      Label label = label_of(p, digits);
      if (!label.empty())
        index_.emplace(std::move(label), static_cast<uint32_t>(index_.size()));
    });
}

uint32_t PathVocabulary::find(const Label &label) const {
  auto it = index_.find(label);
  return it == index_.end() ? kNone : it->second;
}

Label PathVocabulary::label_of(const SlotPath &p, const std::vector<size_t> &digits) {
  Label label{p.group, p.origin};
  for (size_t j = 0; j < p.slots.size(); ++j) {
    const int op = p.slots[j].ops[digits[j]];
    if (op == kAbsent)
      return {};
    label.push_back(op);
  }
  return label;
}

PathSet PathVocabulary::paths_of(const OpNetwork &network) const {
  PathSet out;
  auto add = [&](const Label &label) {
    const uint32_t i = find(label);
    if (i == kNone)
      throw Failed("the path " + describe(label) + " is not in the space's supernet IR");
    out.push_back(i);
  };
  for (size_t c = 0; c < network.cells.size(); ++c) {
    const OpCell &cell = network.cells[c];
    walk_paths(cell.inputs, cell.nodes, cell.concat, cell.edges,
               [&](int input, const std::vector<int> &edges) {
                 Label label{static_cast<int>(c), input};
                 for (int e : edges)
                   label.push_back(cell.edges[static_cast<size_t>(e)].op);
                 add(label);
               });
  }
  if (network.chain.size() != fixed_chain_.size())
    throw Failed("the architecture's IR has " + std::to_string(network.chain.size()) +
                 " layers, the supernet " + std::to_string(fixed_chain_.size()));
  for (size_t i = 0; i < network.chain.size(); ++i) {
    const int op = network.chain[i];
    if (fixed_chain_[i] != kVaries) {
      if (op != fixed_chain_[i])
        throw Failed("layer " + std::to_string(i) + " differs from the supernet's fixed op");
    } else if (op != kAbsent) {
      add(Label{-1, static_cast<int>(i), op});
    }
  }
  normalize(out);
  return out;
}

std::string PathVocabulary::describe(const Label &label) const {
  std::string s;
  if (label.size() < 2)
    return "(empty)";
  if (label[0] < 0)
    s = "layer " + std::to_string(label[1]) + ":";
  else
    s = (static_cast<size_t>(label[0]) < cell_names_.size() ? cell_names_[label[0]] : "?") +
        "[input " + std::to_string(label[1]) + "]:";
  for (size_t j = 2; j < label.size(); ++j) {
    const int op = label[j];
    s += (j == 2 ? " " : " > ") +
         (op >= 0 && static_cast<size_t>(op) < op_names_.size() ? op_names_[op] : "none");
  }
  return s;
}

} // namespace nas::distances
