// Plugins for the tests of one-shot stages (nas.oneshot/1).
//
// test.strategy.oneshot stands in for DARTS: its search() runs `epochs` "epochs" (each
// sleeps `sleep_ms`, polling is_cancelled), and after each writes ARTIFACT/checkpoint.json
// {"epoch": e, "report": R} (write, then rename: a kill leaves the old or the new one) and
// reports step e with R = {"epoch": e, "alpha": [...]}. Given resume_from with a checkpoint,
// it sends that epoch's report again (as the real one-shot strategies do: the kill may have
// lost it) and continues after that epoch. It checks that it was handed a supernet IR and an
// artifact folder, derives the space's last option on every decision, and answers
// valid_accuracy (40 + epochs), epochs_run_this_session and resumed_from_epoch (0: started
// over). `fail = true` makes the search fail after its epochs; `die_after_checkpoint = E`
// kills the process between epoch E's checkpoint and its report (only when not resumed),
// where a real kill loses a report. Its ask and tell must never be called.
//
// test.space.no_supernet is a space of `decisions` decisions of `options` options each,
// with no supernet IR: the one-shot strategy cannot run on it.
#include <nas/plugin.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

namespace nas::test {

namespace fs = std::filesystem;

class OneShotStrategy final : public Strategy, public OneShot {
public:
  OneShotStrategy(const Config &config, const Host &host)
      : Strategy(host), epochs_(config.get_int("epochs", 3)),
        sleep_ms_(config.get_int("sleep_ms", 0)), fail_(config.get_bool("fail", false)),
        die_after_checkpoint_(config.get_int("die_after_checkpoint", 0)) {
    if (epochs_ < 1)
      throw ConfigError("epochs", "'epochs' must be at least 1");
  }

  static Info info() {
    Info i;
    i.name = "test.strategy.oneshot";
    i.version = "1.0.0";
    i.description = "Test strategy: a one-shot search of sleeping epochs with checkpoints.";
    i.config = R"({"epochs": {"type": "int", "default": 3, "help": "epochs of the search"},
                   "sleep_ms": {"type": "int", "default": 0, "help": "each epoch sleeps this"},
                   "fail": {"type": "bool", "default": false, "help": "fail after the epochs"},
                   "die_after_checkpoint": {"type": "int", "default": 0,
                     "help": "a search started afresh kills its process (SIGKILL) between this epoch's checkpoint and its report"}})";
    i.roles = R"({"space": {"kind": "space", "required": true, "help": "the space searched"}})";
    i.metrics = R"({"valid_accuracy": {"unit": "%", "help": "40 + epochs"},
                    "epochs_run_this_session": {"help": "epochs run by this call"},
                    "resumed_from_epoch": {"help": "the checkpoint it continued from, or 0"}})";
    return i;
  }

  void bind(const std::string &role, nas_instance_t *other) override {
    if (role != "space")
      return Strategy::bind(role, other);
    space_ = SpaceRef(other);
  }

  Ask ask(int64_t, Proposal &) override { throw Failed("a one-shot strategy was asked"); }
  void tell(const Outcome &) override { throw Failed("a one-shot strategy was told"); }

  Choices search(const Trial &trial, std::string &metrics_json) override {
    if (!nlohmann::json::parse(trial.ir_json).value("supernet", false))
      throw Failed("the trial's ir_json is not a supernet IR");
    if (trial.artifact_dir.empty() || !fs::is_directory(trial.artifact_dir))
      throw Failed("no artifact folder: " + trial.artifact_dir);
    int64_t resumed = 0;
    if (!trial.resume_from.empty()) {
      std::ifstream in(fs::path(trial.resume_from) / "checkpoint.json");
      if (in) {
        nlohmann::json saved = nlohmann::json::parse(in);
        resumed = saved.at("epoch").get<int64_t>();
        host().report(resumed, saved.at("report").dump()); // a kill may have lost it
      }
    }
    int64_t run = 0;
    for (int64_t e = resumed + 1; e <= epochs_; ++e, ++run) {
      for (int64_t slept = 0; slept < sleep_ms_; slept += 10) {
        if (host().cancelled())
          throw Error(NAS_ERR_CANCELLED, "cancelled in epoch " + std::to_string(e));
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      nlohmann::json alpha = nlohmann::json::array();
      for (uint32_t d = 0; d < space_.num_decisions(); ++d)
        alpha.push_back(static_cast<double>(e) / static_cast<double>(d + 1));
      nlohmann::json report = {{"epoch", e}, {"alpha", alpha}};
      checkpoint(trial.artifact_dir, e, report);
      if (e == die_after_checkpoint_ && resumed == 0)
        std::raise(SIGKILL);
      host().report(e, report.dump());
      if (host().cancelled())
        throw Error(NAS_ERR_CANCELLED, "cancelled after epoch " + std::to_string(e));
    }
    if (fail_)
      throw Failed("asked to fail (fail = true)");
    Choices derived(space_.num_decisions());
    for (uint32_t d = 0; d < derived.size(); ++d)
      derived[d] = static_cast<int32_t>(space_.num_options(d)) - 1;
    metrics_json = nlohmann::json{
        {"valid_accuracy", 40.0 + static_cast<double>(epochs_)},
        {"epochs_run_this_session", run},
        {"resumed_from_epoch",
         resumed}}.dump();
    return derived;
  }

private:
  static void checkpoint(const std::string &dir, int64_t epoch, const nlohmann::json &report) {
    fs::path tmp = fs::path(dir) / "checkpoint.json.tmp";
    std::ofstream(tmp) << nlohmann::json{{"epoch", epoch}, {"report", report}}.dump();
    fs::rename(tmp, fs::path(dir) / "checkpoint.json");
  }

  int64_t epochs_, sleep_ms_;
  bool fail_;
  int64_t die_after_checkpoint_;
  SpaceRef space_;
};

class NoSupernetSpace final : public Space {
public:
  NoSupernetSpace(const Config &config, const Host &host)
      : Space(host), decisions_(static_cast<uint32_t>(config.get_int("decisions", 3))),
        options_(static_cast<uint32_t>(config.get_int("options", 2))) {}

  static Info info() {
    Info i;
    i.name = "test.space.no_supernet";
    i.version = "1.0.0";
    i.description = "Test space: digits, no supernet IR.";
    i.config = R"({"decisions": {"type": "int", "default": 3, "help": "how many"},
                   "options": {"type": "int", "default": 2, "help": "options of each"}})";
    return i;
  }

  std::string describe() const override { return R"({"decisions": []})"; }
  uint32_t num_decisions() const override { return decisions_; }
  uint32_t num_options(uint32_t) const override { return options_; }
  std::string to_string(const Choices &c) const override {
    check_ranges(c);
    std::string out;
    for (int32_t x : c)
      out += std::to_string(x) + ".";
    return out;
  }
  Choices from_string(const std::string &) const override { throw Unsupported("from_string"); }

private:
  uint32_t decisions_, options_;
};

} // namespace nas::test

NAS_PLUGIN_LIBRARY(nas::test::OneShotStrategy, nas::test::NoSupernetSpace);
