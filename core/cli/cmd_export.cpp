// `nas export RUN_DIR [--trial ID|best] [--stage NAME] --out DIR`: copies one trial's network
// (its IR) and trained weights, as its evaluator wrote them in the trial's artifact folder,
// with a trial.json that says where they came from. libnas_torch loads the result (see
// docs/examples/classify.cpp).
#include "commands.hpp"
#include "options.hpp"
#include "report.hpp"

#include "../errors.hpp"
#include "../store/run_store.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace fs = std::filesystem;

namespace nas::cli {

namespace {

// What an export holds, from the trial's artifact folder; the first is required.
const char *const kNetworkFile = "ir.json";
const char *const kOptionalFiles[] = {"weights.pt", "preprocess.json", "metrics.json"};

const core::TrialRecord *find_trial(const std::vector<core::TrialRecord> &trials,
                                    const std::string &which, const std::string &stage) {
  if (which != "best") {
    int64_t id = 0;
    try {
      size_t used = 0;
      id = std::stoll(which, &used);
      if (used != which.size())
        throw std::invalid_argument(which);
    } catch (const std::exception &) {
      throw core::UsageError("--trial must be a trial id or 'best', not '" + which + "'");
    }
    for (const auto &t : trials)
      if (t.id == id)
        return &t;
    throw core::UsageError("the run has no trial " + which);
  }
  // best: of the given stage, else of the last stage that has trials.
  std::string wanted = stage.empty() && !trials.empty() ? trials.back().stage : stage;
  std::vector<const core::TrialRecord *> candidates;
  for (const auto &t : trials)
    if (t.stage == wanted && t.status == NAS_TRIAL_OK)
      candidates.push_back(&t);
  sort_best_first(candidates);
  if (candidates.empty())
    throw core::UsageError("the run has no successful trial in stage '" + wanted + "'");
  return candidates.front();
}

} // namespace

int cmd_export(const Args &args) {
  po::options_description options("Options");
  options.add_options()("run_dir", po::value<std::string>(), "the run folder")(
      "trial,t", po::value<std::string>()->default_value("best"),
      "the trial's id, or 'best': the best successful trial of --stage (default: the last "
      "stage)")("stage", po::value<std::string>(), "with --trial best: the stage to pick from")(
      "out,o", po::value<std::string>(), "the folder to write (new or empty)");
  options.add(common_options());
  po::positional_options_description positional;
  positional.add("run_dir", 1);
  po::variables_map vm = parse(args, options, positional);
  if (vm.count("help")) {
    print_help("export RUN_DIR [--trial ID|best] [--stage NAME] --out DIR",
               "Copies a trained trial's network out of a run: ir.json (the network IR, see\n"
               "sdk/IR.md), weights.pt (its trained weights, when the evaluator saved them, as\n"
               "a training evaluator does), preprocess.json (how its images were normalized),\n"
               "metrics.json and trial.json (run, trial id, stage, canonical string, metrics).\n"
               "A cached trial exports the trial that answered it.\n"
               "Load the result with libnas_torch: docs/examples/classify.cpp.",
               options);
    return 0;
  }
  if (!vm.count("run_dir"))
    throw core::UsageError("which run? usage: nas export RUN_DIR --out DIR");
  if (!vm.count("out"))
    throw core::UsageError("where to? usage: nas export RUN_DIR --out DIR");
  const std::string run_dir = vm["run_dir"].as<std::string>();
  const fs::path out = vm["out"].as<std::string>();
  if (!fs::exists(core::RunStore::path_in(run_dir)))
    throw core::RunError("no run in " + run_dir + " (no run.sqlite there: is it a run folder " +
                         "of `nas run`?)");
  std::error_code ec;
  if (fs::exists(out, ec) && !(fs::is_directory(out, ec) && fs::is_empty(out, ec)))
    throw core::UsageError(out.string() + " exists and is not an empty folder: nothing was "
                                          "written; choose a new folder");

  core::RunStore store(run_dir, core::StoreMode::read);
  const std::vector<core::TrialRecord> trials = store.trials();
  const std::string stage = vm.count("stage") ? vm["stage"].as<std::string>() : "";
  const core::TrialRecord *trial = find_trial(trials, vm["trial"].as<std::string>(), stage);
  int64_t source = trial->cached_from >= 0 ? trial->cached_from : trial->id;
  if (trial->status != NAS_TRIAL_OK && trial->status != NAS_TRIAL_CACHED)
    throw core::RunError("trial " + std::to_string(trial->id) + " did not succeed (" +
                         core::status_name(trial->status) + "): it has no network to export");
  const fs::path artifacts = fs::path(run_dir) / "trials" / std::to_string(source);
  if (!fs::exists(artifacts / kNetworkFile))
    throw core::RunError("trial " + std::to_string(source) + " has no saved network (" +
                         (artifacts / kNetworkFile).string() +
                         " is missing): its evaluator keeps no IR or weights (a tabular "
                         "evaluator, for one); export a trial of a training stage");

  fs::create_directories(out, ec);
  if (ec)
    throw core::RunError("cannot create " + out.string() + ": " + ec.message());
  std::vector<std::string> copied;
  for (const char *name : {kNetworkFile}) {
    fs::copy_file(artifacts / name, out / name);
    copied.push_back(name);
  }
  for (const char *name : kOptionalFiles)
    if (fs::exists(artifacts / name)) {
      fs::copy_file(artifacts / name, out / name);
      copied.push_back(name);
    }
  core::Json about = {{"run", fs::absolute(run_dir).lexically_normal().string()},
                      {"trial", trial->id},
                      {"evaluated_as", source},
                      {"stage", trial->stage},
                      {"canonical", trial->canonical},
                      {"choices", trial->choices},
                      {"objective", std::isnan(trial->objective) ? core::Json(nullptr)
                                                                 : core::Json(trial->objective)},
                      {"metrics", trial->metrics},
                      {"files", copied}};
  std::ofstream(out / "trial.json") << about.dump(2) << "\n";
  std::cout << "exported trial " << trial->id << " (" << trial->canonical << ") to "
            << out.string() << ": ";
  for (size_t i = 0; i < copied.size(); ++i)
    std::cout << (i ? ", " : "") << copied[i];
  std::cout << ", trial.json\n";
  return 0;
}

} // namespace nas::cli
