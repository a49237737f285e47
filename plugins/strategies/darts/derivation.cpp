#include "derivation.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>
#include <utility>

namespace nas::darts_search {

namespace {

constexpr const char *kNone = "none";
constexpr const char *kSkip = "skip_connect";

// An option struck off a group by the skip cap.
using Struck = std::set<std::pair<size_t, size_t>>;

// The option of largest weight of group g, skipping `none` when asked and struck options;
// -1 when nothing is left.
int best_option(const GroupWeights &g, size_t index, bool skip_none, const Struck &struck) {
  int best = -1;
  for (size_t i = 0; i < g.options.size(); ++i) {
    if ((skip_none && g.options[i] == kNone) || struck.count({index, i}))
      continue;
    if (best < 0 || g.weights[i] > g.weights[static_cast<size_t>(best)])
      best = static_cast<int>(i);
  }
  return best;
}

struct Pick {
  size_t group;
  int option;
};

// One derivation with `struck` options excluded: the picked option of each group that is
// kept (all groups in the decisions form; two per node in the cells form).
std::vector<Pick> pick_all(const std::vector<GroupWeights> &groups, bool cells_form,
                           bool allow_none, const Struck &struck) {
  std::vector<Pick> picks;
  if (!cells_form) {
    for (size_t g = 0; g < groups.size(); ++g) {
      int best = best_option(groups[g], g, !allow_none, struck);
      if (best < 0) // an entry whose only option is `none`
        best = best_option(groups[g], g, false, struck);
      picks.push_back({g, best});
    }
    return picks;
  }
  std::map<std::pair<std::string, int>, std::vector<size_t>> incoming; // (cell, node) -> groups
  for (size_t g = 0; g < groups.size(); ++g)
    incoming[{groups[g].cell, groups[g].to}].push_back(g);
  for (auto &[node, edges] : incoming) {
    if (edges.size() < 2)
      throw std::invalid_argument("node " + std::to_string(node.second) + " of cell '" +
                                  node.first + "' has " + std::to_string(edges.size()) +
                                  " incoming edge(s); a DARTS cell keeps two per node");
    std::vector<Pick> candidates;
    for (size_t g : edges)
      candidates.push_back({g, best_option(groups[g], g, true, struck)});
    auto strength = [&](const Pick &p) {
      return p.option < 0 ? -1.0 : groups[p.group].weights[static_cast<size_t>(p.option)];
    };
    std::stable_sort(candidates.begin(), candidates.end(),
                     [&](const Pick &a, const Pick &b) { return strength(a) > strength(b); });
    picks.push_back(candidates[0]);
    picks.push_back(candidates[1]);
  }
  return picks;
}

} // namespace

int Derived::max_skips() const {
  int most = 0;
  for (const auto &[cell, n] : skips)
    most = std::max(most, n);
  return most;
}

Derived derive(const std::vector<GroupWeights> &groups, int skip_cap, bool allow_none) {
  size_t free = 0;
  for (const auto &g : groups) {
    if (g.options.size() != g.weights.size() || g.options.empty())
      throw std::invalid_argument(g.path + ": " + std::to_string(g.options.size()) +
                                  " options but " + std::to_string(g.weights.size()) +
                                  " weights");
    if (g.decision < 0) {
      ++free;
      if (g.cell.empty())
        throw std::invalid_argument(g.path + ": a free choice outside a cell (decision -1 on an "
                                             "op layer) has no DARTS derivation");
    }
  }
  if (free != 0 && free != groups.size())
    throw std::invalid_argument("the supernet mixes entries that name decisions with free ones "
                                "(decision -1); derivation needs one form");
  const bool cells_form = free != 0;

  Struck struck;
  while (true) {
    std::vector<Pick> picks = pick_all(groups, cells_form, allow_none, struck);
    // The weakest chosen skip_connect of each cell over the cap is struck off.
    std::map<std::string, std::vector<Pick>> skips;
    for (const Pick &p : picks)
      if (p.option >= 0 && groups[p.group].options[static_cast<size_t>(p.option)] == kSkip)
        skips[groups[p.group].cell].push_back(p);
    bool over = false;
    for (auto &[cell, list] : skips)
      if (skip_cap >= 0 && static_cast<int>(list.size()) > skip_cap) {
        const Pick *weakest = &list.front();
        for (const Pick &p : list)
          if (groups[p.group].weights[static_cast<size_t>(p.option)] <
              groups[weakest->group].weights[static_cast<size_t>(weakest->option)])
            weakest = &p;
        struck.insert({weakest->group, static_cast<size_t>(weakest->option)});
        over = true;
      }
    if (over)
      continue;

    Derived d;
    for (const auto &[cell, list] : skips)
      d.skips[cell] = static_cast<int>(list.size());
    for (const Pick &p : picks) {
      const GroupWeights &g = groups[p.group];
      if (p.option < 0)
        throw std::invalid_argument(g.path + ": every option is struck off by the skip cap");
      if (!cells_form) {
        d.options[g.decision] = p.option;
        continue;
      }
      auto &nodes = d.cells[g.cell];
      size_t node = static_cast<size_t>(g.to);
      if (nodes.size() <= node)
        nodes.resize(node + 1);
      nodes[node].push_back({g.from, g.options[static_cast<size_t>(p.option)]});
    }
    for (auto &[cell, nodes] : d.cells) { // drop the input nodes' empty slots
      nodes.erase(std::remove_if(nodes.begin(), nodes.end(),
                                 [](const auto &edges) { return edges.empty(); }),
                  nodes.end());
      for (auto &edges : nodes)
        std::sort(edges.begin(), edges.end(),
                  [](const DerivedEdge &a, const DerivedEdge &b) { return a.input < b.input; });
    }
    return d;
  }
}

std::string darts_genotype(const Derived &derived) {
  auto pairs = [&](const std::string &cell) {
    auto it = derived.cells.find(cell);
    if (it == derived.cells.end())
      throw std::invalid_argument("the derived architecture has no cell '" + cell +
                                  "' (the DARTS genotype needs 'normal' and 'reduce')");
    std::string out = "[";
    bool first = true;
    for (const auto &edges : it->second)
      for (const DerivedEdge &e : edges) {
        out += (first ? "" : ", ") + ("('" + e.op + "', " + std::to_string(e.input) + ")");
        first = false;
      }
    return out + "]";
  };
  if (derived.cells.size() != 2)
    throw std::invalid_argument("the DARTS genotype has two cells, 'normal' and 'reduce'; the "
                                "supernet has " + std::to_string(derived.cells.size()));
  return "Genotype(normal=" + pairs("normal") + ", normal_concat=range(2, 6), reduce=" +
         pairs("reduce") + ", reduce_concat=range(2, 6))";
}

} // namespace nas::darts_search
