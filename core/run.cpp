#include "run.hpp"

#include "assembly.hpp"
#include "errors.hpp"
#include "inline_executor.hpp"
#include "version.hpp"

#include <spdlog/spdlog.h>

#include <cmath>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace nas::core {

std::string choose_run_dir(const std::string &wanted) {
  std::error_code ec;
  auto free = [&](const fs::path &p) { return !fs::exists(p, ec) || fs::is_empty(p, ec); };
  if (free(wanted))
    return wanted;
  for (int n = 2;; ++n) {
    std::string candidate = wanted + "-" + std::to_string(n);
    if (free(candidate))
      return candidate;
  }
}

namespace {

Json trial_brief(const TrialRecord &t) {
  return {{"id", t.id},
          {"canonical", t.canonical},
          {"choices", t.choices},
          {"objective", std::isnan(t.objective) ? Json(nullptr) : Json(t.objective)},
          {"metrics", t.metrics}};
}

} // namespace

Json summarize(const Pipeline &pipeline, const RunResult &result) {
  Json stages = Json::array();
  for (const auto &s : result.stages) {
    Json j = {{"name", s.name},
              {"trials", s.trials},
              {"evaluated", s.evaluated},
              {"cached", s.cached},
              {"by_status", s.by_status},
              {"seconds", s.seconds},
              {"end_reason", s.end_reason},
              {"failed", s.failed}};
    j["best"] = s.best ? trial_brief(*s.best) : Json(nullptr);
    stages.push_back(j);
  }
  return {{"name", pipeline.name},
          {"pipeline", pipeline.file},
          {"seed", pipeline.seed},
          {"run_dir", result.run_dir},
          {"host_version", kVersion},
          {"objective",
           {{"metric", pipeline.objective.metric},
            {"direction", pipeline.objective.maximize ? "maximize" : "minimize"}}},
          {"interrupted", result.interrupted},
          {"stages", stages}};
}

std::unique_ptr<RunResult> run_pipeline(const Pipeline &pipeline, const Assembly &assembly,
                                        std::shared_ptr<RunContext> run) {
  auto result = std::make_unique<RunResult>();
  result->run_dir = run->run_dir;
  for (const auto &inst : assembly.instances())
    spdlog::debug("{}: {} {} ({})", inst->path(), inst->descriptor().name,
                  inst->descriptor().version, inst->descriptor().file);

  ResultsWriter writer(run->run_dir);
  ProgressDisplay progress;
  for (size_t i = 0; i < pipeline.stages.size(); ++i) {
    InlineExecutor executor(*assembly.stage(i).evaluator, *run,
                            static_cast<size_t>(pipeline.execution.workers));
    run->on_report = [&](const std::string &path, int64_t step, const std::string &json) {
      writer.write_report(run->current_trial, path, step, json);
    };
    StageContext context{pipeline,         i,        assembly.stage(i),
                         assembly.space(), executor, result->state,
                         writer,           progress, *run};
    StageSummary summary = run_stage(context);
    spdlog::info("stage '{}' ended: {} ({} trials, {} evaluated, {} cached, {:.2f} s)",
                 summary.name, summary.end_reason, summary.trials, summary.evaluated,
                 summary.cached, summary.seconds);
    result->stages.push_back(summary);
    writer.write_summary(summarize(pipeline, *result));
    if (summary.failed)
      throw RunError("stage '" + summary.name + "' failed: " + summary.end_reason);
    if (run->cancelled) {
      result->interrupted = true;
      break;
    }
  }
  run->on_report = nullptr;
  return result;
}

} // namespace nas::core
