// Tests for nas/ir.hpp: the examples of sdk/IR.md round-trip, the C++ builders produce them,
// and every validation rule rejects with the JSON path of the offending value.
#include <nas/ir.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>

namespace ir = nas::ir;
using nlohmann::json;

namespace {

// sdk/IR.md: NAS_IR_MD if the build defines it, else found from this file's path (absolute
// under CMake, relative to the repository root when compiled by hand from there).
std::string ir_md_path() {
#ifdef NAS_IR_MD
  return NAS_IR_MD;
#endif
  std::string here = __FILE__;
  const std::string suffix = "tests/sdk/ir_test.cpp";
  if (here.size() >= suffix.size() &&
      here.compare(here.size() - suffix.size(), suffix.size(), suffix) == 0)
    here.resize(here.size() - suffix.size());
  else
    here.clear();
  return here + "sdk/IR.md";
}

// The ```json blocks of IR.md that follow a "<!-- example: NAME -->" line, by NAME.
const std::map<std::string, std::string> &examples() {
  static const std::map<std::string, std::string> found = [] {
    std::map<std::string, std::string> out;
    std::ifstream in(ir_md_path());
    std::string line, name, body;
    bool in_block = false;
    while (std::getline(in, line)) {
      if (in_block) {
        if (line == "```") {
          out[name] = body;
          in_block = false;
          name.clear();
        } else {
          body += line + '\n';
        }
      } else if (line.rfind("<!-- example: ", 0) == 0) {
        name = line.substr(14, line.find(' ', 14) - 14);
      } else if (!name.empty() && line == "```json") {
        in_block = true;
        body.clear();
      }
    }
    return out;
  }();
  return found;
}

const std::string &example(const std::string &name) {
  const auto &all = examples();
  auto it = all.find(name);
  if (it == all.end())
    throw std::runtime_error("example '" + name + "' not found in " + ir_md_path());
  return it->second;
}

// The NB201 cell of an arch string's ops, edges in arch-string order.
ir::Cell nb201_cell(const std::vector<std::string> &ops) {
  ir::Cell c;
  c.inputs = 1;
  c.nodes = 4;
  c.output = ir::CellOutput::last;
  const int from[] = {0, 0, 1, 0, 1, 2}, to[] = {1, 2, 2, 3, 3, 3};
  for (size_t i = 0; i < 6; ++i)
    c.edges.push_back({from[i], to[i], ops[i]});
  return c;
}

ir::Network nb201_network(ir::Cell cell, bool supernet) {
  ir::Network n;
  n.input = {3, 32, 32};
  n.num_classes = 10;
  n.supernet = supernet;
  n.cells["nb201"] = std::move(cell);
  n.layers = {ir::op_layer("conv3x3_bn", 16),  ir::cell_layer("nb201", 16, 5),
              ir::op_layer("resblock", 32, 2), ir::cell_layer("nb201", 32, 5),
              ir::op_layer("resblock", 64, 2), ir::cell_layer("nb201", 64, 5),
              ir::op_layer("bn_relu", 64),     ir::head_layer()};
  return n;
}

// Expects reading `doc` to fail at `path` with a message containing `expected`.
void expect_rejected(const json &doc, const std::string &path, const std::string &expected) {
  try {
    ir::from_json(doc);
    ADD_FAILURE() << "accepted; expected an error at " << path;
  } catch (const ir::Error &e) {
    EXPECT_EQ(e.path(), path) << e.what();
    EXPECT_NE(std::string(e.what()).find(expected), std::string::npos)
        << "message: " << e.what() << "\nexpected to contain: " << expected;
    if (!path.empty()) { // the message names the path first
      EXPECT_EQ(std::string(e.what()).rfind(path + ": ", 0), 0u) << e.what();
    }
  }
}

// Mutates a copy of the named example, then expects it rejected.
void expect_rejected(const std::string &name, const std::function<void(json &)> &mutate,
                     const std::string &path, const std::string &expected) {
  json doc = json::parse(example(name));
  mutate(doc);
  SCOPED_TRACE(doc.dump());
  expect_rejected(doc, path, expected);
}

void expect_invalid(const ir::Network &n, const std::string &path, const std::string &expected) {
  try {
    ir::validate(n);
    ADD_FAILURE() << "accepted; expected an error at " << path;
  } catch (const ir::Error &e) {
    EXPECT_EQ(e.path(), path) << e.what();
    EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
  }
}

const std::vector<std::string> kNb201Ops = {"none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3",
                                            "avg_pool_3x3"};

} // namespace

// --- The documented examples ----------------------------------------------------------------

TEST(IrExamples, AllFourArePresentInIrMd) {
  for (const char *name : {"nb201", "macro", "nb201_supernet", "darts"})
    EXPECT_EQ(examples().count(name), 1u) << name << " in " << ir_md_path();
}

TEST(IrExamples, RoundTripWriteThenReadIsEqual) {
  for (const char *name : {"nb201", "macro", "nb201_supernet", "darts"}) {
    SCOPED_TRACE(name);
    const ir::Network n = ir::read(example(name));
    for (int indent : {-1, 0, 2}) {
      const std::string text = ir::write(n, indent);
      const ir::Network again = ir::read(text);
      EXPECT_TRUE(again == n);
      EXPECT_EQ(ir::write(again, indent), text); // the writer's text is canonical
    }
    // Writing normalizes key order and spacing but keeps every value.
    EXPECT_EQ(json::parse(ir::write(n)), json::parse(example(name)));
  }
}

TEST(IrExamples, Nb201ExampleIsWhatTheBuildersMake) {
  const ir::Network built =
      nb201_network(nb201_cell({"nor_conv_3x3", "nor_conv_3x3", "nor_conv_3x3", "skip_connect",
                                "nor_conv_3x3", "nor_conv_1x1"}),
                    false);
  EXPECT_TRUE(ir::read(example("nb201")) == built);
}

TEST(IrExamples, Nb201SupernetExampleIsWhatTheBuildersMake) {
  ir::Cell cell = nb201_cell(std::vector<std::string>(6, ""));
  for (size_t i = 0; i < cell.edges.size(); ++i) {
    const ir::Edge &e = cell.edges[i];
    cell.edges[i] = ir::Edge(e.from, e.to, kNb201Ops, static_cast<int>(i));
  }
  EXPECT_TRUE(ir::read(example("nb201_supernet")) == nb201_network(cell, true));
}

TEST(IrExamples, MacroExampleIsWhatTheBuildersMake) {
  const std::string arch = "22212220";
  const char *ops[] = {"identity", "mbconv_e3_k3", "mbconv_e6_k5"};
  ir::Network n;
  n.input = {3, 32, 32};
  n.num_classes = 10;
  n.layers.push_back(ir::op_layer("conv3x3_bn_relu", 32));
  int channels = 32;
  size_t k = 0;
  for (int stage : {2, 3, 3})
    for (int i = 0; i < stage; ++i, ++k) {
      if (i == 0)
        channels *= 2;
      n.layers.push_back(ir::op_layer(ops[arch[k] - '0'], channels, i == 0 ? 2 : 1));
    }
  n.layers.push_back(ir::op_layer("conv1x1_bn_relu", 1280));
  n.layers.push_back(ir::head_layer());
  EXPECT_TRUE(ir::read(example("macro")) == n);
}

TEST(IrExamples, DartsExampleHasTwoInputConcatCells) {
  const ir::Network n = ir::read(example("darts"));
  ASSERT_EQ(n.cells.size(), 2u);
  const ir::Cell &reduce = n.cells.at("reduce");
  EXPECT_EQ(reduce.inputs, 2);
  EXPECT_EQ(reduce.nodes, 6);
  EXPECT_EQ(reduce.output, ir::CellOutput::concat);
  EXPECT_TRUE(reduce.reduction);
  EXPECT_FALSE(n.cells.at("normal").reduction);
  EXPECT_EQ(n.layers.back().type, ir::LayerType::head);
}

// --- Writer details ---------------------------------------------------------------------------

TEST(IrWrite, AttrsAreWrittenOnlyWhenPresentAndRoundTrip) {
  ir::Network n = ir::read(example("nb201"));
  EXPECT_FALSE(json::parse(ir::write(n))["layers"][0].contains("attrs"));
  n.layers.back().attrs = {{"dropout", 0.2}};
  n.cells["nb201"].edges[2].attrs = {{"kernel", {3, 5}}, {"note", "plugin op"}};
  const json doc = json::parse(ir::write(n));
  EXPECT_EQ(doc["layers"][7]["attrs"]["dropout"], 0.2);
  EXPECT_EQ(doc["cells"]["nb201"]["edges"][2]["attrs"]["note"], "plugin op");
  EXPECT_TRUE(ir::read(ir::write(n)) == n);
}

TEST(IrWrite, ToJsonHasTheDocumentedShape) {
  const json doc = ir::to_json(ir::read(example("nb201_supernet")));
  EXPECT_EQ(doc["format"], "nas-ir/1");
  EXPECT_EQ(doc["input"], (json{{"channels", 3}, {"height", 32}, {"width", 32}}));
  const json &edge = doc["cells"]["nb201"]["edges"][4];
  EXPECT_FALSE(edge.contains("op"));
  EXPECT_EQ(edge["decision"], 4);
  EXPECT_EQ(edge["options"].size(), 5u);
  EXPECT_EQ(doc["layers"][1],
            (json{{"type", "cell"}, {"cell", "nb201"}, {"channels", 16}, {"repeat", 5}}));
  EXPECT_EQ(doc["layers"][7], (json{{"type", "head"}, {"pool", "global_avg"}}));
}

TEST(IrWrite, SupernetMayMixFixedAndChoiceEntriesAndTieDecisions) {
  ir::Network n = ir::read(example("macro"));
  n.supernet = true;
  const std::vector<std::string> ops = {"identity", "mbconv_e3_k3", "mbconv_e6_k5"};
  n.layers[1] = ir::choice_layer(ops, 0, 64, 2);
  n.layers[2] = ir::choice_layer(ops, 0, 64, 1);                    // tied to the same decision
  n.layers[3] = ir::choice_layer({"identity", "none"}, -1, 128, 2); // the supernet's choice
  EXPECT_NO_THROW(ir::validate(n));
  EXPECT_TRUE(ir::read(ir::write(n)) == n);
}

TEST(IrWrite, WriteValidatesButToJsonDoesNot) {
  ir::Network n = ir::read(example("macro"));
  n.num_classes = 0;
  EXPECT_THROW(ir::write(n), ir::Error);
  EXPECT_EQ(ir::to_json(n)["num_classes"], 0);
}

TEST(IrError, CarriesPathAndMessage) {
  const ir::Error e("/layers/3/op", "expected an op name");
  EXPECT_EQ(e.path(), "/layers/3/op");
  EXPECT_STREQ(e.what(), "/layers/3/op: expected an op name");
  EXPECT_STREQ(ir::Error("", "invalid JSON").what(), "invalid JSON");
}

// --- Validation: one test per rule ------------------------------------------------------------

TEST(IrValidate, SyntaxErrorsAreReported) {
  try {
    ir::read("{\"format\": ");
    ADD_FAILURE() << "accepted";
  } catch (const ir::Error &e) {
    EXPECT_EQ(e.path(), "");
    EXPECT_NE(std::string(e.what()).find("invalid JSON"), std::string::npos);
  }
}

TEST(IrValidate, Document) {
  expect_rejected(json::array(), "", "expected an object");
  expect_rejected(
      "nb201", [](json &d) { d["format"] = "nas-ir/2"; }, "/format",
      "expected \"nas-ir/1\", got \"nas-ir/2\"");
  expect_rejected(
      "nb201", [](json &d) { d.erase("format"); }, "/format", "missing");
  expect_rejected(
      "nb201", [](json &d) { d["extra"] = 1; }, "/extra", "unknown key in the network");
  expect_rejected(
      "nb201", [](json &d) { d.erase("cells"); }, "/cells", "missing");
  expect_rejected(
      "nb201", [](json &d) { d["supernet"] = "yes"; }, "/supernet", "expected true or false");
  expect_rejected(
      "nb201", [](json &d) { d["layers"] = json::object(); }, "/layers", "expected an array");
}

TEST(IrValidate, ShapeAndClassesArePositiveIntegers) {
  expect_rejected(
      "nb201", [](json &d) { d["input"]["height"] = 0; }, "/input/height",
      "expected an integer >= 1, got 0");
  expect_rejected(
      "nb201", [](json &d) { d["input"]["channels"] = "3"; }, "/input/channels",
      "expected an integer, got \"3\"");
  expect_rejected(
      "nb201", [](json &d) { d["input"]["depth"] = 1; }, "/input/depth", "unknown key");
  expect_rejected(
      "nb201", [](json &d) { d["input"].erase("width"); }, "/input/width", "missing");
  expect_rejected(
      "nb201", [](json &d) { d["num_classes"] = -10; }, "/num_classes", ">= 1, got -10");
  expect_rejected(
      "nb201", [](json &d) { d["num_classes"] = 2.5; }, "/num_classes", "expected an integer");
  expect_rejected(
      "nb201", [](json &d) { d["num_classes"] = 10000000000LL; }, "/num_classes",
      "expected a 32-bit integer");
}

TEST(IrValidate, CellStructure) {
  expect_rejected(
      "nb201", [](json &d) { d["cells"]["nb201"]["output"] = "sum"; }, "/cells/nb201/output",
      "expected \"last\" or \"concat\", got \"sum\"");
  expect_rejected(
      "nb201", [](json &d) { d["cells"]["nb201"]["inputs"] = 0; }, "/cells/nb201/inputs", ">= 1");
  expect_rejected(
      "nb201", [](json &d) { d["cells"]["nb201"]["nodes"] = 1; }, "/cells/nb201/nodes",
      "expected an integer above 'inputs' (1), got 1");
  expect_rejected(
      "nb201", [](json &d) { d["cells"]["nb201"]["reduction"] = 0; }, "/cells/nb201/reduction",
      "expected true or false");
  expect_rejected(
      "nb201", [](json &d) { d["cells"]["nb201"]["stride"] = 2; }, "/cells/nb201/stride",
      "unknown key in a cell");
  expect_rejected(
      "nb201", [](json &d) { d["cells"]["nb201"].erase("edges"); }, "/cells/nb201/edges",
      "missing");
}

TEST(IrValidate, EdgeIndices) {
  expect_rejected(
      "nb201", [](json &d) { d["cells"]["nb201"]["edges"][3]["from"] = 5; },
      "/cells/nb201/edges/3/from", "expected an integer below 'to' (3), got 5");
  expect_rejected(
      "nb201", [](json &d) { d["cells"]["nb201"]["edges"][2]["from"] = 2; },
      "/cells/nb201/edges/2/from", "below 'to' (2), got 2");
  expect_rejected(
      "nb201", [](json &d) { d["cells"]["nb201"]["edges"][0]["from"] = -1; },
      "/cells/nb201/edges/0/from", ">= 0, got -1");
  expect_rejected(
      "nb201", [](json &d) { d["cells"]["nb201"]["edges"][5]["to"] = 4; },
      "/cells/nb201/edges/5/to", "expected an integer from 'inputs' (1) to 'nodes' - 1 (3), got 4");
  expect_rejected(
      "darts", [](json &d) { d["cells"]["normal"]["edges"][0]["to"] = 1; },
      "/cells/normal/edges/0/to", "from 'inputs' (2)");
  expect_rejected(
      "nb201", [](json &d) { d["cells"]["nb201"]["edges"][0]["from"] = "0"; },
      "/cells/nb201/edges/0/from", "expected an integer");
}

TEST(IrValidate, EveryComputedNodeNeedsAnIncomingEdge) {
  expect_rejected(
      "nb201",
      [](json &d) {
        auto &edges = d["cells"]["nb201"]["edges"];
        edges.erase(2); // 1 -> 2
        edges.erase(1); // 0 -> 2
      },
      "/cells/nb201/edges", "expected an edge into node 2");
  expect_rejected(
      "nb201", [](json &d) { d["cells"]["nb201"]["edges"] = json::array(); }, "/cells/nb201/edges",
      "node 1");
}

TEST(IrValidate, EdgeKeys) {
  expect_rejected(
      "nb201", [](json &d) { d["cells"]["nb201"]["edges"][0]["weight"] = 1; },
      "/cells/nb201/edges/0/weight", "unknown key in an edge");
  expect_rejected(
      "nb201", [](json &d) { d["cells"]["nb201"]["edges"][0].erase("op"); },
      "/cells/nb201/edges/0/op", "missing");
  expect_rejected(
      "nb201", [](json &d) { d["cells"]["nb201"]["edges"][1] = 7; }, "/cells/nb201/edges/1",
      "expected an object");
}

TEST(IrValidate, NamesMatchTheSyntax) {
  expect_rejected(
      "nb201", [](json &d) { d["cells"]["nb201"]["edges"][2]["op"] = "Nor-Conv"; },
      "/cells/nb201/edges/2/op", "expected an op name matching [a-z0-9_]+, got \"Nor-Conv\"");
  expect_rejected(
      "nb201", [](json &d) { d["cells"]["nb201"]["edges"][2]["op"] = ""; },
      "/cells/nb201/edges/2/op", "[a-z0-9_]+");
  expect_rejected(
      "macro", [](json &d) { d["layers"][3]["op"] = "mbconv e3"; }, "/layers/3/op", "[a-z0-9_]+");
  expect_rejected(
      "macro", [](json &d) { d["layers"][10]["pool"] = "Global"; }, "/layers/10/pool",
      "expected a pool name");
  expect_rejected(
      "nb201",
      [](json &d) {
        d["cells"]["NB201"] = d["cells"]["nb201"];
        d["cells"].erase("nb201");
        for (auto &l : d["layers"])
          if (l["type"] == "cell")
            l["cell"] = "NB201";
      },
      "/cells/NB201", "expected a cell name");
  // JSON pointer escaping keeps the path unambiguous (RFC 6901).
  expect_rejected(
      "nb201", [](json &d) { d["cells"]["a/b~c"] = d["cells"]["nb201"]; }, "/cells/a~1b~0c",
      "cell name");
}

TEST(IrValidate, Layers) {
  expect_rejected(
      "nb201", [](json &d) { d["layers"][1]["cell"] = "nope"; }, "/layers/1/cell",
      "expected the name of a cell in /cells, got \"nope\"");
  expect_rejected(
      "nb201", [](json &d) { d["layers"][7]["type"] = "pool"; }, "/layers/7/type",
      "expected \"op\", \"cell\" or \"head\", got \"pool\"");
  expect_rejected(
      "nb201", [](json &d) { d["layers"][0].erase("type"); }, "/layers/0/type", "missing");
  expect_rejected(
      "nb201", [](json &d) { d["layers"][0]["channels"] = 0; }, "/layers/0/channels",
      ">= 1, got 0");
  expect_rejected(
      "nb201", [](json &d) { d["layers"][2]["stride"] = 0; }, "/layers/2/stride", ">= 1");
  expect_rejected(
      "nb201", [](json &d) { d["layers"][2].erase("stride"); }, "/layers/2/stride", "missing");
  expect_rejected(
      "nb201", [](json &d) { d["layers"][1]["repeat"] = 0; }, "/layers/1/repeat", ">= 1");
  expect_rejected(
      "nb201", [](json &d) { d["layers"][0]["chanels"] = 16; }, "/layers/0/chanels",
      "unknown key in an op layer");
  expect_rejected(
      "nb201", [](json &d) { d["layers"][1]["stride"] = 1; }, "/layers/1/stride",
      "unknown key in a cell layer");
  expect_rejected(
      "nb201", [](json &d) { d["layers"][7]["channels"] = 64; }, "/layers/7/channels",
      "unknown key in a head layer");
  expect_rejected(
      "nb201", [](json &d) { d["layers"][0]["attrs"] = json::array({1}); }, "/layers/0/attrs",
      "expected an object");
}

TEST(IrValidate, ExactlyOneHeadAndItIsLast) {
  expect_rejected(
      "nb201", [](json &d) { d["layers"].erase(7); }, "/layers/6/type",
      "expected the last layer to be the head, got \"op\"");
  expect_rejected(
      "nb201", [](json &d) { d["layers"].insert(d["layers"].begin() + 2, d["layers"][7]); },
      "/layers/2/type", "a head must be the last layer");
  expect_rejected(
      "nb201", [](json &d) { d["layers"].push_back(d["layers"][7]); }, "/layers/7/type",
      "a head must be the last layer");
  expect_rejected(
      "nb201", [](json &d) { d["layers"] = json::array(); }, "/layers", "at least one layer");
}

TEST(IrValidate, OptionsOnlyInASupernet) {
  expect_rejected(
      "nb201",
      [](json &d) {
        auto &e = d["cells"]["nb201"]["edges"][0];
        e.erase("op");
        e["options"] = {"none", "skip_connect"};
        e["decision"] = 0;
      },
      "/cells/nb201/edges/0/options", "options are only allowed in a supernet");
  expect_rejected(
      "macro",
      [](json &d) {
        d["layers"][1].erase("op");
        d["layers"][1]["options"] = {"identity", "mbconv_e3_k3"};
        d["layers"][1]["decision"] = 0;
      },
      "/layers/1/options", "only allowed in a supernet");
}

TEST(IrValidate, OptionsAndDecisions) {
  const std::string edge0 = "/cells/nb201/edges/0";
  expect_rejected(
      "nb201_supernet", [](json &d) { d["cells"]["nb201"]["edges"][0]["op"] = "none"; },
      edge0 + "/options", "not allowed beside 'op'");
  expect_rejected(
      "nb201", [](json &d) { d["cells"]["nb201"]["edges"][0]["decision"] = 0; },
      edge0 + "/decision", "only allowed with 'options'");
  expect_rejected(
      "nb201_supernet", [](json &d) { d["cells"]["nb201"]["edges"][0].erase("decision"); },
      edge0 + "/decision", "missing");
  expect_rejected(
      "nb201_supernet", [](json &d) { d["cells"]["nb201"]["edges"][0]["decision"] = -2; },
      edge0 + "/decision", "expected an integer >= -1");
  expect_rejected(
      "nb201_supernet", [](json &d) { d["cells"]["nb201"]["edges"][0]["options"] = json::array(); },
      edge0 + "/options", "non-empty");
  expect_rejected(
      "nb201_supernet",
      [](json &d) { d["cells"]["nb201"]["edges"][0]["options"][3] = "skip_connect"; },
      edge0 + "/options/3", "duplicate option \"skip_connect\"");
  expect_rejected(
      "nb201_supernet", [](json &d) { d["cells"]["nb201"]["edges"][0]["options"][1] = "Skip"; },
      edge0 + "/options/1", "[a-z0-9_]+");
  expect_rejected(
      "nb201_supernet", [](json &d) { d["cells"]["nb201"]["edges"][0]["options"][1] = 1; },
      edge0 + "/options/1", "expected a string");
  // One decision, one number of options: a builder indexes options by choices[decision].
  expect_rejected(
      "nb201_supernet",
      [](json &d) {
        auto &e = d["cells"]["nb201"]["edges"][1];
        e["decision"] = 0;
        e["options"].erase(4);
      },
      "/cells/nb201/edges/1/options",
      "decision 0 has 5 options at /cells/nb201/edges/0/options, here 4");
}

TEST(IrValidate, FreeChoiceAndTiedDecisionsAreAccepted) {
  json doc = json::parse(example("nb201_supernet"));
  doc["cells"]["nb201"]["edges"][0]["decision"] = -1;
  doc["cells"]["nb201"]["edges"][2]["decision"] = 1; // tied with edge 1, same option count
  doc["cells"]["nb201"]["edges"][3] = {{"from", 0}, {"to", 3}, {"op", "skip_connect"}};
  EXPECT_NO_THROW(ir::from_json(doc));
}

TEST(IrValidate, StructFieldsOutsideTheLayerTypeAreRejected) {
  // Fields a type does not use would be dropped by the writer, so validate refuses them.
  ir::Network n = ir::read(example("nb201"));
  n.layers[7].channels = 64;
  expect_invalid(n, "/layers/7/channels", "not used by a layer of type \"head\"");
  n = ir::read(example("nb201"));
  n.layers[0].repeat = 2;
  expect_invalid(n, "/layers/0/repeat", "not used by a layer of type \"op\"");
  n = ir::read(example("nb201"));
  n.layers[1].op = "nor_conv_3x3";
  expect_invalid(n, "/layers/1/op", "not used by a layer of type \"cell\"");
  n = ir::read(example("nb201"));
  n.layers[0].attrs = nullptr;
  expect_invalid(n, "/layers/0/attrs", "expected an object");
  n = ir::read(example("nb201"));
  n.cells["nb201"].edges[0].decision = 3;
  expect_invalid(n, "/cells/nb201/edges/0/decision", "only allowed with 'options'");
  n = ir::read(example("nb201"));
  n.layers[0].options = {"conv3x3_bn"};
  n.supernet = true;
  expect_invalid(n, "/layers/0/options", "not allowed beside 'op'");
}
