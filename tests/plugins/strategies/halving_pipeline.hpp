// Test support for end-to-end runs of successive halving and Hyperband: a pipeline on
// nas.space.nb201 with test.evaluator.fidelity (objective `score`), run by the built `nas`
// with the test plugin's folder on --plugin-path, and the run's trials read back.
#pragma once

#include "run_nas.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

namespace nas::test::halving {

// `strategy`: a TOML inline table; `budget`: the inside of the stage's budget table.
inline std::string fidelity_pipeline(const std::string &strategy, const std::string &budget,
                                     int workers, const std::string &output) {
  return "[experiment]\nname = \"halving\"\nseed = 3\noutput = \"" + output +
         "\"\n\n[objective]\nmetric = \"score\"\ndirection = \"maximize\"\n\n"
         "[space]\nplugin = \"nas.space.nb201\"\n\n"
         "[execution]\nengine = \"inline\"\nworkers = " +
         std::to_string(workers) + "\n\n[[stage]]\nname = \"search\"\nbudget = { " + budget +
         " }\nstrategy = " + strategy + "\nevaluator = { plugin = \"test.evaluator.fidelity\" }\n";
}

// `nas run` on `pipeline` with the fidelity evaluator's folder (killed after 60 s).
inline NasResult run_fidelity_pipeline(const std::string &pipeline) {
  return run_nas("run " + pipeline + " --plugin-path " NAS_TEST_PLUGIN_DIR "/fidelity",
                 "timeout 60");
}

// The run's trials.jsonl, by id.
inline std::vector<nlohmann::json> read_trials(const std::string &run_dir) {
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

inline nlohmann::json read_json(const std::string &path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

// Every trial tagged above rung 0 resumed the checkpoint of the same architecture's trial
// one rung lower (eta times less fidelity), given as that trial's artifact folder; trials
// at rung 0 resumed nothing. Returns the number of resumed trials.
inline int expect_resumed_from_lower_rung(const std::vector<nlohmann::json> &trials, double eta) {
  int resumed = 0;
  for (const auto &t : trials) {
    SCOPED_TRACE(t.dump());
    if (t["status"] != "ok")
      continue;
    const auto &m = t["metrics"];
    const bool bottom = t.value("tag", "").find("rung 0") != std::string::npos;
    if (bottom) {
      EXPECT_EQ(m["resumed_from"], "");
      continue;
    }
    ++resumed;
    EXPECT_TRUE(m.contains("resumed_trial")) << "no checkpoint at " << m["resumed_from"];
    if (!m.contains("resumed_trial"))
      continue;
    const int64_t lower_id = m["resumed_trial"].get<int64_t>();
    const std::string folder = m["resumed_from"].get<std::string>();
    const std::string suffix = "/trials/" + std::to_string(lower_id);
    EXPECT_EQ(folder.substr(folder.size() - std::min(folder.size(), suffix.size())), suffix);
    EXPECT_EQ(m["resumed_canonical"], t["canonical"]);
    auto lower = std::find_if(trials.begin(), trials.end(),
                              [&](const nlohmann::json &x) { return x["id"] == lower_id; });
    EXPECT_NE(lower, trials.end());
    if (lower == trials.end())
      continue;
    EXPECT_EQ((*lower)["canonical"], t["canonical"]);
    EXPECT_NEAR((*lower)["fidelity"].get<double>() * eta, t["fidelity"].get<double>(), 1e-9);
    EXPECT_LT(lower_id, t["id"].get<int64_t>());
  }
  return resumed;
}

// A fidelity-weighted budget of `budget` evaluations was respected: the host stopped asking
// once the fidelities of the evaluated trials summed to the budget, so their sum reaches it
// and the sum without the last evaluated trial stays below it. Returns the sum.
inline double expect_weighted_budget(const std::vector<nlohmann::json> &trials, double budget) {
  double sum = 0, last = 0;
  for (const auto &t : trials)
    if (t["status"] != "cached") {
      last = t["fidelity"].get<double>();
      sum += last;
    }
  EXPECT_GE(sum, budget - 1e-9);
  EXPECT_LT(sum - last, budget - 1e-9);
  return sum;
}

} // namespace nas::test::halving
