// The host's search loop with strategies that wait (NAS_WAIT) and with real seeds:
// several pending trials without a busy loop, a strategy that only waits ends its stage
// promptly, and the experiment seed alone decides the trials.
#include "../support/run_nas.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <utility>
#include <vector>

namespace fs = std::filesystem;
using nas::test::run_nas;
using nas::test::TempDir;

namespace {

const std::string kWaitDir = NAS_TEST_PLUGIN_DIR "/wait";
// A hung host is killed well before ctest's 60 s timeout, and the test says so.
const std::string kEnv = "NAS_PLUGIN_PATH=" + kWaitDir + " timeout 30";

std::vector<nlohmann::json> read_trials(const std::string &run_dir) {
  std::ifstream in(run_dir + "/trials.jsonl");
  std::vector<nlohmann::json> out;
  for (std::string line; std::getline(in, line);)
    if (!line.empty())
      out.push_back(nlohmann::json::parse(line));
  std::sort(out.begin(), out.end(), [](const nlohmann::json &a, const nlohmann::json &b) {
    return a["id"].get<int64_t>() < b["id"].get<int64_t>();
  });
  return out;
}

nlohmann::json read_json(const std::string &path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

// `text` with every @NAME@ replaced by its value.
std::string fill(std::string text, const std::vector<std::pair<std::string, std::string>> &values) {
  for (const auto &[name, value] : values) {
    const std::string key = "@" + name + "@";
    for (size_t at = 0; (at = text.find(key, at)) != std::string::npos; at += value.size())
      text.replace(at, key.size(), value);
  }
  return text;
}

std::string pipeline(const std::string &strategy, int evaluations, int workers,
                     const std::string &output) {
  return fill(R"([experiment]
name = "loop"
seed = 5
output = "@OUTPUT@"

[objective]
metric = "valid_accuracy"
direction = "maximize"

[space]
plugin = "nas.space.nb201"

[execution]
engine = "inline"
workers = @WORKERS@

[[stage]]
name = "search"
budget = { evaluations = @EVALUATIONS@ }
strategy = @STRATEGY@

[stage.evaluator]
plugin = "nas.evaluator.tabular"
table = "@DATA@/nb201/cifar10_avg.csv.gz"
key = "arch_str"
metrics = { valid_accuracy = "valid-accuracy" }
)",
              {{"OUTPUT", output},
               {"WORKERS", std::to_string(workers)},
               {"EVALUATIONS", std::to_string(evaluations)},
               {"STRATEGY", strategy},
               {"DATA", nas::test::data_dir()}});
}

// The counters test.strategy.batch_wait writes into each proposal's tag.
struct BatchTag {
  long ask = 0, wait = 0, batch = 0, pending = 0;
};

BatchTag parse_tag(const std::string &tag) {
  static const std::regex form(R"(ask=(\d+) wait=(\d+) batch=(\d+) pending=(\d+))");
  std::smatch m;
  EXPECT_TRUE(std::regex_match(tag, m, form)) << "tag: '" << tag << "'";
  if (m.empty())
    return {};
  return {std::stol(m[1]), std::stol(m[2]), std::stol(m[3]), std::stol(m[4])};
}

// ---- NAS_WAIT ----------------------------------------------------------------------------

// batch_wait with 4 inline workers: each batch of 3 is pending at once, the strategy waits
// until all 3 are told, and the host asks again once per told trial, not in a loop.
//
// The bound on asks: in a batch of b, b asks propose; then the host asks once more while it
// still has room (WAIT), and once after each of the first b-1 tells (WAIT); the ask after
// the b-th tell starts the next batch. So a batch costs between b+1 asks (at least one WAIT,
// or the trials were never pending together) and 2b asks (one WAIT per told trial). A host
// that re-asked without anything told in between would exceed it. (b+1 per batch, the
// bound first asked for, cannot hold for a host that asks once after each tell, which is
// the protocol: any tell may end the wait.)
TEST(StrategyLoop, BatchWaitWithFourWorkersNeverBusyLoops) {
  const int batch = 3, budget = 30;
  TempDir dir;
  std::string out = dir / "run";
  std::string file = dir.write(
      "pipeline.toml",
      pipeline("{ plugin = \"test.strategy.batch_wait\", batch = " + std::to_string(batch) + " }",
               budget, 4, out));
  auto start = std::chrono::steady_clock::now();
  auto r = run_nas("run " + file, kEnv);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_NE(r.exit_code, 124) << "the run hung (killed after 30 s):\n" << r.err;
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_LT(seconds, 20.0);

  auto summary = read_json(out + "/summary.json");
  EXPECT_EQ(summary["stages"][0]["evaluated"], budget) << summary.dump(2);
  auto trials = read_trials(out);
  int evaluated = 0;
  for (const auto &t : trials)
    evaluated += t["status"] == "ok";
  EXPECT_EQ(evaluated, budget);

  std::map<long, std::vector<BatchTag>> batches;
  long max_pending = 0, last_ask = 0;
  for (const auto &t : trials) {
    BatchTag tag = parse_tag(t.value("tag", ""));
    batches[tag.batch].push_back(tag);
    max_pending = std::max(max_pending, tag.pending);
    EXPECT_GT(tag.ask, last_ask) << "asks are counted in trial order";
    last_ask = tag.ask;
  }
  ASSERT_GE(batches.size(), static_cast<size_t>(budget / batch));
  // Several asks were pending at once: the third of a batch came with two untold.
  EXPECT_EQ(max_pending, batch - 1);
  for (auto it = batches.begin(); std::next(it) != batches.end(); ++it) {
    const auto &cur = it->second, &next = std::next(it)->second;
    EXPECT_EQ(static_cast<int>(cur.size()), batch) << "batch " << it->first;
    long asks = next.front().ask - cur.front().ask;
    EXPECT_GE(asks, batch + 1) << "batch " << it->first << " never waited";
    EXPECT_LE(asks, 2 * batch) << "batch " << it->first << " took " << asks << " asks";
    EXPECT_LE(next.front().wait - cur.front().wait, batch) << "batch " << it->first;
  }
  EXPECT_LE(last_ask, 2L * budget + 1) << "asks in all: " << last_ask;
}

TEST(StrategyLoop, StrategyThatAlwaysWaitsEndsTheStagePromptly) {
  for (int workers : {1, 4}) {
    SCOPED_TRACE("workers = " + std::to_string(workers));
    TempDir dir;
    std::string out = dir / "run";
    std::string file = dir.write(
        "pipeline.toml", pipeline("{ plugin = \"test.strategy.always_wait\" }", 30, workers, out));
    auto start = std::chrono::steady_clock::now();
    auto r = run_nas("run " + file, kEnv);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ASSERT_NE(r.exit_code, 124) << "the run hung (killed after 30 s):\n" << r.err;
    EXPECT_LT(seconds, 5.0);
    // A strategy that would wait forever fails the run (exit 1), with what it did stored.
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE((r.out + r.err).find("waits with no trial pending"), std::string::npos)
        << r.out << r.err;

    auto summary = read_json(out + "/summary.json");
    EXPECT_EQ(summary["stages"][0]["evaluated"], 0) << summary.dump(2);
    EXPECT_NE(summary["stages"][0]["end_reason"].get<std::string>().find("waits"),
              std::string::npos)
        << summary.dump(2);
    EXPECT_TRUE(read_trials(out).empty());

    // The strategy logs how often it was asked: once, not in a loop.
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.err, m, std::regex(R"(always_wait was asked (\d+) times)")))
        << r.err;
    EXPECT_LE(std::stol(m[1]), 2) << r.err;
  }
}

// ---- Seeds -------------------------------------------------------------------------------

std::vector<std::vector<int>> choices_of(const std::string &run_dir) {
  std::vector<std::vector<int>> out;
  for (const auto &t : read_trials(run_dir))
    out.push_back(t["choices"].get<std::vector<int>>());
  return out;
}

TEST(Seeds, SameSeedSameTrialsDifferentSeedDifferentTrials) {
  const std::string config = std::string(NAS_SOURCE_DIR) + "/configs/nb201-random.toml";
  TempDir dir;
  std::string a = dir / "seed1-a", b = dir / "seed1-b", c = dir / "seed2";
  for (const auto &[seed, output] :
       std::vector<std::pair<int, std::string>>{{1, a}, {1, b}, {2, c}}) {
    auto r = run_nas("run " + config + " --seed " + std::to_string(seed) + " --output " + output,
                     "timeout 60");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  auto ca = choices_of(a), cb = choices_of(b), cc = choices_of(c);
  ASSERT_EQ(ca.size(), 150u) << "configs/nb201-random.toml has a budget of 150 evaluations";
  EXPECT_EQ(ca, cb) << "two runs with seed 1 proposed different architectures";
  ASSERT_EQ(cc.size(), ca.size());
  EXPECT_NE(ca, cc) << "seeds 1 and 2 proposed the same architectures";
  size_t same = 0;
  for (size_t i = 0; i < ca.size(); ++i)
    same += ca[i] == cc[i];
  EXPECT_LT(same, ca.size() / 10) << "seeds 1 and 2 agree on " << same << " of " << ca.size();
  EXPECT_EQ(read_json(a + "/summary.json")["seed"], 1);
  EXPECT_EQ(read_json(c + "/summary.json")["seed"], 2);
}

} // namespace
