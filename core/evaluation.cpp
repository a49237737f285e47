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

namespace {

nas_trial_t trial_view(const TrialJob &job, const nas_arch_t &arch) {
  nas_trial_t t{};
  t.struct_size = sizeof t;
  t.id = job.id;
  t.arch = arch;
  t.canonical = job.canonical.c_str();
  t.ir_json = job.ir_json.c_str();
  t.fidelity = job.fidelity;
  t.seed = job.seed;
  t.repeat = job.repeat;
  t.artifact_dir = job.artifact_dir.c_str();
  t.resume_from = job.resume_from.c_str();
  t.tag = job.tag.c_str();
  return t;
}

// The metrics a runner wrote, or the outcome failed with what is wrong with them.
void take_metrics(const Instance &runner, const std::string &text, TrialOutcome &out) {
  try {
    out.metrics = Json::parse(text);
    if (!out.metrics.is_object())
      throw std::runtime_error("not a JSON object");
    out.status = NAS_TRIAL_OK;
  } catch (const std::exception &e) {
    out.status = NAS_TRIAL_FAILED;
    out.metrics = Json::object();
    out.error = runner.descriptor().name + " returned metrics that are not a JSON object (" +
                e.what() + "): " + text.substr(0, 200);
  }
}

} // namespace

TrialOutcome evaluate_trial(const Instance &runner, const TrialJob &job) {
  TrialOutcome out;
  out.id = job.id;
  const auto *evaluator = runner.interface<nas_evaluator_v1_t>(NAS_EVALUATOR_V1);
  const auto *oneshot = runner.interface<nas_oneshot_v1_t>(NAS_ONESHOT_V1);
  const bool search = oneshot && (job.oneshot || !evaluator);
  if (!search && !evaluator)
    throw std::logic_error(runner.descriptor().name + " can neither evaluate nor search");

  // A one-shot search starts from no architecture: it derives one, a choice per decision.
  std::vector<int32_t> derived(search ? job.choices.size() : 0, 0);
  const std::vector<int32_t> none;
  nas_trial_t t = trial_view(job, nas::arch_view(search ? none : job.choices));
  nas::detail::StringSink sink;
  nas_error_t error = make_error();
  out.started = now_seconds();
  nas_status_t status = search
                            ? oneshot->search(runner.raw(), &t, derived.data(),
                                              static_cast<uint32_t>(derived.size()), &sink, &error)
                            : evaluator->evaluate(runner.raw(), &t, &sink, &error);
  out.ended = now_seconds();
  if (status != NAS_OK) {
    out.status = status_for_error(status);
    out.error =
        error.message[0] ? error.message : runner.descriptor().name + " failed without a message";
    return out;
  }
  take_metrics(runner, sink.text, out);
  if (search && out.status == NAS_TRIAL_OK)
    out.choices = std::move(derived);
  return out;
}

} // namespace nas::core
