#include "darts_genotype.hpp"

#include <algorithm>
#include <numeric>

namespace nas::darts {

const std::vector<std::string> &ops() {
  static const std::vector<std::string> names = {"max_pool_3x3", "avg_pool_3x3", "skip_connect",
                                                 "sep_conv_3x3", "sep_conv_5x5", "dil_conv_3x3",
                                                 "dil_conv_5x5"};
  return names;
}

const std::vector<std::string> &primitives() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> all = {"none"};
    all.insert(all.end(), ops().begin(), ops().end());
    return all;
  }();
  return names;
}

const std::array<std::string, kCells> &cell_names() {
  static const std::array<std::string, kCells> names = {"normal", "reduce"};
  return names;
}

namespace {

// Decision d: cell d / 12, node 2 + (d % 12) / 3, and which of inputs, op_a, op_b.
int node_of(int decision) { return kInputs + (decision % (kSteps * kPerNode)) / kPerNode; }
int part_of(int decision) { return decision % kPerNode; }
int first_decision(int cell, int node) { return (cell * kSteps + node - kInputs) * kPerNode; }

} // namespace

std::vector<std::string> decision_names() {
  static const char *parts[kPerNode] = {"inputs", "op_a", "op_b"};
  std::vector<std::string> names;
  for (int d = 0; d < kNumDecisions; ++d)
    names.push_back(cell_names()[d / (kSteps * kPerNode)] + "_" + std::to_string(node_of(d)) + "_" +
                    parts[part_of(d)]);
  return names;
}

int num_options(int decision) {
  if (decision < 0 || decision >= kNumDecisions)
    return 0;
  const int node = node_of(decision);
  return part_of(decision) == 0 ? node * (node - 1) : static_cast<int>(ops().size());
}

std::vector<std::string> option_labels(int decision) {
  if (part_of(decision) != 0)
    return ops();
  std::vector<std::string> labels;
  const int node = node_of(decision);
  for (int k = 0; k < num_options(decision); ++k) {
    auto [a, b] = pair_of(node, k);
    labels.push_back(std::to_string(a) + "," + std::to_string(b));
  }
  return labels;
}

int pair_index(int node, int a, int b) { return a * (node - 1) + (b < a ? b : b - 1); }

std::pair<int, int> pair_of(int node, int index) {
  const int a = index / (node - 1), rest = index % (node - 1);
  return {a, rest < a ? rest : rest + 1};
}

void check(const Choices &choices) {
  if (choices.size() != static_cast<size_t>(kNumDecisions))
    throw InvalidArch("the DARTS space has " + std::to_string(kNumDecisions) + " decisions, got " +
                      std::to_string(choices.size()));
  for (int d = 0; d < kNumDecisions; ++d)
    if (choices[d] < 0 || choices[d] >= num_options(d))
      throw InvalidArch(decision_names()[d] + " has option " + std::to_string(choices[d]) +
                        ", expected 0.." + std::to_string(num_options(d) - 1));
}

Genotype to_genotype(const Choices &choices) {
  check(choices);
  Genotype g;
  for (int c = 0; c < kCells; ++c)
    for (int node = kInputs; node < kNodes; ++node) {
      const int d = first_decision(c, node);
      auto [a, b] = pair_of(node, choices[d]);
      g[c][node - kInputs] = {GeneEdge{a, choices[d + 1]}, GeneEdge{b, choices[d + 2]}};
    }
  return g;
}

Choices to_choices(const Genotype &g) {
  Choices choices(kNumDecisions);
  for (int c = 0; c < kCells; ++c)
    for (int node = kInputs; node < kNodes; ++node) {
      const auto &edges = g[c][node - kInputs];
      const int d = first_decision(c, node);
      choices[d] = pair_index(node, edges[0].input, edges[1].input);
      choices[d + 1] = edges[0].op;
      choices[d + 2] = edges[1].op;
    }
  return choices;
}

namespace {

void sort_edges(CellGenes &cell) {
  for (auto &edges : cell)
    if (edges[1].input < edges[0].input)
      std::swap(edges[0], edges[1]);
}

} // namespace

void canonicalize(Choices &choices) {
  Genotype g = to_genotype(choices);
  for (CellGenes &cell : g)
    sort_edges(cell);
  choices = to_choices(g);
}

Choices equivalence_representative(const Choices &choices) {
  const Genotype g = to_genotype(choices);
  Genotype best = g;
  for (int c = 0; c < kCells; ++c) {
    sort_edges(best[c]);
    // label[v]: the new number of node v; the input nodes keep theirs.
    std::array<int, kNodes> label;
    std::iota(label.begin(), label.end(), 0);
    while (std::next_permutation(label.begin() + kInputs, label.end())) {
      CellGenes relabelled;
      bool forward = true;
      for (int node = kInputs; node < kNodes && forward; ++node)
        for (int k = 0; k < 2; ++k) {
          const GeneEdge &e = g[c][node - kInputs][k];
          forward = forward && label[e.input] < label[node];
          relabelled[label[node] - kInputs][k] = {label[e.input], e.op};
        }
      if (!forward)
        continue;
      sort_edges(relabelled);
      Genotype candidate = best;
      candidate[c] = relabelled;
      if (to_choices(candidate) < to_choices(best))
        best = candidate;
    }
  }
  return to_choices(best);
}

} // namespace nas::darts
