// Broken pipelines through `nas validate` and `nas run`: each is refused with exit 2 before
// anything runs (no run folder), and every problem names the file, the line and the column
// of what is wrong and says what was expected.
#include "../support/run_nas.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using nas::test::NasResult;
using nas::test::run_nas;
using nas::test::TempDir;

namespace {

// A pipeline that is valid: every test breaks one thing in it.
std::string base_pipeline() {
  return R"([experiment]
name = "broken"
seed = 1

[objective]
metric = "valid_accuracy"
direction = "maximize"

[space]
plugin = "nas.space.nb201"

[[stage]]
name = "search"
budget = { evaluations = 5 }
strategy = { plugin = "nas.strategy.random" }

[stage.evaluator]
plugin = "nas.evaluator.tabular"
table = ")" + nas::test::data_dir() +
         R"(/nb201/cifar10_avg.csv.gz"
metrics = { valid_accuracy = "valid-accuracy", train_seconds = "train-all-time" }
)";
}

// `text` with the one occurrence of `from` replaced by `to`.
std::string replace(std::string text, const std::string &from, const std::string &to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "the test's pipeline has no '" << from << "'";
  if (at == std::string::npos)
    return text;
  EXPECT_EQ(text.find(from, at + 1), std::string::npos) << "'" << from << "' is not unique";
  return text.replace(at, from.size(), to);
}

std::string quote(const std::string &s) { return "'" + s + "'"; }

// "FILE:LINE:COL" of the first occurrence of `needle` in `text` (1-based, as TOML++ counts).
std::string position(const std::string &file, const std::string &text, const std::string &needle) {
  size_t at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << "the test's pipeline has no '" << needle << "'";
  int line = 1, column = 1;
  for (size_t i = 0; i < at && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

// The pipeline written to a temp folder, validated and run; both must refuse it.
struct Refused {
  TempDir tmp;
  std::string file;
  std::string text;
  NasResult validate;
  NasResult run;

  Refused(const std::string &pipeline_text, const std::string &extra_args = "")
      : text(pipeline_text) {
    file = tmp.write("pipeline.toml", text);
    std::string output = tmp / "out";
    validate = run_nas("validate " + quote(file) + " " + extra_args);
    run = run_nas("run " + quote(file) + " --output " + quote(output) + " " + extra_args);
    EXPECT_EQ(validate.exit_code, 2) << "validate stdout:\n" << validate.out << "stderr:\n"
                                     << validate.err;
    EXPECT_EQ(run.exit_code, 2) << "run stdout:\n" << run.out << "stderr:\n" << run.err;
    EXPECT_FALSE(fs::exists(output)) << "nas run created the run folder of a refused pipeline";
    EXPECT_FALSE(fs::exists(output + "-2"));
    EXPECT_EQ(run.out.find("run folder"), std::string::npos) << run.out;
    for (const NasResult *r : {&validate, &run}) {
      EXPECT_EQ(r->err.find("terminate called"), std::string::npos) << r->err;
      EXPECT_EQ(r->err.find("what():"), std::string::npos) << r->err;
    }
  }

  // Both commands report a problem that starts "error: <where>: " and holds every part.
  void expect_problem(const std::string &where, const std::vector<std::string> &parts) const {
    for (const NasResult *r : {&validate, &run}) {
      const char *cmd = r == &validate ? "validate" : "run";
      std::string prefix = "error: " + where + ": ";
      bool found = false;
      size_t from = 0;
      while (!found && (from = r->err.find(prefix, from)) != std::string::npos) {
        size_t end = r->err.find('\n', from);
        std::string line = r->err.substr(from, end == std::string::npos ? end : end - from);
        found = true;
        for (const auto &p : parts)
          found = found && line.find(p) != std::string::npos;
        from += prefix.size();
      }
      std::string wanted;
      for (const auto &p : parts)
        wanted += " [" + p + "]";
      EXPECT_TRUE(found) << "nas " << cmd << ": no line '" << prefix << "...'" << wanted
                         << " in stderr:\n"
                         << r->err;
    }
  }
  // The same, at the first occurrence of `needle` in the pipeline text.
  void expect_at(const std::string &needle, const std::vector<std::string> &parts) const {
    expect_problem(position(file, text, needle), parts);
  }
  // The number of lines starting "error: " each command printed.
  void expect_count(size_t n) const {
    for (const NasResult *r : {&validate, &run}) {
      size_t count = r->err.rfind("error: ", 0) == 0 ? 1 : 0;
      for (size_t at = 0; (at = r->err.find("\nerror: ", at)) != std::string::npos; ++at)
        ++count;
      EXPECT_EQ(count, n) << r->err;
    }
  }
};

} // namespace

// The control: the unbroken pipeline validates and runs, so every refusal below comes from
// the one thing each test breaks.
TEST(PipelineErrors, BasePipelineIsValid) {
  TempDir tmp;
  std::string file = tmp.write("pipeline.toml", base_pipeline());
  NasResult v = run_nas("validate " + quote(file));
  EXPECT_EQ(v.exit_code, 0) << v.err;
  EXPECT_NE(v.out.find("valid"), std::string::npos) << v.out;
  EXPECT_FALSE(fs::exists(tmp / "out"));
  NasResult r = run_nas("run " + quote(file) + " --output " + quote(tmp / "out") + " -q");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(tmp / "out/trials.jsonl"));
}

TEST(PipelineErrors, TomlSyntaxError) {
  Refused r(replace(base_pipeline(), "seed = 1", "seed = = 1"));
  r.expect_problem(r.file + ":3:8", {"TOML syntax error"});
  r.expect_count(1);
}

TEST(PipelineErrors, UnterminatedString) {
  Refused r(replace(base_pipeline(), "name = \"search\"", "name = \"search"));
  // At the end of line 13, where the string should have closed.
  r.expect_problem(r.file + ":13:15", {"TOML syntax error", "string"});
  r.expect_count(1);
}

TEST(PipelineErrors, UnknownTopLevelKey) {
  Refused r("verbose = true\n" + base_pipeline());
  r.expect_at("verbose", {"unknown key 'verbose' in the pipeline",
                          "expected one of: experiment, objective, space, stage, execution"});
  r.expect_count(1);
}

TEST(PipelineErrors, UnknownKeyInExperiment) {
  Refused r(replace(base_pipeline(), "seed = 1", "seed = 1\ncolour = \"red\""));
  r.expect_at("colour", {"unknown key 'colour' in [experiment]", "expected one of: name, seed, output"});
  r.expect_count(1);
}

TEST(PipelineErrors, WrongType) {
  Refused r(replace(base_pipeline(), "seed = 1", "seed = \"seven\""));
  r.expect_at("\"seven\"", {"'seed' must be an integer, got a string"});
  r.expect_count(1);
}

TEST(PipelineErrors, MissingObjective) {
  Refused r(replace(base_pipeline(),
                    "[objective]\nmetric = \"valid_accuracy\"\ndirection = \"maximize\"\n", ""));
  // A missing table has no line of its own: the problem names the file.
  r.expect_problem(r.file, {"missing [objective]", "metric and direction"});
  r.expect_count(1);
}

TEST(PipelineErrors, BadDirection) {
  Refused r(replace(base_pipeline(), "\"maximize\"", "\"maximise\""));
  r.expect_at("\"maximise\"", {"direction must be \"maximize\" or \"minimize\"", "got \"maximise\""});
  r.expect_count(1);
}

TEST(PipelineErrors, MissingPlugin) {
  Refused r(replace(base_pipeline(), "\"nas.strategy.random\"", "\"nas.strategy.nope\""));
  r.expect_at("\"nas.strategy.nope\"",
              {"no plugin named 'nas.strategy.nope'", "nas.strategy.random", "nas.strategy.grid"});
  r.expect_count(1);
}

TEST(PipelineErrors, PluginOfTheWrongKind) {
  // A strategy where the evaluator goes.
  Refused r(replace(base_pipeline(), "plugin = \"nas.evaluator.tabular\"",
                    "plugin = \"nas.strategy.grid\""));
  r.expect_at("\"nas.strategy.grid\"", {"nas.strategy.grid is a strategy", "evaluator is expected"});
  r.expect_count(1);
}

TEST(PipelineErrors, UnknownConfigKeyOfAPlugin) {
  Refused r(replace(base_pipeline(), "{ plugin = \"nas.strategy.random\" }",
                    "{ plugin = \"nas.strategy.random\", shuffle = true }"));
  r.expect_at("shuffle", {"unknown key 'shuffle' for nas.strategy.random", "expected one of: unique"});
  r.expect_count(1);
}

TEST(PipelineErrors, UnknownConfigKeyOfTheEvaluatorListsItsKeys) {
  Refused r(replace(base_pipeline(), "plugin = \"nas.evaluator.tabular\"",
                    "plugin = \"nas.evaluator.tabular\"\ncolumns = [\"a\"]"));
  r.expect_at("columns", {"unknown key 'columns' for nas.evaluator.tabular",
                          "expected one of: table, format, key, metrics"});
  r.expect_count(1);
}

TEST(PipelineErrors, WrongConfigType) {
  Refused r(replace(base_pipeline(), "{ plugin = \"nas.strategy.random\" }",
                    "{ plugin = \"nas.strategy.random\", unique = 3 }"));
  r.expect_at("unique", {"'unique' of nas.strategy.random must be of type bool"});
  r.expect_count(1);
}

TEST(PipelineErrors, UnknownRole) {
  Refused r(replace(base_pipeline(), "{ plugin = \"nas.strategy.random\" }",
                    "{ plugin = \"nas.strategy.random\", bar = { plugin = \"nas.distance.hamming\" } }"));
  r.expect_at("{ plugin = \"nas.distance.hamming\"",
              {"unknown role 'bar' for nas.strategy.random", "its roles are: space"});
  r.expect_count(1);
}

TEST(PipelineErrors, BudgetOfZeroEvaluations) {
  Refused r(replace(base_pipeline(), "evaluations = 5", "evaluations = 0"));
  r.expect_at("0 }", {"budget.evaluations must be at least 1", "got 0"});
  r.expect_count(1);
}

TEST(PipelineErrors, EmptyBudgetTable) {
  Refused r(replace(base_pipeline(), "{ evaluations = 5 }", "{}"));
  r.expect_at("{}", {"an empty budget", "evaluations, seconds or simulated_seconds"});
  r.expect_count(1);
}

TEST(PipelineErrors, StrategyWithoutBudget) {
  Refused r(replace(base_pipeline(), "budget = { evaluations = 5 }\n", ""));
  r.expect_at("[[stage]]", {"stage 'search' has a strategy but no 'budget'"});
}

// A budget whose only key has the wrong type gets that one problem, not also "empty budget".
TEST(PipelineErrors, BudgetOfTheWrongType) {
  Refused r(replace(base_pipeline(), "evaluations = 5", "evaluations = \"many\""));
  r.expect_at("\"many\"", {"'evaluations' must be an integer, got a string"});
  r.expect_count(1);
}

TEST(PipelineErrors, ConstraintOnAMetricTheEvaluatorDoesNotProduce) {
  Refused r(replace(base_pipeline(), "direction = \"maximize\"",
                    "direction = \"maximize\"\nconstraints = [\"train_seconds <= 3000\", "
                    "\"params <= 1e6\"]"));
  r.expect_at("\"params <= 1e6\"",
              {"the constraint's metric 'params' is not produced by nas.evaluator.tabular",
               "it produces: ", "train_seconds", "valid_accuracy"});
  r.expect_count(1);
}

TEST(PipelineErrors, ObjectiveMetricTheEvaluatorDoesNotProduce) {
  Refused r(replace(base_pipeline(), "metric = \"valid_accuracy\"", "metric = \"valid_acc\""));
  r.expect_at("\"valid_acc\"", {"the objective metric 'valid_acc' is not produced",
                                "it produces: "});
  r.expect_count(1);
}

TEST(PipelineErrors, MalformedConstraint) {
  Refused r(replace(base_pipeline(), "direction = \"maximize\"",
                    "direction = \"maximize\"\nconstraints = [\"train_seconds <= 3000\", "
                    "\"train_seconds is small\"]"));
  r.expect_at("\"train_seconds is small\"",
              {"constraint \"train_seconds is small\" is not of the form",
               "\"<metric> <op> <number>\"", "<=, <, >=, >, ==, !="});
  r.expect_count(1);
}

TEST(PipelineErrors, ConstraintsNotAnArray) {
  Refused r(replace(base_pipeline(), "direction = \"maximize\"",
                    "direction = \"maximize\"\nconstraints = \"train_seconds <= 3000\""));
  r.expect_at("\"train_seconds <= 3000\"", {"'constraints' must be an array of strings"});
}

TEST(PipelineErrors, FromNamesALaterStage) {
  std::string table = nas::test::data_dir() + "/nb201/cifar10_avg.csv.gz";
  std::string evaluator = "evaluator = { plugin = \"nas.evaluator.tabular\", table = \"" + table +
                          "\", metrics = { valid_accuracy = \"valid-accuracy\" } }\n";
  Refused r(base_pipeline() + "\n[[stage]]\nname = \"retrain\"\nfrom = { stage = \"later\", top = 2 }\n" +
            evaluator + "\n[[stage]]\nname = \"later\"\nbudget = { evaluations = 5 }\n"
                        "strategy = { plugin = \"nas.strategy.random\" }\n" + evaluator);
  r.expect_at("{ stage = \"later\"", {"from.stage \"later\" is not an earlier stage"});
  r.expect_count(1);
}

TEST(PipelineErrors, FromNamesAnUnknownStage) {
  std::string table = nas::test::data_dir() + "/nb201/cifar10_avg.csv.gz";
  Refused r(base_pipeline() + "\n[[stage]]\nname = \"retrain\"\nfrom = { stage = \"serach\" }\n"
                              "evaluator = { plugin = \"nas.evaluator.tabular\", table = \"" +
            table + "\", metrics = { valid_accuracy = \"valid-accuracy\" } }\n");
  r.expect_at("{ stage = \"serach\"", {"from.stage \"serach\" is not an earlier stage"});
  r.expect_count(1);
}

TEST(PipelineErrors, TableFileDoesNotExist) {
  // The plugin's own refusal at create time points at the key it names.
  Refused r(replace(base_pipeline(), "cifar10_avg.csv.gz", "no_such_table.csv.gz"));
  r.expect_at("table =", {"nas.evaluator.tabular", "no_such_table.csv.gz", "does not exist"});
  r.expect_count(1);
}

TEST(PipelineErrors, RelativeTableFileNotFound) {
  Refused r(replace(base_pipeline(), nas::test::data_dir() + "/nb201/cifar10_avg.csv.gz",
                    "missing/table.csv"));
  r.expect_at("table =", {"'missing/table.csv' was not found", "tried "});
}

TEST(PipelineErrors, MetricsNamesAnUnknownColumn) {
  Refused r(replace(base_pipeline(), "\"train-all-time\"", "\"train-all-tim\""));
  // The key whose column is missing, inside the metrics table.
  r.expect_at("train_seconds = ", {"has no column 'train-all-tim'", "its columns are",
                                   "'train-all-time'"});
  r.expect_count(1);
}

TEST(PipelineErrors, MissingRequiredPluginKey) {
  Refused r(replace(base_pipeline(), "plugin = \"nas.evaluator.tabular\"\ntable = \"" +
                                         nas::test::data_dir() + "/nb201/cifar10_avg.csv.gz\"\n",
                    "plugin = \"nas.evaluator.tabular\"\n"));
  r.expect_at("[stage.evaluator]", {"nas.evaluator.tabular needs 'table' (string"});
  r.expect_count(1);
}

TEST(PipelineErrors, SetWithABadPath) {
  TempDir tmp;
  std::string file = tmp.write("pipeline.toml", base_pipeline());
  for (const char *set : {"stage.5.budget.evaluations=3", "experiment.seed.x.y=3", "=3",
                          "stage.first.name=x", "no-equals"}) {
    std::string args = " --set '" + std::string(set) + "'";
    NasResult v = run_nas("validate " + quote(file) + args);
    NasResult r = run_nas("run " + quote(file) + " --output " + quote(tmp / "out") + args);
    for (const NasResult *res : {&v, &r}) {
      EXPECT_EQ(res->exit_code, 2) << set << "\n" << res->err;
      EXPECT_NE(res->err.find("--set"), std::string::npos) << set << "\n" << res->err;
      EXPECT_EQ(res->err.find("terminate called"), std::string::npos) << res->err;
      EXPECT_EQ(res->err.find("what():"), std::string::npos) << res->err;
      EXPECT_LT(std::count(res->err.begin(), res->err.end(), '\n'), 3) << "a short message:\n"
                                                                      << res->err;
    }
    EXPECT_FALSE(fs::exists(tmp / "out")) << set;
  }
}

// A bad value given with --set is reported at that --set.
TEST(PipelineErrors, SetWithAValueOfTheWrongTypeNamesTheOverride) {
  Refused r(base_pipeline(), "--set experiment.seed=seven");
  // The value came from the command line, so the error points at the override itself.
  r.expect_problem("--set experiment.seed=seven", {"'seed' must be an integer, got a string"});
}

TEST(PipelineErrors, SeveralProblemsInOneFileAreAllReported) {
  std::string text = replace(base_pipeline(), "seed = 1", "seed = \"seven\"\ncolour = 3");
  text = replace(text, "\"maximize\"", "\"upwards\"");
  text = replace(text, "evaluations = 5", "evaluations = 0");
  Refused r(text);
  r.expect_at("\"seven\"", {"'seed' must be an integer"});
  r.expect_at("colour", {"unknown key 'colour' in [experiment]"});
  r.expect_at("\"upwards\"", {"direction must be"});
  r.expect_at("0 }", {"budget.evaluations must be at least 1"});
  r.expect_count(4);
}

TEST(PipelineErrors, SeveralPluginProblemsAreAllReported) {
  std::string text = replace(base_pipeline(), "{ plugin = \"nas.strategy.random\" }",
                             "{ plugin = \"nas.strategy.random\", unique = 3, colour = 1 }");
  text = replace(text, "plugin = \"nas.space.nb201\"", "plugin = \"nas.space.nb202\"");
  text = replace(text, "direction = \"maximize\"",
                 "direction = \"maximize\"\nconstraints = [\"flops < 3\"]");
  Refused r(text);
  r.expect_at("\"nas.space.nb202\"", {"no plugin named 'nas.space.nb202'"});
  r.expect_at("unique", {"'unique' of nas.strategy.random must be of type bool"});
  r.expect_at("colour", {"unknown key 'colour' for nas.strategy.random"});
  r.expect_at("\"flops < 3\"", {"the constraint's metric 'flops' is not produced"});
  r.expect_count(4);
}
