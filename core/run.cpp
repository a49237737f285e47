#include "run.hpp"

#include "assembly.hpp"
#include "errors.hpp"
#include "executor_factory.hpp"
#include "version.hpp"

#include <algorithm>
#include <map>

#include <spdlog/spdlog.h>

#include <cmath>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace nas::core {

std::string choose_run_dir(const std::string &wanted) {
  std::error_code ec;
  // Free: absent, empty, or holding only what a creation killed before publishing left.
  auto free = [&](const fs::path &p) {
    if (!fs::exists(p, ec))
      return true;
    for (const auto &entry : fs::directory_iterator(p, ec))
      if (entry.path().filename().string().rfind("run.sqlite.creating", 0) != 0)
        return false;
    return !ec;
  };
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
                                        std::shared_ptr<RunContext> run, RunStore &store) {
  auto result = std::make_unique<RunResult>();
  result->run_dir = run->run_dir;
  for (const auto &inst : assembly.instances()) {
    spdlog::debug("{}: {} {} ({})", inst->path(), inst->descriptor().name,
                  inst->descriptor().version, inst->descriptor().file);
    store.set_plugin(inst->path(), inst->descriptor().name, inst->descriptor().version,
                     inst->descriptor().file);
  }
  store.commit();

  // What earlier sessions finished: repeats are answered from it, later stages seeded by it.
  std::map<std::string, std::string> identity_of_stage;
  for (size_t i = 0; i < pipeline.stages.size(); ++i)
    identity_of_stage[pipeline.stages[i].name] =
        runner_identity(pipeline.stages[i], assembly.stage(i));
  for (TrialRecord &t : store.trials())
    result->state.restore(std::move(t), identity_of_stage[t.stage]);
  std::map<int, StageRow> rows;
  for (const StageRow &row : store.stages())
    rows[row.index] = row;

  ProgressDisplay progress;
  run->on_report = [&](const std::string &path, int64_t step, const std::string &json) {
    store.add_report(run->current_trial, path, step, json);
    store.commit(); // a long trial's reports (a one-shot search's epochs) survive a kill
  };
  for (size_t i = 0; i < pipeline.stages.size(); ++i) {
    auto row = rows.find(static_cast<int>(i));
    if (row != rows.end() && row->second.status != "running") {
      result->stages.push_back(summary_of_finished_stage(result->state, row->second));
      const StageSummary &done = result->stages.back();
      if (done.failed)
        throw RunError("stage '" + row->second.name +
                       "' failed in an earlier session: " + row->second.end_reason);
      const auto &budget = pipeline.stages[i].budget.evaluations;
      const bool budget_spent = row->second.end_reason.find("budget") != std::string::npos;
      if (budget && budget_spent && *budget > done.evaluated) // raised for the resume: say so
        spdlog::warn("stage '{}' ended in an earlier session ({}); its budget of {} evaluations "
                     "does not reopen it: start over with --fresh to search longer",
                     done.name, row->second.end_reason, *budget);
      continue;
    }
    auto owned_executor = make_executor(pipeline, assembly, i, *run);
    Executor &executor = *owned_executor; // [execution] engine: inline or local workers
    StageContext context{
        pipeline, i,   assembly.stage(i), assembly.space(), executor, result->state, store,
        progress, *run};
    context.elapsed_before = row != rows.end() ? row->second.elapsed : 0.0;
    StageSummary summary = run_stage(context);
    spdlog::info("stage '{}' ended: {} ({} trials, {} evaluated, {} cached, {:.2f} s)",
                 summary.name, summary.end_reason, summary.trials, summary.evaluated,
                 summary.cached, summary.seconds);
    result->stages.push_back(summary);
    write_summary(run->run_dir, summarize(pipeline, *result));
    if (summary.failed)
      throw RunError("stage '" + summary.name + "' failed: " + summary.end_reason);
    if (run->cancelled) {
      result->interrupted = true;
      break;
    }
  }
  run->on_report = nullptr;
  write_summary(run->run_dir, summarize(pipeline, *result));
  export_trials(run->run_dir, result->state);
  return result;
}

void write_summary(const std::string &run_dir, const Json &summary) {
  std::string path = run_dir + "/summary.json";
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    out << summary.dump(2) << "\n";
    if (!out)
      throw RunError("cannot write " + tmp);
  }
  fs::rename(tmp, path); // never a half-written summary
}

void export_trials(const std::string &run_dir, const RunState &state) {
  std::vector<const TrialRecord *> by_id;
  for (const auto &t : state.trials)
    by_id.push_back(&t);
  std::sort(by_id.begin(), by_id.end(),
            [](const TrialRecord *a, const TrialRecord *b) { return a->id < b->id; });
  std::string path = run_dir + "/trials.jsonl", tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    for (const TrialRecord *t : by_id)
      out << to_json(*t).dump() << "\n";
    if (!out)
      throw RunError("cannot write " + tmp);
  }
  fs::rename(tmp, path);
}

} // namespace nas::core
