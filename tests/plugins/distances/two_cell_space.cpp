// test.space.two_cells: a DARTS-like space for the distance tests (no project space has
// cells with two inputs, a concatenated output, or two cell types). Cells `normal` and
// `reduce`, each with input nodes 0 and 1 and computed nodes 2, 3, 4 (output "concat"); every
// edge j -> i (j < i) is a decision over none / skip_connect / sep_conv_3x3 (config `ops`: the
// first 2..7 of none, skip_connect, sep_conv_3x3, sep_conv_5x5, dil_conv_3x3, max_pool_3x3,
// avg_pool_3x3), 9 per cell in the
// order (2<-0, 2<-1, 3<-0, 3<-1, 3<-2, 4<-0, ..., 4<-3), normal first; decision 18 picks the
// stem op. Config `supernet`: "decisions" (entries name their decisions), "free" (decision -1
// everywhere, as DARTS's mixing weights) or "shifted" (each edge names the next edge's
// decision: the supernet does not predict to_ir, which a distance must notice).
#include <nas/ir.hpp>
#include <nas/plugin.hpp>

#include <string>
#include <vector>

namespace nas::test {

class TwoCellSpace final : public Space {
public:
  static constexpr uint32_t kDecisions = 19;

  TwoCellSpace(const Config &config, const Host &host)
      : Space(host), supernet_(config.get_string("supernet", "decisions")),
        ops_(static_cast<uint32_t>(config.get_int("ops", 3))) {
    if (supernet_ != "decisions" && supernet_ != "free" && supernet_ != "shifted")
      throw ConfigError("supernet", "expected decisions, free or shifted");
    if (ops_ < 2 || ops_ > 7)
      throw ConfigError("ops", "expected 2..7");
  }

  static Info info() {
    Info i;
    i.name = "test.space.two_cells";
    i.version = "1.0.0";
    i.description = "Test space: two DARTS-like cells (two inputs, concat) and a stem op.";
    i.config =
        R"({"supernet": {"type": "string", "default": "decisions", "help": "decisions, )"
        R"(free or shifted"}, "ops": {"type": "int", "default": 3, "help": "edge options"}})";
    return i;
  }

  std::string describe() const override {
    std::string edge_options;
    for (const std::string &op : edge_ops())
      edge_options += (edge_options.empty() ? "\"" : ", \"") + op + "\"";
    std::string s = R"({"decisions": [)";
    for (uint32_t d = 0; d < kDecisions; ++d)
      s += std::string(d ? ", " : "") + R"({"name": "d)" + std::to_string(d) +
           (d < 18 ? R"(", "options": [)" + edge_options + "]}"
                   : R"(", "options": ["conv3x3_bn", "conv3x3_bn_relu"]})");
    return s + "]}";
  }
  uint32_t num_decisions() const override { return kDecisions; }
  uint32_t num_options(uint32_t d) const override { return d < 18 ? ops_ : d == 18 ? 2 : 0; }
  std::string to_string(const Choices &c) const override {
    std::string s;
    for (int32_t v : c)
      s += static_cast<char>('0' + v);
    return s;
  }
  Choices from_string(const std::string &text) const override {
    Choices c;
    for (char ch : text)
      c.push_back(ch - '0');
    check_ranges(c);
    return c;
  }

  std::string to_ir(const Choices &c) const override {
    const std::vector<std::string> ops = edge_ops();
    return ir::write(network(false, [&](int decision, std::string &op, auto &, int &) {
      op = decision < 18 ? ops[static_cast<size_t>(c[decision])]
           : c[decision] ? "conv3x3_bn_relu"
                         : "conv3x3_bn";
    }));
  }

  std::string supernet_ir() const override {
    return ir::write(network(true, [&](int decision, std::string &, auto &options, int &d) {
      if (decision < 18)
        options = edge_ops();
      else
        options = {"conv3x3_bn", "conv3x3_bn_relu"};
      d = supernet_ == "free" ? -1 : decision;
      if (supernet_ == "shifted" && decision < 18)
        d = decision / 9 * 9 + (decision + 1) % 9;
    }));
  }

private:
  std::vector<std::string> edge_ops() const {
    static const char *all[] = {"none",         "skip_connect", "sep_conv_3x3", "sep_conv_5x5",
                                "dil_conv_3x3", "max_pool_3x3", "avg_pool_3x3"};
    return std::vector<std::string>(all, all + ops_);
  }

  // set(decision, op, options, ir decision) fills one entry.
  template <class Set> ir::Network network(bool supernet, Set set) const {
    ir::Network n;
    n.input = {3, 32, 32};
    n.num_classes = 10;
    n.supernet = supernet;
    const char *names[] = {"normal", "reduce"};
    for (int cell = 0; cell < 2; ++cell) {
      ir::Cell c;
      c.inputs = 2;
      c.nodes = 5;
      c.output = ir::CellOutput::concat;
      c.reduction = cell == 1;
      int decision = 9 * cell;
      for (int to = 2; to < 5; ++to)
        for (int from = 0; from < to; ++from, ++decision) {
          ir::Edge e;
          e.from = from;
          e.to = to;
          set(decision, e.op, e.options, e.decision);
          c.edges.push_back(e);
        }
      n.cells[names[cell]] = c;
    }
    ir::Layer stem;
    stem.type = ir::LayerType::op;
    stem.channels = 16;
    set(18, stem.op, stem.options, stem.decision);
    n.layers = {stem, ir::cell_layer("normal", 16), ir::cell_layer("reduce", 32),
                ir::cell_layer("normal", 32), ir::head_layer()};
    return n;
  }

  std::string supernet_;
  uint32_t ops_;
};

} // namespace nas::test

NAS_PLUGIN_LIBRARY(nas::test::TwoCellSpace);
