#include "report.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <set>

namespace nas::cli {

std::string format_number(double v) {
  if (std::isnan(v))
    return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

namespace {

std::string metric_text(const core::Json &v) {
  if (v.is_number())
    return format_number(v.get<double>());
  return v.is_string() ? v.get<std::string>() : v.dump();
}

std::vector<std::string> metric_names(const std::vector<const core::TrialRecord *> &trials,
                                      const std::string &first) {
  std::vector<std::string> names;
  if (!first.empty())
    names.push_back(first);
  for (const auto *t : trials)
    for (const auto &[k, v] : t->metrics.items())
      if (std::find(names.begin(), names.end(), k) == names.end())
        names.push_back(k);
  return names;
}

std::string csv_field(const std::string &s);

// The shortest text that reads back as exactly `v` (CSV agrees with JSON to the last bit).
std::string exact_number(double v) {
  char buf[32];
  auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
  return std::string(buf, end);
}

std::string csv_value(const core::Json &v) {
  if (v.is_number_integer())
    return v.dump();
  if (v.is_number())
    return exact_number(v.get<double>());
  return csv_field(v.is_string() ? v.get<std::string>() : v.dump());
}

std::string csv_field(const std::string &s) {
  if (s.find_first_of(",\"\n") == std::string::npos)
    return s;
  std::string out = "\"";
  for (char c : s)
    out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

} // namespace

void sort_best_first(std::vector<const core::TrialRecord *> &trials) {
  trials.erase(std::remove_if(trials.begin(), trials.end(),
                              [](const auto *t) { return t->status == NAS_TRIAL_CACHED; }),
               trials.end());
  std::stable_sort(trials.begin(), trials.end(), [](const auto *a, const auto *b) {
    if (std::isnan(a->objective) != std::isnan(b->objective))
      return std::isnan(b->objective);
    return a->objective > b->objective;
  });
}

void print_trial_table(std::ostream &out, const std::vector<const core::TrialRecord *> &trials,
                       const std::string &objective_metric, const std::vector<std::string> *runs) {
  std::vector<std::string> metrics = metric_names(trials, objective_metric);
  std::vector<std::string> header = {"id", "stage", "status"};
  if (runs)
    header.insert(header.begin(), "run");
  header.insert(header.end(), metrics.begin(), metrics.end());
  header.push_back("architecture");
  std::vector<std::vector<std::string>> rows;
  for (size_t k = 0; k < trials.size(); ++k) {
    const core::TrialRecord *t = trials[k];
    std::vector<std::string> row = {std::to_string(t->id), t->stage, core::status_name(t->status)};
    if (runs)
      row.insert(row.begin(), (*runs)[k]);
    for (const auto &m : metrics) {
      auto it = t->metrics.find(m);
      row.push_back(it == t->metrics.end() ? "-" : metric_text(*it));
    }
    row.push_back(t->canonical);
    rows.push_back(row);
  }
  std::vector<size_t> width(header.size());
  for (size_t i = 0; i < header.size(); ++i) {
    width[i] = header[i].size();
    for (const auto &r : rows)
      width[i] = std::max(width[i], r[i].size());
  }
  auto print_row = [&](const std::vector<std::string> &r) {
    for (size_t i = 0; i < r.size(); ++i) {
      bool last = i + 1 == r.size();
      out << (i ? "  " : "") << (last ? r[i] : r[i] + std::string(width[i] - r[i].size(), ' '));
    }
    out << "\n";
  };
  print_row(header);
  for (const auto &r : rows)
    print_row(r);
}

void print_trial_csv(std::ostream &out, const std::vector<const core::TrialRecord *> &trials) {
  std::vector<std::string> metrics = metric_names(trials, "");
  // A metric named like a fixed column (the tabular evaluator echoes "fidelity") is shown once.
  const std::vector<std::string> fixed = {"id",       "stage",     "status",  "objective",
                                          "fidelity", "canonical", "choices", "error"};
  metrics.erase(std::remove_if(metrics.begin(), metrics.end(),
                               [&](const std::string &m) {
                                 return std::find(fixed.begin(), fixed.end(), m) != fixed.end();
                               }),
                metrics.end());
  out << "id,stage,status,objective,fidelity";
  for (const auto &m : metrics)
    out << "," << csv_field(m);
  out << ",canonical,choices,error\n";
  for (const auto *t : trials) {
    out << t->id << "," << csv_field(t->stage) << "," << core::status_name(t->status) << ","
        << (std::isnan(t->objective) ? "" : exact_number(t->objective)) << ","
        << exact_number(t->fidelity);
    for (const auto &m : metrics) {
      auto it = t->metrics.find(m);
      out << "," << (it == t->metrics.end() ? "" : csv_value(*it));
    }
    std::string choices;
    for (int32_t c : t->choices)
      choices += (choices.empty() ? "" : " ") + std::to_string(c);
    out << "," << csv_field(t->canonical) << "," << choices << "," << csv_field(t->error) << "\n";
  }
}

void print_run_report(std::ostream &out, const core::Pipeline &pipeline,
                      const core::RunResult &result) {
  out << "run folder: " << result.run_dir << (result.interrupted ? " (interrupted)" : "") << "\n";
  for (const auto &s : result.stages) {
    out << "stage '" << s.name << "': " << s.trials << " trials (" << s.evaluated << " evaluated, "
        << s.cached << " cached";
    for (const auto &[status, n] : s.by_status)
      if (status != "ok" && status != "cached")
        out << ", " << n << " " << status;
    out << ") in " << format_number(s.seconds) << " s; " << s.end_reason << "\n";
    if (!s.best) {
      out << "  no successful trial\n";
      continue;
    }
    out << "  best: trial " << s.best->id << "  " << s.best->canonical << "\n ";
    for (const auto &[k, v] : s.best->metrics.items())
      out << " " << k << "=" << metric_text(v);
    out << "\n";
  }
  out << "see all trials: nas results " << result.run_dir << "\n";
  (void)pipeline;
}

} // namespace nas::cli
