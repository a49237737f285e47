#include "layer_set.hpp"

#include <algorithm>
#include <limits>

namespace nas::distances {

namespace {

// The three path lengths at one layer.
struct Lengths {
  double shortest = 0, longest = 0, walk = 0;
};

// Lengths over a DAG of layers in topological order: parents[i] are the earlier layers
// feeding layer i, and at_source[i] says it is also fed by the sources (an input) directly,
// a path of length 0 so far. weight(i) says whether layer i counts. Writes each layer's
// shortest, longest and random-walk lengths (up to and including it) at paths[offset..+2].
template <class Weight>
void forward_lengths(const std::vector<std::vector<size_t>> &parents,
                     const std::vector<char> &at_source, Weight weight,
                     std::vector<Layer> &layers, size_t offset) {
  std::vector<Lengths> len(layers.size());
  for (size_t i = 0; i < layers.size(); ++i) {
    Lengths l;
    l.shortest = at_source[i] ? 0 : std::numeric_limits<double>::infinity();
    for (size_t p : parents[i]) {
      l.shortest = std::min(l.shortest, len[p].shortest);
      l.longest = std::max(l.longest, len[p].longest);
      l.walk += len[p].walk;
    }
    // A random walk back picks among the parents and the source alike.
    l.walk /= static_cast<double>(parents[i].size() + (at_source[i] ? 1 : 0));
    const double w = weight(i) ? 1.0 : 0.0;
    len[i] = {l.shortest + w, l.longest + w, l.walk + w};
    layers[i].paths[offset] = len[i].shortest;
    layers[i].paths[offset + 1] = len[i].longest;
    layers[i].paths[offset + 2] = len[i].walk;
  }
}

// Both directions and all three groups, for layers in topological order with their
// `parents` and `children`, `at_source` (fed by an input) and `at_sink` (feeding the output).
void describe(const std::vector<std::vector<size_t>> &parents,
              const std::vector<std::vector<size_t>> &children, const std::vector<char> &at_source,
              const std::vector<char> &at_sink, const LabelCosts &labels,
              std::vector<Layer> &layers) {
  const size_t n = layers.size();
  // The reversed DAG, its layers in reverse order, gives the lengths towards the output.
  std::vector<Layer> reversed(n);
  std::vector<std::vector<size_t>> reversed_parents(n);
  std::vector<char> reversed_source(n);
  for (size_t i = 0; i < n; ++i) {
    for (size_t c : children[n - 1 - i])
      reversed_parents[i].push_back(n - 1 - c);
    reversed_source[i] = at_sink[n - 1 - i];
  }
  const OpGroup groups[] = {OpGroup::conv, OpGroup::pool};
  for (size_t g = 0; g < 3; ++g) {
    auto counts = [&](int op) { return g == 0 || labels.group(op) == groups[g - 1]; };
    forward_lengths(parents, at_source, [&](size_t i) { return counts(layers[i].op); }, layers,
                    3 * g);
    forward_lengths(reversed_parents, reversed_source,
                    [&](size_t i) { return counts(layers[n - 1 - i].op); }, reversed, 9 + 3 * g);
  }
  for (size_t i = 0; i < n; ++i)
    std::copy(reversed[n - 1 - i].paths.begin() + 9, reversed[n - 1 - i].paths.end(),
              layers[i].paths.begin() + 9);
}

} // namespace

std::vector<Layer> cell_layers(const OpCell &cell, const LabelCosts &labels) {
  const int last = cell.nodes - 1;
  auto is_output = [&](int node) { return cell.concat ? node >= cell.inputs : node == last; };
  // Nodes an input reaches, and nodes that reach the output, over present edges (from < to).
  std::vector<char> reached(static_cast<size_t>(cell.nodes), 0), leads(reached);
  for (int i = 0; i < cell.inputs && i < cell.nodes; ++i)
    reached[static_cast<size_t>(i)] = 1;
  std::vector<OpEdge> edges = cell.edges;
  std::stable_sort(edges.begin(), edges.end(),
                   [](const OpEdge &a, const OpEdge &b) { return a.from < b.from; });
  for (const OpEdge &e : edges)
    if (reached[static_cast<size_t>(e.from)])
      reached[static_cast<size_t>(e.to)] = 1;
  for (int node = 0; node < cell.nodes; ++node)
    leads[static_cast<size_t>(node)] = is_output(node);
  for (auto e = edges.rbegin(); e != edges.rend(); ++e)
    if (leads[static_cast<size_t>(e->to)])
      leads[static_cast<size_t>(e->from)] = 1;

  std::vector<OpEdge> live;
  for (const OpEdge &e : edges)
    if (reached[static_cast<size_t>(e.from)] && leads[static_cast<size_t>(e.to)])
      live.push_back(e); // topological: sorted by the node they start from
  const size_t n = live.size();
  std::vector<std::vector<size_t>> parents(n), children(n);
  for (size_t a = 0; a < n; ++a)
    for (size_t b = 0; b < n; ++b)
      if (live[a].to == live[b].from) {
        children[a].push_back(b);
        parents[b].push_back(a);
      }
  std::vector<Layer> layers(n);
  std::vector<char> at_source(n), at_sink(n);
  for (size_t i = 0; i < n; ++i) {
    layers[i].op = live[i].op;
    at_source[i] = live[i].from < cell.inputs;
    at_sink[i] = is_output(live[i].to); // in a concat cell, every live layer
  }
  describe(parents, children, at_source, at_sink, labels, layers);
  return layers;
}

std::vector<Layer> chain_layers(const std::vector<int> &chain, const LabelCosts &labels) {
  std::vector<Layer> layers;
  for (int op : chain)
    if (op != kAbsent)
      layers.push_back({op, {}});
  const size_t n = layers.size();
  std::vector<std::vector<size_t>> parents(n), children(n);
  std::vector<char> at_source(n, 0), at_sink(n, 0);
  for (size_t i = 1; i < n; ++i) {
    parents[i].push_back(i - 1);
    children[i - 1].push_back(i);
  }
  if (n > 0)
    at_source.front() = at_sink.back() = 1;
  describe(parents, children, at_source, at_sink, labels, layers);
  return layers;
}

LayerSets layer_sets(const OpNetwork &network, const LabelCosts &labels) {
  LayerSets out;
  for (const OpCell &cell : network.cells)
    out.parts.push_back(cell_layers(cell, labels));
  out.parts.push_back(chain_layers(network.chain, labels));
  return out;
}

} // namespace nas::distances
