// test.evaluator.fidelity: a synthetic evaluator whose score depends on the fidelity, for
// the tests of multi-fidelity strategies (the bundled tables hold final results only).
//
//   quality(a)  = sum of a's choices + u(a)                    (the score at fidelity 1)
//   score(a, f) = quality(a) * (f + (1 - f) * u(a, f))
// u(...) are hash-based uniforms in [0, 1). Low fidelities shrink every score by a factor in
// [f, 1] that differs between architectures, so ranks are only partly kept and promotions
// matter. train_seconds = 100 f. `fail_fraction` (default 0): the architectures whose
// hash-based uniform falls below it fail at every fidelity.
//
// It behaves like a trainer with checkpoints: with an artifact folder it writes
// checkpoint.json ({"canonical", "fidelity", "trial"}) there, and reports what it resumed:
// "resumed_from" (the folder it was given, "" when none) and, when that folder holds a
// checkpoint, "resumed_canonical", "resumed_fidelity" and "resumed_trial" read from it.
#include <nas/plugin.hpp>
#include <nas/random.hpp>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <numeric>

namespace nas::test {

class FidelityEvaluator final : public Evaluator {
public:
  FidelityEvaluator(const Config &config, const Host &host)
      : Evaluator(host), fail_fraction_(config.get_double("fail_fraction", 0.0)) {
    if (!(fail_fraction_ >= 0.0 && fail_fraction_ <= 1.0))
      throw ConfigError("fail_fraction", "'fail_fraction' must be in [0, 1]");
  }

  static Info info() {
    Info i;
    i.name = "test.evaluator.fidelity";
    i.version = "1.0.0";
    i.description = "Test evaluator: a synthetic score that depends on the fidelity.";
    i.config = R"({"fail_fraction": {"type": "double", "default": 0.0, "help": )"
               R"j("the share of architectures that fail (chosen by hash)"}})j";
    i.metrics = R"({"score": {"unit": "", "help": "quality scaled by a fidelity factor"}, )"
                R"("train_seconds": {"unit": "s", "help": "100 x fidelity"}, )"
                R"("resumed_from": {"unit": "", "help": "the checkpoint folder given, or empty"}, )"
                R"("resumed_canonical": {"unit": "", "help": "the resumed checkpoint's arch"}, )"
                R"("resumed_fidelity": {"unit": "", "help": "the resumed checkpoint's fidelity"}, )"
                R"("resumed_trial": {"unit": "", "help": "the resumed checkpoint's trial id"}})";
    return i;
  }

  // The score at `fidelity` of the architecture `choices` whose canonical string is `key`.
  static double score(const Choices &choices, const std::string &key, double fidelity) {
    double quality = std::accumulate(choices.begin(), choices.end(), 0.0) + unit("q " + key);
    return quality * (fidelity + (1.0 - fidelity) * unit("f " + key + " " + fixed(fidelity)));
  }

  std::string evaluate(const Trial &trial) override {
    const std::string key = trial.canonical;
    if (unit("fail " + key) < fail_fraction_)
      throw Failed("test.evaluator.fidelity: " + key + " fails by design (fail_fraction)");
    nlohmann::json metrics = {{"score", score(trial.choices, key, trial.fidelity)},
                              {"train_seconds", 100.0 * trial.fidelity},
                              {"resumed_from", trial.resume_from}};
    if (!trial.resume_from.empty()) {
      std::ifstream in(trial.resume_from + "/checkpoint.json");
      auto checkpoint = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
      if (checkpoint.is_object()) {
        metrics["resumed_canonical"] = checkpoint.value("canonical", "");
        metrics["resumed_fidelity"] = checkpoint.value("fidelity", 0.0);
        metrics["resumed_trial"] = checkpoint.value("trial", int64_t{-1});
      }
    }
    if (!trial.artifact_dir.empty()) {
      std::ofstream out(trial.artifact_dir + "/checkpoint.json");
      out << nlohmann::json{{"canonical", key}, {"fidelity", trial.fidelity}, {"trial", trial.id}}
                 .dump();
      if (!out)
        throw Failed("cannot write " + trial.artifact_dir + "/checkpoint.json");
    }
    return metrics.dump();
  }

private:
  // A uniform in [0, 1) from the top 53 bits of the SDK's string hash.
  static double unit(const std::string &label) {
    return static_cast<double>(hash64(label) >> 11) * 0x1.0p-53;
  }
  static std::string fixed(double fidelity) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9f", fidelity);
    return buf;
  }

  double fail_fraction_;
};

} // namespace nas::test

NAS_PLUGIN_LIBRARY(nas::test::FidelityEvaluator);
