#include "supernet_layout.hpp"

namespace nas::distances {

namespace {

Slot make_slot(OpTable &ops, const std::string &op, const std::vector<std::string> &options,
               int decision) {
  Slot s;
  if (options.empty()) {
    s.ops.push_back(ops.intern(op));
    return s;
  }
  s.decision = decision;
  s.free = decision < 0;
  for (const std::string &o : options)
    s.ops.push_back(ops.intern(o));
  return s;
}

int resolve(const Slot &s, const Choices &choices) {
  return s.decision < 0 ? s.ops[0] : s.ops[static_cast<size_t>(choices[s.decision])];
}

} // namespace

SupernetLayout SupernetLayout::from(const ir::Network &supernet) {
  SupernetLayout l;
  for (const auto &[name, cell] : supernet.cells) {
    TemplateCell t;
    t.name = name;
    t.inputs = cell.inputs;
    t.nodes = cell.nodes;
    t.concat = cell.output == ir::CellOutput::concat;
    for (const ir::Edge &e : cell.edges)
      t.edges.push_back({e.from, e.to, make_slot(l.ops, e.op, e.options, e.decision)});
    l.cells.push_back(std::move(t));
  }
  for (const ir::Layer &layer : supernet.layers) {
    if (layer.type == ir::LayerType::op)
      l.chain.push_back(make_slot(l.ops, layer.op, layer.options, layer.decision));
    else
      l.chain.push_back(Slot{-1, false, {kAbsent}});
  }
  return l;
}

std::string SupernetLayout::undecodable_because(const std::vector<uint32_t> &options) const {
  auto check = [&](const Slot &s, const std::string &where) -> std::string {
    if (s.free)
      return where + " has options no decision picks";
    if (s.decision < 0)
      return "";
    if (static_cast<size_t>(s.decision) >= options.size())
      return where + " names decision " + std::to_string(s.decision) + ", the space has " +
             std::to_string(options.size());
    if (options[static_cast<size_t>(s.decision)] != s.ops.size())
      return where + " has " + std::to_string(s.ops.size()) + " options, decision " +
             std::to_string(s.decision) + " has " +
             std::to_string(options[static_cast<size_t>(s.decision)]);
    return "";
  };
  for (const TemplateCell &c : cells)
    for (size_t i = 0; i < c.edges.size(); ++i) {
      std::string why = check(c.edges[i].slot, "edge " + std::to_string(i) + " of cell " + c.name);
      if (!why.empty())
        return why;
    }
  for (size_t i = 0; i < chain.size(); ++i) {
    std::string why = check(chain[i], "layer " + std::to_string(i));
    if (!why.empty())
      return why;
  }
  return "";
}

OpNetwork SupernetLayout::compact(const ir::Network &arch) const {
  OpNetwork out;
  if (arch.cells.size() != cells.size())
    throw Failed("the architecture's IR has " + std::to_string(arch.cells.size()) +
                 " cells, the supernet " + std::to_string(cells.size()));
  for (const TemplateCell &t : cells) {
    auto it = arch.cells.find(t.name);
    if (it == arch.cells.end())
      throw Failed("the architecture's IR has no cell '" + t.name + "'");
    const ir::Cell &c = it->second;
    OpCell cell;
    cell.inputs = c.inputs;
    cell.nodes = c.nodes;
    cell.concat = c.output == ir::CellOutput::concat;
    for (const ir::Edge &e : c.edges) {
      int op = ops.find(e.op);
      if (op != kAbsent)
        cell.edges.push_back({e.from, e.to, op});
    }
    out.cells.push_back(std::move(cell));
  }
  for (const ir::Layer &layer : arch.layers)
    out.chain.push_back(layer.type == ir::LayerType::op ? ops.find(layer.op) : kAbsent);
  return out;
}

void SupernetLayout::decode(const Choices &choices, OpNetwork &out) const {
  out.cells.resize(cells.size());
  for (size_t i = 0; i < cells.size(); ++i) {
    const TemplateCell &t = cells[i];
    OpCell &cell = out.cells[i];
    cell.inputs = t.inputs;
    cell.nodes = t.nodes;
    cell.concat = t.concat;
    cell.edges.clear();
    for (const TemplateEdge &e : t.edges) {
      int op = resolve(e.slot, choices);
      if (op != kAbsent)
        cell.edges.push_back({e.from, e.to, op});
    }
  }
  out.chain.resize(chain.size());
  for (size_t i = 0; i < chain.size(); ++i)
    out.chain[i] = resolve(chain[i], choices);
}

} // namespace nas::distances
