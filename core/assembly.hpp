// From a parsed pipeline to live instances: every plugin name, config key, role and metric
// checked against the descriptors first (no instance needed), then the instances created,
// children before parents, and bound. Nothing runs when any check fails.
#pragma once

#include "instance.hpp"
#include "pipeline.hpp"
#include "registry.hpp"

#include <memory>
#include <vector>

namespace nas::core {

// Checks the pipeline against the plugins' descriptors. Throws PipelineError listing every
// problem (unknown plugin, wrong kind, unknown key, wrong type, missing key, unknown role,
// a metric nobody produces).
void check_pipeline(const Pipeline &pipeline, const Registry &registry);

struct StageInstances {
  Instance *strategy = nullptr;  // null for a stage that only evaluates `from`
  Instance *evaluator = nullptr; // null for a one-shot stage (and in a worker, other stages)
  // What runs the stage's trials: the evaluator, else the one-shot strategy.
  Instance *runner() const { return evaluator ? evaluator : strategy; }
};

class Assembly {
public:
  // Checks, then creates and binds. A plugin's own refusal of its config becomes a
  // PipelineError at the key it names.
  Assembly(const Pipeline &pipeline, const Registry &registry, std::shared_ptr<RunContext> run);
  // What a worker process needs: the space and stage `stage`'s runner only: its evaluator,
  // or for a one-shot stage its strategy (with its collaborators). stage(i) is empty for
  // every other stage.
  static std::unique_ptr<Assembly> for_worker(const Pipeline &pipeline, const Registry &registry,
                                              std::shared_ptr<RunContext> run, size_t stage);
  ~Assembly();
  Assembly(const Assembly &) = delete;
  Assembly &operator=(const Assembly &) = delete;

  Instance &space() const { return *space_; }
  const StageInstances &stage(size_t i) const { return stages_.at(i); }
  // Every instance with its path, for the run's record of plugin versions.
  const std::vector<std::unique_ptr<Instance>> &instances() const { return owned_; }

private:
  Assembly() = default;
  Instance &build_space(const Pipeline &pipeline, const Registry &registry,
                        const std::shared_ptr<RunContext> &run);
  Instance *build_evaluator(const StageSpec &stage, const Registry &registry,
                            const std::shared_ptr<RunContext> &run);
  // The strategy, checked against the stage: a one-shot one has no evaluator beside it.
  Instance *build_strategy(const StageSpec &stage, const Registry &registry,
                           const std::shared_ptr<RunContext> &run);
  Instance &build(const PluginSpec &spec, const Registry &registry,
                  const std::shared_ptr<RunContext> &run);
  std::vector<std::unique_ptr<Instance>> owned_; // creation order; destroyed in reverse
  Instance *space_ = nullptr;
  std::vector<StageInstances> stages_;
};

} // namespace nas::core
