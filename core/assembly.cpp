#include "assembly.hpp"

#include "descriptor_schema.hpp"

#include <algorithm>
#include <set>

namespace nas::core {

namespace {

std::string join(const std::vector<std::string> &items) {
  std::string out;
  for (const auto &s : items)
    out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "(none)" : out;
}

class Checker {
public:
  Checker(const Registry &registry) : registry_(registry) {}
  std::vector<std::string> problems;

  // Checks one plugin table and its collaborators; returns its descriptor or null.
  const Descriptor *plugin(const PluginSpec &spec, const std::string &kind) {
    const Descriptor *d = nullptr;
    try {
      d = &registry_.find(spec.name);
    } catch (const std::exception &e) {
      add(spec.name_pos, e.what());
      return nullptr;
    }
    if (d->kind != kind) {
      auto article = [](const std::string &w) {
        return std::string("aeiou").find(w[0]) != std::string::npos ? "an " : "a ";
      };
      add(spec.name_pos, spec.name + " is " + article(d->kind) + d->kind + ", but " +
                             article(kind) + kind + " is expected here");
      return nullptr;
    }
    Schema schema;
    try {
      schema = parse_schema(*d);
    } catch (const std::exception &e) {
      add(spec.name_pos, e.what());
      return nullptr;
    }
    std::vector<std::string> known;
    for (const auto &k : schema.config)
      known.push_back(k.name);
    for (const auto &[key, value] : spec.config.items()) {
      const ConfigKey *k = schema.key(key);
      if (schema.role(key)) {
        add(spec.where(key), "'" + key + "' is a role of " + spec.name +
                                 ": give it a table with a plugin, e.g. { plugin = \"...\" }");
      } else if (!k) {
        add(spec.where(key),
            "unknown key '" + key + "' for " + spec.name + "; expected one of: " + join(known));
      } else if (!has_type(value, k->type)) {
        add(spec.where(key), "'" + key + "' of " + spec.name + " must be of type " + k->type +
                                 (k->help.empty() ? "" : " (" + k->help + ")"));
      }
    }
    for (const auto &k : schema.config)
      if (k.required && !spec.config.contains(k.name))
        add(spec.pos, spec.name + " needs '" + k.name + "' (" + k.type +
                          (k.help.empty() ? "" : ": " + k.help) + ")");
    std::set<std::string> given;
    for (const auto &[role, child] : spec.children) {
      given.insert(role);
      const Role *r = schema.role(role);
      if (!r) {
        std::vector<std::string> roles;
        for (const auto &x : schema.roles)
          roles.push_back(x.name);
        add(child.pos,
            "unknown role '" + role + "' for " + spec.name + "; its roles are: " + join(roles));
        continue;
      }
      plugin(child, r->kind);
    }
    for (const auto &r : schema.roles)
      if (r.required && !given.count(r.name) && r.kind != NAS_KIND_SPACE)
        add(spec.pos, spec.name + " needs its role '" + r.name + "' (a " + r.kind + "): add " +
                          r.name + " = { plugin = \"...\" }");
    return d;
  }

  void metrics(const Pipeline &p, const StageSpec &stage, const Descriptor &evaluator) {
    bool any = false;
    std::vector<std::string> produced =
        produced_metrics(parse_schema(evaluator), stage.evaluator.config, any);
    if (any)
      return;
    auto check = [&](const std::string &metric, const SourcePos &pos, const std::string &what) {
      if (std::find(produced.begin(), produced.end(), metric) == produced.end())
        add(pos, what + " '" + metric + "' is not produced by " + evaluator.name + " in stage '" +
                     stage.name + "'; it produces: " + join(produced));
    };
    check(p.objective.metric, p.objective.metric_pos, "the objective metric");
    for (const auto &c : p.objective.constraints)
      check(c.metric, c.pos, "the constraint's metric");
    if (stage.budget.simulated_seconds)
      check(stage.budget.time_metric, stage.budget.time_metric_pos, "budget.time_metric");
  }

private:
  void add(const SourcePos &pos, const std::string &message) {
    problems.push_back(pos.str() + ": " + message);
  }
  const Registry &registry_;
};

SourcePos plugin_error_pos(const PluginSpec &spec, const PluginError &e) {
  return e.key().empty() ? spec.pos : spec.where(e.key());
}

} // namespace

void check_pipeline(const Pipeline &pipeline, const Registry &registry) {
  Checker c(registry);
  c.plugin(pipeline.space, NAS_KIND_SPACE);
  for (const auto &stage : pipeline.stages) {
    if (stage.strategy)
      c.plugin(*stage.strategy, NAS_KIND_STRATEGY);
    if (const Descriptor *e = c.plugin(stage.evaluator, NAS_KIND_EVALUATOR))
      c.metrics(pipeline, stage, *e);
  }
  if (!c.problems.empty())
    throw PipelineError(c.problems);
}

Instance &Assembly::build(const PluginSpec &spec, const Registry &registry,
                          const std::shared_ptr<RunContext> &run) {
  std::vector<std::pair<std::string, Instance *>> children;
  for (const auto &[role, child] : spec.children)
    children.emplace_back(role, &build(child, registry, run));
  try {
    owned_.push_back(Instance::create(registry, spec.name, spec.config, run, spec.path));
  } catch (const PluginError &e) {
    throw PipelineError(plugin_error_pos(spec, e), e.what());
  }
  Instance &self = *owned_.back();
  Schema schema = parse_schema(self.descriptor());
  try {
    for (auto &[role, child] : children)
      self.bind(role, *child);
    // Roles of kind space that the table does not fill get the pipeline's [space].
    for (const auto &r : schema.roles) {
      bool given = std::any_of(children.begin(), children.end(),
                               [&](const auto &c) { return c.first == r.name; });
      if (!given && r.kind == NAS_KIND_SPACE && space_)
        self.bind(r.name, *space_);
    }
  } catch (const PluginError &e) {
    throw PipelineError(spec.pos, e.what());
  }
  return self;
}

Instance &Assembly::build_space(const Pipeline &pipeline, const Registry &registry,
                                const std::shared_ptr<RunContext> &run) {
  space_ = &build(pipeline.space, registry, run);
  if (!space_->interface<nas_space_v1_t>(NAS_SPACE_V1))
    throw PipelineError(pipeline.space.name_pos,
                        pipeline.space.name + " does not offer " NAS_SPACE_V1);
  return *space_;
}

Instance *Assembly::build_evaluator(const StageSpec &stage, const Registry &registry,
                                    const std::shared_ptr<RunContext> &run) {
  Instance *e = &build(stage.evaluator, registry, run);
  if (!e->interface<nas_evaluator_v1_t>(NAS_EVALUATOR_V1))
    throw PipelineError(stage.evaluator.name_pos,
                        stage.evaluator.name + " does not offer " NAS_EVALUATOR_V1);
  return e;
}

Assembly::Assembly(const Pipeline &pipeline, const Registry &registry,
                   std::shared_ptr<RunContext> run) {
  check_pipeline(pipeline, registry);
  build_space(pipeline, registry, run);
  for (const auto &stage : pipeline.stages) {
    StageInstances s;
    if (stage.strategy) {
      s.strategy = &build(*stage.strategy, registry, run);
      if (!s.strategy->interface<nas_strategy_v1_t>(NAS_STRATEGY_V1))
        throw PipelineError(stage.strategy->name_pos,
                            stage.strategy->name + " does not offer " NAS_STRATEGY_V1);
    }
    s.evaluator = build_evaluator(stage, registry, run);
    stages_.push_back(s);
  }
}

std::unique_ptr<Assembly> Assembly::for_worker(const Pipeline &pipeline, const Registry &registry,
                                               std::shared_ptr<RunContext> run, size_t stage) {
  std::unique_ptr<Assembly> a(new Assembly());
  a->build_space(pipeline, registry, run);
  a->stages_.resize(pipeline.stages.size());
  a->stages_.at(stage).evaluator = a->build_evaluator(pipeline.stages.at(stage), registry, run);
  return a;
}

Assembly::~Assembly() {
  while (!owned_.empty())
    owned_.pop_back(); // parents (created last) go first: their collaborators outlive them
}

} // namespace nas::core
