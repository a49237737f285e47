// The chain, cell and DARTS spaces in pipelines run by the built `nas`: `nas validate` accepts
// them (and points at a bad op in the file), and random search with test.evaluator.fidelity
// runs trials whose canonical strings are the spaces' own.
#include "plugin_harness.hpp"
#include "run_nas.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>
#include <string>

namespace {

using nas::test::run_nas;
using nas::test::TempDir;

// A random-search pipeline over `space` (a TOML inline table) scored by the fidelity
// evaluator: `evaluations` trials.
std::string pipeline(const std::string &space, int evaluations, const std::string &output) {
  // A top-level key, so it comes before the first table.
  return "space = " + space + "\n\n[experiment]\nname = \"spaces\"\nseed = 4\noutput = \"" +
         output +
         "\"\n\n[objective]\nmetric = \"score\"\ndirection = \"maximize\"\n\n"
         "[execution]\nengine = \"inline\"\nworkers = 1\n\n[[stage]]\nname = \"search\"\n"
         "budget = { evaluations = " +
         std::to_string(evaluations) +
         " }\nstrategy = { plugin = \"nas.strategy.random\" }\n"
         "evaluator = { plugin = \"test.evaluator.fidelity\" }\n";
}

std::string with_plugins(const std::string &command, const std::string &file) {
  return command + " " + file + " --plugin-path " NAS_TEST_PLUGIN_DIR "/fidelity";
}

// `nas validate`, `nas run` on random search over `space`, then `nas results`: the trials.
nlohmann::json search(const std::string &space, int evaluations) {
  TempDir dir;
  const std::string file = dir.write("pipeline.toml", pipeline(space, evaluations, dir / "runs"));
  nas::test::NasResult v = run_nas(with_plugins("validate", file), "timeout 60");
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  nas::test::NasResult r = run_nas(with_plugins("run", file), "timeout 60");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  nas::test::NasResult out = run_nas("results " + dir / "runs" + " --format json");
  EXPECT_EQ(out.exit_code, 0) << out.err;
  nlohmann::json results = nlohmann::json::parse(out.out, nullptr, false);
  return results.is_object() ? results["trials"] : nlohmann::json::array();
}

// Every trial's canonical string is what the space (created with `config`) says for its
// choices, and reads back to them.
void expect_space_strings(const nlohmann::json &trials, const std::string &space,
                          const nas::test::Json &config) {
  nas::test::Harness h(0, space, config);
  for (const auto &t : trials) {
    const nas::Choices choices = t["choices"].get<nas::Choices>();
    EXPECT_EQ(h.space().to_string(choices), t["canonical"]);
    EXPECT_EQ(h.space().from_string(t["canonical"]), choices);
  }
}

TEST(SpacesPipeline, RandomSearchOverTheChainSpace) {
  auto trials = search("{ plugin = \"nas.space.chain\", max_depth = 5, min_depth = 1, "
                       "input_channels = 1, input_size = 28, widths = [0.5, 1.0] }",
                       12);
  expect_space_strings(trials, "nas.space.chain",
                       {{"max_depth", 5}, {"min_depth", 1}, {"widths", {0.5, 1.0}}});
  ASSERT_EQ(trials.size(), 12u);
  std::set<std::string> seen;
  for (const auto &t : trials) {
    EXPECT_EQ(t["status"], "ok") << t.dump();
    const std::string canonical = t["canonical"];
    EXPECT_NE(canonical.find('@'), std::string::npos) << canonical; // op@width per layer
    seen.insert(canonical);
  }
  EXPECT_GT(seen.size(), 1u);
}

TEST(SpacesPipeline, RandomSearchOverAFiveNodeCellSpace) {
  auto trials = search("{ plugin = \"nas.space.cell\", nodes = 5, cells_per_stage = 1 }", 12);
  expect_space_strings(trials, "nas.space.cell", {{"nodes", 5}});
  ASSERT_EQ(trials.size(), 12u);
  for (const auto &t : trials) {
    EXPECT_EQ(t["status"], "ok") << t.dump();
    const std::string canonical = t["canonical"];
    // Four computed nodes: three '+' between their groups, ten edges.
    EXPECT_EQ(std::count(canonical.begin(), canonical.end(), '+'), 3) << canonical;
    EXPECT_EQ(std::count(canonical.begin(), canonical.end(), '~'), 10) << canonical;
  }
}

TEST(SpacesPipeline, RandomSearchOverTheDartsSpace) {
  auto trials = search("{ plugin = \"nas.space.darts\", layers = 3, channels = 4, "
                       "input_channels = 1, input_size = 28 }",
                       12);
  expect_space_strings(trials, "nas.space.darts", {{"layers", 3}, {"channels", 4}});
  ASSERT_EQ(trials.size(), 12u);
  nas::test::Harness h(0, "nas.space.darts", {{"layers", 3}});
  for (const auto &t : trials) {
    EXPECT_EQ(t["status"], "ok") << t.dump();
    const std::string canonical = t["canonical"];
    EXPECT_EQ(canonical.rfind("Genotype(normal=[('", 0), 0u) << canonical;
    // The host stores canonical choices: canonicalizing again changes nothing.
    nas::Choices choices = t["choices"].get<nas::Choices>();
    h.space().canonicalize(choices);
    EXPECT_EQ(choices, t["choices"].get<nas::Choices>()) << canonical;
  }
}

TEST(SpacesPipeline, ValidatePointsAtAnUnknownOp) {
  TempDir dir;
  const std::string file =
      dir.write("pipeline.toml",
                pipeline("{ plugin = \"nas.space.chain\", ops = [\"identity\", \"conv_7x7\"] }", 1,
                         dir / "runs"));
  nas::test::NasResult v = run_nas(with_plugins("validate", file), "timeout 60");
  EXPECT_EQ(v.exit_code, 2) << v.out << v.err;
  EXPECT_NE(v.err.find("unknown op 'conv_7x7'"), std::string::npos) << v.err;
  EXPECT_NE(v.err.find("pipeline.toml"), std::string::npos) << v.err;
}

} // namespace
