// `nas run` with nas.evaluator.command and a stand-in training script (python3, no torch)
// that misbehaves on some trials: each bad trial costs that one trial, with a message,
// and the run goes on; the good ones' metrics and reports land in the run's store. Both
// engines: inline (the host runs the command) and local (worker processes do).
#include "run_nas.hpp"
#include "store_reader.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <sstream>
#include <string>

namespace {

using nas::test::run_nas;
using nas::test::StoreReader;
using nas::test::TempDir;
using nlohmann::json;

// By trial id: 2 exits 3, 3 kills itself with SIGSEGV, 4 writes garbage, 5 writes no
// metrics, 6 sleeps past the timeout; every other trial reports two epochs and scores the
// sum of its choices.
const char *kScript = R"(import json, os, signal, sys, time
with open(os.environ["NAS_TRIAL_FILE"]) as f:
    trial = json.load(f)
tid = trial["id"]
assert trial["ir"]["format"] == "nas-ir/1"
if tid == 2:
    print("CUDA error: out of patience", file=sys.stderr)
    sys.exit(3)
if tid == 3:
    print("segfaulting now", file=sys.stderr, flush=True)
    os.kill(os.getpid(), signal.SIGSEGV)
if tid == 4:
    open(os.environ["NAS_METRICS_FILE"], "w").write("accuracy: 93%\n")
    sys.exit(0)
if tid == 5:
    sys.exit(0)
if tid == 6:
    time.sleep(30)
score = sum(trial["choices"])
with open(os.environ["NAS_REPORT_FILE"], "a") as f:
    for epoch in range(2):
        f.write(json.dumps({"epoch": epoch, "score": score * (epoch + 1) / 2}) + "\n")
with open(os.environ["NAS_METRICS_FILE"], "w") as f:
    json.dump({"score": score, "fidelity": trial["fidelity"]}, f)
)";

std::string pipeline(const std::string &output, const std::string &execution) {
  return "[experiment]\nname = \"command\"\nseed = 4\noutput = \"" + output +
         "\"\n\n[objective]\nmetric = \"score\"\n\n[space]\nplugin = \"nas.space.nb201\"\n"
         "channels = 4\ncells_per_stage = 1\n\n[[stage]]\nname = \"search\"\n"
         "budget = { evaluations = 10 }\nstrategy = { plugin = \"nas.strategy.random\" }\n"
         "evaluator = { plugin = \"nas.evaluator.command\", command = [\"/usr/bin/python3\", "
         "\"train.py\"], timeout = 1.5 }\n\n[execution]\n" +
         execution;
}


void run_and_check(const std::string &execution) {
  TempDir dir;
  dir.write("train.py", kScript);
  std::string out = dir / "run";
  auto r = run_nas("run " + dir.write("p.toml", pipeline(out, execution)), "timeout 100");
  ASSERT_EQ(r.exit_code, 0) << r.err;

  std::map<int64_t, std::pair<std::string, std::string>> bad = {
      {2, {"exited with status 3", "CUDA error: out of patience"}},
      {3, {"was killed by SIGSEGV", "segfaulting now"}},
      {4, {"is not JSON", "accuracy: 93%"}},
      {5, {"wrote no metrics file", ""}},
      {6, {"ran past its timeout (1.5 s)", ""}}};
  auto trials = nas::test::trials_by_id(out);
  ASSERT_EQ(trials.size(), 10u) << "the run went on to its full budget";
  StoreReader store(out);
  int good = 0;
  for (const auto &[id, t] : trials) {
    auto reports = store.rows(
        "SELECT step, metrics FROM reports WHERE trial = " + std::to_string(id) + " ORDER BY step");
    if (auto b = bad.find(id); b != bad.end()) {
      EXPECT_EQ(t["status"], "failed") << t.dump();
      std::string error = t.value("error", "");
      EXPECT_NE(error.find(b->second.first), std::string::npos) << t.dump();
      EXPECT_NE(error.find(b->second.second), std::string::npos) << t.dump();
      EXPECT_TRUE(reports.empty());
      continue;
    }
    if (t["status"] == "cached")
      continue;
    ++good;
    ASSERT_EQ(t["status"], "ok") << t.dump();
    int sum = 0;
    for (int c : t["choices"])
      sum += c;
    EXPECT_EQ(t["metrics"]["score"], sum) << t.dump();
    EXPECT_EQ(t["objective"], sum) << t.dump();
    ASSERT_EQ(reports.size(), 2u) << "trial " << id << ": both epochs reached the store";
    EXPECT_EQ(reports[1][0], "1");
    EXPECT_EQ(json::parse(reports[1][1])["score"], sum);
    // The trial's folder holds what the command got and said.
    EXPECT_TRUE(std::filesystem::exists(out + "/trials/" + std::to_string(id) + "/trial.json"));
  }
  EXPECT_GE(good, 4);
}

TEST(CommandRun, InlineEngine) { run_and_check("engine = \"inline\"\n"); }

TEST(CommandRun, LocalEngineWithTwoWorkers) { run_and_check("engine = \"local\"\nworkers = 2\n"); }

} // namespace

namespace {

// The shipped example pipeline passes the host's checks (keys, types, metric) and names the
// example trainer where it is; running it needs python3-torch, which tests must not.
TEST(CommandRun, TheExampleConfigIsValid) {
  std::string config = std::string(NAS_SOURCE_DIR) + "/configs/command-fmnist.toml";
  auto r = run_nas("validate " + config);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(std::filesystem::exists(std::string(NAS_SOURCE_DIR) +
                                      "/plugins/evaluators/command/example/train.py"));
}

} // namespace
