// The ABI contract, tested with the C99 test plugins of tests/plugins/test_plugins/abi: the
// same source built as ABI 1.0, 2.0, 1.7 needing host 1.5, 1.3 needing host 1.0, and as an
// "older" plugin whose descriptor and strategy vtable are shorter than this header's.
// The host speaks ABI 1.0: it refuses another major and a plugin needing a newer minor, each
// with a message naming the file and both versions, and honours struct_size.
#include "../support/run_nas.hpp"
#include "instance.hpp"
#include "plugin_library.hpp"
#include "registry.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace fs = std::filesystem;
using nas::core::Instance;
using nas::core::PluginLibrary;
using nas::core::Registry;
using nas::test::run_nas;
using nas::test::TempDir;

namespace {

const std::string kAbiDir = NAS_TEST_PLUGIN_DIR "/abi";
const std::string kRefusedDir = NAS_TEST_PLUGIN_DIR "/abi_refused";

// The canonical path of a built test plugin: what the registry names in its messages.
std::string plugin_file(const std::string &dir, const std::string &file) {
  return fs::canonical(fs::path(dir) / file).string();
}

// What PluginLibrary::load throws for `path` ("" when it loads).
std::string load_error(const std::string &path) {
  try {
    PluginLibrary::load(path);
  } catch (const std::runtime_error &e) {
    return e.what();
  }
  return "";
}

std::vector<nlohmann::json> read_trials(const std::string &run_dir) {
  std::ifstream in(run_dir + "/trials.jsonl");
  std::vector<nlohmann::json> out;
  for (std::string line; std::getline(in, line);)
    if (!line.empty())
      out.push_back(nlohmann::json::parse(line));
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

// A one-stage pipeline on NB201 with the tabular evaluator and `strategy` (a TOML inline
// table), loading plugins from `plugin_dir`.
std::string pipeline(const std::string &strategy, const std::string &plugin_dir,
                     const std::string &output) {
  return fill(R"([experiment]
name = "abi"
seed = 3
output = "@OUTPUT@"

[objective]
metric = "valid_accuracy"
direction = "maximize"

[space]
plugin = "nas.space.nb201"

[[stage]]
name = "search"
budget = { evaluations = 50 }
strategy = @STRATEGY@

[stage.evaluator]
plugin = "nas.evaluator.tabular"
table = "@DATA@/nb201/cifar10_avg.csv.gz"
key = "arch_str"
metrics = { valid_accuracy = "valid-accuracy" }

[plugins]
paths = ["@PLUGINS@"]
)",
              {{"OUTPUT", output},
               {"STRATEGY", strategy},
               {"DATA", nas::test::data_dir()},
               {"PLUGINS", plugin_dir}});
}

// The first `count` NB201 choice vectors in mixed-radix order (6 decisions of 5 options,
// the last varying fastest).
std::vector<std::vector<int>> nb201_sequence(int count) {
  std::vector<std::vector<int>> out;
  for (int i = 0; i < count; ++i) {
    std::vector<int> c(6);
    for (int d = 5, rest = i; d >= 0; --d, rest /= 5)
      c[d] = rest % 5;
    out.push_back(c);
  }
  return out;
}

// ---- Loading and version negotiation ------------------------------------------------------

TEST(AbiVersions, PluginBuiltForThisAbiLoads) {
  std::string file = plugin_file(kAbiDir, "test_c_sequential.so");
  const PluginLibrary &lib = PluginLibrary::load(file);
  EXPECT_EQ(lib.abi().major, 1);
  EXPECT_EQ(lib.abi().minor, 0);
  ASSERT_EQ(lib.descriptors().size(), 1u);
  const auto &d = lib.descriptors()[0];
  EXPECT_EQ(d.name, "test.c.sequential");
  EXPECT_EQ(d.kind, "strategy");
  EXPECT_EQ(d.file, file);
  EXPECT_NE(d.config.find("\"count\""), std::string::npos) << d.config;
  EXPECT_NE(d.roles.find("\"space\""), std::string::npos) << d.roles;
  EXPECT_EQ(d.metrics, "{}");
}

TEST(AbiVersions, AnotherMajorIsRefusedNamingTheFileAndBothVersions) {
  std::string file = plugin_file(kRefusedDir, "test_c_abi_major2.so");
  std::string error = load_error(file);
  ASSERT_FALSE(error.empty()) << file << " (ABI 2.0) was loaded by a 1.0 host";
  EXPECT_NE(error.find(file), std::string::npos) << error;
  EXPECT_NE(error.find("2.0"), std::string::npos) << error;
  EXPECT_NE(error.find("1.0"), std::string::npos) << error;
}

TEST(AbiVersions, PluginNeedingANewerHostMinorIsRefusedNamingTheFileAndBothVersions) {
  std::string file = plugin_file(kRefusedDir, "test_c_needs_host_1_5.so");
  std::string error = load_error(file);
  ASSERT_FALSE(error.empty()) << file << " (ABI 1.7, min host 1.5) was loaded by a 1.0 host";
  EXPECT_NE(error.find(file), std::string::npos) << error;
  EXPECT_NE(error.find("1.5"), std::string::npos) << error;
  EXPECT_NE(error.find("1.0"), std::string::npos) << error;
}

TEST(AbiVersions, NewerSdkThatUsesNothingNewLoads) {
  std::string file = plugin_file(kAbiDir, "test_c_newer_sdk.so");
  std::string error = load_error(file);
  ASSERT_EQ(error, "") << "a 1.3 plugin with min_host_minor 0 must load on a 1.0 host";
  const PluginLibrary &lib = PluginLibrary::load(file);
  EXPECT_EQ(lib.abi().major, 1);
  EXPECT_EQ(lib.abi().minor, 3);
  ASSERT_EQ(lib.descriptors().size(), 1u);
  EXPECT_EQ(lib.descriptors()[0].name, "test.c.newer_sdk");
}

TEST(AbiVersions, RegistryKeepsRefusalsAsProblemsAndLoadsNothingOfThem) {
  Registry r;
  r.add_folder(kRefusedDir);
  ASSERT_EQ(r.problems().size(), 2u);
  // Files are visited in sorted order: the 2.0 plugin, then the one needing 1.5.
  EXPECT_NE(r.problems()[0].find(plugin_file(kRefusedDir, "test_c_abi_major2.so")),
            std::string::npos)
      << r.problems()[0];
  EXPECT_NE(r.problems()[0].find("2.0"), std::string::npos) << r.problems()[0];
  EXPECT_NE(r.problems()[1].find(plugin_file(kRefusedDir, "test_c_needs_host_1_5.so")),
            std::string::npos)
      << r.problems()[1];
  EXPECT_NE(r.problems()[1].find("1.5"), std::string::npos) << r.problems()[1];
  EXPECT_FALSE(r.contains("test.c.abi_major2"));
  EXPECT_FALSE(r.contains("test.c.needs_host_1_5"));
  EXPECT_TRUE(r.all().empty());
}

// ---- Older, shorter structs --------------------------------------------------------------

TEST(AbiShortStructs, ShorterDescriptorReadsMissingFieldsAsEmpty) {
  std::string file = plugin_file(kAbiDir, "test_c_short_structs.so");
  const PluginLibrary &lib = PluginLibrary::load(file);
  ASSERT_EQ(lib.descriptors().size(), 1u);
  const auto &d = lib.descriptors()[0];
  EXPECT_EQ(d.raw->struct_size, offsetof(nas_descriptor_t, metrics));
  EXPECT_EQ(d.name, "test.c.short_structs");
  EXPECT_NE(d.config.find("\"count\""), std::string::npos) << d.config;
  EXPECT_NE(d.roles.find("\"space\""), std::string::npos) << d.roles;
  // The field past struct_size holds poison (not JSON): the host must not have read it.
  EXPECT_EQ(d.metrics, "{}");
}

// Drives C strategies through the host's own Instance (create, bind, ask, tell): the same
// path the stage loop takes, without a run.
class CStrategyThroughHost : public ::testing::Test {
protected:
  void SetUp() override {
    registry_.add_folder(NAS_BUILD_PLUGIN_DIR);
    registry_.add_folder(kAbiDir);
    ASSERT_TRUE(registry_.contains("nas.space.nb201")) << "build the nb201 space plugin";
    run_ = std::make_shared<nas::core::RunContext>();
    run_->seed = 1;
    space_ =
        Instance::create(registry_, "nas.space.nb201", nas::core::Json::object(), run_, "space");
  }

  std::unique_ptr<Instance> strategy(const std::string &name, const nas::core::Json &config) {
    auto s = Instance::create(registry_, name, config, run_, "stage.0.strategy");
    s->bind("space", *space_);
    return s;
  }

  // Asks until DONE (at most `limit` times); returns the proposals.
  std::vector<std::vector<int>> ask_all(Instance &s, int limit) {
    const auto *vt = s.interface<nas_strategy_v1_t>(NAS_STRATEGY_V1);
    EXPECT_NE(vt, nullptr);
    std::vector<std::vector<int>> out;
    for (int i = 0; vt && i < limit; ++i) {
      std::vector<int32_t> choices(6, 0);
      nas_ask_t ask{};
      ask.struct_size = sizeof ask;
      ask.trial_id = i + 1;
      ask.n = 6;
      ask.choices = choices.data();
      ask.fidelity = 1.0;
      ask.resume_from = -1;
      nas_error_t error = nas::core::make_error();
      nas_status_t status = vt->ask(s.raw(), &ask, &error);
      if (status == NAS_DONE)
        break;
      EXPECT_EQ(status, NAS_OK) << error.message;
      EXPECT_EQ(std::string(ask.tag), "seq=" + std::to_string(i));
      out.emplace_back(choices.begin(), choices.end());
      nas_tell_t tell{};
      tell.struct_size = sizeof tell;
      tell.trial_id = ask.trial_id;
      tell.arch = nas_arch_t{sizeof(nas_arch_t), 6, choices.data()};
      tell.fidelity = 1.0;
      tell.status = NAS_TRIAL_OK;
      tell.objective = 90.0;
      tell.metrics_json = "{}";
      EXPECT_EQ(vt->tell(s.raw(), &tell, &error), NAS_OK) << error.message;
    }
    return out;
  }

  Registry registry_;
  std::shared_ptr<nas::core::RunContext> run_;
  std::unique_ptr<Instance> space_;
};

TEST_F(CStrategyThroughHost, ProposesInMixedRadixOrderAndReadsCountThroughGetInt) {
  auto s = strategy("test.c.sequential", {{"count", 7}});
  EXPECT_EQ(ask_all(*s, 100), nb201_sequence(7));
}

TEST_F(CStrategyThroughHost, CountDefaultsTo10WhenAbsent) {
  auto s = strategy("test.c.sequential", nas::core::Json::object());
  EXPECT_EQ(ask_all(*s, 100).size(), 10u);
}

TEST_F(CStrategyThroughHost, RejectedConfigNamesTheKey) {
  for (const auto &config : {nas::core::Json{{"count", 0}}, nas::core::Json{{"count", "many"}}}) {
    try {
      Instance::create(registry_, "test.c.sequential", config, run_, "stage.0.strategy");
      ADD_FAILURE() << "count = " << config["count"].dump() << " was accepted";
    } catch (const nas::core::PluginError &e) {
      EXPECT_EQ(e.key(), "count") << e.what();
      EXPECT_EQ(e.code(), NAS_ERR_CONFIG) << e.what();
    }
  }
}

TEST_F(CStrategyThroughHost, ShorterStrategyVtableWorksWithoutSaveAndLoad) {
  auto s = strategy("test.c.short_structs", {{"count", 4}});
  const auto *vt = s->interface<nas_strategy_v1_t>(NAS_STRATEGY_V1);
  ASSERT_NE(vt, nullptr) << "the host refused a vtable that ends before save";
  EXPECT_EQ(vt->struct_size, offsetof(nas_strategy_v1_t, save));
  EXPECT_FALSE(NAS_HAS_FIELD(vt, nas_strategy_v1_t, save));
  EXPECT_EQ(ask_all(*s, 100), nb201_sequence(4));
}

// ---- End to end: the built `nas` with C plugins ------------------------------------------

TEST(AbiEndToEnd, CStrategyRunsInAPipeline) {
  TempDir dir;
  std::string out = dir / "run";
  std::string file = dir.write(
      "pipeline.toml", pipeline("{ plugin = \"test.c.sequential\", count = 7 }", kAbiDir, out));
  auto r = run_nas("run " + file);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find(kAbiDir), std::string::npos) << "warnings about the abi folder:\n" << r.err;
  auto trials = read_trials(out);
  ASSERT_EQ(trials.size(), 7u) << "count = 7, read through nas_config_t->get_int";
  std::vector<std::vector<int>> choices;
  for (size_t i = 0; i < trials.size(); ++i) {
    choices.push_back(trials[i]["choices"].get<std::vector<int>>());
    EXPECT_EQ(trials[i]["status"], "ok") << trials[i].dump();
    EXPECT_EQ(trials[i].value("tag", ""), "seq=" + std::to_string(i));
    EXPECT_TRUE(trials[i]["metrics"]["valid_accuracy"].is_number()) << trials[i].dump();
  }
  EXPECT_EQ(choices, nb201_sequence(7));
  auto summary = read_json(out + "/summary.json");
  EXPECT_NE(summary["stages"][0]["end_reason"].get<std::string>().find("nothing more"),
            std::string::npos)
      << summary.dump(2);
}

TEST(AbiEndToEnd, NewerSdkPluginRunsInAPipeline) {
  TempDir dir;
  std::string out = dir / "run";
  std::string file = dir.write(
      "pipeline.toml", pipeline("{ plugin = \"test.c.newer_sdk\", count = 3 }", kAbiDir, out));
  auto r = run_nas("run " + file);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_trials(out).size(), 3u);
}

TEST(AbiEndToEnd, ShortStructsPluginRunsToTheEnd) {
  TempDir dir;
  std::string out = dir / "run";
  std::string file = dir.write(
      "pipeline.toml", pipeline("{ plugin = \"test.c.short_structs\", count = 5 }", kAbiDir, out));
  auto r = run_nas("run " + file);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.err.find("POISON"), std::string::npos) << r.err;
  auto trials = read_trials(out);
  ASSERT_EQ(trials.size(), 5u);
  for (size_t i = 0; i < trials.size(); ++i)
    EXPECT_EQ(trials[i]["choices"].get<std::vector<int>>(), nb201_sequence(5)[i]);
  auto summary = read_json(out + "/summary.json");
  EXPECT_EQ(summary["stages"][0]["evaluated"], 5) << summary.dump(2);
}

TEST(AbiEndToEnd, DescribeShowsTheShortStructsPlugin) {
  auto r = run_nas("describe test.c.short_structs --plugin-path " + kAbiDir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("test.c.short_structs"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("count"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("space"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("POISON"), std::string::npos) << r.out;

  auto j = run_nas("describe test.c.short_structs --json --plugin-path " + kAbiDir);
  ASSERT_EQ(j.exit_code, 0) << j.err;
  auto d = nlohmann::json::parse(j.out);
  EXPECT_EQ(d["name"], "test.c.short_structs");
  EXPECT_EQ(d["metrics"], nlohmann::json::object());
  EXPECT_EQ(d["config"]["count"]["default"], 10);
  EXPECT_EQ(d["roles"]["space"]["kind"], "space");
}

TEST(AbiEndToEnd, RejectedConfigOfACPluginPointsAtTheKeysLine) {
  TempDir dir;
  std::string out = dir / "run";
  std::string text = pipeline("{ plugin = \"test.c.sequential\", count = 0 }", kAbiDir, out);
  std::string file = dir.write("pipeline.toml", text);
  int line = 1;
  for (size_t i = 0; i < text.find("count = 0"); ++i)
    line += text[i] == '\n';
  auto r = run_nas("run " + file);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("pipeline.toml:" + std::to_string(line) + ":"), std::string::npos)
      << "expected the line of 'count' (" << line << "):\n"
      << r.err;
  EXPECT_NE(r.err.find("at least 1"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out)) << "nothing should run when a plugin refuses its config";
}

} // namespace
