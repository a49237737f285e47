// The built nas.evaluator.command through the C ABI, with stand-in training commands (shell
// and python3, no torch) that the tests write: what the command receives, what comes back,
// the reports it appends, and every way it can fail, time out or be stopped.
#include "plugin_harness.hpp"
#include "run_nas.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using nas::Choices;
using nas::test::Evaluation;
using nas::test::Harness;
using nas::test::Json;
using nas::test::TempDir;
using nas::test::TrialInput;
using Clock = std::chrono::steady_clock;

const Choices kArch = {3, 3, 3, 1, 3, 2}; // NB201's best cell on CIFAR-10

std::string slurp(const std::string &path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// A report the host received: step and JSON, and when.
struct Received {
  int64_t step;
  Json metrics;
  Clock::time_point at;
};

class CommandEvaluator : public ::testing::Test {
protected:
  CommandEvaluator() : h(5, "nas.space.nb201", {{"channels", 4}, {"cells_per_stage", 1}}) {
    h.run().config_dir = dir.path().string();
    h.run().on_report = [this](const std::string &, int64_t step, const std::string &json) {
      std::lock_guard<std::mutex> lock(mutex);
      reports.push_back({step, Json::parse(json), Clock::now()});
      if (stop_on_report)
        h.run().stop_trial = true;
      if (cancel_on_report)
        h.run().cancelled = true;
    };
  }

  // A trial of the space with its own artifact folder, as the host makes it.
  TrialInput trial(int64_t id, double fidelity = 1.0) {
    TrialInput t;
    t.id = id;
    t.choices = kArch;
    t.canonical = h.space().to_string(kArch);
    t.ir_json = h.space().to_ir(kArch);
    t.fidelity = fidelity;
    t.seed = 123456789012345ULL;
    t.artifact_dir = dir / ("trials/" + std::to_string(id));
    fs::create_directories(t.artifact_dir);
    return t;
  }

  Evaluation run(const Json &config, const TrialInput &t) {
    return h.evaluator("nas.evaluator.command", config).evaluate(t);
  }
  Evaluation run(const Json &config) { return run(config, trial(1)); }

  TempDir dir;
  Harness h;
  std::mutex mutex;
  std::vector<Received> reports;
  bool stop_on_report = false, cancel_on_report = false;
};

// ---- What the command receives and what comes back ------------------------------------

TEST_F(CommandEvaluator, TheTrialFileCarriesTheIrFidelityAndPaths) {
  TrialInput t = trial(7, 0.25);
  t.resume_from = dir / "trials/3";
  t.tag = "promoted";
  auto r = run({{"command", "cp \"$NAS_TRIAL_FILE\" seen.json && env | grep '^NAS_' > env.txt "
                            "&& echo '{\"done\": 1}' > \"$NAS_METRICS_FILE\""}},
               t);
  ASSERT_TRUE(r.ok()) << r;
  Json seen = Json::parse(slurp(dir / "seen.json")); // the command ran in the pipeline's folder
  EXPECT_EQ(seen["format"], "nas-trial/1");
  EXPECT_EQ(seen["id"], 7);
  EXPECT_EQ(seen["choices"], Json(kArch));
  EXPECT_EQ(seen["canonical"], t.canonical);
  EXPECT_EQ(seen["ir"], Json::parse(t.ir_json)) << "the IR as parsed JSON, not a string";
  EXPECT_EQ(seen["ir"]["input"]["channels"], 3);
  EXPECT_EQ(seen["fidelity"], 0.25);
  EXPECT_EQ(seen["seed"].get<uint64_t>(), 123456789012345ULL);
  EXPECT_EQ(seen["tag"], "promoted");
  EXPECT_EQ(seen["resume_from"], t.resume_from);
  EXPECT_EQ(seen["artifact_dir"], t.artifact_dir);
  EXPECT_EQ(seen["metrics_file"], t.artifact_dir + "/metrics.json");
  EXPECT_EQ(seen["report_file"], t.artifact_dir + "/reports.jsonl");
  std::string env = slurp(dir / "env.txt");
  EXPECT_NE(env.find("NAS_TRIAL_FILE=" + t.artifact_dir + "/trial.json"), std::string::npos);
  EXPECT_NE(env.find("NAS_METRICS_FILE=" + t.artifact_dir + "/metrics.json"), std::string::npos);
  EXPECT_NE(env.find("NAS_REPORT_FILE=" + t.artifact_dir + "/reports.jsonl"), std::string::npos);
  EXPECT_EQ(r.metrics, Json({{"done", 1}}));

  // A first evaluation has no checkpoint to resume from: null, not "".
  auto fresh = run({{"command", "cp \"$NAS_TRIAL_FILE\" fresh.json; echo '{\"a\": 2}' > "
                                "\"$NAS_METRICS_FILE\""}},
                   trial(8));
  ASSERT_TRUE(fresh.ok()) << fresh;
  EXPECT_TRUE(Json::parse(slurp(dir / "fresh.json"))["resume_from"].is_null());
}

TEST_F(CommandEvaluator, APythonScriptsMetricsComeBack) {
  // Computes from the trial file, the env table and its working folder, so each part of
  // the protocol shows in the answer.
  std::string script = dir.write("work/train.py", R"(import json, os
with open(os.environ["NAS_TRIAL_FILE"]) as f:
    trial = json.load(f)
scale = int(os.environ["SCALE"])
layers = len(trial["ir"]["layers"])
with open(os.environ["NAS_METRICS_FILE"], "w") as f:
    json.dump({"score": scale * sum(trial["choices"]) + trial["fidelity"],
               "layers": layers,
               "in_workdir": int(os.path.basename(os.getcwd()) == "work")}, f)
)");
  auto r = run({{"command", {"/usr/bin/python3", "train.py"}},
                {"workdir", "work"},
                {"env", {{"SCALE", "3"}}}},
               trial(2, 0.5));
  ASSERT_TRUE(r.ok()) << r;
  int sum = 0;
  for (int c : kArch)
    sum += c;
  EXPECT_DOUBLE_EQ(r.metrics["score"].get<double>(), 3 * sum + 0.5);
  EXPECT_EQ(r.metrics["layers"], Json::parse(h.space().to_ir(kArch))["layers"].size());
  EXPECT_EQ(r.metrics["in_workdir"], 1);
  (void)script;
}

TEST_F(CommandEvaluator, ReportsAreForwardedWhileTheCommandRuns) {
  dir.write("report.py", R"(import json, os, time
path = os.environ["NAS_REPORT_FILE"]
def report(text):
    with open(path, "a") as f:
        f.write(text)
report(json.dumps({"epoch": 0, "valid_accuracy": 40.5}) + "\n")
time.sleep(0.8)
report(json.dumps({"epoch": 1, "valid_accuracy": 55.0}) + "\n")
report("this line is not json\n")
report('{"step": 10, "valid_accuracy": 61.25}\n')
report('{"epoch": 3, "valid_')  # half a line: waits for the rest
time.sleep(0.3)
report('accuracy": 70}')       # the last line may lack its newline
with open(os.environ["NAS_METRICS_FILE"], "w") as f:
    json.dump({"valid_accuracy": 70}, f)
)");
  auto start = Clock::now();
  auto r = run({{"command", {"/usr/bin/python3", "report.py"}}});
  auto end = Clock::now();
  ASSERT_TRUE(r.ok()) << r;
  EXPECT_EQ(r.metrics["valid_accuracy"], 70);
  ASSERT_EQ(reports.size(), 4u) << "the line that is not JSON is skipped";
  EXPECT_EQ(reports[0].step, 0);
  EXPECT_EQ(reports[0].metrics, Json({{"epoch", 0}, {"valid_accuracy", 40.5}}));
  EXPECT_EQ(reports[1].step, 1);
  EXPECT_EQ(reports[1].metrics["valid_accuracy"], 55.0);
  EXPECT_EQ(reports[2].step, 10) << "an integer \"step\" field gives the step";
  EXPECT_EQ(reports[3].step, 3);
  EXPECT_EQ(reports[3].metrics, Json({{"epoch", 3}, {"valid_accuracy", 70}}));
  // The first report reached the host while the command was still running.
  EXPECT_GT(std::chrono::duration<double>(end - reports[0].at).count(), 0.6);
  (void)start;
}

// ---- Failures: each is one failed trial with a message that says which ----------------

struct FailureCase {
  const char *name;
  Json command;
  std::vector<std::string> message_has;
};

TEST_F(CommandEvaluator, EachFailureSaysWhatHappened) {
  std::vector<FailureCase> cases = {
      {"nonzero exit",
       "echo 'boom: the loss exploded' >&2; exit 3",
       {"exited with status 3", "boom: the loss exploded", "stderr ends with"}},
      {"signal",
       "echo 'about to crash' >&2; kill -SEGV $$",
       {"was killed by SIGSEGV", "about to crash"}},
      {"garbage",
       "echo 'epoch 1: 93%' > \"$NAS_METRICS_FILE\"",
       {"exited with status 0 but", "is not JSON", "epoch 1: 93%"}},
      {"no metrics", "echo 'forgot to save' >&2", {"wrote no metrics file", "forgot to save"}},
      {"empty metrics", ": > \"$NAS_METRICS_FILE\"", {"is empty"}},
      {"not a number",
       "echo '{\"valid_accuracy\": \"high\"}' > \"$NAS_METRICS_FILE\"",
       {"metric 'valid_accuracy'", "\"high\"", "expected a number"}},
      {"an array", "echo '[91.2]' > \"$NAS_METRICS_FILE\"", {"holds array", "JSON object"}},
      {"NaN", "echo '{\"loss\": NaN}' > \"$NAS_METRICS_FILE\"", {"is not JSON", "NaN"}},
      {"no such program",
       Json::array({"/nonexistent/train"}),
       {"cannot start '/nonexistent/train'", "No such file"}},
  };
  int id = 10;
  for (const FailureCase &c : cases) {
    auto r = run({{"command", c.command}}, trial(id++));
    EXPECT_EQ(r.status, NAS_ERR_FAILED) << c.name << ": " << r;
    for (const std::string &part : c.message_has)
      EXPECT_NE(r.message.find(part), std::string::npos)
          << c.name << ": expected '" << part << "' in: " << r.message;
  }
  // The evaluator is still fine after all that.
  auto ok = run({{"command", "echo '{\"x\": 1.5}' > \"$NAS_METRICS_FILE\""}}, trial(id));
  ASSERT_TRUE(ok.ok()) << ok;
  EXPECT_EQ(ok.metrics["x"], 1.5);
}

TEST_F(CommandEvaluator, MetricsOfAnEarlierAttemptDoNotCount) {
  TrialInput t = trial(4);
  auto first = run({{"command", "echo '{\"x\": 1}' > \"$NAS_METRICS_FILE\""}}, t);
  ASSERT_TRUE(first.ok()) << first;
  auto again = run({{"command", "true"}}, t); // same folder, writes nothing this time
  EXPECT_EQ(again.status, NAS_ERR_FAILED) << again;
  EXPECT_NE(again.message.find("wrote no metrics file"), std::string::npos) << again;
}

TEST_F(CommandEvaluator, TheMessageKeepsTheEndOfALongStderr) {
  auto r = run({{"command", "i=0; while [ $i -lt 200 ]; do echo \"noise line $i of the "
                            "training log\" >&2; i=$((i+1)); done; echo 'ValueError: the real "
                            "cause' >&2; exit 1"}});
  ASSERT_EQ(r.status, NAS_ERR_FAILED) << r;
  EXPECT_LT(r.message.size(), 1024u);
  EXPECT_NE(r.message.find("exited with status 1"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("ValueError: the real cause"), std::string::npos) << r.message;
  EXPECT_EQ(r.message.find("noise line 0 "), std::string::npos) << "the start is cut";
  // The whole output stays in the trial's folder.
  std::string log = slurp(dir / "trials/1/command.log");
  EXPECT_NE(log.find("noise line 0 of"), std::string::npos);
  EXPECT_NE(log.find("the real cause"), std::string::npos);
}

// ---- Timeout, stop and cancel -------------------------------------------------------------

bool process_is_gone(const std::string &pid_text) {
  std::string pid = pid_text.substr(0, pid_text.find_first_of(" \n"));
  if (pid.empty())
    return false;
  std::ifstream stat("/proc/" + pid + "/stat");
  std::string content;
  if (!std::getline(stat, content))
    return true;
  size_t paren = content.rfind(')');
  return paren != std::string::npos && content.compare(paren + 2, 1, "Z") == 0; // a zombie
}

TEST_F(CommandEvaluator, TheTimeoutStopsTheCommandAndWhatItStarted) {
  auto start = Clock::now();
  auto r = run({{"command", "sleep 30 & echo $! > background.pid; echo 'training...' >&2; "
                            "sleep 30"},
                {"timeout", 0.5}});
  double seconds = seconds_since(start);
  ASSERT_EQ(r.status, NAS_ERR_FAILED) << r;
  EXPECT_NE(r.message.find("ran past its timeout (0.5 s)"), std::string::npos) << r;
  EXPECT_NE(r.message.find("training..."), std::string::npos) << r;
  EXPECT_LT(seconds, 5.0);
  EXPECT_GE(seconds, 0.5);
  EXPECT_TRUE(process_is_gone(slurp(dir / "background.pid")))
      << "the command's background job outlived it";
}

TEST_F(CommandEvaluator, ACommandThatIgnoresSigtermIsKilledAfterTheGrace) {
  auto start = Clock::now();
  auto r = run({{"command", "trap '' TERM; sleep 30"}, {"timeout", 0.3}, {"term_grace", 0.5}});
  double seconds = seconds_since(start);
  ASSERT_EQ(r.status, NAS_ERR_FAILED) << r;
  EXPECT_NE(r.message.find("ran past its timeout"), std::string::npos) << r;
  EXPECT_GE(seconds, 0.8) << "SIGKILL comes only after the grace";
  EXPECT_LT(seconds, 5.0);
}

TEST_F(CommandEvaluator, StopKeepsWhatWasMeasuredSoFar) {
  stop_on_report = true; // the host asks to stop once the first report arrives
  auto start = Clock::now();
  auto r = run({{"command", "echo '{\"valid_accuracy\": 50.5}' >> \"$NAS_REPORT_FILE\"; "
                            "sleep 30"}});
  ASSERT_TRUE(r.ok()) << r;
  EXPECT_LT(seconds_since(start), 5.0);
  EXPECT_EQ(r.metrics, Json({{"valid_accuracy", 50.5}})) << "the last report";

  // A script that catches SIGTERM and saves its metrics: those win.
  dir.write("graceful.py", R"(import json, os, signal, sys, time
def save(*_):
    with open(os.environ["NAS_METRICS_FILE"], "w") as f:
        json.dump({"valid_accuracy": 60.0, "stopped_early": 1}, f)
    sys.exit(0)
signal.signal(signal.SIGTERM, save)
with open(os.environ["NAS_REPORT_FILE"], "a") as f:
    f.write('{"valid_accuracy": 55}\n')
time.sleep(30)
)");
  h.run().stop_trial = false;
  start = Clock::now();
  auto graceful = run({{"command", {"/usr/bin/python3", "graceful.py"}}}, trial(2));
  ASSERT_TRUE(graceful.ok()) << graceful;
  EXPECT_LT(seconds_since(start), 5.0);
  EXPECT_EQ(graceful.metrics, Json({{"valid_accuracy", 60.0}, {"stopped_early", 1}}));
}

TEST_F(CommandEvaluator, CancelStopsTheCommand) {
  cancel_on_report = true;
  auto start = Clock::now();
  auto r = run({{"command", "echo '{\"a\": 1}' >> \"$NAS_REPORT_FILE\"; sleep 30"}});
  EXPECT_EQ(r.status, NAS_ERR_CANCELLED) << r;
  EXPECT_LT(seconds_since(start), 5.0);
}

// ---- Config ------------------------------------------------------------------------------

TEST_F(CommandEvaluator, BadConfigNamesTheKey) {
  std::vector<std::pair<Json, std::string>> cases = {
      {Json::object(), "command"},
      {{{"command", 5}}, "command"},
      {{{"command", Json::array()}}, "command"},
      {{{"command", "   "}}, "command"},
      {{{"command", {"python3", 2}}}, "command[1]"},
      {{{"command", "true"}, {"workdir", "no/such/folder"}}, "workdir"},
      {{{"command", "true"}, {"env", {{"A", {{"b", 1}}}}}}, "env.A"},
      {{{"command", "true"}, {"env", {{"NAS_TRIAL_FILE", "x"}}}}, "env.NAS_TRIAL_FILE"},
      {{{"command", "true"}, {"timeout", -1}}, "timeout"},
      {{{"command", "true"}, {"metrics_file", "../escape.json"}}, "metrics_file"},
      {{{"command", "true"}, {"metrics_file", "/tmp/m.json"}}, "metrics_file"},
      {{{"command", "true"}, {"report_file", "metrics.json"}}, "report_file"},
  };
  for (const auto &[config, key] : cases) {
    auto e = h.create_error("nas.evaluator.command", config);
    ASSERT_TRUE(e.has_value()) << config.dump();
    EXPECT_EQ(e->code(), NAS_ERR_CONFIG) << config.dump();
    EXPECT_EQ(e->key(), key) << config.dump() << ": " << e->what();
  }
}

TEST_F(CommandEvaluator, WithoutAnArtifactFolderItUsesAScratchOne) {
  TrialInput t = trial(1);
  t.artifact_dir.clear();
  auto r = run({{"command", "dirname \"$NAS_TRIAL_FILE\" > scratch.txt; echo '{\"x\": 3}' > "
                            "\"$NAS_METRICS_FILE\""}},
               t);
  ASSERT_TRUE(r.ok()) << r;
  EXPECT_EQ(r.metrics["x"], 3);
  std::string scratch = slurp(dir / "scratch.txt");
  scratch = scratch.substr(0, scratch.find('\n'));
  EXPECT_NE(scratch.find("nas-command-"), std::string::npos) << scratch;
  EXPECT_FALSE(fs::exists(scratch)) << "removed afterwards";
}

} // namespace
