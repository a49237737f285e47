// Tests for NAS-Bench-Macro: the benchmark's keys, the equivalence key against the
// benchmark's own sharing of results, and the network IR.
#include "nasbench_macro_arch.hpp"
#include "nasbench_macro_network.hpp"

#include <nas/ir.hpp>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using nas::Choices;
using namespace nas::nasbench_macro;
namespace ir = nas::ir;

// The benchmark data folder: $NAS_TEST_DATA_DIR, else the project's data/ folder.
std::string data_dir() {
  const char *dir = std::getenv("NAS_TEST_DATA_DIR");
  return dir && *dir ? dir : NAS_DATA_DIR;
}

// The benchmark's JSON: plain in the data folder, or the project's gzipped copy (read
// through gzip, so no zlib is linked); null if absent.
nlohmann::json read_benchmark() {
  const std::string dir = data_dir();
  if (std::ifstream in(dir + "/nas-bench-macro_cifar10.json"); in)
    return nlohmann::json::parse(in);
  const std::string gz = dir + "/nasbench-macro/nas-bench-macro_cifar10.json.gz";
  if (!std::ifstream(gz).good())
    return nullptr;
  std::unique_ptr<FILE, int (*)(FILE *)> pipe(popen(("gzip -dc '" + gz + "'").c_str(), "r"),
                                              pclose);
  std::string text;
  char buf[1 << 16];
  for (size_t n; pipe && (n = std::fread(buf, 1, sizeof buf, pipe.get())) > 0;)
    text.append(buf, n);
  return nlohmann::json::parse(text);
}

// The JSON of example `name` in sdk/IR.md (found from this file's path), or "" if absent.
std::string ir_md_example(const std::string &name) {
  const std::string self = __FILE__;
  std::ifstream in(self.substr(0, self.rfind("tests/plugins/spaces/")) + "sdk/IR.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string md = text.str(), fence = "```json\n";
  size_t at = md.find("<!-- example: " + name + " -->");
  if (at == std::string::npos || (at = md.find(fence, at)) == std::string::npos)
    return {};
  at += fence.size();
  return md.substr(at, md.find("```", at) - at);
}

// ---- String format -------------------------------------------------------------------------

TEST(NasBenchMacroArch, FormatsTheBenchmarksBestKey) {
  const Choices best = {2, 2, 2, 1, 2, 2, 2, 0};
  EXPECT_EQ(format(best), "22212220");
  EXPECT_EQ(parse("22212220"), best);
}

TEST(NasBenchMacroArch, EveryArchitectureRoundTripsThroughItsKey) {
  std::set<std::string> keys;
  for (int i = 0; i < kNumArchs; ++i) {
    Choices a = arch_at(i);
    ASSERT_EQ(index_of(a), i);
    ASSERT_EQ(parse(format(a)), a);
    keys.insert(format(a));
  }
  EXPECT_EQ(keys.size(), static_cast<size_t>(kNumArchs));
}

TEST(NasBenchMacroArch, MalformedKeysSayWhatWasExpectedWhere) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "has 0 characters"},
      {"2221222", "has 7 characters"},
      {"222122200", "has 9 characters"},
      {"22212223", "has '3' at position 7"},
      {"2221 220", "has ' ' at position 4"},
      {"-2212220", "has '-' at position 0"},
  };
  for (const auto &[text, expected] : cases) {
    try {
      parse(text);
      ADD_FAILURE() << "parsed \"" << text << "\"";
    } catch (const nas::InvalidArch &e) {
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos)
          << "\"" << text << "\": " << e.what();
    }
  }
  EXPECT_THROW(format({0, 1, 2}), nas::InvalidArch);
  EXPECT_THROW(format({0, 1, 2, 0, 1, 2, 0, 3}), nas::InvalidArch);
}

TEST(NasBenchMacroArch, EveryKeyOfTheBenchmarkParses) {
  const nlohmann::json bench = read_benchmark();
  if (bench.is_null()) {
    if (std::getenv("NAS_TEST_DATA_DIR"))
      FAIL() << "no nas-bench-macro_cifar10.json under NAS_TEST_DATA_DIR=" << data_dir();
    GTEST_SKIP() << "no nas-bench-macro_cifar10.json under " << data_dir();
  }
  std::set<Choices> archs;
  for (auto it = bench.begin(); it != bench.end(); ++it) {
    Choices a = parse(it.key());
    EXPECT_EQ(format(a), it.key());
    archs.insert(a);
  }
  EXPECT_EQ(archs.size(), static_cast<size_t>(kNumArchs)); // every architecture once
}

// ---- Equivalence keys ----------------------------------------------------------------------

TEST(NasBenchMacroEquivalence, MatchesTheBenchmarksOwnSharingOfResults) {
  // The benchmark trained one network per class and copied its record to the others
  // (collect_benchmark.py), so records must be equal exactly within a class. Three
  // independent test accuracies never coincide by chance, so they tell classes apart.
  const nlohmann::json bench = read_benchmark();
  if (bench.is_null())
    GTEST_SKIP() << "no nas-bench-macro_cifar10.json under " << data_dir();
  std::map<std::string, nlohmann::json> record_of_key;
  std::map<nlohmann::json, std::string> key_of_accuracies;
  for (auto it = bench.begin(); it != bench.end(); ++it) {
    const std::string key = equivalence_key(parse(it.key()));
    auto [known, fresh] = record_of_key.emplace(key, it.value());
    if (!fresh) {
      EXPECT_EQ(known->second, it.value()) << it.key() << " shares the key " << key;
    }
    auto [owner, first] = key_of_accuracies.emplace(it.value()["test_acc"], key);
    EXPECT_EQ(owner->second, key) << it.key() << ": equal results, different keys";
  }
  EXPECT_EQ(record_of_key.size(), 3969u); // 9 * 21 * 21 distinct networks
}

TEST(NasBenchMacroEquivalence, DropsIdentitiesInsideAStage) {
  // Layers 2-4 form stage 2. An MBConv at layer 3 or 4 with identities around it is one
  // strided identity projection followed by the same MBConv: the same network.
  EXPECT_EQ(equivalence_key(parse("00010000")), equivalence_key(parse("00001000")));
  EXPECT_EQ(equivalence_key(parse("00010000")), "00010000");
  // Stage 3 (layers 5-7): an identity before or after the MBConv at layer 6 or 7.
  EXPECT_EQ(equivalence_key(parse("11111201")), equivalence_key(parse("11111210")));
  EXPECT_EQ(equivalence_key(parse("11111201")), "11111210");
}

TEST(NasBenchMacroEquivalence, KeepsTheStridedIdentityApart) {
  // Layer 0 starts stage 1: its identity is a strided 1x1 projection, not a no-op, so
  // "01000000" (projection, then MBConv) differs from "10000000" (strided MBConv).
  EXPECT_NE(equivalence_key(parse("01000000")), equivalence_key(parse("10000000")));
  // Likewise at layer 5, the start of stage 3.
  EXPECT_NE(equivalence_key(parse("00000010")), equivalence_key(parse("00000100")));
}

TEST(NasBenchMacroEquivalence, KeepsTheOrderOfBlocksApart) {
  // e3_k3 then e6_k5 is not e6_k5 then e3_k3: different layers see different inputs.
  EXPECT_NE(equivalence_key(parse("00120000")), equivalence_key(parse("00210000")));
}

TEST(NasBenchMacroEquivalence, KeepsBlocksInDifferentStagesApart) {
  // The same block at 128 channels (stage 2) and at 256 channels (stage 3).
  EXPECT_NE(equivalence_key(parse("00010000")), equivalence_key(parse("00000010")));
}

// ---- Network IR ----------------------------------------------------------------------------

TEST(NasBenchMacroNetwork, MatchesTheExampleOfIrMd) {
  // IR.md shows this plugin's output; the two must not drift apart.
  const std::string json = ir_md_example("macro");
  if (json.empty())
    GTEST_SKIP() << "sdk/IR.md or its macro example not found from " << __FILE__;
  EXPECT_EQ(ir::read(json), network(parse("22212220"), NetworkShape{}));
}

TEST(NasBenchMacroNetwork, HasTheBenchmarksStructure) {
  ir::Network net = ir::read(ir::write(network(parse("01200210"), NetworkShape{})));
  EXPECT_FALSE(net.supernet);
  EXPECT_EQ(net.input, (ir::Shape{3, 32, 32}));
  EXPECT_EQ(net.num_classes, 10);
  EXPECT_TRUE(net.cells.empty());
  const std::vector<ir::Layer> expected = {
      ir::op_layer("conv3x3_bn_relu", 32, 1),
      ir::op_layer("identity", 64, 2), // starts a stage: the IR's identity projects here
      ir::op_layer("mbconv_e3_k3", 64, 1),
      ir::op_layer("mbconv_e6_k5", 128, 2),
      ir::op_layer("identity", 128, 1),
      ir::op_layer("identity", 128, 1),
      ir::op_layer("mbconv_e6_k5", 256, 2),
      ir::op_layer("mbconv_e3_k3", 256, 1),
      ir::op_layer("identity", 256, 1),
      ir::op_layer("conv1x1_bn_relu", 1280, 1),
      ir::head_layer("global_avg")};
  EXPECT_EQ(net.layers, expected);
}

TEST(NasBenchMacroNetwork, EveryArchitectureGivesAValidIr) {
  for (int i = 0; i < kNumArchs; i += 7)
    ASSERT_NO_THROW(ir::read(ir::write(network(arch_at(i), NetworkShape{})))) << i;
}

TEST(NasBenchMacroNetwork, FollowsTheShapeConfig) {
  ir::Network net = network(arch_at(0), NetworkShape{1, 28, 7});
  EXPECT_EQ(net.input, (ir::Shape{1, 28, 28}));
  EXPECT_EQ(net.num_classes, 7);
  EXPECT_THROW(network({0, 0}, NetworkShape{}), nas::InvalidArch);
}

TEST(NasBenchMacroSupernet, OffersTheThreeOpsOnEveryLayer) {
  ir::Network net = ir::read(ir::write(supernet(NetworkShape{})));
  EXPECT_TRUE(net.supernet);
  ASSERT_EQ(net.layers.size(), static_cast<size_t>(kNumLayers + 3));
  for (int i = 0; i < kNumLayers; ++i) {
    const ir::Layer &l = net.layers[static_cast<size_t>(i) + 1];
    EXPECT_EQ(l.options, (std::vector<std::string>{"identity", "mbconv_e3_k3", "mbconv_e6_k5"}));
    EXPECT_EQ(l.decision, i);
    EXPECT_EQ(l.channels, layer_channels(i));
    EXPECT_EQ(l.stride, starts_stage(i) ? 2 : 1);
  }
}

} // namespace
