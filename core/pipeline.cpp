#include "pipeline.hpp"

#include "overrides.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace nas::core {

SourcePos PluginSpec::where(const std::string &key) const {
  for (std::string k = key; !k.empty();) {
    if (auto it = key_pos.find(k); it != key_pos.end())
      return it->second;
    size_t cut = k.find_last_of(".[");
    k = cut == std::string::npos ? "" : k.substr(0, cut);
  }
  return pos;
}

bool Constraint::holds(double v) const {
  if (op == "<=")
    return v <= value;
  if (op == "<")
    return v < value;
  if (op == ">=")
    return v >= value;
  if (op == ">")
    return v > value;
  if (op == "==")
    return v == value;
  return v != value;
}

std::string missing_evaluator_message(const std::string &stage) {
  return "stage '" + stage + "' needs an 'evaluator = { plugin = ... }'";
}

double parse_duration(const std::string &text) {
  static const std::regex whole(R"(\s*(\d+(\.\d*)?)\s*)");
  static const std::regex part(R"((\d+(\.\d*)?)\s*(ms|h|m|s))");
  std::smatch m;
  if (std::regex_match(text, m, whole))
    return std::stod(m[1]);
  double total = 0;
  std::string rest = text;
  bool any = false;
  while (std::regex_search(rest, m, part) && m.position(0) == 0) {
    double v = std::stod(m[1]);
    std::string unit = m[3];
    total += unit == "h" ? v * 3600 : unit == "m" ? v * 60 : unit == "ms" ? v / 1000 : v;
    rest = m.suffix();
    any = true;
  }
  if (!any || !rest.empty())
    throw std::invalid_argument("expected a duration such as \"90s\", \"30m\", \"1h30m\" or a "
                                "number of seconds, got \"" +
                                text + "\"");
  return total;
}

int64_t parse_memory_size(const std::string &text) {
  static const std::regex size(R"(\s*(\d+(\.\d*)?)\s*([KMGT]?)(i?B)?\s*)", std::regex::icase);
  std::smatch m;
  if (!std::regex_match(text, m, size))
    throw std::invalid_argument("expected a size such as \"2G\", \"512M\", \"1.5GiB\" or a "
                                "number of bytes, got \"" +
                                text + "\"");
  static const std::string units = "KMGT";
  std::string unit = m[3];
  double bytes = std::stod(m[1]);
  if (!unit.empty())
    bytes *= std::pow(1024.0, static_cast<double>(units.find(std::toupper(unit[0])) + 1));
  if (bytes >= 9.2e18)
    throw std::invalid_argument("\"" + text + "\" is too large");
  return static_cast<int64_t>(bytes);
}

namespace {

// A table's entries in file order (TOML++ keeps them sorted by name); entries without a
// position (from --set) come last, in name order.
std::vector<std::pair<const toml::key *, const toml::node *>> in_file_order(const toml::table &t) {
  std::vector<std::pair<const toml::key *, const toml::node *>> out;
  for (auto &&[k, v] : t)
    out.emplace_back(&k, &v);
  auto rank = [](const toml::key *k) {
    const auto &b = k->source().begin;
    return b.line == 0 ? std::make_pair(~0u, 0u) : std::make_pair(b.line, b.column);
  };
  std::stable_sort(out.begin(), out.end(),
                   [&](const auto &a, const auto &b) { return rank(a.first) < rank(b.first); });
  return out;
}

// Reads the TOML tree into the structs, collecting every problem instead of stopping.
class Reader {
public:
  Reader(std::string file, std::map<const void *, std::string> origins)
      : file_(std::move(file)), origins_(std::move(origins)) {}

  SourcePos pos(const toml::node &n) const { return origin_or(&n, n.source()); }
  SourcePos pos(const toml::key &k) const { return origin_or(&k, k.source()); }
  SourcePos origin_or(const void *what, const toml::source_region &r) const {
    auto it = origins_.find(what);
    return it != origins_.end() ? SourcePos{it->second} : pos(r);
  }
  SourcePos pos(const toml::source_region &r) const {
    if (r.begin.line == 0)
      return SourcePos{"--set (command line)"}; // TOML++ drops positions of copied nodes
    std::string file = r.path ? std::string(*r.path) : file_;
    return SourcePos{file, static_cast<int>(r.begin.line), static_cast<int>(r.begin.column)};
  }
  void problem(const SourcePos &p, const std::string &message) {
    problems_.push_back(p.str() + ": " + message);
  }
  const std::vector<std::string> &problems() const { return problems_; }

  // Rejects keys of `table` not in `allowed`.
  void only_keys(const toml::table &table, const std::string &where,
                 std::initializer_list<const char *> allowed) {
    for (auto &&[key, value] : table) {
      bool ok = false;
      for (const char *a : allowed)
        ok = ok || key.str() == a;
      if (!ok) {
        std::string list;
        for (const char *a : allowed)
          list += (list.empty() ? "" : ", ") + std::string(a);
        problem(pos(key), "unknown key '" + std::string(key.str()) + "' in " + where +
                              "; expected one of: " + list);
      }
    }
  }

  template <class T>
  std::optional<T> get(const toml::table &table, const char *key, const char *expected) {
    const toml::node *n = table.get(key);
    if (!n)
      return std::nullopt;
    if constexpr (std::is_same_v<T, double>) {
      if (auto v = n->value<double>())
        return *v; // accepts integers too
    } else if (auto v = n->value_exact<T>()) {
      return *v;
    }
    problem(pos(*n), "'" + std::string(key) + "' must be " + expected + ", got " + type_name(*n));
    return std::nullopt;
  }

  static std::string type_name(const toml::node &n) {
    switch (n.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    default:
      return "a date or time";
    }
  }

  Json to_json(const toml::node &n, const std::string &path, PluginSpec &spec) {
    spec.key_pos[path] = pos(n);
    if (auto t = n.as_table()) {
      Json out = Json::object();
      for (auto [k, v] : in_file_order(*t)) {
        std::string sub = path.empty() ? std::string(k->str()) : path + "." + std::string(k->str());
        out[std::string(k->str())] = to_json(*v, sub, spec);
        spec.key_pos[sub] = pos(*k);
      }
      return out;
    }
    if (auto a = n.as_array()) {
      Json out = Json::array();
      for (size_t i = 0; i < a->size(); ++i)
        out.push_back(to_json(*a->get(i), path + "[" + std::to_string(i) + "]", spec));
      return out;
    }
    if (auto v = n.value_exact<std::string>())
      return *v;
    if (auto v = n.value_exact<int64_t>())
      return *v;
    if (auto v = n.value_exact<double>())
      return *v;
    if (auto v = n.value_exact<bool>())
      return *v;
    std::ostringstream s; // dates and times travel as their TOML text
    n.visit([&](auto &&x) { s << x; });
    return s.str();
  }

  // A `{ plugin = ... }` table; nested tables with a `plugin` key become collaborators.
  std::optional<PluginSpec> plugin_spec(const toml::node &node, const std::string &path,
                                        const std::string &what) {
    const toml::table *table = node.as_table();
    if (!table) {
      problem(pos(node), what + " must be a table with a 'plugin' key, got " + type_name(node));
      return std::nullopt;
    }
    PluginSpec spec;
    spec.path = path;
    spec.pos = pos(node);
    const toml::node *name = table->get("plugin");
    if (!name || !name->is_string()) {
      problem(name ? pos(*name) : spec.pos,
              what + " needs 'plugin = \"<name>\"' (a string; `nas plugins` lists them)");
      return std::nullopt;
    }
    spec.name = *name->value<std::string>();
    spec.name_pos = pos(*name);
    for (auto [k, v] : in_file_order(*table)) {
      std::string key(k->str());
      if (key == "plugin")
        continue;
      if (auto sub = v->as_table(); sub && sub->contains("plugin")) {
        if (auto child = plugin_spec(*v, path + "." + key, "'" + key + "'"))
          spec.children.emplace_back(key, std::move(*child));
        continue;
      }
      spec.config[key] = to_json(*v, key, spec);
      spec.key_pos[key] = pos(*k);
    }
    return spec;
  }

private:
  std::string file_;
  std::map<const void *, std::string> origins_; // nodes placed by --set -> the override
  std::vector<std::string> problems_;
};

std::optional<Constraint> parse_constraint(const std::string &text, const SourcePos &pos,
                                           Reader &r) {
  static const std::regex form(R"(\s*([A-Za-z_][A-Za-z0-9_.\-]*)\s*(<=|>=|==|!=|<|>)\s*)"
                               R"(([-+]?[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?)\s*)");
  std::smatch m;
  if (!std::regex_match(text, m, form)) {
    r.problem(pos, "constraint \"" + text +
                       "\" is not of the form \"<metric> <op> <number>\" with op one of "
                       "<=, <, >=, >, ==, !=");
    return std::nullopt;
  }
  return Constraint{m[1], m[2], std::stod(m[3]), pos, text};
}

void read_objective(const toml::table &root, Reader &r, Objective &out) {
  const toml::node *node = root.get("objective");
  if (!node) {
    r.problem(SourcePos{r.pos(root).file}, "missing [objective] table (metric and direction)");
    return;
  }
  const toml::table *t = node->as_table();
  if (!t) {
    r.problem(r.pos(*node), "'objective' must be a table");
    return;
  }
  r.only_keys(*t, "[objective]", {"metric", "direction", "constraints"});
  if (auto m = r.get<std::string>(*t, "metric", "a string")) {
    out.metric = *m;
    out.metric_pos = r.pos(*t->get("metric"));
  } else if (!t->get("metric")) {
    r.problem(r.pos(*t), "[objective] needs 'metric', the metric to optimize");
  }
  if (auto d = r.get<std::string>(*t, "direction", "a string")) {
    if (*d != "maximize" && *d != "minimize")
      r.problem(r.pos(*t->get("direction")),
                "direction must be \"maximize\" or \"minimize\", got \"" + *d + "\"");
    out.maximize = *d != "minimize";
  }
  if (const toml::node *c = t->get("constraints")) {
    const toml::array *a = c->as_array();
    if (!a) {
      r.problem(r.pos(*c), "'constraints' must be an array of strings such as "
                           "\"train_seconds <= 3000\"");
      return;
    }
    for (const toml::node &item : *a) {
      if (auto s = item.value_exact<std::string>()) {
        if (auto k = parse_constraint(*s, r.pos(item), r))
          out.constraints.push_back(*k);
      } else {
        r.problem(r.pos(item), "a constraint must be a string such as \"train_seconds <= 3000\"");
      }
    }
  }
}

void read_budget(const toml::node &node, Reader &r, Budget &b) {
  b.pos = r.pos(node);
  const toml::table *t = node.as_table();
  if (!t) {
    r.problem(b.pos, "'budget' must be a table such as { evaluations = 150 }");
    return;
  }
  r.only_keys(*t, "budget",
              {"evaluations", "seconds", "simulated_seconds", "time_metric", "fidelity_weighted"});
  b.fidelity_weighted = r.get<bool>(*t, "fidelity_weighted", "true or false").value_or(false);
  b.evaluations = r.get<int64_t>(*t, "evaluations", "an integer");
  b.seconds = r.get<double>(*t, "seconds", "a number");
  b.simulated_seconds = r.get<double>(*t, "simulated_seconds", "a number");
  if (auto m = r.get<std::string>(*t, "time_metric", "a string")) {
    b.time_metric = *m;
    b.time_metric_pos = r.pos(*t->get("time_metric"));
  } else {
    b.time_metric_pos = b.pos;
  }
  if (b.evaluations && *b.evaluations <= 0)
    r.problem(r.pos(*t->get("evaluations")),
              "budget.evaluations must be at least 1, got " + std::to_string(*b.evaluations));
  if (b.seconds && !(*b.seconds > 0))
    r.problem(r.pos(*t->get("seconds")), "budget.seconds must be positive");
  if (b.simulated_seconds && !(*b.simulated_seconds > 0))
    r.problem(r.pos(*t->get("simulated_seconds")), "budget.simulated_seconds must be positive");
  if (!t->contains("evaluations") && !t->contains("seconds") && !t->contains("simulated_seconds"))
    r.problem(b.pos, "an empty budget; give evaluations, seconds or simulated_seconds");
}

void read_stage(const toml::table &t, size_t index, Reader &r, StageSpec &s) {
  std::string where = "stage " + std::to_string(index);
  s.pos = r.pos(t);
  r.only_keys(t, "[[stage]]",
              {"name", "budget", "strategy", "evaluator", "from", "dedupe", "max_cached_in_a_row"});
  s.name = r.get<std::string>(t, "name", "a string").value_or("stage" + std::to_string(index));
  std::string path = "stage." + std::to_string(index);
  if (const toml::node *b = t.get("budget"))
    read_budget(*b, r, s.budget);
  if (const toml::node *n = t.get("strategy"))
    s.strategy = r.plugin_spec(*n, path + ".strategy", "'strategy'");
  // A stage without one must have a one-shot strategy: known once it is created (Assembly).
  if (const toml::node *n = t.get("evaluator"))
    s.evaluator = r.plugin_spec(*n, path + ".evaluator", "'evaluator'");
  else if (!s.strategy && !t.get("strategy"))
    r.problem(s.pos, missing_evaluator_message(s.name));
  if (const toml::node *n = t.get("from")) {
    const toml::table *f = n->as_table();
    if (!f) {
      r.problem(r.pos(*n), "'from' must be a table such as { stage = \"search\", top = 3 }");
    } else {
      r.only_keys(*f, "from", {"stage", "top"});
      StageSource src;
      src.pos = r.pos(*n);
      src.stage = r.get<std::string>(*f, "stage", "a string").value_or("");
      src.top = r.get<int64_t>(*f, "top", "an integer").value_or(1);
      if (src.stage.empty())
        r.problem(src.pos, "'from' needs 'stage', the name of an earlier stage");
      if (src.top < 1)
        r.problem(src.pos, "from.top must be at least 1");
      s.from = src;
    }
  }
  if (!s.strategy && !s.from)
    r.problem(s.pos, "stage '" + s.name +
                         "' needs a 'strategy' or a 'from' to take "
                         "architectures from");
  if (auto d = r.get<std::string>(t, "dedupe", "a string")) {
    if (*d != "exact" && *d != "equivalent" && *d != "none")
      r.problem(r.pos(*t.get("dedupe")),
                "dedupe must be \"exact\", \"equivalent\" or \"none\", got \"" + *d + "\"");
    s.dedupe = *d;
  }
  if (auto m = r.get<int64_t>(t, "max_cached_in_a_row", "an integer")) {
    if (*m < 1)
      r.problem(r.pos(*t.get("max_cached_in_a_row")), "max_cached_in_a_row must be at least 1");
    s.max_cached_in_a_row = *m;
  }
  (void)where;
}

void read_execution(const toml::table &root, Reader &r, Execution &e) {
  const toml::node *node = root.get("execution");
  if (!node)
    return;
  const toml::table *t = node->as_table();
  if (!t) {
    r.problem(r.pos(*node), "'execution' must be a table");
    return;
  }
  r.only_keys(*t, "[execution]",
              {"engine", "workers", "trial_timeout", "trial_memory", "threads_per_worker"});
  if (auto v = r.get<std::string>(*t, "engine", "a string")) {
    e.engine = *v;
    e.engine_pos = r.pos(*t->get("engine"));
    if (e.engine != "inline" && e.engine != "local")
      r.problem(e.engine_pos, "engine \"" + e.engine +
                                  "\" is not available in this version; expected one of: "
                                  "\"inline\" (in the host), \"local\" (worker processes)");
  }
  if (auto v = r.get<int64_t>(*t, "workers", "an integer")) {
    e.workers = *v;
    if (e.workers < 1)
      r.problem(r.pos(*t->get("workers")), "workers must be at least 1");
  }
  if (const toml::node *n = t->get("trial_timeout")) {
    try {
      if (auto s = n->value_exact<std::string>())
        e.trial_timeout = parse_duration(*s);
      else if (auto d = n->value<double>())
        e.trial_timeout = *d;
      else
        throw std::invalid_argument("expected a duration such as \"30m\" or seconds");
      if (!(e.trial_timeout >= 0))
        throw std::invalid_argument("a timeout cannot be negative");
    } catch (const std::exception &ex) {
      r.problem(r.pos(*n), std::string("trial_timeout: ") + ex.what());
    }
  }
  if (const toml::node *n = t->get("trial_memory")) {
    try {
      if (auto s = n->value_exact<std::string>())
        e.trial_memory = parse_memory_size(*s);
      else if (auto b = n->value_exact<int64_t>())
        e.trial_memory = *b;
      else
        throw std::invalid_argument("expected a size such as \"2G\", \"512M\" or bytes");
      if (e.trial_memory < 0)
        throw std::invalid_argument("a size cannot be negative");
    } catch (const std::exception &ex) {
      r.problem(r.pos(*n), std::string("trial_memory: ") + ex.what());
    }
  }
  if (auto v = r.get<int64_t>(*t, "threads_per_worker", "an integer")) {
    e.threads_per_worker = *v;
    if (e.threads_per_worker < 1)
      r.problem(r.pos(*t->get("threads_per_worker")), "threads_per_worker must be at least 1");
  }
}

} // namespace

Pipeline parse_pipeline(const std::string &file, const std::vector<std::string> &overrides) {
  std::ifstream in(file, std::ios::binary);
  if (!in)
    throw PipelineError(SourcePos{file}, "cannot read the pipeline file");
  std::stringstream buf;
  buf << in.rdbuf();
  return parse_pipeline_text(file, buf.str(), overrides);
}

Pipeline parse_pipeline_text(const std::string &file, const std::string &text,
                             const std::vector<std::string> &overrides) {
  Pipeline p;
  p.file = file;
  p.text = text;
  p.overrides = overrides;
  p.dir = fs::absolute(fs::path(file)).parent_path().lexically_normal().string();

  toml::table root;
  try {
    root = toml::parse(p.text, file);
  } catch (const toml::parse_error &e) {
    SourcePos pos{file, static_cast<int>(e.source().begin.line),
                  static_cast<int>(e.source().begin.column)};
    throw PipelineError(pos, "TOML syntax error: " + std::string(e.description()));
  }
  Reader r(file, apply_overrides(root, overrides));
  r.only_keys(root, "the pipeline",
              {"experiment", "objective", "space", "stage", "execution", "plugins"});

  if (const toml::node *n = root.get("experiment")) {
    if (const toml::table *t = n->as_table()) {
      r.only_keys(*t, "[experiment]", {"name", "seed", "output", "durability"});
      if (auto d = r.get<std::string>(*t, "durability", "a string")) {
        if (*d != "normal" && *d != "full")
          r.problem(r.pos(*t->get("durability")),
                    "durability must be \"normal\" (survives a killed host) or \"full\" "
                    "(survives a power loss), got \"" +
                        *d + "\"");
        p.durability_full = *d == "full";
      }
      p.name = r.get<std::string>(*t, "name", "a string").value_or("");
      if (auto s = r.get<int64_t>(*t, "seed", "an integer")) {
        if (*s < 0)
          r.problem(r.pos(*t->get("seed")), "seed must be 0 or more");
        p.seed = static_cast<uint64_t>(*s);
      }
      p.output = r.get<std::string>(*t, "output", "a string").value_or("");
    } else {
      r.problem(r.pos(*n), "'experiment' must be a table");
    }
  }
  if (p.name.empty())
    p.name = fs::path(file).stem().string();
  if (p.output.empty())
    p.output = "runs/" + p.name;

  read_objective(root, r, p.objective);

  if (const toml::node *n = root.get("space")) {
    if (auto s = r.plugin_spec(*n, "space", "[space]"))
      p.space = *s;
  } else {
    r.problem(SourcePos{file},
              "missing [space] table (plugin = \"<name>\"; `nas plugins` lists them)");
  }

  if (const toml::node *n = root.get("stage")) {
    const toml::array *stages = n->as_array();
    if (!stages || !stages->is_array_of_tables()) {
      r.problem(r.pos(*n), "'stage' must be an array of tables ([[stage]])");
    } else {
      for (size_t i = 0; i < stages->size(); ++i) {
        StageSpec s;
        read_stage(*stages->get(i)->as_table(), i, r, s);
        p.stages.push_back(std::move(s));
      }
    }
  } else {
    r.problem(SourcePos{file}, "no [[stage]]; a pipeline needs at least one");
  }

  // Stage names are unique and `from` names an earlier stage.
  std::set<std::string> seen;
  for (const auto &s : p.stages) {
    if (s.from && !seen.count(s.from->stage))
      r.problem(s.from->pos,
                "from.stage \"" + s.from->stage + "\" is not an earlier stage of this pipeline");
    if (!seen.insert(s.name).second)
      r.problem(s.pos, "two stages are named \"" + s.name + "\"");
    // A stage's name is a folder name too (RUN_DIR/stages/<name> of a one-shot stage).
    const bool plain = !s.name.empty() && s.name != "." && s.name != ".." &&
                       std::all_of(s.name.begin(), s.name.end(), [](unsigned char c) {
                         return std::isalnum(c) || c == '-' || c == '_' || c == '.';
                       });
    if (!plain)
      r.problem(s.pos, "stage name \"" + s.name +
                           "\" must be letters, digits, '-', '_' or '.' (it names a folder)");
  }

  read_execution(root, r, p.execution);

  if (const toml::node *n = root.get("plugins")) {
    const toml::table *t = n->as_table();
    if (!t) {
      r.problem(r.pos(*n), "'plugins' must be a table such as { paths = [\"my-plugins\"] }");
    } else {
      r.only_keys(*t, "[plugins]", {"paths"});
      if (const toml::node *paths = t->get("paths")) {
        const toml::array *a = paths->as_array();
        if (!a)
          r.problem(r.pos(*paths), "plugins.paths must be an array of folder names");
        for (size_t i = 0; a && i < a->size(); ++i) {
          if (auto s = a->get(i)->value_exact<std::string>())
            p.plugin_paths.push_back((fs::path(p.dir) / *s).lexically_normal().string());
          else
            r.problem(r.pos(*a->get(i)), "plugins.paths holds folder names (strings)");
        }
      }
    }
  }

  if (!r.problems().empty())
    throw PipelineError(r.problems());
  return p;
}

} // namespace nas::core
