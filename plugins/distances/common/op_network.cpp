#include "op_network.hpp"

#include <nas/plugin.hpp>

#include <algorithm>
#include <tuple>

namespace nas::distances {

namespace {

std::vector<OpEdge> sorted(std::vector<OpEdge> edges) {
  std::sort(edges.begin(), edges.end(), [](const OpEdge &x, const OpEdge &y) {
    return std::tie(x.from, x.to, x.op) < std::tie(y.from, y.to, y.op);
  });
  return edges;
}

bool same_cell(const OpCell &a, const OpCell &b) {
  if (a.inputs != b.inputs || a.nodes != b.nodes || a.concat != b.concat ||
      a.edges.size() != b.edges.size())
    return false;
  std::vector<OpEdge> x = sorted(a.edges), y = sorted(b.edges);
  return std::equal(x.begin(), x.end(), y.begin(), [](const OpEdge &p, const OpEdge &q) {
    return p.from == q.from && p.to == q.to && p.op == q.op;
  });
}

} // namespace

bool same_network(const OpNetwork &a, const OpNetwork &b) {
  if (a.chain != b.chain || a.cells.size() != b.cells.size())
    return false;
  for (size_t i = 0; i < a.cells.size(); ++i)
    if (!same_cell(a.cells[i], b.cells[i]))
      return false;
  return true;
}

int OpTable::intern(const std::string &name) {
  if (name == "none")
    return kAbsent;
  auto [it, inserted] = ids_.emplace(name, static_cast<int>(names_.size()));
  if (inserted)
    names_.push_back(name);
  return it->second;
}

int OpTable::find(const std::string &name) const {
  if (name == "none")
    return kAbsent;
  auto it = ids_.find(name);
  if (it == ids_.end())
    throw Failed("the op '" + name + "' is not in the space's supernet IR");
  return it->second;
}

const std::string &OpTable::name(int id) const {
  static const std::string none = "none";
  return id == kAbsent ? none : names_.at(static_cast<size_t>(id));
}

} // namespace nas::distances
