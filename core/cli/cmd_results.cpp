#include "commands.hpp"
#include "options.hpp"
#include "report.hpp"

#include "../errors.hpp"
#include "../store/run_store.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>

namespace nas::cli {

namespace {

// The objective's metric name, as the run recorded it.
std::string objective_metric(core::RunStore &store) {
  try {
    return core::Json::parse(store.info("objective").value_or("{}")).value("metric", "");
  } catch (const std::exception &) {
    return "";
  }
}

// One run's trials as `nas results` shows them: filtered by stage, ordered, cut to top.
struct ShownRun {
  std::string dir, objective_metric;
  std::vector<core::TrialRecord> trials;
  std::vector<const core::TrialRecord *> shown;
  size_t total = 0;
};

ShownRun read_run(const std::string &run_dir, const po::variables_map &vm, bool best_first,
                  long top) {
  if (!std::filesystem::exists(core::RunStore::path_in(run_dir)))
    throw core::RunError("no results in " + run_dir + " (no run.sqlite there: is it a run " +
                         "folder of `nas run`?)");
  ShownRun run;
  run.dir = run_dir;
  core::RunStore store(run_dir, core::StoreMode::read);
  run.trials = store.trials();
  run.objective_metric = objective_metric(store);
  for (const auto &t : run.trials)
    if (!vm.count("stage") || t.stage == vm["stage"].as<std::string>())
      run.shown.push_back(&t);
  if (best_first)
    sort_best_first(run.shown);
  else
    std::stable_sort(run.shown.begin(), run.shown.end(),
                     [](const auto *a, const auto *b) { return a->id < b->id; });
  run.total = run.shown.size();
  if (top > 0 && run.shown.size() > static_cast<size_t>(top))
    run.shown.resize(static_cast<size_t>(top));
  return run;
}

// Every stored report of the run's trials (of one stage with --stage), as JSON lines.
void print_reports(const std::string &run_dir, const po::variables_map &vm) {
  ShownRun run = read_run(run_dir, vm, false, 0);
  std::map<int64_t, const core::TrialRecord *> shown;
  for (const auto *t : run.shown)
    shown[t->id] = t;
  core::RunStore store(run_dir, core::StoreMode::read);
  for (const auto &r : store.reports()) {
    auto t = shown.find(r.trial);
    if (t == shown.end())
      continue;
    std::cout << core::Json{{"trial", r.trial},
                            {"stage", t->second->stage},
                            {"source", r.source},
                            {"step", r.step},
                            {"metrics", r.metrics}}
                     .dump()
              << "\n";
  }
}

} // namespace

int cmd_results(const Args &args) {
  po::options_description options("Options");
  options.add_options()("run_dir", po::value<std::vector<std::string>>(),
                        "the run folder (several: their tables side by side)")(
      "format,f", po::value<std::string>()->default_value("table"), "table, csv, json or jsonl")(
      "top,k", po::value<long>(),
      "only the K best trials, best first (table default: 10; 0 = all)")(
      "stage", po::value<std::string>(), "only this stage's trials")(
      "reports", "the trials' intermediate reports instead (per-epoch curves, a one-shot "
                 "search's alphas), one JSON object per line");
  options.add(common_options());
  po::positional_options_description positional;
  positional.add("run_dir", -1);
  po::variables_map vm = parse(args, options, positional);
  if (vm.count("help")) {
    print_help("results RUN_DIR... [--format table|csv|json|jsonl] [--top K] [--stage NAME]\n"
               "       nas results RUN_DIR --reports [--stage NAME]",
               "Shows a run's trials. The table lists the best first; csv, json and jsonl list\n"
               "every trial in id order unless --top is given. json is one object\n"
               "{\"trials\": [{\"id\", \"stage\", \"choices\", \"canonical\", \"fidelity\",\n"
               "\"status\", \"metrics\", \"objective\", ...}]} (objective: maximized; null when\n"
               "the trial has none). Several runs (table only): one table with a run column,\n"
               "each run's best first, e.g. a search beside its baseline.\n"
               "--reports prints what trials reported while they ran, one line each:\n"
               "{\"trial\", \"stage\", \"source\", \"step\", \"metrics\"}, by trial and step.",
               options);
    return 0;
  }
  if (!vm.count("run_dir"))
    throw core::UsageError("which run? usage: nas results RUN_DIR");
  std::string format = vm["format"].as<std::string>();
  if (format != "table" && format != "csv" && format != "json" && format != "jsonl")
    throw core::UsageError("--format must be table, csv, json or jsonl, not '" + format + "'");
  const auto run_dirs = vm["run_dir"].as<std::vector<std::string>>();
  if (run_dirs.size() > 1 && format != "table")
    throw core::UsageError("several runs are shown as one table; --format " + format +
                           " takes one run");
  if (vm.count("reports")) {
    if (run_dirs.size() > 1)
      throw core::UsageError("--reports takes one run");
    print_reports(run_dirs.front(), vm);
    return 0;
  }
  long top = vm.count("top") ? vm["top"].as<long>() : (format == "table" ? 10 : 0);
  bool best_first = format == "table" || vm.count("top");

  if (run_dirs.size() > 1) {
    std::vector<ShownRun> runs;
    std::vector<const core::TrialRecord *> shown;
    std::vector<std::string> labels;
    for (const auto &dir : run_dirs) {
      runs.push_back(read_run(dir, vm, best_first, top));
      for (const auto *t : runs.back().shown) {
        shown.push_back(t);
        labels.push_back(dir);
      }
    }
    print_trial_table(std::cout, shown, runs.front().objective_metric, &labels);
    return 0;
  }
  ShownRun run = read_run(run_dirs.front(), vm, best_first, top);
  const auto &shown = run.shown;
  if (format == "table") {
    print_trial_table(std::cout, shown, run.objective_metric);
    if (shown.size() < run.total)
      std::cout << "(" << shown.size() << " best of " << run.total
                << " evaluated trials; --top 0 for all)\n";
  } else if (format == "csv") {
    print_trial_csv(std::cout, shown);
  } else if (format == "json") {
    core::Json out = {{"trials", core::Json::array()}};
    for (const auto *t : shown)
      out["trials"].push_back(core::to_json(*t));
    std::cout << out.dump(2) << "\n";
  } else {
    for (const auto *t : shown)
      std::cout << core::to_json(*t).dump() << "\n";
  }
  return 0;
}

} // namespace nas::cli
