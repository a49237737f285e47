#include "results_writer.hpp"

#include "errors.hpp"
#include "evaluation.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace nas::core {

namespace {

std::FILE *open_or_throw(const std::string &path, const char *mode) {
  std::FILE *f = std::fopen(path.c_str(), mode);
  if (!f)
    throw RunError("cannot write " + path + ": " + std::strerror(errno));
  return f;
}

} // namespace

ResultsWriter::ResultsWriter(const std::string &run_dir) : run_dir_(run_dir) {
  trials_ = open_or_throw(run_dir + "/trials.jsonl", "a");
  reports_ = open_or_throw(run_dir + "/reports.jsonl", "a");
  last_flush_ = now_seconds();
}

ResultsWriter::~ResultsWriter() {
  if (trials_)
    std::fclose(trials_);
  if (reports_)
    std::fclose(reports_);
}

void ResultsWriter::write_line(std::FILE *f, const std::string &line) {
  if (std::fwrite(line.data(), 1, line.size(), f) != line.size() || std::fputc('\n', f) == EOF)
    throw RunError("cannot write to " + run_dir_ + ": " + std::strerror(errno));
  double now = now_seconds();
  if (now - last_flush_ > 0.5) {
    flush();
    last_flush_ = now;
  }
}

void ResultsWriter::write(const TrialRecord &trial) { write_line(trials_, to_json(trial).dump()); }

void ResultsWriter::write_report(int64_t trial, const std::string &path, int64_t step,
                                 const std::string &json) {
  Json line = {{"trial", trial}, {"from", path}, {"step", step}};
  try {
    line["metrics"] = Json::parse(json);
  } catch (const std::exception &) {
    line["text"] = json; // keep what the plugin said, even when it is not JSON
  }
  write_line(reports_, line.dump());
}

void ResultsWriter::flush() {
  if (std::fflush(trials_) != 0 || std::fflush(reports_) != 0)
    throw RunError("cannot write to " + run_dir_ + ": " + std::strerror(errno));
}

void ResultsWriter::write_summary(const Json &summary) {
  std::string path = run_dir_ + "/summary.json";
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    out << summary.dump(2) << "\n";
    if (!out)
      throw RunError("cannot write " + tmp);
  }
  std::filesystem::rename(tmp, path); // never a half-written summary
}

std::vector<TrialRecord> read_trials(const std::string &run_dir) {
  std::string path = run_dir + "/trials.jsonl";
  std::ifstream in(path);
  if (!in)
    throw RunError("no results in " + run_dir + " (cannot read " + path + ")");
  std::vector<TrialRecord> out;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty())
      continue;
    try {
      out.push_back(trial_from_json(Json::parse(line)));
    } catch (const std::exception &e) {
      if (in.peek() == EOF)
        break; // a last line cut short by a killed run: what came before is intact
      throw RunError(path + ":" + std::to_string(n) + ": damaged trial record: " + e.what());
    }
  }
  return out;
}

} // namespace nas::core
