// Test support: create the built plugins as the host does (core's Registry and Instance)
// and call them through the C ABI with typed helpers. Link `nas_core`.
//
//   nas::test::Harness h(/*seed=*/7, "nas.space.nb201");     // roles of kind space get it
//   nas::test::StrategyClient s = h.strategy("nas.strategy.random", {{"unique", true}});
//   nas::test::Proposal p = s.ask(1);                         // status, choices, tag, ...
//   s.tell(1, p.choices, 91.2);
//   nas::SpaceRef space = h.space();                          // plugin.hpp's handles work here
//
// A Harness owns what it creates and destroys it in reverse order of creation, so a
// collaborator (created first, to be bound) outlives whatever it is bound to.
#pragma once

#include "instance.hpp" // core/ (nas_core's include folder)
#include "registry.hpp"
#include "run_context.hpp"

#include <nas/abi.h>
#include <nas/plugin.hpp>

#include <cstring>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace nas::test {

using core::Json;

// The plugins of this build (NAS_BUILD_PLUGIN_DIR), scanned once per process.
inline const core::Registry &plugin_registry() {
  static const core::Registry registry = [] {
    core::Registry r;
    r.add_folder(NAS_BUILD_PLUGIN_DIR);
    return r;
  }();
  return registry;
}

// The outcome of one ABI call: its status and, on failure, the callee's error.
struct CallResult {
  nas_status_t status = NAS_OK;
  std::string key;
  std::string message;
  bool ok() const { return status == NAS_OK; }
};

inline std::ostream &operator<<(std::ostream &out, const CallResult &r) {
  return out << "status " << r.status << (r.key.empty() ? "" : " key '" + r.key + "'")
             << (r.message.empty() ? "" : ": " + r.message);
}

namespace detail {
inline CallResult result_of(nas_status_t status, const nas_error_t &error) {
  CallResult r;
  r.status = status;
  if (status < NAS_OK) {
    r.key = error.key;
    r.message = error.message;
  }
  return r;
}
} // namespace detail

// ---- Strategies ---------------------------------------------------------------------------

struct Proposal : CallResult {
  Choices choices;
  double fidelity = 1.0;
  int64_t resume_from = -1;
  std::string tag;
};

class StrategyClient {
public:
  // `n`: the number of decisions of the space the strategy is bound to.
  StrategyClient(core::Instance &instance, uint32_t n)
      : inst_(&instance), n_(n), vt_(instance.interface<nas_strategy_v1_t>(NAS_STRATEGY_V1)) {
    if (!vt_)
      throw std::runtime_error(instance.descriptor().name + " offers no " NAS_STRATEGY_V1);
  }

  core::Instance &instance() const { return *inst_; }
  uint32_t decisions() const { return n_; }

  // One ask, as the host makes it: choices pre-filled with zeros, fidelity 1, resume -1.
  Proposal ask(int64_t trial_id) const {
    Proposal p;
    p.choices.assign(n_, 0);
    nas_ask_t a{};
    a.struct_size = sizeof a;
    a.trial_id = trial_id;
    a.n = n_;
    a.choices = p.choices.data();
    a.fidelity = 1.0;
    a.resume_from = -1;
    nas_error_t e = core::make_error();
    static_cast<CallResult &>(p) = detail::result_of(vt_->ask(inst_->raw(), &a, &e), e);
    p.fidelity = a.fidelity;
    p.resume_from = a.resume_from;
    p.tag.assign(a.tag, strnlen(a.tag, sizeof a.tag));
    return p;
  }

  CallResult tell(int64_t trial_id, const Choices &choices, double objective,
                  int32_t status = NAS_TRIAL_OK, double fidelity = 1.0,
                  const std::string &metrics_json = "{}") const {
    nas_tell_t t{};
    t.struct_size = sizeof t;
    t.trial_id = trial_id;
    t.arch = arch_view(choices);
    t.fidelity = fidelity;
    t.status = status;
    t.objective = objective;
    t.metrics_json = metrics_json.c_str();
    nas_error_t e = core::make_error();
    return detail::result_of(vt_->tell(inst_->raw(), &t, &e), e);
  }

  // The state in `out`; NAS_ERR_UNSUPPORTED when the strategy has no save.
  CallResult save(std::string &out) const {
    out.clear();
    if (!NAS_HAS_FIELD(vt_, nas_strategy_v1_t, save) || !vt_->save)
      return {NAS_ERR_UNSUPPORTED, "", "no save"};
    nas::detail::StringSink sink;
    nas_error_t e = core::make_error();
    CallResult r = detail::result_of(vt_->save(inst_->raw(), &sink, &e), e);
    out = std::move(sink.text);
    return r;
  }
  CallResult load(const std::string &state) const {
    if (!NAS_HAS_FIELD(vt_, nas_strategy_v1_t, load) || !vt_->load)
      return {NAS_ERR_UNSUPPORTED, "", "no load"};
    nas_error_t e = core::make_error();
    return detail::result_of(vt_->load(inst_->raw(), state.data(), state.size(), &e), e);
  }

private:
  core::Instance *inst_;
  uint32_t n_;
  const nas_strategy_v1_t *vt_;
};

// ---- Evaluators ---------------------------------------------------------------------------

// What nas_trial_t carries; the defaults are those of a first evaluation at full fidelity.
struct TrialInput {
  int64_t id = 0;
  Choices choices;
  std::string canonical;
  std::string ir_json;
  double fidelity = 1.0;
  uint64_t seed = 0;
  uint32_t repeat = 0;
  std::string artifact_dir;
  std::string resume_from;
  std::string tag;
};

struct Evaluation : CallResult {
  std::string text; // what the evaluator wrote
  Json metrics;     // `text` parsed; null when it is not JSON (or on failure)
};

class EvaluatorClient {
public:
  // `space` (may be empty) turns choices into the trial's canonical string and IR.
  EvaluatorClient(core::Instance &instance, SpaceRef space = {})
      : inst_(&instance), space_(space),
        vt_(instance.interface<nas_evaluator_v1_t>(NAS_EVALUATOR_V1)) {
    if (!vt_)
      throw std::runtime_error(instance.descriptor().name + " offers no " NAS_EVALUATOR_V1);
  }

  core::Instance &instance() const { return *inst_; }

  Evaluation evaluate(const TrialInput &in) const {
    nas_trial_t t{};
    t.struct_size = sizeof t;
    t.id = in.id;
    t.arch = arch_view(in.choices);
    t.canonical = in.canonical.c_str();
    t.ir_json = in.ir_json.c_str();
    t.fidelity = in.fidelity;
    t.seed = in.seed;
    t.repeat = in.repeat;
    t.artifact_dir = in.artifact_dir.c_str();
    t.resume_from = in.resume_from.c_str();
    t.tag = in.tag.c_str();
    nas::detail::StringSink sink;
    nas_error_t e = core::make_error();
    Evaluation out;
    static_cast<CallResult &>(out) =
        detail::result_of(vt_->evaluate(inst_->raw(), &t, &sink, &e), e);
    out.text = std::move(sink.text);
    if (out.ok())
      out.metrics = Json::parse(out.text, nullptr, /*allow_exceptions=*/false);
    return out;
  }

  // A trial known by its canonical string only (tabular evaluators need no more).
  Evaluation evaluate_key(const std::string &canonical, double fidelity = 1.0) const {
    TrialInput in;
    in.canonical = canonical;
    in.fidelity = fidelity;
    return evaluate(in);
  }

  // A trial of the space: canonical string from the space, and the IR unless the evaluator
  // is tabular (as the host does).
  Evaluation evaluate(const Choices &choices, double fidelity = 1.0) const {
    if (!space_)
      throw std::logic_error("EvaluatorClient::evaluate(choices) needs a space");
    TrialInput in;
    in.choices = choices;
    in.canonical = space_.to_string(choices);
    if (!(inst_->descriptor().flags & NAS_FLAG_TABULAR))
      in.ir_json = space_.to_ir(choices);
    in.fidelity = fidelity;
    return evaluate(in);
  }

private:
  core::Instance *inst_;
  SpaceRef space_;
  const nas_evaluator_v1_t *vt_;
};

// One whole one-shot search (extension nas.oneshot/1) as the host runs it: the space's
// supernet IR, the stage folder, a seed; per-epoch reports collected, and the run cancelled
// once a report of step `cancel_after_step` or later arrives (0: never).
struct OneShotSearch {
  CallResult result;
  Choices choices;
  Json metrics; // null unless ok
  std::vector<Json> reports;
};

inline OneShotSearch run_oneshot(core::RunContext &run, core::Instance &strategy,
                                 const SpaceRef &space, uint64_t seed, const std::string &dir,
                                 const std::string &resume_from = "",
                                 int64_t cancel_after_step = 0) {
  OneShotSearch out;
  run.cancelled = false;
  run.on_report = [&](const std::string &, int64_t step, const std::string &json) {
    out.reports.push_back(Json::parse(json));
    if (cancel_after_step > 0 && step >= cancel_after_step)
      run.cancelled = true;
  };
  const auto *vt = strategy.interface<nas_oneshot_v1_t>(NAS_ONESHOT_V1);
  if (!vt)
    throw std::runtime_error(strategy.descriptor().name + " offers no " NAS_ONESHOT_V1);
  const std::string supernet = space.supernet_ir();
  nas_trial_t t{};
  t.struct_size = sizeof t;
  t.id = 1;
  t.canonical = "";
  t.ir_json = supernet.c_str();
  t.seed = seed;
  t.artifact_dir = dir.c_str();
  t.resume_from = resume_from.c_str();
  t.tag = "";
  out.choices.assign(space.num_decisions(), -1);
  nas::detail::StringSink sink;
  nas_error_t e = core::make_error();
  out.result = detail::result_of(vt->search(strategy.raw(), &t, out.choices.data(),
                                            static_cast<uint32_t>(out.choices.size()), &sink, &e),
                                 e);
  if (out.result.ok())
    out.metrics = Json::parse(sink.text);
  run.on_report = nullptr;
  return out;
}

// ---- The harness --------------------------------------------------------------------------

class Harness {
public:
  // `space` (optional): a space plugin created now, bound to every role of kind space of
  // the plugins created later.
  explicit Harness(uint64_t seed = 0, const std::string &space = "",
                   const Json &space_config = Json::object())
      : run_(std::make_shared<core::RunContext>()) {
    run_->seed = seed;
    if (!space.empty())
      use_space(create(space, space_config, "space"));
  }

  // The run every instance of this harness shares. Set its fields (config_dir, run_dir)
  // before the first create: instances keep pointers to its strings.
  core::RunContext &run() { return *run_; }
  const core::Registry &registry() const { return plugin_registry(); }

  // Creates `name` at `path` with this harness's run seed; throws core::PluginError when the
  // plugin refuses (e.g. its config), std::runtime_error when no plugin has that name. Roles
  // of kind space are bound to the harness's space when it has one (`bind_space`).
  core::Instance &create(const std::string &name, const Json &config = Json::object(),
                         const std::string &path = "test", bool bind_space = true) {
    owned_.push_back(core::Instance::create(registry(), name, config, run_, path));
    core::Instance &self = *owned_.back();
    if (bind_space && space_)
      for (const std::string &role : space_roles(self))
        self.bind(role, *space_);
    return self;
  }

  // The error of a create that should fail; nullopt when the plugin was created.
  std::optional<core::PluginError> create_error(const std::string &name, const Json &config,
                                                const std::string &path = "test") {
    try {
      create(name, config, path);
    } catch (const core::PluginError &e) {
      return e;
    }
    return std::nullopt;
  }

  // Binds `other` (created earlier, so it outlives `self`) under `role`; throws PluginError.
  void bind(core::Instance &self, const std::string &role, core::Instance &other) {
    self.bind(role, other);
  }

  // Makes `space` the one later creates bind.
  void use_space(core::Instance &space) {
    space_ = &space;
    space_ref_ = SpaceRef(space.raw());
  }
  core::Instance *space_instance() const { return space_; }
  const SpaceRef &space() const { return space_ref_; }

  StrategyClient strategy(const std::string &name, const Json &config = Json::object(),
                          const std::string &path = "stage.0.strategy") {
    require_space("strategy");
    return StrategyClient(create(name, config, path), space_ref_.num_decisions());
  }
  EvaluatorClient evaluator(const std::string &name, const Json &config = Json::object(),
                            const std::string &path = "stage.0.evaluator") {
    return EvaluatorClient(create(name, config, path), space_ref_);
  }
  // plugin.hpp's handle: operator()(a, b), has_features(), features(a); throws nas::Error.
  DistanceRef distance(const std::string &name, const Json &config = Json::object(),
                       const std::string &path = "distance") {
    return DistanceRef(create(name, config, path).raw());
  }

  // The roles the plugin's descriptor declares with kind "space".
  static std::vector<std::string> space_roles(const core::Instance &inst) {
    std::vector<std::string> roles;
    Json declared = Json::parse(inst.descriptor().roles, nullptr, false);
    if (declared.is_object())
      for (auto it = declared.begin(); it != declared.end(); ++it)
        if (it.value().is_object() && it.value().value("kind", "") == NAS_KIND_SPACE)
          roles.push_back(it.key());
    return roles;
  }

  ~Harness() {
    while (!owned_.empty())
      owned_.pop_back(); // the last created goes first
  }
  Harness(const Harness &) = delete;
  Harness &operator=(const Harness &) = delete;

private:
  void require_space(const char *what) const {
    if (!space_)
      throw std::logic_error(std::string("Harness::") + what + " needs a space");
  }

  std::shared_ptr<core::RunContext> run_;
  std::vector<std::unique_ptr<core::Instance>> owned_;
  core::Instance *space_ = nullptr;
  SpaceRef space_ref_;
};

} // namespace nas::test
