#include "sampler.hpp"

namespace nas::halving {

Sampler::Sampler(nas_instance_t *inst)
    : inst_(inst), vt_(interface_of<nas_strategy_v1_t>(inst, NAS_STRATEGY_V1)) {}

std::string Sampler::name() const { return inst_ ? inst_->desc->name : "(none)"; }

nas_status_t Sampler::ask(int64_t trial_id, Choices &choices) const {
  nas_ask_t ask{};
  ask.struct_size = sizeof ask;
  ask.trial_id = trial_id;
  ask.n = static_cast<uint32_t>(choices.size());
  ask.choices = choices.data();
  ask.fidelity = 1.0;
  ask.resume_from = -1;
  nas_error_t error = detail::make_error();
  nas_status_t status = vt_->ask(inst_, &ask, &error);
  detail::check(status, error, ("sampler " + name() + ": ask").c_str());
  if (status != NAS_OK && status != NAS_WAIT && status != NAS_DONE)
    throw Error(NAS_ERR_INTERNAL,
                "sampler " + name() + " answered ask with status " + std::to_string(status));
  return status;
}

void Sampler::tell(const Outcome &o) const {
  nas_tell_t tell{};
  tell.struct_size = sizeof tell;
  tell.trial_id = o.trial_id;
  tell.arch = arch_view(o.choices);
  tell.fidelity = o.fidelity;
  tell.status = o.status;
  tell.objective = o.objective;
  tell.metrics_json = o.metrics_json.c_str();
  nas_error_t error = detail::make_error();
  detail::check(vt_->tell(inst_, &tell, &error), error, ("sampler " + name() + ": tell").c_str());
}

std::optional<std::string> Sampler::save() const {
  if (!NAS_HAS_FIELD(vt_, nas_strategy_v1_t, save) || !vt_->save)
    return std::nullopt;
  detail::StringSink sink;
  nas_error_t error = detail::make_error();
  nas_status_t status = vt_->save(inst_, &sink, &error);
  if (status == NAS_ERR_UNSUPPORTED)
    return std::nullopt;
  detail::check(status, error, ("sampler " + name() + ": save").c_str());
  return sink.text;
}

void Sampler::load(const std::string &state) const {
  if (!NAS_HAS_FIELD(vt_, nas_strategy_v1_t, load) || !vt_->load)
    throw Error(NAS_ERR_UNSUPPORTED, "sampler " + name() + " saved a state but has no load");
  nas_error_t error = detail::make_error();
  detail::check(vt_->load(inst_, state.data(), state.size(), &error), error,
                ("sampler " + name() + ": load").c_str());
}

} // namespace nas::halving
