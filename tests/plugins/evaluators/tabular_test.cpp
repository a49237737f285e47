// The built nas.evaluator.tabular through the C ABI: its CSV and JSON readers on files the
// test writes, and its answers on the project's data/ tables against the tables as this
// test reads them itself.
#include "plugin_harness.hpp"
#include "run_nas.hpp"

#include <gtest/gtest.h>

#include <zlib.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using nas::Choices;
using nas::test::Evaluation;
using nas::test::EvaluatorClient;
using nas::test::Harness;
using nas::test::Json;
using nas::test::TempDir;

const std::string kNb201Table = std::string(NAS_DATA_DIR) + "/nb201/cifar10_avg.csv.gz";
const std::string kMacroTable =
    std::string(NAS_DATA_DIR) + "/nasbench-macro/nas-bench-macro_cifar10.json.gz";
const std::string kNb201Best = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|"
                               "nor_conv_3x3~1|nor_conv_1x1~2|";

// ---- Files ---------------------------------------------------------------------------------

std::string gunzip(const std::string &path) {
  std::unique_ptr<gzFile_s, int (*)(gzFile)> in(gzopen(path.c_str(), "rb"), &gzclose);
  if (!in)
    throw std::runtime_error("cannot open " + path);
  std::string out;
  char buf[1 << 16];
  for (int n; (n = gzread(in.get(), buf, sizeof buf)) > 0;)
    out.append(buf, static_cast<size_t>(n));
  return out;
}

std::string write_gz(const std::string &path, const std::string &text) {
  std::unique_ptr<gzFile_s, int (*)(gzFile)> out(gzopen(path.c_str(), "wb9"), &gzclose);
  if (!out || gzwrite(out.get(), text.data(), static_cast<unsigned>(text.size())) !=
                  static_cast<int>(text.size()))
    throw std::runtime_error("cannot write " + path);
  return path;
}

// NAS-Bench-201's CSV as this test reads it (it has no quoted fields): header and rows.
struct CsvFile {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  size_t column(const std::string &name) const {
    for (size_t i = 0; i < header.size(); ++i)
      if (header[i] == name)
        return i;
    throw std::runtime_error("no column " + name);
  }
};

std::vector<std::string> split(const std::string &line) {
  std::vector<std::string> out;
  std::stringstream in(line);
  for (std::string field; std::getline(in, field, ',');)
    out.push_back(field);
  if (!line.empty() && line.back() == ',')
    out.emplace_back();
  return out;
}

const CsvFile &nb201_csv() {
  static const CsvFile file = [] {
    CsvFile f;
    std::stringstream in(gunzip(kNb201Table));
    std::string line;
    std::getline(in, line);
    f.header = split(line);
    while (std::getline(in, line))
      if (!line.empty())
        f.rows.push_back(split(line));
    return f;
  }();
  return file;
}

const Json &macro_json() {
  static const Json doc = Json::parse(gunzip(kMacroTable));
  return doc;
}

// ---- Helpers -------------------------------------------------------------------------------

Json table_config(const std::string &table, Json metrics, const std::string &key = "") {
  Json config = {{"table", table}, {"metrics", std::move(metrics)}};
  if (!key.empty())
    config["key"] = key;
  return config;
}

const Json kNb201Metrics = {{"valid_accuracy", "valid-accuracy"},
                            {"test_accuracy", "test-accuracy"},
                            {"train_seconds", "train-all-time"}};
const Json kMacroMetrics = {
    {"test_accuracy", "mean_acc"}, {"params", "params"}, {"flops", "flops"}, {"std", "std"}};

// The create error of the tabular evaluator with `config`; fails the test if it was created.
nas::core::PluginError create_error(const Json &config) {
  Harness h;
  std::optional<nas::core::PluginError> e = h.create_error("nas.evaluator.tabular", config);
  if (!e) {
    ADD_FAILURE() << "nas.evaluator.tabular accepted " << config.dump();
    return nas::core::PluginError(NAS_OK, "", "");
  }
  return *e;
}

bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

// Every choice vector of a space with `decisions` decisions of `options` options each.
std::vector<Choices> all_archs(uint32_t decisions, uint32_t options) {
  std::vector<Choices> out;
  Choices c(decisions, 0);
  for (;;) {
    out.push_back(c);
    size_t i = decisions;
    while (i-- > 0 && ++c[i] == static_cast<int32_t>(options))
      c[i] = 0;
    if (i == static_cast<size_t>(-1))
      return out;
  }
}

// ---- The CSV reader, on files the test writes ---------------------------------------------

TEST(TabularCsv, QuotedFieldsWithCommasAndDoubledQuotes) {
  TempDir dir;
  // A byte-order mark, CRLF records, a quoted header, quoted keys with commas, doubled quotes
  // and a line break, a quoted number, signs and spaces, a blank line, no final line break.
  std::string path = dir.write("t.csv", "\xEF\xBB\xBF"
                                        "\"arch, key\",\"acc \"\"top1\"\"\",params\r\n"
                                        "\"a,b \"\"c\"\"\",1.5,\"10\"\r\n"
                                        "plain,-2e3,+7\r\n"
                                        "\"multi\nline\",  3.25 ,0\r\n"
                                        "\r\n"
                                        "\"\"\"\",4,5\r\n"
                                        "last,6,1e-3");
  Harness h;
  EvaluatorClient ev =
      h.evaluator("nas.evaluator.tabular",
                  table_config(path, {{"acc", "acc \"top1\""}, {"params", "params"}}, "arch, key"));
  struct Want {
    std::string key;
    double acc, params;
  };
  for (const Want &w : {Want{"a,b \"c\"", 1.5, 10}, Want{"plain", -2000, 7},
                        Want{"multi\nline", 3.25, 0}, Want{"\"", 4, 5}, Want{"last", 6, 1e-3}}) {
    Evaluation r = ev.evaluate_key(w.key, 0.5);
    ASSERT_TRUE(r.ok()) << "key '" << w.key << "': " << r;
    EXPECT_EQ(r.metrics, (Json{{"acc", w.acc}, {"params", w.params}, {"fidelity", 0.5}})) << r.text;
  }
  // The metrics come in the config's order, as one JSON object.
  EXPECT_EQ(ev.evaluate_key("plain").text, R"({"acc":-2000,"params":7,"fidelity":1})");
  // Keys are exact: no unquoting, trimming or partial match at lookup.
  for (const char *key : {"a,b \"\"c\"\"", "\"plain\"", "plain ", "a", "", "multi"})
    EXPECT_EQ(ev.evaluate_key(key).status, NAS_ERR_INVALID_ARCH) << "key '" << key << "'";
}

TEST(TabularCsv, ARowWithTheWrongFieldCountNamesFileAndLine) {
  TempDir dir;
  // The quoted key spans lines 2 and 3, so the bad record starts on line 5.
  const std::string head = "arch_str,acc,params\n\"x\ny\",1,2\nz,3,4\n";
  for (const std::string &bad : {std::string("w,5,6,7\n"), std::string("w,5\n"), std::string("w\n"),
                                 std::string("w,5,6,\n")}) {
    SCOPED_TRACE(bad);
    std::string path = dir.write("bad.csv", head + bad + "v,8,9\n");
    nas::core::PluginError e = create_error(table_config(path, {{"acc", "acc"}}));
    EXPECT_EQ(e.code(), NAS_ERR_CONFIG);
    EXPECT_EQ(e.key(), "table");
    EXPECT_TRUE(contains(e.what(), path + ":5")) << e.what();
  }
}

TEST(TabularCsv, ANonNumericCellNamesFileLineAndColumn) {
  TempDir dir;
  // Column 'name' is not a metric: text there is fine. Column 'acc' is the third.
  for (const std::string &cell :
       {std::string("oops"), std::string(""), std::string("nan"), std::string("inf"),
        std::string("1.5x"), std::string("\"1,5\""), std::string("0x10"), std::string("- 1")}) {
    SCOPED_TRACE("cell " + cell);
    std::string path =
        dir.write("cells.csv", "arch_str,name,acc\na,first,1\nb,second," + cell + "\nc,x,2\n");
    nas::core::PluginError e = create_error(table_config(path, {{"accuracy", "acc"}}));
    EXPECT_EQ(e.code(), NAS_ERR_CONFIG);
    EXPECT_EQ(e.key(), "table");
    EXPECT_TRUE(contains(e.what(), path + ":3")) << e.what();
    EXPECT_TRUE(contains(e.what(), "'acc'")) << e.what();
    EXPECT_TRUE(contains(e.what(), "column 3")) << e.what();
  }
}

TEST(TabularCsv, OtherMalformedFilesAreConfigErrorsOnTable) {
  TempDir dir;
  struct Case {
    const char *label, *text;
  };
  for (const Case &c : {Case{"unclosed quote", "arch_str,acc\n\"a,1\n"},
                        Case{"text after a closing quote", "arch_str,acc\n\"a\"b,1\n"},
                        Case{"a key twice", "arch_str,acc\na,1\nb,2\na,3\n"},
                        Case{"header only", "arch_str,acc\n"}, Case{"empty", ""}}) {
    SCOPED_TRACE(c.label);
    std::string path = dir.write("m.csv", c.text);
    nas::core::PluginError e = create_error(table_config(path, {{"acc", "acc"}}));
    EXPECT_EQ(e.key(), "table");
    EXPECT_TRUE(contains(e.what(), path)) << e.what();
  }
}

TEST(TabularCsv, GzippedAndPlainFilesGiveTheSameAnswers) {
  TempDir dir;
  const std::string text = "arch_str,acc,cost\n\"k,1\",97.5,3\nk2,-0.125,4e5\n";
  std::string plain = dir.write("t.csv", text);
  std::string gz = write_gz(dir / "t.csv.gz", text);
  std::string gz_named_plain = write_gz(dir / "u.csv", text); // gzip data, .csv name
  Harness h;
  Json metrics = {{"acc", "acc"}, {"cost", "cost"}};
  EvaluatorClient a = h.evaluator("nas.evaluator.tabular", table_config(plain, metrics));
  EvaluatorClient b = h.evaluator("nas.evaluator.tabular", table_config(gz, metrics));
  EvaluatorClient c = h.evaluator("nas.evaluator.tabular", table_config(gz_named_plain, metrics));
  for (const char *key : {"k,1", "k2"}) {
    Evaluation want = a.evaluate_key(key);
    ASSERT_TRUE(want.ok()) << want;
    EXPECT_EQ(b.evaluate_key(key).text, want.text);
    EXPECT_EQ(c.evaluate_key(key).text, want.text);
  }
  EXPECT_EQ(a.evaluate_key("k,1").metrics["acc"], 97.5);
}

TEST(TabularCsv, UnreadableFilesAreConfigErrorsOnTable) {
  TempDir dir;
  std::string gz =
      write_gz(dir / "full.csv.gz", "arch_str,acc\n" + std::string(20000, 'a') + ",1\nb,2\n");
  std::string data = [&] {
    std::ifstream in(gz, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  std::string truncated = dir.write("cut.csv.gz", data.substr(0, data.size() / 2));
  nas::core::PluginError e = create_error(table_config(truncated, {{"acc", "acc"}}));
  EXPECT_EQ(e.key(), "table");
  EXPECT_TRUE(contains(e.what(), truncated)) << e.what();

  std::filesystem::create_directories(dir / "folder.csv");
  e = create_error(table_config(dir / "folder.csv", {{"acc", "acc"}}));
  EXPECT_EQ(e.key(), "table");
  EXPECT_TRUE(contains(e.what(), dir / "folder.csv")) << e.what();
}

// ---- Config errors -------------------------------------------------------------------------

TEST(TabularConfig, AnUnknownColumnFailsCreateOnItsMetricKey) {
  nas::core::PluginError e = create_error(
      table_config(kNb201Table, {{"valid_accuracy", "valid-accuracy"}, {"oops", "no-such"}}));
  EXPECT_EQ(e.code(), NAS_ERR_CONFIG);
  EXPECT_EQ(e.key(), "metrics.oops");
  EXPECT_TRUE(contains(e.what(), "no-such")) << e.what();
  EXPECT_TRUE(contains(e.what(), "valid-accuracy")) << "lists the real columns: " << e.what();

  e = create_error(table_config(kMacroTable, {{"acc", "mean_acc"}, {"valid", "valid_acc"}}));
  EXPECT_EQ(e.key(), "metrics.valid");
  EXPECT_TRUE(contains(e.what(), "valid_acc")) << e.what();

  e = create_error(table_config(kNb201Table, {{"acc", "valid-accuracy"}}, "no_such_key"));
  EXPECT_EQ(e.key(), "key");
}

TEST(TabularConfig, AMissingFileFailsCreateOnTableWithThePath) {
  TempDir dir;
  const std::string missing = dir / "absent/nothing.csv.gz";
  nas::core::PluginError e = create_error(table_config(missing, {{"acc", "acc"}}));
  EXPECT_EQ(e.code(), NAS_ERR_CONFIG);
  EXPECT_EQ(e.key(), "table");
  EXPECT_TRUE(contains(e.what(), missing)) << e.what();

  // Relative: the message names what was tried.
  e = create_error(table_config("absent/nothing.csv", {{"acc", "acc"}}));
  EXPECT_EQ(e.key(), "table");
  EXPECT_TRUE(contains(e.what(), "absent/nothing.csv")) << e.what();
}

TEST(TabularConfig, OtherRejectedConfigs) {
  EXPECT_EQ(create_error({{"table", kNb201Table}}).key(), "metrics");
  EXPECT_EQ(create_error(table_config(kNb201Table, Json::object())).key(), "metrics");
  EXPECT_EQ(create_error(table_config(kNb201Table, {{"fidelity", "valid-accuracy"}})).key(),
            "metrics.fidelity");
  EXPECT_EQ(create_error({{"metrics", {{"acc", "acc"}}}}).key(), "table");
  Json bad_format = table_config(kNb201Table, {{"acc", "valid-accuracy"}});
  bad_format["format"] = "xml";
  EXPECT_EQ(create_error(bad_format).key(), "format");
  TempDir dir;
  std::string txt = dir.write("t.txt", "arch_str,acc\na,1\n");
  EXPECT_EQ(create_error(table_config(txt, {{"acc", "acc"}})).key(), "format");
  // ... which format = "csv" settles.
  Json as_csv = table_config(txt, {{"acc", "acc"}});
  as_csv["format"] = "csv";
  Harness h;
  EXPECT_EQ(h.evaluator("nas.evaluator.tabular", as_csv).evaluate_key("a").metrics["acc"], 1.0);
}

TEST(TabularConfig, RelativeTablePathsStartAtTheConfigFolderThenNasDataDir) {
  {
    Harness h;
    h.run().config_dir = std::string(NAS_SOURCE_DIR) + "/configs"; // before any create
    EvaluatorClient ev =
        h.evaluator("nas.evaluator.tabular",
                    table_config("../data/nb201/cifar10_avg.csv.gz", {{"acc", "valid-accuracy"}}));
    EXPECT_TRUE(ev.evaluate_key(kNb201Best).ok());
  }
  const char *old = std::getenv("NAS_DATA_DIR");
  std::string saved = old ? old : "";
  setenv("NAS_DATA_DIR", NAS_DATA_DIR, 1);
  {
    Harness h;
    h.run().config_dir = "/nonexistent-folder";
    EvaluatorClient ev = h.evaluator(
        "nas.evaluator.tabular",
        table_config("nasbench-macro/nas-bench-macro_cifar10.json.gz", {{"acc", "mean_acc"}}));
    EXPECT_TRUE(ev.evaluate_key("22212220").ok());
  }
  if (old)
    setenv("NAS_DATA_DIR", saved.c_str(), 1);
  else
    unsetenv("NAS_DATA_DIR");
}

// ---- NAS-Bench-201 (CSV) --------------------------------------------------------------------

TEST(TabularNb201, EveryCellOfTheSpaceIsItsTableRow) {
  const CsvFile &csv = nb201_csv();
  ASSERT_EQ(csv.rows.size(), 15625u);
  const size_t key = csv.column("arch_str"), valid = csv.column("valid-accuracy"),
               test = csv.column("test-accuracy"), seconds = csv.column("train-all-time");
  std::map<std::string, size_t> row_of;
  for (size_t i = 0; i < csv.rows.size(); ++i) {
    ASSERT_EQ(csv.rows[i].size(), csv.header.size()) << "row " << i;
    row_of[csv.rows[i][key]] = i;
  }

  Harness h(0, "nas.space.nb201");
  EvaluatorClient ev =
      h.evaluator("nas.evaluator.tabular", table_config(kNb201Table, kNb201Metrics));
  std::set<size_t> rows_seen;
  double best = -1;
  std::string best_key;
  for (const Choices &c : all_archs(6, 5)) {
    std::string canonical = h.space().to_string(c);
    Evaluation r = ev.evaluate(c, 1.0);
    ASSERT_TRUE(r.ok()) << canonical << ": " << r;
    auto it = row_of.find(canonical);
    ASSERT_NE(it, row_of.end()) << canonical << " is not in the table";
    const auto &row = csv.rows[it->second];
    ASSERT_EQ(r.metrics["valid_accuracy"].get<double>(), std::strtod(row[valid].c_str(), nullptr))
        << canonical;
    ASSERT_EQ(r.metrics["test_accuracy"].get<double>(), std::strtod(row[test].c_str(), nullptr))
        << canonical;
    ASSERT_EQ(r.metrics["train_seconds"].get<double>(), std::strtod(row[seconds].c_str(), nullptr))
        << canonical;
    ASSERT_EQ(r.metrics["fidelity"], 1.0);
    ASSERT_EQ(r.metrics.size(), 4u) << r.text;
    rows_seen.insert(it->second);
    if (r.metrics["valid_accuracy"].get<double>() > best) {
      best = r.metrics["valid_accuracy"].get<double>();
      best_key = canonical;
    }
  }
  EXPECT_EQ(rows_seen.size(), 15625u);
  // The known optimum (data/README.md; the paper's 91.61).
  EXPECT_EQ(best_key, kNb201Best);
  EXPECT_DOUBLE_EQ(std::round(best * 1e4) / 1e4, 91.6067);
  Evaluation top = ev.evaluate(h.space().from_string(kNb201Best));
  EXPECT_DOUBLE_EQ(std::round(top.metrics["test_accuracy"].get<double>() * 100) / 100, 91.09);
}

TEST(TabularNb201, AKeyMissingFromTheTableIsAnInvalidArchNotACrash) {
  Harness h(0, "nas.space.nb201");
  EvaluatorClient ev =
      h.evaluator("nas.evaluator.tabular", table_config(kNb201Table, kNb201Metrics));
  for (const std::string &key : {std::string("|bogus~0|+|none~0|none~1|+|none~0|none~1|none~2|"),
                                 std::string(""), std::string(4000, 'x'), kNb201Best + " "}) {
    Evaluation r = ev.evaluate_key(key);
    EXPECT_EQ(r.status, NAS_ERR_INVALID_ARCH) << r;
    // The message holds the key (truncated to the error's 1,024 bytes when longer).
    EXPECT_TRUE(contains(r.message, key.substr(0, 500))) << r.message;
    EXPECT_TRUE(r.text.empty());
  }

  // A table the test writes, lacking one cell of the space.
  TempDir dir;
  const CsvFile &csv = nb201_csv();
  std::string text = "arch_str,acc\n";
  for (size_t i = 1; i < csv.rows.size(); ++i) // all but row 0
    text += csv.rows[i][csv.column("arch_str")] + "," + std::to_string(i) + "\n";
  EvaluatorClient partial = h.evaluator("nas.evaluator.tabular",
                                        table_config(dir.write("p.csv", text), {{"acc", "acc"}}));
  const std::string missing = csv.rows[0][csv.column("arch_str")];
  Evaluation r = partial.evaluate(h.space().from_string(missing));
  EXPECT_EQ(r.status, NAS_ERR_INVALID_ARCH) << r;
  EXPECT_TRUE(contains(r.message, missing)) << r.message;
  Evaluation ok = partial.evaluate(h.space().from_string(csv.rows[7][csv.column("arch_str")]));
  ASSERT_TRUE(ok.ok()) << ok;
  EXPECT_EQ(ok.metrics["acc"], 7.0);
}

TEST(TabularNb201, GzippedAndPlainTablesGiveTheSameAnswers) {
  TempDir dir;
  std::string plain = dir.write("cifar10_avg.csv", gunzip(kNb201Table));
  Harness h(0, "nas.space.nb201");
  EvaluatorClient gz =
      h.evaluator("nas.evaluator.tabular", table_config(kNb201Table, kNb201Metrics));
  EvaluatorClient txt = h.evaluator("nas.evaluator.tabular", table_config(plain, kNb201Metrics));
  for (const Choices &c : all_archs(6, 5)) {
    Evaluation a = gz.evaluate(c, 0.5), b = txt.evaluate(c, 0.5);
    ASSERT_TRUE(a.ok()) << a;
    ASSERT_EQ(a.text, b.text);
  }
}

// ---- NAS-Bench-Macro (JSON object keyed by architecture) ------------------------------------

TEST(TabularMacro, EveryArchitectureOfTheSpaceIsItsTableEntry) {
  const Json &doc = macro_json();
  ASSERT_EQ(doc.size(), 6561u);
  Harness h(0, "nas.space.nasbench_macro");
  EvaluatorClient ev =
      h.evaluator("nas.evaluator.tabular", table_config(kMacroTable, kMacroMetrics));
  double best = -1;
  std::string best_key;
  for (const Choices &c : all_archs(8, 3)) {
    std::string key = h.space().to_string(c);
    ASSERT_TRUE(doc.contains(key)) << key;
    const Json &entry = doc[key];
    Evaluation r = ev.evaluate(c, 0.75);
    ASSERT_TRUE(r.ok()) << key << ": " << r;
    ASSERT_EQ(r.metrics["test_accuracy"].get<double>(), entry["mean_acc"].get<double>()) << key;
    ASSERT_EQ(r.metrics["params"].get<double>(), entry["params"].get<double>()) << key;
    ASSERT_EQ(r.metrics["flops"].get<double>(), entry["flops"].get<double>()) << key;
    ASSERT_EQ(r.metrics["std"].get<double>(), entry["std"].get<double>()) << key;
    ASSERT_EQ(r.metrics["fidelity"].get<double>(), 0.75);
    if (entry["mean_acc"].get<double>() > best) {
      best = entry["mean_acc"].get<double>();
      best_key = key;
    }
  }
  // The benchmark's best, 22212220, shares its record with its equivalent 22212202 (one
  // network per equivalence class), so it is one of the maxima.
  EXPECT_DOUBLE_EQ(std::round(best * 1e3) / 1e3, 93.127) << best_key;
  Evaluation top = ev.evaluate(h.space().from_string("22212220"));
  ASSERT_TRUE(top.ok()) << top;
  EXPECT_EQ(top.metrics["test_accuracy"].get<double>(), best);
  EXPECT_EQ(ev.evaluate_key("2221222").status, NAS_ERR_INVALID_ARCH);
  EXPECT_EQ(ev.evaluate_key("22212223").status, NAS_ERR_INVALID_ARCH);
}

TEST(TabularMacro, GzippedAndPlainTablesGiveTheSameAnswers) {
  TempDir dir;
  std::string plain = dir.write("macro.json", gunzip(kMacroTable));
  Harness h(0, "nas.space.nasbench_macro");
  EvaluatorClient gz =
      h.evaluator("nas.evaluator.tabular", table_config(kMacroTable, kMacroMetrics));
  EvaluatorClient txt = h.evaluator("nas.evaluator.tabular", table_config(plain, kMacroMetrics));
  for (const Choices &c : all_archs(8, 3)) {
    Evaluation a = gz.evaluate(c), b = txt.evaluate(c);
    ASSERT_TRUE(a.ok()) << a;
    ASSERT_EQ(a.text, b.text);
  }
}

TEST(TabularMacro, ANonNumericFieldIsAConfigErrorOnTable) {
  // test_acc holds the three runs as an array.
  nas::core::PluginError e = create_error(table_config(kMacroTable, {{"runs", "test_acc"}}));
  EXPECT_EQ(e.key(), "table");
  EXPECT_TRUE(contains(e.what(), "test_acc")) << e.what();
}

// A key given twice in a JSON object table is refused, as in CSV files and JSON arrays
// (nlohmann would otherwise keep the last value silently).
TEST(TabularJson, AKeyTwiceInAnObjectIsAConfigErrorAsInCsv) {
  TempDir dir;
  std::string path =
      dir.write("dup.json", R"({"a": {"acc": 1}, "b": {"acc": 2}, "a": {"acc": 3}})");
  nas::core::PluginError e = create_error(table_config(path, {{"acc", "acc"}}));
  EXPECT_EQ(e.key(), "table");
  EXPECT_TRUE(contains(e.what(), "'a'")) << e.what();
}

TEST(TabularJson, AnArrayOfObjectsKeyedByAField) {
  TempDir dir;
  std::string path = dir.write("a.json", R"([{"arch": "a,b", "acc": 1.25, "other": "text"},
                                             {"arch": 7, "acc": -3}])");
  Harness h;
  EvaluatorClient ev =
      h.evaluator("nas.evaluator.tabular", table_config(path, {{"acc", "acc"}}, "arch"));
  EXPECT_EQ(ev.evaluate_key("a,b").metrics["acc"], 1.25);
  EXPECT_EQ(ev.evaluate_key("7").metrics["acc"], -3.0);
  EXPECT_EQ(ev.evaluate_key("8").status, NAS_ERR_INVALID_ARCH);

  for (const char *bad : {R"([{"arch": "a", "acc": "high"}])", R"([{"arch": "a"}])",
                          R"([{"arch": "a", "acc": 1}, {"arch": "a", "acc": 2}])",
                          R"({"a": {"acc": 1}, "b": {"acc": null}})", R"([1, 2])", R"("text")",
                          R"({"a": {"acc": 1})", R"({})"}) {
    SCOPED_TRACE(bad);
    nas::core::PluginError e =
        create_error(table_config(dir.write("bad.json", bad), {{"acc", "acc"}}, "arch"));
    EXPECT_TRUE(e.key() == "table" || e.key() == "metrics.acc") << e.key();
  }
}

} // namespace
