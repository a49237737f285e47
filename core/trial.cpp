#include "trial.hpp"

#include <array>

namespace nas::core {

namespace {
constexpr std::array<const char *, 9> kStatusNames = {
    "ok", "failed", "infeasible", "timeout", "crashed", "oom", "cancelled", "invalid", "cached"};
}

const char *status_name(int32_t status) {
  return status >= 0 && status < static_cast<int32_t>(kStatusNames.size()) ? kStatusNames[status]
                                                                           : "unknown";
}

int32_t status_from_name(const std::string &name) {
  for (size_t i = 0; i < kStatusNames.size(); ++i)
    if (name == kStatusNames[i])
      return static_cast<int32_t>(i);
  return -1;
}

Json to_json(const TrialRecord &t) {
  Json j = {{"id", t.id},
            {"stage", t.stage},
            {"choices", t.choices},
            {"canonical", t.canonical},
            {"key", t.key},
            {"fidelity", t.fidelity},
            {"repeat", t.repeat},
            {"seed", t.seed},
            {"status", status_name(t.status)},
            {"metrics", t.metrics},
            {"objective", std::isnan(t.objective) ? Json(nullptr) : Json(t.objective)},
            {"started", t.started},
            {"ended", t.ended}};
  if (!t.tag.empty())
    j["tag"] = t.tag;
  if (!t.error.empty())
    j["error"] = t.error;
  if (t.cached_from >= 0)
    j["cached_from"] = t.cached_from;
  return j;
}

TrialRecord trial_from_json(const Json &j) {
  TrialRecord t;
  t.id = j.at("id").get<int64_t>();
  t.stage = j.at("stage").get<std::string>();
  t.choices = j.at("choices").get<std::vector<int32_t>>();
  t.canonical = j.at("canonical").get<std::string>();
  t.key = j.value("key", t.canonical);
  t.fidelity = j.value("fidelity", 1.0);
  t.repeat = j.value("repeat", 0u);
  t.seed = j.value("seed", uint64_t{0});
  t.tag = j.value("tag", "");
  t.status = status_from_name(j.at("status").get<std::string>());
  t.metrics = j.value("metrics", Json::object());
  t.objective = j.at("objective").is_number() ? j["objective"].get<double>() : NAN;
  t.error = j.value("error", "");
  t.started = j.value("started", 0.0);
  t.ended = j.value("ended", 0.0);
  t.cached_from = j.value("cached_from", int64_t{-1});
  return t;
}

} // namespace nas::core
