#include "dag_cell.hpp"

#include "../common/op_vocabulary.hpp"

#include <algorithm>
#include <cctype>
#include <numeric>

namespace nas::cell {

DagCell::DagCell(int nodes, std::vector<std::string> ops) : nodes_(nodes), ops_(std::move(ops)) {
  if (nodes_ < 2 || nodes_ > kMaxNodes)
    throw ConfigError("nodes", "'nodes' (the input included) must be in 2.." +
                                   std::to_string(kMaxNodes) + ", got " + std::to_string(nodes_));
  if (ops_.empty())
    throw ConfigError("ops", "'ops' must not be empty");
  for (size_t k = 0; k < ops_.size(); ++k) {
    const std::string key = "ops[" + std::to_string(k) + "]";
    std::string why = spaces::why_not_cell_edge(ops_[k]);
    if (!why.empty())
      throw ConfigError(key, "'ops': " + why);
    if (std::find(ops_.begin(), ops_.begin() + k, ops_[k]) != ops_.begin() + k)
      throw ConfigError(key, "'ops' lists '" + ops_[k] + "' twice");
    if (ops_[k] == "none")
      none_ = static_cast<int>(k);
  }
  for (int to = 1; to < nodes_; ++to)
    for (int from = 0; from < to; ++from) {
      edges_.push_back({to, from});
      edge_names_.push_back("edge_" + std::to_string(to) + "_" + std::to_string(from));
    }
}

void DagCell::check(const Choices &cell) const {
  if (cell.size() != edges_.size())
    throw InvalidArch("a cell of " + std::to_string(nodes_) + " nodes has " +
                      std::to_string(edges_.size()) + " edge decisions, got " +
                      std::to_string(cell.size()));
  for (size_t i = 0; i < cell.size(); ++i)
    if (cell[i] < 0 || static_cast<size_t>(cell[i]) >= ops_.size())
      throw InvalidArch(edge_names_[i] + " has option " + std::to_string(cell[i]) +
                        ", expected 0.." + std::to_string(ops_.size() - 1));
}

std::string DagCell::format(const Choices &cell) const {
  check(cell);
  std::string out;
  for (size_t i = 0; i < edges_.size(); ++i) {
    if (edges_[i].from == 0) // a new node's inputs begin
      out += i == 0 ? "|" : "+|";
    out += ops_[cell[i]] + '~' + std::to_string(edges_[i].from) + '|';
  }
  return out;
}

namespace {

// Reads the string left to right; every failure names the position and what was expected.
class Parser {
public:
  Parser(const DagCell &cell, const std::string &text) : cell_(cell), text_(text) {}

  Choices parse() {
    Choices out;
    for (const DagEdge &e : cell_.edges()) {
      if (e.from == 0) { // a new node's inputs begin
        if (e.to > 1)
          expect("+", "'+' before the inputs of node " + std::to_string(e.to));
        expect("|", "'|' opening the inputs of node " + std::to_string(e.to));
      }
      out.push_back(op(e));
      expect("~", "'~' after the op of edge " + label(e));
      expect(std::to_string(e.from),
             "input node " + std::to_string(e.from) + " of edge " + label(e));
      expect("|", "'|' closing edge " + label(e));
    }
    if (pos_ != text_.size())
      fail("the end of the string (a cell of " + std::to_string(cell_.nodes()) + " nodes)");
    return out;
  }

private:
  static std::string label(const DagEdge &e) {
    return std::to_string(e.to) + "<-" + std::to_string(e.from);
  }

  [[noreturn]] void fail(const std::string &expected) const {
    std::string found = pos_ < text_.size() ? "'" + text_.substr(pos_, 16) + "'" : "the end";
    // The whole string is quoted only when short: error messages are truncated at 1 KiB.
    std::string where = text_.size() <= 200 ? " in \"" + text_ + "\"" : "";
    throw InvalidArch("not a cell string: expected " + expected + " at position " +
                      std::to_string(pos_) + ", found " + found + where +
                      " (format: |op~0|+|op~0|op~1|+|op~0|op~1|op~2|...)");
  }

  void expect(const std::string &token, const std::string &what) {
    if (text_.compare(pos_, token.size(), token) != 0)
      fail(what);
    // A longer number ("~12" where "~1" is expected) is not a match.
    if (std::isdigit(static_cast<unsigned char>(token.back())) &&
        pos_ + token.size() < text_.size() &&
        std::isdigit(static_cast<unsigned char>(text_[pos_ + token.size()])))
      fail(what);
    pos_ += token.size();
  }

  int32_t op(const DagEdge &e) {
    const size_t end = std::min(text_.find_first_of("~|+", pos_), text_.size());
    const std::string name = text_.substr(pos_, end - pos_);
    const auto &ops = cell_.ops();
    auto it = std::find(ops.begin(), ops.end(), name);
    if (it == ops.end())
      fail("an op of edge " + label(e) + " (" + spaces::join(ops) + ")");
    pos_ = end;
    return static_cast<int32_t>(it - ops.begin());
  }

  const DagCell &cell_;
  const std::string &text_;
  size_t pos_ = 0;
};

} // namespace

Choices DagCell::parse(const std::string &text) const { return Parser(*this, text).parse(); }

Choices DagCell::prune_dead_edges(const Choices &cell) const {
  check(cell);
  if (none_ < 0)
    return cell; // every edge exists: every node is fed and feeds the output
  // Edges go from lower to higher nodes and are listed by target, so one forward pass finds
  // what node 0 feeds and one backward pass what reaches the output.
  std::vector<bool> fed(nodes_, false), feeds_output(nodes_, false);
  fed[0] = true;
  feeds_output[nodes_ - 1] = true;
  for (size_t i = 0; i < edges_.size(); ++i)
    if (cell[i] != none_ && fed[edges_[i].from])
      fed[edges_[i].to] = true;
  for (size_t i = edges_.size(); i-- > 0;)
    if (cell[i] != none_ && feeds_output[edges_[i].to])
      feeds_output[edges_[i].from] = true;
  // An edge on no path from the input to the output is dead; every edge of a path through
  // a live edge is itself live, so one pass suffices.
  Choices pruned = cell;
  for (size_t i = 0; i < edges_.size(); ++i)
    if (!fed[edges_[i].from] || !feeds_output[edges_[i].to])
      pruned[i] = none_;
  return pruned;
}

Choices DagCell::canonical_representative(const Choices &cell) const {
  Choices best = prune_dead_edges(cell);
  if (none_ < 0 || nodes_ > kMaxNodesForIsomorphism || nodes_ < 4)
    return best; // no relabelling possible (or affordable)
  const Choices pruned = best;
  // label[v]: the new number of intermediate node v (the input and output stay put).
  std::vector<int> label(nodes_);
  std::iota(label.begin(), label.end(), 0);
  while (std::next_permutation(label.begin() + 1, label.end() - 1)) {
    Choices relabelled(edges_.size(), none_);
    bool forward = true;
    for (size_t i = 0; i < edges_.size() && forward; ++i) {
      if (pruned[i] == none_)
        continue;
      const int from = label[edges_[i].from], to = label[edges_[i].to];
      forward = from < to;
      if (forward)
        relabelled[edge_index(to, from)] = pruned[i];
    }
    if (forward)
      best = std::min(best, relabelled);
  }
  return best;
}

std::string DagCell::equivalence_key(const Choices &cell) const {
  return format(canonical_representative(cell));
}

} // namespace nas::cell
