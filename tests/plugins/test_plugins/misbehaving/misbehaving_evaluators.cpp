// Evaluators for the tests of the local engine (worker processes).
//
// test.evaluator.misbehaving misbehaves on purpose for some architectures: it takes a key,
// the sum of the trial's choices (`by = "sum"`) or the trial id (`by = "trial"`), and when
// `modulo` > 0 and key % modulo equals one of these remainders (each -1, never, by default):
//   segfault   raises SIGSEGV
//   exit       ends the process with status 3
//   sleep      sleeps `sleep_seconds` (default 3600): past any trial_timeout
//   allocate   allocates `allocate_mb` MiB (default 1024) in 16 MiB blocks, touching every
//              page: past a trial_memory limit (std::bad_alloc under an rlimit, the OOM
//              killer under a cgroup); below the limit it frees them and answers
//   garbage    writes bytes that are not a frame to the worker's pipe to the host (its
//              descriptor is in NAS_WORKER_RESULT_FD), then sleeps
// Otherwise it answers score = sum of choices, pid (of the process that evaluated it),
// threads (NAS_NUM_THREADS, 0 when unset) and oom_score_adj (of that process). With
// `report = true` it reports steps 1 and 2 of each trial ({"step_score": ...}) first. With
// `refuse_in_worker = true` it refuses its config in a worker process (NAS_WORKER_ID set)
// while the host accepts it: a worker that cannot load its evaluator.
//
// test.evaluator.sleep sleeps `ms` milliseconds (default 200) and answers score = sum of
// choices and pid: the workers benchmark and the timeout tests.
#include <nas/plugin.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <numeric>
#include <thread>
#include <unistd.h>
#include <vector>

namespace nas::test {

namespace {

int64_t sum_of(const Choices &choices) {
  return std::accumulate(choices.begin(), choices.end(), int64_t{0});
}

int env_int(const char *name) {
  const char *v = std::getenv(name);
  return v ? std::atoi(v) : 0;
}

int oom_score_adj() {
  std::ifstream in("/proc/self/oom_score_adj");
  int v = 0;
  in >> v;
  return v;
}

} // namespace

class MisbehavingEvaluator final : public Evaluator {
public:
  MisbehavingEvaluator(const Config &config, const Host &host)
      : Evaluator(host), by_trial_(config.get_string("by", "sum") == "trial"),
        modulo_(config.get_int("modulo", 0)), segfault_(config.get_int("segfault", -1)),
        exit_(config.get_int("exit", -1)), sleep_(config.get_int("sleep", -1)),
        allocate_(config.get_int("allocate", -1)), garbage_(config.get_int("garbage", -1)),
        sleep_seconds_(config.get_double("sleep_seconds", 3600)),
        allocate_mb_(config.get_int("allocate_mb", 1024)),
        report_(config.get_bool("report", false)) {
    std::string by = config.get_string("by", "sum");
    if (by != "sum" && by != "trial")
      throw ConfigError("by", "'by' must be \"sum\" or \"trial\"");
    if (modulo_ < 0)
      throw ConfigError("modulo", "'modulo' must be 0 or more");
    if (config.get_bool("refuse_in_worker", false) && std::getenv("NAS_WORKER_ID"))
      throw ConfigError("refuse_in_worker", "refused in a worker process, as configured");
  }

  static Info info() {
    Info i;
    i.name = "test.evaluator.misbehaving";
    i.version = "1.0.0";
    i.description = "Test evaluator: crashes, hangs, allocates or sends garbage on purpose.";
    i.config =
        R"json({"by": {"type": "string", "default": "sum", "help": "key: sum (of choices) or trial (id)"},
            "modulo": {"type": "int", "default": 0, "help": "misbehave when key % modulo matches; 0: never"},
            "segfault": {"type": "int", "default": -1, "help": "remainder that raises SIGSEGV"},
            "exit": {"type": "int", "default": -1, "help": "remainder that exits with status 3"},
            "sleep": {"type": "int", "default": -1, "help": "remainder that sleeps sleep_seconds"},
            "allocate": {"type": "int", "default": -1, "help": "remainder that allocates allocate_mb"},
            "garbage": {"type": "int", "default": -1, "help": "remainder that writes garbage to the host"},
            "sleep_seconds": {"type": "double", "default": 3600, "help": "how long 'sleep' sleeps"},
            "allocate_mb": {"type": "int", "default": 1024, "help": "MiB that 'allocate' touches"},
            "report": {"type": "bool", "default": false, "help": "report steps 1 and 2 first"},
            "refuse_in_worker": {"type": "bool", "default": false, "help": "fail to load in workers"}})json";
    i.metrics = R"({"score": {"unit": "", "help": "sum of choices"},
                    "pid": {"unit": "", "help": "the evaluating process"},
                    "threads": {"unit": "", "help": "NAS_NUM_THREADS"},
                    "oom_score_adj": {"unit": "", "help": "of the evaluating process"}})";
    return i;
  }

  std::string evaluate(const Trial &trial) override {
    if (report_)
      for (int step = 1; step <= 2; ++step)
        host().report(step, nlohmann::json{{"step_score", step * sum_of(trial.choices)}}.dump());
    int64_t key = by_trial_ ? trial.id : sum_of(trial.choices);
    int64_t r = modulo_ > 0 ? key % modulo_ : -2;
    if (r == segfault_)
      std::raise(SIGSEGV);
    if (r == exit_)
      std::_Exit(3);
    if (r == sleep_)
      std::this_thread::sleep_for(std::chrono::duration<double>(sleep_seconds_));
    if (r == allocate_)
      allocate();
    if (r == garbage_)
      send_garbage();
    return nlohmann::json{{"score", sum_of(trial.choices)},
                          {"pid", static_cast<int>(::getpid())},
                          {"threads", env_int("NAS_NUM_THREADS")},
                          {"oom_score_adj", oom_score_adj()}}
        .dump();
  }

private:
  void allocate() const {
    const size_t block = size_t{16} << 20;
    std::vector<std::unique_ptr<char[]>> blocks; // freed on the way out, bad_alloc included
    for (int64_t done = 0; done < allocate_mb_; done += 16) {
      blocks.emplace_back(new char[block]);
      std::memset(blocks.back().get(), 1, block); // resident, not just reserved
    }
  }

  static void send_garbage() {
    const char *fd = std::getenv("NAS_WORKER_RESULT_FD");
    if (!fd)
      throw Failed("garbage: NAS_WORKER_RESULT_FD is not set (not in a worker process)");
    const char bytes[] = "\xff\xff\xff\x7fthis is not a frame";
    (void)!::write(std::atoi(fd), bytes, sizeof bytes - 1);
    std::this_thread::sleep_for(std::chrono::seconds(30)); // until the host kills it
  }

  bool by_trial_;
  int64_t modulo_, segfault_, exit_, sleep_, allocate_, garbage_;
  double sleep_seconds_;
  int64_t allocate_mb_;
  bool report_;
};

class SleepEvaluator final : public Evaluator {
public:
  SleepEvaluator(const Config &config, const Host &host)
      : Evaluator(host), ms_(config.get_int("ms", 200)) {
    if (ms_ < 0)
      throw ConfigError("ms", "'ms' must be 0 or more");
  }

  static Info info() {
    Info i;
    i.name = "test.evaluator.sleep";
    i.version = "1.0.0";
    i.description = "Test evaluator: sleeps `ms` milliseconds, answers the sum of choices.";
    i.config = R"({"ms": {"type": "int", "default": 200, "help": "milliseconds per trial"}})";
    i.metrics = R"({"score": {"unit": "", "help": "sum of choices"},
                    "pid": {"unit": "", "help": "the evaluating process"}})";
    return i;
  }

  std::string evaluate(const Trial &trial) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(ms_));
    return nlohmann::json{{"score", sum_of(trial.choices)}, {"pid", static_cast<int>(::getpid())}}
        .dump();
  }

private:
  int64_t ms_;
};

} // namespace nas::test

NAS_PLUGIN_LIBRARY(nas::test::MisbehavingEvaluator, nas::test::SleepEvaluator);
