#include "nb201_cell.hpp"

#include <algorithm>
#include <cstring>

namespace nas::nb201 {

const std::array<Edge, kNumEdges> &edges() {
  static const std::array<Edge, kNumEdges> all = {{{1, 0}, {2, 0}, {2, 1}, {3, 0}, {3, 1}, {3, 2}}};
  return all;
}

const std::array<const char *, kNumEdges> &edge_names() {
  static const std::array<const char *, kNumEdges> all = {"edge_1_0", "edge_2_0", "edge_2_1",
                                                          "edge_3_0", "edge_3_1", "edge_3_2"};
  return all;
}

const std::array<const char *, kNumOps> &op_names() {
  static const std::array<const char *, kNumOps> all = {"none", "skip_connect", "nor_conv_1x1",
                                                        "nor_conv_3x3", "avg_pool_3x3"};
  return all;
}

void check(const Choices &cell) {
  if (cell.size() != kNumEdges)
    throw InvalidArch("an NB201 cell has " + std::to_string(kNumEdges) + " decisions, got " +
                      std::to_string(cell.size()));
  for (int i = 0; i < kNumEdges; ++i)
    if (cell[i] < 0 || cell[i] >= kNumOps)
      throw InvalidArch(std::string(edge_names()[i]) + " has option " + std::to_string(cell[i]) +
                        ", expected 0.." + std::to_string(kNumOps - 1));
}

std::string format(const Choices &cell) {
  check(cell);
  std::string out;
  for (int i = 0; i < kNumEdges; ++i) {
    const Edge &e = edges()[i];
    if (e.from == 0) // a new node's inputs begin
      out += i == 0 ? "|" : "+|";
    out += op_names()[cell[i]];
    out += '~';
    out += std::to_string(e.from);
    out += '|';
  }
  return out;
}

namespace {

// Reads the NB201 string left to right; every failure names the position and what was
// expected there.
class Parser {
public:
  explicit Parser(const std::string &text) : text_(text) {}

  Choices parse() {
    Choices cell;
    for (int i = 0; i < kNumEdges; ++i) {
      const Edge &e = edges()[i];
      if (e.from == 0) { // a new node's inputs begin
        if (i > 0)
          expect('+', "'+' before the inputs of node " + std::to_string(e.to));
        expect('|', "'|' opening the inputs of node " + std::to_string(e.to));
      }
      cell.push_back(op(e));
      expect('~', "'~' after the op of edge " + edge_label(e));
      expect(static_cast<char>('0' + e.from),
             "input node " + std::to_string(e.from) + " of edge " + edge_label(e));
      expect('|', "'|' closing edge " + edge_label(e));
    }
    if (pos_ != text_.size())
      fail("the end of the string");
    return cell;
  }

private:
  static std::string edge_label(const Edge &e) {
    return std::to_string(e.to) + "<-" + std::to_string(e.from);
  }

  [[noreturn]] void fail(const std::string &expected) const {
    std::string found = pos_ < text_.size() ? "'" + text_.substr(pos_, 16) + "'" : "the end";
    // The whole string is quoted only when short: error messages are truncated at 1 KiB.
    std::string where = text_.size() <= 200 ? " in \"" + text_ + "\"" : "";
    throw InvalidArch("not an NB201 cell string: expected " + expected + " at position " +
                      std::to_string(pos_) + ", found " + found + where +
                      " (format: |op~0|+|op~0|op~1|+|op~0|op~1|op~2|)");
  }

  void expect(char c, const std::string &what) {
    if (pos_ >= text_.size() || text_[pos_] != c)
      fail(what);
    ++pos_;
  }

  int32_t op(const Edge &e) {
    for (int32_t k = 0; k < kNumOps; ++k) {
      size_t len = std::strlen(op_names()[k]);
      // No op name is a prefix of another, so the first match is the only one.
      if (text_.compare(pos_, len, op_names()[k]) == 0) {
        pos_ += len;
        return k;
      }
    }
    fail("an op of edge " + edge_label(e) +
         " (none, skip_connect, nor_conv_1x1, nor_conv_3x3 or avg_pool_3x3)");
  }

  const std::string &text_;
  size_t pos_ = 0;
};

} // namespace

Choices parse(const std::string &text) { return Parser(text).parse(); }

int index_of(const Choices &cell) {
  check(cell);
  int index = 0;
  for (int32_t op : cell)
    index = index * kNumOps + op;
  return index;
}

Choices cell_at(int index) {
  if (index < 0 || index >= kNumCells)
    throw InvalidArch("an NB201 cell index is in 0.." + std::to_string(kNumCells - 1) + ", got " +
                      std::to_string(index));
  Choices cell(kNumEdges);
  for (int i = kNumEdges - 1; i >= 0; --i, index /= kNumOps)
    cell[i] = index % kNumOps;
  return cell;
}

Choices prune_dead_edges(const Choices &cell) {
  check(cell);
  // Edges go from lower to higher nodes, so one forward pass finds what node 0 feeds and
  // one backward pass finds what reaches node 3.
  std::array<bool, kNumNodes> fed{true, false, false, false};
  for (int i = 0; i < kNumEdges; ++i)
    if (cell[i] != none && fed[edges()[i].from])
      fed[edges()[i].to] = true;
  std::array<bool, kNumNodes> feeds_output{false, false, false, true};
  for (int i = kNumEdges - 1; i >= 0; --i)
    if (cell[i] != none && feeds_output[edges()[i].to])
      feeds_output[edges()[i].from] = true;
  // An edge on no path from 0 to 3 is dead. One pass suffices: every edge of a path
  // through a live edge is itself live.
  Choices pruned = cell;
  for (int i = 0; i < kNumEdges; ++i)
    if (!fed[edges()[i].from] || !feeds_output[edges()[i].to])
      pruned[i] = none;
  return pruned;
}

namespace {

// The cell with nodes 1 and 2 relabelled. Only a cell when edge 2<-1 is none (otherwise
// the swapped edge would run backwards, 1<-2).
Choices swap_intermediate_nodes(const Choices &c) {
  // Decision order: 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2.
  return {c[1], c[0], c[2], c[3], c[5], c[4]};
}

} // namespace

Choices canonical_representative(const Choices &cell) {
  Choices pruned = prune_dead_edges(cell);
  if (pruned[2] != none)
    return pruned; // 1 feeds 2: the nodes are told apart by the edge between them
  return std::min(pruned, swap_intermediate_nodes(pruned));
}

std::string equivalence_key(const Choices &cell) { return format(canonical_representative(cell)); }

} // namespace nas::nb201
