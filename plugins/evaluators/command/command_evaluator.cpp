// nas.evaluator.command: runs the user's own training command (a PyTorch script, a shell
// script, anything) once per trial. The trial goes in as a JSON file, the metrics come back
// as a JSON file, intermediate results as JSON lines the command appends; see README.md.
#include "child_process.hpp"
#include "command_config.hpp"
#include "report_follower.hpp"
#include "trial_files.hpp"

#include <nas/plugin.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace nas::command {

namespace {

namespace fs = std::filesystem;

// The message field of the ABI holds 1023 bytes: the headline first, then as much of the
// end of stderr (the part that names the error) as fits.
constexpr size_t kMessageBytes = 1000;

std::string with_tail(const std::string &headline, const std::string &tail) {
  if (tail.find_first_not_of(" \t\r\n") == std::string::npos)
    return headline + " (its stderr was empty)";
  std::string intro = headline + "; stderr ends with:\n";
  size_t room = intro.size() < kMessageBytes ? kMessageBytes - intro.size() : 0;
  std::string end = tail;
  while (!end.empty() && (end.back() == '\n' || end.back() == ' '))
    end.pop_back();
  if (end.size() > room)
    end = "..." + end.substr(end.size() - (room > 3 ? room - 3 : 0));
  return intro + end;
}

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%g s", seconds);
  return text;
}

// A folder of its own when the host gives the trial none (tests, `nas describe`).
class ScratchFolder {
public:
  std::string make() {
    std::string pattern = (fs::temp_directory_path() / "nas-command-XXXXXX").string();
    if (!::mkdtemp(pattern.data()))
      throw Failed("cannot make a temporary folder for the trial's files");
    path_ = pattern;
    return path_;
  }
  ~ScratchFolder() {
    std::error_code error;
    if (!path_.empty())
      fs::remove_all(path_, error);
  }

private:
  std::string path_;
};

} // namespace

class CommandEvaluator final : public Evaluator {
public:
  CommandEvaluator(const Config &config, const Host &host)
      : Evaluator(host), config_(read_command_config(config, host.config_dir())),
        text_(command_text(config_.argv)) {}

  static Info info() {
    Info i;
    i.name = "nas.evaluator.command";
    i.version = "1.0.0";
    i.description = "Runs your own training command per trial: the trial in a JSON file, "
                    "the metrics back in one.";
    i.config =
        R"({"command": {"help": "the program and its arguments, e.g. [\"/usr/bin/python3\", )"
        R"(\"train.py\"], or one string run by /bin/sh -c"},)"
        R"( "workdir": {"type": "string", "default": ".", "help": "the folder the command )"
        R"(runs in; relative to the pipeline's folder"},)"
        R"( "env": {"type": "table", "default": {}, "help": "extra environment variables, )"
        R"(e.g. { OMP_NUM_THREADS = \"2\" }"},)"
        R"( "timeout": {"type": "double", "default": 0, "help": "seconds before the )"
        R"(command is stopped and the trial fails; 0: none"},)"
        R"( "term_grace": {"type": "double", "default": 5, "help": "seconds between )"
        R"(SIGTERM and SIGKILL when the command is stopped"},)"
        R"( "metrics_file": {"type": "string", "default": "metrics.json", "help": "the file, )"
        R"(in the trial's folder, the command writes its metrics to: $NAS_METRICS_FILE"},)"
        R"( "report_file": {"type": "string", "default": "reports.jsonl", "help": "the file, )"
        R"(in the trial's folder, the command may append intermediate results to: )"
        R"($NAS_REPORT_FILE"}})";
    i.metrics = R"({"*": {"help": "whatever numbers the command writes to its metrics file"}})";
    return i;
  }

  std::string evaluate(const Trial &trial) override {
    ScratchFolder scratch;
    TrialPaths paths;
    paths.folder = trial.artifact_dir.empty() ? scratch.make() : trial.artifact_dir;
    fs::path folder(paths.folder);
    paths.trial = (folder / "trial.json").string();
    paths.metrics = (folder / config_.metrics_file).string();
    paths.reports = (folder / config_.report_file).string();
    paths.log = (folder / "command.log").string();
    std::error_code error;
    // Files of an earlier attempt at this trial must not pass for this one's.
    fs::remove(paths.metrics, error);
    fs::remove(paths.reports, error);
    fs::create_directories(fs::path(paths.metrics).parent_path(), error);
    fs::create_directories(fs::path(paths.reports).parent_path(), error);
    write_trial_file(trial, paths);

    SpawnSpec spawn;
    spawn.argv = config_.argv;
    spawn.workdir = config_.workdir;
    spawn.env = config_.env;
    spawn.env.emplace_back("NAS_TRIAL_FILE", paths.trial);
    spawn.env.emplace_back("NAS_METRICS_FILE", paths.metrics);
    spawn.env.emplace_back("NAS_REPORT_FILE", paths.reports);
    spawn.env.emplace_back("NAS_ARTIFACT_DIR", paths.folder);
    spawn.log_file = paths.log;

    ReportFollower reports(paths.reports);
    std::string last_report;
    int64_t count = 0;
    auto forward = [&](bool at_end) {
      for (const std::string &line : reports.new_lines(at_end)) {
        int64_t step = count;
        std::string problem;
        if (!is_report_object(line, step, problem)) {
          host().warn("trial " + std::to_string(trial.id) + ": a line of " + reports.path() + " " +
                      problem + " and is skipped: " + line.substr(0, 80));
          continue;
        }
        host().report(step, line);
        last_report = line;
        ++count;
      }
    };
    Supervision watch;
    watch.timeout = config_.timeout;
    watch.term_grace = config_.term_grace;
    watch.tick = [&] {
      forward(false);
      if (host().cancelled())
        return StopReason::cancelled;
      if (host().should_stop())
        return StopReason::stop_requested;
      return StopReason::none;
    };

    ChildOutcome outcome;
    try {
      outcome = run_child(spawn, watch);
    } catch (const std::runtime_error &e) {
      throw Failed(std::string(e.what()) + " (command: " + text_ + ")");
    }
    forward(true);
    return conclude(outcome, paths, last_report);
  }

private:
  std::string conclude(const ChildOutcome &outcome, const TrialPaths &paths,
                       const std::string &last_report) const {
    std::string who = "the command `" + text_ + "`";
    if (outcome.stopped == StopReason::cancelled)
      throw Error(NAS_ERR_CANCELLED, "the run was cancelled; " + who + " was stopped");
    if (outcome.stopped == StopReason::timeout)
      throw Failed(with_tail(who + " ran past its timeout (" + seconds_text(config_.timeout) +
                                 ") and was stopped",
                             outcome.stderr_tail));
    if (outcome.stopped == StopReason::stop_requested) {
      // Asked to end early: what it measured so far, from its metrics file if it wrote one
      // on SIGTERM, else its last intermediate report.
      try {
        return read_metrics_file(paths.metrics);
      } catch (const std::runtime_error &) {
        if (!last_report.empty())
          return last_report;
      }
      throw Failed(with_tail(who + " was stopped early (the host asked) before it wrote "
                                   "metrics or a report",
                             outcome.stderr_tail));
    }
    if (!outcome.exited)
      throw Failed(
          with_tail(who + " was killed by " + signal_name(outcome.signal), outcome.stderr_tail));
    if (outcome.exit_status != 0)
      throw Failed(with_tail(who + " exited with status " + std::to_string(outcome.exit_status),
                             outcome.stderr_tail));
    try {
      return read_metrics_file(paths.metrics);
    } catch (const std::runtime_error &e) {
      throw Failed(with_tail(who + " exited with status 0 but " + e.what(), outcome.stderr_tail));
    }
  }

  CommandConfig config_;
  std::string text_; // the command as typed, for messages
};

} // namespace nas::command

NAS_PLUGIN_LIBRARY(nas::command::CommandEvaluator);
