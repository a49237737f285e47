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

  // `producer` scores the stage's trials: its evaluator, or its one-shot strategy.
  void metrics(const Pipeline &p, const StageSpec &stage, const Descriptor &producer,
               const PluginSpec &spec) {
    bool any = false;
    std::vector<std::string> produced = produced_metrics(parse_schema(producer), spec.config, any);
    if (any)
      return;
    auto check = [&](const std::string &metric, const SourcePos &pos, const std::string &what) {
      if (std::find(produced.begin(), produced.end(), metric) == produced.end())
        add(pos, what + " '" + metric + "' is not produced by " + producer.name + " in stage '" +
                     stage.name + "'; it produces: " + join(produced));
    };
    check(p.objective.metric, p.objective.metric_pos, "the objective metric");
    for (const auto &c : p.objective.constraints)
      check(c.metric, c.pos, "the constraint's metric");
    if (stage.budget.simulated_seconds)
      check(stage.budget.time_metric, stage.budget.time_metric_pos, "budget.time_metric");
  }

  void add(const SourcePos &pos, const std::string &message) {
    problems.push_back(pos.str() + ": " + message);
  }

private:
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
    const Descriptor *strategy =
        stage.strategy ? c.plugin(*stage.strategy, NAS_KIND_STRATEGY) : nullptr;
    if (stage.evaluator) {
      if (const Descriptor *e = c.plugin(*stage.evaluator, NAS_KIND_EVALUATOR))
        c.metrics(pipeline, stage, *e, *stage.evaluator);
    } else if (strategy) {
      // A one-shot strategy lists what it reports; one that lists nothing cannot score the
      // stage's trials. Whether it offers nas.oneshot/1 is checked once it is created.
      if (parse_schema(*strategy).metrics.empty())
        c.add(stage.pos, missing_evaluator_message(stage.name));
      else
        c.metrics(pipeline, stage, *strategy, *stage.strategy);
    }
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
  Instance *e = &build(*stage.evaluator, registry, run);
  if (!e->interface<nas_evaluator_v1_t>(NAS_EVALUATOR_V1))
    throw PipelineError(stage.evaluator->name_pos,
                        stage.evaluator->name + " does not offer " NAS_EVALUATOR_V1);
  return e;
}

Instance *Assembly::build_strategy(const StageSpec &stage, const Registry &registry,
                                   const std::shared_ptr<RunContext> &run) {
  Instance *s = &build(*stage.strategy, registry, run);
  if (!s->interface<nas_strategy_v1_t>(NAS_STRATEGY_V1))
    throw PipelineError(stage.strategy->name_pos,
                        stage.strategy->name + " does not offer " NAS_STRATEGY_V1);
  // A one-shot strategy scores what it derives; any other needs an evaluator to do it.
  const bool oneshot = s->interface<nas_oneshot_v1_t>(NAS_ONESHOT_V1) != nullptr;
  if (oneshot && stage.evaluator)
    throw PipelineError(stage.evaluator->pos,
                        stage.strategy->name +
                            " runs a one-shot search and scores its result itself: remove the "
                            "stage's evaluator");
  if (!oneshot && !stage.evaluator)
    throw PipelineError(stage.pos, missing_evaluator_message(stage.name));
  // Checked here, not by the parser: a one-shot stage runs one search and needs no budget.
  if (!oneshot && stage.budget.empty())
    throw PipelineError(stage.pos, "stage '" + stage.name +
                                       "' has a strategy but no 'budget' (e.g. budget = { "
                                       "evaluations = 150 })");
  return s;
}

Assembly::Assembly(const Pipeline &pipeline, const Registry &registry,
                   std::shared_ptr<RunContext> run) {
  check_pipeline(pipeline, registry);
  build_space(pipeline, registry, run);
  for (const auto &stage : pipeline.stages) {
    StageInstances s;
    if (stage.strategy)
      s.strategy = build_strategy(stage, registry, run);
    if (stage.evaluator)
      s.evaluator = build_evaluator(stage, registry, run);
    stages_.push_back(s);
  }
}

std::unique_ptr<Assembly> Assembly::for_worker(const Pipeline &pipeline, const Registry &registry,
                                               std::shared_ptr<RunContext> run, size_t stage) {
  std::unique_ptr<Assembly> a(new Assembly());
  a->build_space(pipeline, registry, run);
  a->stages_.resize(pipeline.stages.size());
  const StageSpec &spec = pipeline.stages.at(stage);
  if (spec.evaluator)
    a->stages_.at(stage).evaluator = a->build_evaluator(spec, registry, run);
  else if (spec.strategy) // a one-shot stage: its strategy runs the search
    a->stages_.at(stage).strategy = a->build_strategy(spec, registry, run);
  return a;
}

Assembly::~Assembly() {
  while (!owned_.empty())
    owned_.pop_back(); // parents (created last) go first: their collaborators outlive them
}

} // namespace nas::core
