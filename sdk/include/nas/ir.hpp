// nas/ir.hpp: reader, writer and validator of the network IR ("nas-ir/1", see sdk/IR.md).
//
// The IR is how a search space hands a network to whoever builds it (the LibTorch builder,
// a user's Python trainer) without either side depending on the other. The C++ types below
// mirror the JSON one to one, so a validation error's path is also a path in the document.
//
// Header-only; needs nlohmann-json. Errors are nas::ir::Error, whose message starts with the
// JSON pointer of the offending value: "/cells/nb201/edges/3/from: expected ...".
#pragma once

#include <nlohmann/json.hpp>

#include <climits>
#include <cstddef>
#include <initializer_list>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nas::ir {

inline constexpr std::string_view kFormat = "nas-ir/1";

// A malformed or invalid IR. what() is "<path>: <what was expected, what was found>".
class Error : public std::runtime_error {
public:
  Error(std::string path, const std::string &message)
      : std::runtime_error(path.empty() ? message : path + ": " + message), path_(std::move(path)) {
  }
  // The JSON pointer of the offending value ("" for the whole document).
  const std::string &path() const noexcept { return path_; }

private:
  std::string path_;
};

struct Shape {
  int channels = 0;
  int height = 0;
  int width = 0;
};

// One edge of a cell's DAG. Exactly one of `op` (a fixed op) and `options` (a supernet's
// choice among ops, picked by decision `decision`; -1 = the supernet's own free choice) is
// set. `attrs` is free-form (plugin ops' parameters) and must be a JSON object.
struct Edge {
  Edge() = default;
  Edge(int from_, int to_, std::string op_) : from(from_), to(to_), op(std::move(op_)) {}
  Edge(int from_, int to_, std::vector<std::string> options_, int decision_)
      : from(from_), to(to_), options(std::move(options_)), decision(decision_) {}

  int from = 0;
  int to = 0;
  std::string op;
  std::vector<std::string> options;
  int decision = -1;
  nlohmann::json attrs = nlohmann::json::object();
};

enum class CellOutput { last, concat };

// A cell: a DAG whose nodes 0..inputs-1 are its inputs and inputs..nodes-1 are computed.
struct Cell {
  int inputs = 1;
  int nodes = 0; // inputs included
  CellOutput output = CellOutput::last;
  bool reduction = false; // edges leaving the input nodes have stride 2
  std::vector<Edge> edges;
};

enum class LayerType { op, cell, head };

// One entry of the network's chain. Which fields apply depends on `type`; validate()
// requires the others to keep their defaults, so nothing set is silently dropped:
//   op:   op | options + decision, channels, stride, attrs
//   cell: cell, channels, repeat, attrs
//   head: pool, attrs
struct Layer {
  LayerType type = LayerType::op;
  std::string op;
  std::vector<std::string> options;
  int decision = -1;
  std::string cell;
  int channels = 0;
  int stride = 1;
  int repeat = 1;
  std::string pool;
  nlohmann::json attrs = nlohmann::json::object();
};

struct Network {
  Shape input;
  int num_classes = 0;
  bool supernet = false;
  std::map<std::string, Cell> cells; // ordered, so output is deterministic
  std::vector<Layer> layers;
};

// --- Builders for the common layer shapes ---------------------------------------------------

inline Layer op_layer(std::string op, int channels, int stride = 1) {
  Layer l;
  l.type = LayerType::op;
  l.op = std::move(op);
  l.channels = channels;
  l.stride = stride;
  return l;
}

inline Layer choice_layer(std::vector<std::string> options, int decision, int channels,
                          int stride = 1) {
  Layer l;
  l.type = LayerType::op;
  l.options = std::move(options);
  l.decision = decision;
  l.channels = channels;
  l.stride = stride;
  return l;
}

inline Layer cell_layer(std::string cell, int channels, int repeat = 1) {
  Layer l;
  l.type = LayerType::cell;
  l.cell = std::move(cell);
  l.channels = channels;
  l.repeat = repeat;
  return l;
}

inline Layer head_layer(std::string pool = "global_avg") {
  Layer l;
  l.type = LayerType::head;
  l.pool = std::move(pool);
  return l;
}

// --- Equality (field by field; attrs compare as JSON values) ---------------------------------

inline bool operator==(const Shape &a, const Shape &b) {
  return a.channels == b.channels && a.height == b.height && a.width == b.width;
}
inline bool operator==(const Edge &a, const Edge &b) {
  return a.from == b.from && a.to == b.to && a.op == b.op && a.options == b.options &&
         a.decision == b.decision && a.attrs == b.attrs;
}
inline bool operator==(const Cell &a, const Cell &b) {
  return a.inputs == b.inputs && a.nodes == b.nodes && a.output == b.output &&
         a.reduction == b.reduction && a.edges == b.edges;
}
inline bool operator==(const Layer &a, const Layer &b) {
  return a.type == b.type && a.op == b.op && a.options == b.options && a.decision == b.decision &&
         a.cell == b.cell && a.channels == b.channels && a.stride == b.stride &&
         a.repeat == b.repeat && a.pool == b.pool && a.attrs == b.attrs;
}
inline bool operator==(const Network &a, const Network &b) {
  return a.input == b.input && a.num_classes == b.num_classes && a.supernet == b.supernet &&
         a.cells == b.cells && a.layers == b.layers;
}
inline bool operator!=(const Shape &a, const Shape &b) { return !(a == b); }
inline bool operator!=(const Edge &a, const Edge &b) { return !(a == b); }
inline bool operator!=(const Cell &a, const Cell &b) { return !(a == b); }
inline bool operator!=(const Layer &a, const Layer &b) { return !(a == b); }
inline bool operator!=(const Network &a, const Network &b) { return !(a == b); }

inline const char *to_string(LayerType t) {
  switch (t) {
  case LayerType::op:
    return "op";
  case LayerType::cell:
    return "cell";
  case LayerType::head:
    return "head";
  }
  return "?";
}

inline const char *to_string(CellOutput o) { return o == CellOutput::last ? "last" : "concat"; }

namespace detail {

using nlohmann::json;

// JSON pointer step (RFC 6901): '~' and '/' in a key are escaped.
inline std::string join(const std::string &path, std::string_view key) {
  std::string out = path + '/';
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}
inline std::string join(const std::string &path, size_t index) {
  return path + '/' + std::to_string(index);
}

inline std::string quote(std::string_view s) { return json(std::string(s)).dump(); }

// A short rendering of a JSON value for messages.
inline std::string show(const json &v) {
  std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

// Op, pool and cell names: [a-z0-9_]+. Plugins extend the vocabulary, so the IR fixes only
// the syntax; it also keeps names safe inside JSON pointers, file names and Python.
inline bool is_name(std::string_view s) {
  if (s.empty())
    return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
      return false;
  return true;
}

// --- Reading: types and keys. Semantic checks are left to validate(). ------------------------

inline const json &require_object(const json &v, const std::string &path) {
  if (!v.is_object())
    throw Error(path, "expected an object, got " + show(v));
  return v;
}

inline const json &require_array(const json &v, const std::string &path) {
  if (!v.is_array())
    throw Error(path, "expected an array, got " + show(v));
  return v;
}

// Rejects keys outside `allowed`, naming them and what is allowed.
inline void check_keys(const json &obj, const std::string &path,
                       std::initializer_list<const char *> allowed, const char *what) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool known = false;
    for (const char *k : allowed)
      known = known || it.key() == k;
    if (!known) {
      std::string list;
      for (const char *k : allowed)
        list += std::string(list.empty() ? "" : ", ") + k;
      throw Error(join(path, it.key()),
                  std::string("unknown key in ") + what + " (expected one of: " + list + ")");
    }
  }
}

inline const json &member(const json &obj, const std::string &path, const char *key,
                          const char *expected) {
  auto it = obj.find(key);
  if (it == obj.end())
    throw Error(join(path, key), std::string("missing; expected ") + expected);
  return *it;
}

inline int as_int(const json &v, const std::string &path) {
  if (!v.is_number_integer())
    throw Error(path, "expected an integer, got " + show(v));
  if (v.is_number_unsigned()
          ? v.get<unsigned long long>() > static_cast<unsigned long long>(INT_MAX)
          : (v.get<long long>() < INT_MIN || v.get<long long>() > INT_MAX))
    throw Error(path, "expected a 32-bit integer, got " + show(v));
  return v.get<int>();
}

inline bool as_bool(const json &v, const std::string &path) {
  if (!v.is_boolean())
    throw Error(path, "expected true or false, got " + show(v));
  return v.get<bool>();
}

inline std::string as_string(const json &v, const std::string &path) {
  if (!v.is_string())
    throw Error(path, "expected a string, got " + show(v));
  return v.get<std::string>();
}

inline int get_int(const json &obj, const std::string &path, const char *key) {
  return as_int(member(obj, path, key, "an integer"), join(path, key));
}

inline json get_attrs(const json &obj, const std::string &path) {
  auto it = obj.find("attrs");
  if (it == obj.end())
    return json::object();
  return require_object(*it, join(path, "attrs"));
}

// Reads the "op" | "options" + "decision" alternative shared by edges and op layers.
inline void read_op(const json &obj, const std::string &path, std::string &op,
                    std::vector<std::string> &options, int &decision) {
  const bool has_op = obj.contains("op"), has_options = obj.contains("options");
  if (has_op && has_options)
    throw Error(join(path, "options"), "not allowed beside 'op' (an entry has either a fixed "
                                       "'op' or, in a supernet, 'options' and 'decision')");
  if (has_op) {
    if (obj.contains("decision"))
      throw Error(join(path, "decision"), "only allowed with 'options'");
    op = as_string(obj["op"], join(path, "op"));
    return;
  }
  if (!has_options)
    throw Error(join(path, "op"), "missing; expected an op name (or, in a supernet, "
                                  "'options' and 'decision')");
  const std::string options_path = join(path, "options");
  const json &list = require_array(obj["options"], options_path);
  if (list.empty())
    throw Error(options_path, "expected a non-empty array of op names");
  for (size_t i = 0; i < list.size(); ++i)
    options.push_back(as_string(list[i], join(options_path, i)));
  decision = as_int(member(obj, path, "decision", "an integer (it goes with 'options')"),
                    join(path, "decision"));
}

inline Edge read_edge(const json &v, const std::string &path) {
  require_object(v, path);
  check_keys(v, path, {"from", "to", "op", "options", "decision", "attrs"}, "an edge");
  Edge e;
  e.from = get_int(v, path, "from");
  e.to = get_int(v, path, "to");
  read_op(v, path, e.op, e.options, e.decision);
  e.attrs = get_attrs(v, path);
  return e;
}

inline Cell read_cell(const json &v, const std::string &path) {
  require_object(v, path);
  check_keys(v, path, {"inputs", "nodes", "output", "reduction", "edges"}, "a cell");
  Cell c;
  c.inputs = get_int(v, path, "inputs");
  c.nodes = get_int(v, path, "nodes");
  const std::string output_path = join(path, "output");
  const std::string output =
      as_string(member(v, path, "output", "\"last\" or \"concat\""), output_path);
  if (output == "last")
    c.output = CellOutput::last;
  else if (output == "concat")
    c.output = CellOutput::concat;
  else
    throw Error(output_path, "expected \"last\" or \"concat\", got " + quote(output));
  c.reduction = as_bool(member(v, path, "reduction", "true or false"), join(path, "reduction"));
  const std::string edges_path = join(path, "edges");
  const json &edges = require_array(member(v, path, "edges", "an array of edges"), edges_path);
  for (size_t i = 0; i < edges.size(); ++i)
    c.edges.push_back(read_edge(edges[i], join(edges_path, i)));
  return c;
}

inline Layer read_layer(const json &v, const std::string &path) {
  require_object(v, path);
  const std::string type_path = join(path, "type");
  const std::string type =
      as_string(member(v, path, "type", "\"op\", \"cell\" or \"head\""), type_path);
  Layer l;
  if (type == "op") {
    check_keys(v, path, {"type", "op", "options", "decision", "channels", "stride", "attrs"},
               "an op layer");
    l.type = LayerType::op;
    read_op(v, path, l.op, l.options, l.decision);
    l.channels = get_int(v, path, "channels");
    l.stride = get_int(v, path, "stride");
  } else if (type == "cell") {
    check_keys(v, path, {"type", "cell", "channels", "repeat", "attrs"}, "a cell layer");
    l.type = LayerType::cell;
    l.cell = as_string(member(v, path, "cell", "a cell name"), join(path, "cell"));
    l.channels = get_int(v, path, "channels");
    l.repeat = get_int(v, path, "repeat");
  } else if (type == "head") {
    check_keys(v, path, {"type", "pool", "attrs"}, "a head layer");
    l.type = LayerType::head;
    l.pool = as_string(member(v, path, "pool", "a pool name"), join(path, "pool"));
  } else {
    throw Error(type_path, "expected \"op\", \"cell\" or \"head\", got " + quote(type));
  }
  l.attrs = get_attrs(v, path);
  return l;
}

// --- Validation -----------------------------------------------------------------------------

inline void check_min(int value, int min, const std::string &path) {
  if (value < min)
    throw Error(path,
                "expected an integer >= " + std::to_string(min) + ", got " + std::to_string(value));
}

inline void check_name(const std::string &name, const std::string &path, const char *what) {
  if (!is_name(name))
    throw Error(path, std::string("expected ") + what + " matching [a-z0-9_]+, got " + quote(name));
}

inline void check_attrs(const json &attrs, const std::string &path) {
  if (!attrs.is_object())
    throw Error(join(path, "attrs"), "expected an object, got " + show(attrs));
}

// Decision index -> (number of options, where first seen): one decision picks one index, so
// every entry it drives must offer the same number of options.
using DecisionArity = std::map<int, std::pair<size_t, std::string>>;

// Checks the op | options + decision alternative of an edge or op layer.
inline void check_op(const std::string &op, const std::vector<std::string> &options, int decision,
                     bool supernet, const std::string &path, DecisionArity &arity) {
  if (options.empty()) {
    check_name(op, join(path, "op"), "an op name");
    if (decision != -1)
      throw Error(join(path, "decision"), "only allowed with 'options' (got " +
                                              std::to_string(decision) + " beside a fixed op)");
    return;
  }
  const std::string options_path = join(path, "options");
  if (!supernet)
    throw Error(options_path, "options are only allowed in a supernet (\"supernet\": true)");
  if (!op.empty())
    throw Error(options_path, "not allowed beside 'op' (an entry has either a fixed 'op' or "
                              "'options' and 'decision')");
  std::set<std::string> seen;
  for (size_t i = 0; i < options.size(); ++i) {
    check_name(options[i], join(options_path, i), "an op name");
    if (!seen.insert(options[i]).second)
      throw Error(join(options_path, i), "duplicate option " + quote(options[i]));
  }
  if (decision < -1)
    throw Error(join(path, "decision"),
                "expected an integer >= -1 (-1 = the supernet's free choice), got " +
                    std::to_string(decision));
  if (decision >= 0) {
    auto [it, inserted] = arity.emplace(decision, std::make_pair(options.size(), options_path));
    if (!inserted && it->second.first != options.size())
      throw Error(options_path, "decision " + std::to_string(decision) + " has " +
                                    std::to_string(it->second.first) + " options at " +
                                    it->second.second + ", here " + std::to_string(options.size()));
  }
}

inline void check_cell(const Cell &c, bool supernet, const std::string &path,
                       DecisionArity &arity) {
  check_min(c.inputs, 1, join(path, "inputs"));
  if (c.nodes <= c.inputs)
    throw Error(join(path, "nodes"), "expected an integer above 'inputs' (" +
                                         std::to_string(c.inputs) + "), got " +
                                         std::to_string(c.nodes));
  const std::string edges_path = join(path, "edges");
  std::vector<bool> has_input(static_cast<size_t>(c.nodes), false);
  for (size_t i = 0; i < c.edges.size(); ++i) {
    const Edge &e = c.edges[i];
    const std::string edge_path = join(edges_path, i);
    if (e.to < c.inputs || e.to >= c.nodes)
      throw Error(join(edge_path, "to"), "expected an integer from 'inputs' (" +
                                             std::to_string(c.inputs) + ") to 'nodes' - 1 (" +
                                             std::to_string(c.nodes - 1) + "), got " +
                                             std::to_string(e.to));
    check_min(e.from, 0, join(edge_path, "from"));
    if (e.from >= e.to)
      throw Error(join(edge_path, "from"), "expected an integer below 'to' (" +
                                               std::to_string(e.to) + "), got " +
                                               std::to_string(e.from));
    check_op(e.op, e.options, e.decision, supernet, edge_path, arity);
    check_attrs(e.attrs, edge_path);
    has_input[static_cast<size_t>(e.to)] = true;
  }
  for (int n = c.inputs; n < c.nodes; ++n)
    if (!has_input[static_cast<size_t>(n)])
      throw Error(edges_path, "expected an edge into node " + std::to_string(n) +
                                  " (every node after the inputs needs one)");
}

// A field that does not apply to the layer's type must keep its default.
inline void check_unused(bool is_default, const Layer &l, const std::string &path,
                         const char *key) {
  if (!is_default)
    throw Error(join(path, key), std::string("not used by a layer of type \"") + to_string(l.type) +
                                     "\"; leave it unset");
}

inline void check_layer(const Layer &l, const Network &n, const std::string &path,
                        DecisionArity &arity) {
  switch (l.type) {
  case LayerType::op:
    check_op(l.op, l.options, l.decision, n.supernet, path, arity);
    check_min(l.channels, 1, join(path, "channels"));
    check_min(l.stride, 1, join(path, "stride"));
    check_unused(l.cell.empty(), l, path, "cell");
    check_unused(l.repeat == 1, l, path, "repeat");
    check_unused(l.pool.empty(), l, path, "pool");
    break;
  case LayerType::cell:
    if (n.cells.count(l.cell) == 0)
      throw Error(join(path, "cell"),
                  "expected the name of a cell in /cells, got " + quote(l.cell));
    check_min(l.channels, 1, join(path, "channels"));
    check_min(l.repeat, 1, join(path, "repeat"));
    check_unused(l.op.empty(), l, path, "op");
    check_unused(l.options.empty(), l, path, "options");
    check_unused(l.decision == -1, l, path, "decision");
    check_unused(l.stride == 1, l, path, "stride");
    check_unused(l.pool.empty(), l, path, "pool");
    break;
  case LayerType::head:
    check_name(l.pool, join(path, "pool"), "a pool name");
    check_unused(l.op.empty(), l, path, "op");
    check_unused(l.options.empty(), l, path, "options");
    check_unused(l.decision == -1, l, path, "decision");
    check_unused(l.cell.empty(), l, path, "cell");
    check_unused(l.channels == 0, l, path, "channels");
    check_unused(l.stride == 1, l, path, "stride");
    check_unused(l.repeat == 1, l, path, "repeat");
    break;
  default:
    throw Error(join(path, "type"), "expected \"op\", \"cell\" or \"head\"");
  }
  check_attrs(l.attrs, path);
}

inline void op_to_json(const std::string &op, const std::vector<std::string> &options, int decision,
                       json &out) {
  if (options.empty()) {
    out["op"] = op;
  } else {
    out["options"] = options;
    out["decision"] = decision;
  }
}

} // namespace detail

// Throws Error at the first rule broken (order: input, classes, cells by name, layers):
// positive shape and classes; cell names, op names and pool names match [a-z0-9_]+; cells
// have inputs >= 1, nodes > inputs, edges with inputs <= to < nodes and 0 <= from < to, and an
// edge into every computed node; options only in a supernet, never beside 'op', non-empty
// and without duplicates; decisions >= -1 and one number of options per decision; layers
// reference existing cells, have positive channels, stride and repeat, set only the fields
// of their type; exactly one head and it is the last layer; attrs are objects.
inline void validate(const Network &n) {
  using namespace detail;
  check_min(n.input.channels, 1, "/input/channels");
  check_min(n.input.height, 1, "/input/height");
  check_min(n.input.width, 1, "/input/width");
  check_min(n.num_classes, 1, "/num_classes");
  DecisionArity arity;
  for (const auto &[name, cell] : n.cells) {
    const std::string path = join("/cells", name);
    check_name(name, path, "a cell name");
    check_cell(cell, n.supernet, path, arity);
  }
  if (n.layers.empty())
    throw Error("/layers", "expected at least one layer (the head, last)");
  for (size_t i = 0; i < n.layers.size(); ++i) {
    const std::string path = join("/layers", i);
    const Layer &l = n.layers[i];
    const bool last = i + 1 == n.layers.size();
    if (l.type == LayerType::head && !last)
      throw Error(join(path, "type"), "a head must be the last layer (there is exactly one)");
    if (l.type != LayerType::head && last)
      throw Error(join(path, "type"),
                  std::string("expected the last layer to be the head, got \"") +
                      to_string(l.type) + "\"");
    check_layer(l, n, path, arity);
  }
}

// The JSON form, without validation (so tests and debugging can render anything). Keys come
// out sorted (nlohmann::json objects are ordered maps): equal networks give identical text.
inline nlohmann::json to_json(const Network &n) {
  using nlohmann::json;
  json cells = json::object();
  for (const auto &[name, c] : n.cells) {
    json edges = json::array();
    for (const Edge &e : c.edges) {
      json je = {{"from", e.from}, {"to", e.to}};
      detail::op_to_json(e.op, e.options, e.decision, je);
      if (!e.attrs.empty())
        je["attrs"] = e.attrs;
      edges.push_back(std::move(je));
    }
    cells[name] = {{"inputs", c.inputs},
                   {"nodes", c.nodes},
                   {"output", to_string(c.output)},
                   {"reduction", c.reduction},
                   {"edges", std::move(edges)}};
  }
  json layers = json::array();
  for (const Layer &l : n.layers) {
    json jl = {{"type", to_string(l.type)}};
    switch (l.type) {
    case LayerType::op:
      detail::op_to_json(l.op, l.options, l.decision, jl);
      jl["channels"] = l.channels;
      jl["stride"] = l.stride;
      break;
    case LayerType::cell:
      jl["cell"] = l.cell;
      jl["channels"] = l.channels;
      jl["repeat"] = l.repeat;
      break;
    case LayerType::head:
      jl["pool"] = l.pool;
      break;
    }
    if (!l.attrs.empty())
      jl["attrs"] = l.attrs;
    layers.push_back(std::move(jl));
  }
  return {{"format", std::string(kFormat)},
          {"input",
           {{"channels", n.input.channels}, {"height", n.input.height}, {"width", n.input.width}}},
          {"num_classes", n.num_classes},
          {"supernet", n.supernet},
          {"cells", std::move(cells)},
          {"layers", std::move(layers)}};
}

// Validates, then renders as text (indent < 0: one line; >= 0: pretty, that many spaces).
inline std::string write(const Network &n, int indent = -1) {
  validate(n);
  try {
    return to_json(n).dump(indent);
  } catch (const nlohmann::json::exception &e) { // e.g. invalid UTF-8 inside attrs
    throw Error("", std::string("cannot render the IR: ") + e.what());
  }
}

// Reads a parsed document: checks types, required and unknown keys, then validate().
inline Network from_json(const nlohmann::json &doc) {
  using namespace detail;
  require_object(doc, "");
  check_keys(doc, "", {"format", "input", "num_classes", "supernet", "cells", "layers"},
             "the network");
  const std::string format = as_string(member(doc, "", "format", "\"nas-ir/1\""), "/format");
  if (format != kFormat)
    throw Error("/format", "expected " + quote(kFormat) + ", got " + quote(format));
  Network n;
  const json &input = require_object(member(doc, "", "input", "an object"), "/input");
  check_keys(input, "/input", {"channels", "height", "width"}, "the input shape");
  n.input.channels = get_int(input, "/input", "channels");
  n.input.height = get_int(input, "/input", "height");
  n.input.width = get_int(input, "/input", "width");
  n.num_classes = get_int(doc, "", "num_classes");
  n.supernet = as_bool(member(doc, "", "supernet", "true or false"), "/supernet");
  const json &cells = require_object(member(doc, "", "cells", "an object"), "/cells");
  for (auto it = cells.begin(); it != cells.end(); ++it)
    n.cells[it.key()] = read_cell(it.value(), join("/cells", it.key()));
  const json &layers = require_array(member(doc, "", "layers", "an array"), "/layers");
  for (size_t i = 0; i < layers.size(); ++i)
    n.layers.push_back(read_layer(layers[i], join("/layers", i)));
  validate(n);
  return n;
}

// Parses and reads text; a JSON syntax error is an Error with an empty path.
inline Network read(std::string_view text) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error &e) {
    throw Error("", std::string("invalid JSON: ") + e.what());
  }
  return from_json(doc);
}

} // namespace nas::ir
