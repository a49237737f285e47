// A pipeline as the user wrote it: the TOML file (plus --set overrides) read into typed
// structs that remember where every value came from, for errors that name file:line:col.
#pragma once

#include "errors.hpp"
#include "json.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nas::core {

// A `{ plugin = "..." , ... }` table: one plugin instance and its collaborators.
struct PluginSpec {
  std::string name;                         // the value of `plugin`
  std::string path;                         // where it sits: "space", "stage.0.strategy.predictor"
  SourcePos pos;                            // the table
  SourcePos name_pos;                       // the `plugin` value
  Json config = Json::object();             // every key but `plugin` and the collaborators
  std::map<std::string, SourcePos> key_pos; // config path ("metrics.valid_accuracy") -> pos
  std::vector<std::pair<std::string, PluginSpec>> children; // role -> collaborator

  // The position of a config key, or of its closest enclosing key, or of the table.
  SourcePos where(const std::string &key) const;
};

struct Budget {
  std::optional<int64_t> evaluations;
  std::optional<double> seconds;           // wall clock of the stage
  std::optional<double> simulated_seconds; // sum of `time_metric` over evaluated trials
  std::string time_metric = "train_seconds";
  bool fidelity_weighted = false; // an evaluation costs its fidelity (multi-fidelity search)
  SourcePos pos;
  SourcePos time_metric_pos;
  bool empty() const { return !evaluations && !seconds && !simulated_seconds; }
};

struct StageSource {
  std::string stage;
  int64_t top = 1;
  SourcePos pos;
};

struct StageSpec {
  std::string name;
  SourcePos pos;
  Budget budget;
  std::optional<PluginSpec> strategy; // absent: the stage evaluates what `from` hands it
  // Absent only for a one-shot stage: a strategy offering nas.oneshot/1 scores what it
  // derives itself (Assembly checks that, once the strategy is created).
  std::optional<PluginSpec> evaluator;
  std::optional<StageSource> from;
  // "exact" or "equivalent": a repeat of that key is answered from the earlier trial;
  // "none": every proposal is evaluated, repeats with a rising repeat index (noisy evaluators).
  std::string dedupe = "exact";
  int64_t max_cached_in_a_row = 1000;
};

struct Constraint {
  std::string metric;
  std::string op; // <=, <, >=, >, ==, !=
  double value = 0;
  SourcePos pos;
  std::string text;
  bool holds(double v) const;
};

struct Objective {
  std::string metric;
  bool maximize = true;
  std::vector<Constraint> constraints;
  SourcePos metric_pos;
};

struct Execution {
  std::string engine = "inline"; // or "local": worker processes
  int64_t workers = 1;
  double trial_timeout = 0;       // seconds; 0 = none (local engine)
  int64_t trial_memory = 0;       // bytes; 0 = none (local engine)
  int64_t threads_per_worker = 0; // 0 = the cores split among the workers
  SourcePos engine_pos;
};

struct Pipeline {
  std::string file; // as given
  std::string dir;  // its folder: relative paths start here
  std::string text; // the file as read
  std::string name;
  uint64_t seed = 0;
  std::string output;           // the run folder
  bool durability_full = false; // [experiment] durability = "full": survive a power loss
  Objective objective;
  PluginSpec space;
  std::vector<StageSpec> stages;
  Execution execution;
  std::vector<std::string> plugin_paths; // [plugins] paths, absolute
  // What else the host loaded it with, so worker processes load it alike.
  std::vector<std::string> overrides;          // the --set values applied
  std::vector<std::string> extra_plugin_paths; // --plugin-path folders, absolute
};

// Reads `file`, applies `overrides` ("dotted.path=value", values parsed as TOML, else taken
// as a string), and checks the structure. Throws PipelineError listing every problem.
Pipeline parse_pipeline(const std::string &file, const std::vector<std::string> &overrides);

// The same from the text of `file` as already read (worker processes get the host's text:
// the file may have changed since).
Pipeline parse_pipeline_text(const std::string &file, const std::string &text,
                             const std::vector<std::string> &overrides);

// "stage 'NAME' needs an 'evaluator = ...'": said by the parser and by Assembly.
std::string missing_evaluator_message(const std::string &stage);

// "30m", "2h", "45s", "1h30m" or a number of seconds.
double parse_duration(const std::string &text);
// "2G", "512M", "1.5GiB", "64k" (binary units) or a number of bytes.
int64_t parse_memory_size(const std::string &text);

} // namespace nas::core
