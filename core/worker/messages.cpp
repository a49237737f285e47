#include "messages.hpp"

#include <cmath>

namespace nas::core::worker {

namespace {

uint64_t unsigned_field(const Json &m, const char *key, const std::string &what) {
  return field<uint64_t>(m, key, what);
}

// Choices one by one: each a whole number that fits an int32.
std::vector<int32_t> choices_field(const Json &m, const std::string &what) {
  auto it = m.find("choices");
  if (it == m.end() || !it->is_array())
    throw FrameError("a " + what + " has no \"choices\" list");
  std::vector<int32_t> out;
  out.reserve(it->size());
  for (const Json &c : *it) {
    if (!in_range<int32_t>(c))
      throw FrameError("a " + what + " has \"choices\" that are not all 32-bit integers");
    out.push_back(static_cast<int32_t>(c.get<int64_t>()));
  }
  return out;
}

// NaN and infinities are not JSON (they would arrive as null).
double finite_or_zero(double v) { return std::isfinite(v) ? v : 0.0; }

} // namespace

Json to_json(const Hello &h) {
  return {{"worker", h.worker},
          {"pipeline_file", h.pipeline_file},
          {"pipeline_text", h.pipeline_text},
          {"overrides", h.overrides},
          {"plugin_paths", h.plugin_paths},
          {"plugin_files", h.plugin_files},
          {"stage", h.stage},
          {"seed", h.seed},
          {"run_dir", h.run_dir},
          {"config_dir", h.config_dir},
          {"threads", h.threads},
          {"log_level", h.log_level},
          {"memory_limit", h.memory_limit},
          {"memory_method", h.memory_method}};
}

Hello hello_from_json(const Json &m) {
  const std::string what = "hello message";
  Hello h;
  h.worker = field<int>(m, "worker", what);
  h.pipeline_file = field<std::string>(m, "pipeline_file", what);
  h.pipeline_text = field<std::string>(m, "pipeline_text", what);
  h.overrides = field<std::vector<std::string>>(m, "overrides", what);
  h.plugin_paths = field<std::vector<std::string>>(m, "plugin_paths", what);
  if (m.contains("plugin_files"))
    h.plugin_files = field<std::vector<std::string>>(m, "plugin_files", what);
  h.stage = static_cast<size_t>(unsigned_field(m, "stage", what));
  h.seed = unsigned_field(m, "seed", what);
  h.run_dir = field<std::string>(m, "run_dir", what);
  h.config_dir = field<std::string>(m, "config_dir", what);
  h.threads = field<int>(m, "threads", what);
  h.log_level = field<int>(m, "log_level", what);
  h.memory_limit = field<int64_t>(m, "memory_limit", what);
  h.memory_method = field<std::string>(m, "memory_method", what);
  return h;
}

Json to_json(const TrialJob &job) {
  return {{"id", job.id},
          {"choices", job.choices},
          {"canonical", job.canonical},
          {"ir_json", job.ir_json},
          {"fidelity", job.fidelity},
          {"seed", job.seed},
          {"repeat", job.repeat},
          {"artifact_dir", job.artifact_dir},
          {"resume_from", job.resume_from},
          {"tag", job.tag},
          {"oneshot", job.oneshot}};
}

TrialJob job_from_json(const Json &j) {
  const std::string what = "trial message";
  if (!j.is_object())
    throw FrameError("a " + what + " holds no trial object");
  TrialJob job;
  job.id = field<int64_t>(j, "id", what);
  job.choices = choices_field(j, what);
  job.canonical = field<std::string>(j, "canonical", what);
  job.ir_json = field<std::string>(j, "ir_json", what);
  job.fidelity = field<double>(j, "fidelity", what);
  job.seed = unsigned_field(j, "seed", what);
  job.repeat = field<uint32_t>(j, "repeat", what);
  job.artifact_dir = field<std::string>(j, "artifact_dir", what);
  job.resume_from = field<std::string>(j, "resume_from", what);
  job.tag = field<std::string>(j, "tag", what);
  if (j.contains("oneshot"))
    job.oneshot = field<bool>(j, "oneshot", what);
  return job;
}

Json to_json(const TrialOutcome &o) {
  return {{"id", o.id},           {"status", o.status}, {"metrics", o.metrics}, {"error", o.error},
          {"started", o.started}, {"ended", o.ended},   {"choices", o.choices}};
}

TrialOutcome outcome_from_json(const Json &j) {
  const std::string what = "result message";
  if (!j.is_object())
    throw FrameError("a " + what + " holds no outcome object");
  TrialOutcome o;
  o.id = field<int64_t>(j, "id", what);
  o.status = field<int32_t>(j, "status", what);
  o.metrics = field<Json>(j, "metrics", what);
  if (!o.metrics.is_object())
    throw FrameError("a " + what + " has \"metrics\" that are not a JSON object");
  o.error = field<std::string>(j, "error", what);
  o.started = field<double>(j, "started", what);
  o.ended = field<double>(j, "ended", what);
  if (j.contains("choices")) // a one-shot search's derived architecture
    o.choices = choices_field(j, what);
  return o;
}

Json hello_message(const Hello &h) {
  Json m = {{"type", "hello"}};
  m.update(to_json(h));
  return m;
}

Json trial_message(const TrialJob &job) { return {{"type", "trial"}, {"trial", to_json(job)}}; }

Json quit_message() { return {{"type", "quit"}}; }

Json ready_message(int pid) { return {{"type", "ready"}, {"pid", pid}}; }

Json error_message(const std::string &message) { return {{"type", "error"}, {"message", message}}; }

Json report_message(int64_t trial, const std::string &path, int64_t step, const std::string &json) {
  return {{"type", "report"}, {"trial", trial}, {"path", path}, {"step", step}, {"json", json}};
}

Json progress_message(const std::string &path, double done, double total,
                      const std::string &message) {
  return {{"type", "progress"},
          {"path", path},
          {"done", finite_or_zero(done)},
          {"total", finite_or_zero(total)},
          {"message", message}};
}

Json log_message(int level, const std::string &message) {
  return {{"type", "log"}, {"level", level}, {"message", message}};
}

Json result_message(const TrialOutcome &outcome) {
  return {{"type", "result"}, {"outcome", to_json(outcome)}};
}

std::string type_of(const Json &message) { return message.at("type").get<std::string>(); }

} // namespace nas::core::worker
