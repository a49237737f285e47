#include "darts_string.hpp"

#include <algorithm>
#include <cctype>

namespace nas::darts {

namespace {

std::string join(const std::vector<std::string> &names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i)
    out += (i ? ", " : "") + names[i];
  return out;
}

std::string format_cell(const CellGenes &cell) {
  std::string out = "[";
  for (size_t s = 0; s < cell.size(); ++s)
    for (int k = 0; k < 2; ++k) {
      const GeneEdge &e = cell[s][k];
      out += (s || k ? ", " : "") + std::string("('") + ops()[e.op] + "', " +
             std::to_string(e.input) + ")";
    }
  return out + "]";
}

constexpr const char *kConcat = "range(2, 6)";
constexpr const char *kFormat = "Genotype(normal=[('op', input), ... 8 pairs], "
                                "normal_concat=range(2, 6), reduce=[... 8 pairs], "
                                "reduce_concat=range(2, 6))";

} // namespace

std::string format(const Choices &choices) {
  const Genotype g = to_genotype(choices);
  return "Genotype(normal=" + format_cell(g[0]) + ", normal_concat=" + kConcat +
         ", reduce=" + format_cell(g[1]) + ", reduce_concat=" + kConcat + ")";
}

namespace {

struct Pair {
  std::string op;
  long input;
  size_t position; // where the pair starts, for messages
};

// Reads the string left to right; syntax errors name the position and what was expected.
class Parser {
public:
  explicit Parser(const std::string &text) : text_(text) {}

  Choices parse() {
    word("Genotype");
    token("(");
    Genotype g;
    for (int c = 0; c < kCells; ++c) {
      const std::string &name = cell_names()[c];
      if (c > 0)
        token(",");
      keyword(name);
      g[c] = cell(name, pairs(name));
      token(",");
      keyword(name + "_concat");
      concat(name + "_concat");
    }
    skip_space();
    if (peek(","))
      token(",");
    token(")");
    skip_space();
    if (pos_ != text_.size())
      fail("the end of the genotype");
    return to_choices(g);
  }

private:
  [[noreturn]] void fail(const std::string &expected) const {
    std::string found = pos_ < text_.size() ? "'" + text_.substr(pos_, 16) + "'" : "the end";
    throw InvalidArch("not a DARTS genotype: expected " + expected + " at position " +
                      std::to_string(pos_) + ", found " + found + where() + " (format: " + kFormat +
                      ")");
  }
  // The whole string is quoted only when short: error messages are truncated at 1 KiB.
  std::string where() const { return text_.size() <= 400 ? " in \"" + text_ + "\"" : ""; }

  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_])))
      ++pos_;
  }
  bool peek(const std::string &t) const { return text_.compare(pos_, t.size(), t) == 0; }
  void token(const std::string &t) {
    skip_space();
    if (!peek(t))
      fail("'" + t + "'");
    pos_ += t.size();
  }
  void word(const std::string &w) {
    skip_space();
    const size_t end = pos_ + w.size();
    if (!peek(w) || (end < text_.size() &&
                     (std::isalnum(static_cast<unsigned char>(text_[end])) || text_[end] == '_')))
      fail("'" + w + "'");
    pos_ = end;
  }
  void keyword(const std::string &name) {
    word(name);
    token("=");
  }

  long integer(const std::string &what) {
    skip_space();
    size_t end = pos_;
    while (end < text_.size() && std::isdigit(static_cast<unsigned char>(text_[end])))
      ++end;
    if (end == pos_ || end - pos_ > 6)
      fail(what);
    const long value = std::stol(text_.substr(pos_, end - pos_));
    pos_ = end;
    return value;
  }

  std::string quoted(const std::string &what) {
    skip_space();
    if (!peek("'") && !peek("\""))
      fail(what);
    const char quote = text_[pos_];
    const size_t end = text_.find(quote, pos_ + 1);
    if (end == std::string::npos)
      fail(what + " (closing quote)");
    std::string value = text_.substr(pos_ + 1, end - pos_ - 1);
    pos_ = end + 1;
    return value;
  }

  // "[" pair ("," pair)* [","] "]"
  std::vector<Pair> pairs(const std::string &name) {
    token("[");
    std::vector<Pair> out;
    for (;;) {
      skip_space();
      if (peek("]")) // an empty list, or a trailing comma: cell() checks the count
        break;
      Pair p;
      p.position = pos_;
      token("(");
      p.op = quoted("an op name in quotes (pair " + std::to_string(out.size()) + " of '" + name +
                    "')");
      token(",");
      p.input = integer("an input node number (pair " + std::to_string(out.size()) + " of '" +
                        name + "')");
      token(")");
      out.push_back(std::move(p));
      skip_space();
      if (peek(","))
        token(",");
      else if (!peek("]"))
        fail("',' or ']' after pair " + std::to_string(out.size() - 1) + " of '" + name + "'");
    }
    token("]");
    return out;
  }

  // range(2, 6) or [2, 3, 4, 5]: this space concatenates every intermediate node.
  void concat(const std::string &key) {
    skip_space();
    const size_t start = pos_;
    std::vector<long> nodes;
    if (peek("[")) {
      token("[");
      for (skip_space(); !peek("]"); skip_space()) {
        nodes.push_back(integer("a node number in '" + key + "'"));
        skip_space();
        if (peek(","))
          token(",");
        else if (!peek("]"))
          fail("',' or ']' in '" + key + "'");
      }
      token("]");
    } else {
      word("range");
      token("(");
      const long from = integer("the first node of '" + key + "'");
      token(",");
      const long to = integer("the end of '" + key + "'");
      token(")");
      for (long n = from; n < to && nodes.size() <= kNodes; ++n)
        nodes.push_back(n);
    }
    const std::vector<long> expected = {2, 3, 4, 5};
    if (nodes != expected)
      throw InvalidArch("not a DARTS genotype of this space: '" + key + "' is '" +
                        text_.substr(start, pos_ - start) +
                        "', but every cell concatenates all four intermediate nodes: " + kConcat +
                        " or [2, 3, 4, 5]" + where());
  }

  [[noreturn]] void bad_pair(const std::string &name, size_t k, const Pair &p,
                             const std::string &why) const {
    throw InvalidArch("not a DARTS genotype of this space: '" + name + "' pair " +
                      std::to_string(k) + " ('" + p.op + "', " + std::to_string(p.input) +
                      ") at position " + std::to_string(p.position) + ", an edge of node " +
                      std::to_string(kInputs + static_cast<int>(k) / 2) + ": " + why + where());
  }

  // Eight pairs, two per node: known ops, earlier and distinct inputs.
  CellGenes cell(const std::string &name, const std::vector<Pair> &pairs) const {
    if (pairs.size() != 2 * kSteps)
      throw InvalidArch("not a DARTS genotype of this space: '" + name + "' has " +
                        std::to_string(pairs.size()) + " pairs, expected " +
                        std::to_string(2 * kSteps) + " (two per intermediate node 2..5)" + where());
    CellGenes genes;
    for (size_t k = 0; k < pairs.size(); ++k) {
      const Pair &p = pairs[k];
      const int node = kInputs + static_cast<int>(k) / 2;
      auto it = std::find(ops().begin(), ops().end(), p.op);
      if (p.op == "none")
        bad_pair(name, k, p,
                 "'none' is the supernet's zero op, never part of a derived genotype (ops: " +
                     join(ops()) + ")");
      if (it == ops().end())
        bad_pair(name, k, p, "unknown op '" + p.op + "' (ops: " + join(ops()) + ")");
      if (p.input >= node)
        bad_pair(name, k, p,
                 "input " + std::to_string(p.input) + " is not an earlier node (expected 0.." +
                     std::to_string(node - 1) + ")");
      if (k % 2 == 1 && p.input == pairs[k - 1].input)
        bad_pair(name, k, p,
                 "both edges of the node read node " + std::to_string(p.input) +
                     "; DARTS picks two distinct inputs");
      genes[k / 2][k % 2] = {static_cast<int>(p.input), static_cast<int>(it - ops().begin())};
    }
    return genes;
  }

  const std::string &text_;
  size_t pos_ = 0;
};

} // namespace

Choices parse(const std::string &text) { return Parser(text).parse(); }

} // namespace nas::darts
