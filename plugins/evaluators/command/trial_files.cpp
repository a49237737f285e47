#include "trial_files.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace nas::command {

namespace {

using Json = nlohmann::json;

std::string shorten(const std::string &text, size_t most = 80) {
  return text.size() > most ? text.substr(0, most - 3) + "..." : text;
}

} // namespace

void write_trial_file(const Trial &trial, const TrialPaths &paths) {
  Json ir = nullptr;
  if (!trial.ir_json.empty()) {
    ir = Json::parse(trial.ir_json, nullptr, /*allow_exceptions=*/false);
    if (ir.is_discarded())
      throw Failed("the trial's IR is not valid JSON: " + shorten(trial.ir_json));
  }
  Json doc = {
      {"format", "nas-trial/1"},
      {"id", trial.id},
      {"choices", trial.choices},
      {"canonical", trial.canonical},
      {"ir", ir},
      {"fidelity", trial.fidelity},
      {"seed", trial.seed},
      {"repeat", trial.repeat},
      {"tag", trial.tag},
      {"artifact_dir", paths.folder},
      {"resume_from", trial.resume_from.empty() ? Json(nullptr) : Json(trial.resume_from)},
      {"metrics_file", paths.metrics},
      {"report_file", paths.reports},
  };
  // Written whole to a temporary name, then renamed: the command never sees half a file.
  std::string temporary = paths.trial + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << doc.dump(2) << '\n';
    if (!out.flush())
      throw Failed("cannot write " + temporary);
  }
  if (std::rename(temporary.c_str(), paths.trial.c_str()) != 0)
    throw Failed("cannot rename " + temporary + " to " + paths.trial + ": " + std::strerror(errno));
}

std::string read_metrics_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::runtime_error("it wrote no metrics file (" + path + ")");
  std::stringstream text;
  text << in.rdbuf();
  std::string content = text.str();
  if (content.find_first_not_of(" \t\r\n") == std::string::npos)
    throw std::runtime_error("its metrics file " + path + " is empty");
  // Ordered: the metrics keep the order the command wrote them in.
  nlohmann::ordered_json metrics =
      nlohmann::ordered_json::parse(content, nullptr, /*allow_exceptions=*/false);
  if (metrics.is_discarded()) {
    std::string start = shorten(content, 60);
    while (!start.empty() && std::isspace(static_cast<unsigned char>(start.back())))
      start.pop_back();
    throw std::runtime_error("its metrics file " + path + " is not JSON: it starts with '" + start +
                             "'");
  }
  if (!metrics.is_object())
    throw std::runtime_error("its metrics file " + path + " holds " +
                             std::string(metrics.type_name()) +
                             ", expected a JSON object of numbers such as "
                             "{\"valid_accuracy\": 91.2}");
  if (metrics.empty())
    throw std::runtime_error("its metrics file " + path + " is an empty object");
  for (auto it = metrics.begin(); it != metrics.end(); ++it)
    if (!it->is_number())
      throw std::runtime_error("metric '" + it.key() + "' in " + path + " is " +
                               shorten(it->dump(), 60) + ", expected a number");
  return metrics.dump();
}

bool is_report_object(const std::string &text, int64_t &step, std::string &problem) {
  Json report = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (report.is_discarded() || !report.is_object()) {
    problem = report.is_discarded() ? "is not JSON" : "is not a JSON object";
    return false;
  }
  auto s = report.find("step");
  if (s != report.end() && s->is_number_integer())
    step = s->get<int64_t>();
  return true;
}

} // namespace nas::command
