#include "evaluation.hpp"

#include <nas/plugin.hpp>

#include <chrono>

namespace nas::core {

double now_seconds() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

int32_t status_for_error(nas_status_t code) {
  switch (code) {
  case NAS_ERR_INVALID_ARCH:
    return NAS_TRIAL_INVALID;
  case NAS_ERR_INFEASIBLE:
    return NAS_TRIAL_INFEASIBLE;
  case NAS_ERR_CANCELLED:
    return NAS_TRIAL_CANCELLED;
  case NAS_ERR_OUT_OF_MEMORY:
    return NAS_TRIAL_OOM;
  default:
    return NAS_TRIAL_FAILED;
  }
}

TrialOutcome evaluate_trial(const Instance &evaluator, const TrialJob &job) {
  TrialOutcome out;
  out.id = job.id;
  out.started = now_seconds();
  const auto *vt = evaluator.interface<nas_evaluator_v1_t>(NAS_EVALUATOR_V1);

  nas_trial_t t{};
  t.struct_size = sizeof t;
  t.id = job.id;
  t.arch = nas::arch_view(job.choices);
  t.canonical = job.canonical.c_str();
  t.ir_json = job.ir_json.c_str();
  t.fidelity = job.fidelity;
  t.seed = job.seed;
  t.repeat = job.repeat;
  t.artifact_dir = job.artifact_dir.c_str();
  t.resume_from = job.resume_from.c_str();
  t.tag = job.tag.c_str();

  nas::detail::StringSink sink;
  nas_error_t error = make_error();
  nas_status_t status = vt->evaluate(evaluator.raw(), &t, &sink, &error);
  out.ended = now_seconds();
  if (status != NAS_OK) {
    out.status = status_for_error(status);
    out.error = error.message[0] ? error.message : "the evaluator failed without a message";
    return out;
  }
  try {
    out.metrics = Json::parse(sink.text);
    if (!out.metrics.is_object())
      throw std::runtime_error("not a JSON object");
    out.status = NAS_TRIAL_OK;
  } catch (const std::exception &e) {
    out.status = NAS_TRIAL_FAILED;
    out.metrics = Json::object();
    out.error = evaluator.descriptor().name + " returned metrics that are not a JSON object (" +
                e.what() + "): " + sink.text.substr(0, 200);
  }
  return out;
}

} // namespace nas::core
