// The local engine ([execution] engine = "local"): worker processes give the same trials as
// the inline engine; a worker that crashes, hangs, runs out of memory, exits or sends
// garbage costs exactly its one trial and the run goes on; workers die with the host.
#include "../support/run_nas.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using nas::test::run_nas;
using nas::test::TempDir;
using nlohmann::json;

namespace {

const std::string kPluginDir = NAS_TEST_PLUGIN_DIR "/misbehaving";
// A hung host is killed well before ctest's timeout, and the test says so (exit 124).
const std::string kEnv = "NAS_PLUGIN_PATH=" + kPluginDir + " timeout 60";


std::string pipeline(const std::string &output, const std::string &evaluator, int evaluations,
                     const std::string &execution, int seed = 3) {
  return "[experiment]\nname = \"workers\"\nseed = " + std::to_string(seed) + "\noutput = \"" +
         output + "\"\n\n[objective]\nmetric = \"" +
         (evaluator.find("tabular") != std::string::npos ? "valid_accuracy" : "score") +
         "\"\n\n[space]\nplugin = \"nas.space.nb201\"\n\n[[stage]]\nname = \"search\"\n"
         "budget = { evaluations = " +
         std::to_string(evaluations) +
         " }\nstrategy = { plugin = \"nas.strategy.random\" }\nevaluator = " + evaluator +
         "\n\n[execution]\n" + execution;
}

std::string tabular() {
  return "{ plugin = \"nas.evaluator.tabular\", table = \"" + nas::test::data_dir() +
         "/nb201/cifar10_avg.csv.gz\", key = \"arch_str\", metrics = { valid_accuracy = "
         "\"valid-accuracy\", test_accuracy = \"test-accuracy\" } }";
}

bool contains(const json &t, const std::string &key, const std::string &words) {
  return t.value(key, "").find(words) != std::string::npos;
}

// ---- Same answers as the inline engine ---------------------------------------------------

TEST(Workers, TwoWorkersGiveTheTrialsOfTheInlineEngine) {
  TempDir dir;
  const int budget = 40;
  std::string inline_run = dir / "inline", local_run = dir / "local";
  auto a =
      run_nas("run " + dir.write("inline.toml", pipeline(inline_run, tabular(), budget,
                                                         "engine = \"inline\"\nworkers = 2\n", 11)),
              kEnv);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  auto b =
      run_nas("run " + dir.write("local.toml", pipeline(local_run, tabular(), budget,
                                                        "engine = \"local\"\nworkers = 2\n", 11)),
              kEnv);
  ASSERT_EQ(b.exit_code, 0) << b.err;
  auto inline_trials = nas::test::trials_by_id(inline_run);
  auto local_trials = nas::test::trials_by_id(local_run);
  ASSERT_EQ(inline_trials.size(), static_cast<size_t>(budget));
  ASSERT_EQ(local_trials.size(), inline_trials.size());
  for (const auto &[id, t] : inline_trials) {
    const json &u = local_trials[id];
    EXPECT_EQ(u["status"], "ok") << u.dump();
    EXPECT_EQ(u["canonical"], t["canonical"]) << "trial " << id;
    EXPECT_EQ(u["metrics"], t["metrics"]) << "trial " << id; // exact: doubles round-trip
    EXPECT_EQ(u["objective"], t["objective"]) << "trial " << id;
  }
}

// ---- Misbehaving evaluators ---------------------------------------------------------------

// By trial id: 3 segfaults, 5 sleeps past the timeout, 7 allocates past the memory limit,
// 9 writes garbage to the host, 11 exits. Each costs exactly that trial.
TEST(Workers, EachMisbehaviourCostsExactlyOneTrial) {
  TempDir dir;
  std::string out = dir / "run";
  std::string evaluator =
      "{ plugin = \"test.evaluator.misbehaving\", by = \"trial\", modulo = 100, segfault = 3, "
      "sleep = 5, allocate = 7, garbage = 9, exit = 11, allocate_mb = 1024 }";
  std::string file =
      dir.write("p.toml", pipeline(out, evaluator, 16,
                                   "engine = \"local\"\nworkers = 2\ntrial_timeout = \"1s\"\n"
                                   "trial_memory = \"256M\"\nthreads_per_worker = 3\n"));
  auto start = std::chrono::steady_clock::now();
  auto r = run_nas("run " + file + " -v", kEnv);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_NE(r.exit_code, 124) << "the run hung:\n" << r.err;
  ASSERT_EQ(r.exit_code, 0) << r.err; // the host finished: none of it reached the host
  EXPECT_LT(seconds, 20.0);

  auto trials = nas::test::trials_by_id(out);
  ASSERT_EQ(trials.size(), 16u) << "the full budget was spent";
  std::map<int64_t, std::pair<std::string, std::string>> expected = {
      {3, {"crashed", "was killed by SIGSEGV"}},
      {5, {"timeout", "ran past trial_timeout (1 s)"}},
      {7, {"oom", "trial_memory 256 MiB"}},
      {9, {"crashed", "sent an unreadable message"}},
      {11, {"crashed", "exited with status 3"}}};
  std::set<int> pids;
  for (const auto &[id, t] : trials) {
    auto e = expected.find(id);
    if (e == expected.end()) {
      EXPECT_EQ(t["status"], "ok") << t.dump();
      EXPECT_EQ(t["metrics"]["threads"], 3) << "threads_per_worker reaches the worker";
      EXPECT_EQ(t["metrics"]["oom_score_adj"], 1000) << "workers go first to the OOM killer";
      EXPECT_NE(t["metrics"]["pid"], static_cast<int>(::getpid()));
      pids.insert(t["metrics"]["pid"].get<int>());
      continue;
    }
    EXPECT_EQ(t["status"], e->second.first) << t.dump();
    EXPECT_TRUE(contains(t, "error", e->second.second)) << t.dump();
    EXPECT_TRUE(t["metrics"].empty()) << t.dump();
  }
  // Both the cgroup and the rlimit way name the limit: trial_memory (256 MiB).
  EXPECT_TRUE(contains(trials[7], "error", "256 MiB")) << trials[7].dump();
  // Replaced workers answered the later trials.
  EXPECT_GE(pids.size(), 3u);

  // The host's own memory stayed small while a worker tried to take 1 GiB.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.err, m, std::regex(R"(host peak memory \(VmHWM\) (\d+) kB)")))
      << r.err;
  EXPECT_LT(std::stol(m[1]), 200 * 1024) << "host VmHWM " << m[1] << " kB";
}

// By the sum of the choices: every architecture whose choices sum to a multiple of 4
// crashes its worker, every other one is answered.
TEST(Workers, CrashesFollowTheArchitectures) {
  TempDir dir;
  std::string out = dir / "run";
  std::string file =
      dir.write("p.toml", pipeline(out,
                                   "{ plugin = \"test.evaluator.misbehaving\", modulo = 4, "
                                   "segfault = 0 }",
                                   30, "engine = \"local\"\nworkers = 2\n", 5));
  auto r = run_nas("run " + file, kEnv);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto trials = nas::test::trials_by_id(out);
  ASSERT_EQ(trials.size(), 30u);
  int crashed = 0;
  for (const auto &[id, t] : trials) {
    int sum = 0;
    for (int c : t["choices"])
      sum += c;
    if (t["status"] == "cached")
      continue;
    if (sum % 4 == 0) {
      ++crashed;
      EXPECT_EQ(t["status"], "crashed") << t.dump();
      EXPECT_TRUE(contains(t, "error", "SIGSEGV")) << t.dump();
    } else {
      EXPECT_EQ(t["status"], "ok") << t.dump();
      EXPECT_EQ(t["metrics"]["score"], sum);
    }
  }
  EXPECT_GE(crashed, 2) << "the seed should give some crashing architectures";
}

TEST(Workers, TimeoutKillsWithinOneSecond) {
  TempDir dir;
  std::string out = dir / "run";
  std::string file =
      dir.write("p.toml", pipeline(out, "{ plugin = \"test.evaluator.sleep\", ms = 30000 }", 4,
                                   "engine = \"local\"\nworkers = 2\ntrial_timeout = \"1s\"\n"));
  auto start = std::chrono::steady_clock::now();
  auto r = run_nas("run " + file, kEnv);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_LT(seconds, 10.0);
  auto trials = nas::test::trials_by_id(out);
  ASSERT_EQ(trials.size(), 4u);
  for (const auto &[id, t] : trials) {
    EXPECT_EQ(t["status"], "timeout") << t.dump();
    double took = t["ended"].get<double>() - t["started"].get<double>();
    EXPECT_GE(took, 1.0) << t.dump();
    EXPECT_LT(took, 2.0) << t.dump(); // timeout + 1 s
  }
}

TEST(Workers, AWorkerThatCannotLoadStopsTheRunWithItsReason) {
  TempDir dir;
  std::string out = dir / "run";
  std::string file = dir.write(
      "p.toml",
      pipeline(out, "{ plugin = \"test.evaluator.misbehaving\", refuse_in_worker = true }", 4,
               "engine = \"local\"\nworkers = 2\n"));
  auto r = run_nas("run " + file, kEnv);
  ASSERT_NE(r.exit_code, 124) << "the run hung:\n" << r.err;
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("cannot load its evaluator"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("refused in a worker process"), std::string::npos) << r.err;
}

// ---- Workers and the host's life ----------------------------------------------------------

std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> out;
  for (const auto &entry : fs::directory_iterator("/proc")) {
    std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos)
      continue;
    std::ifstream in(entry.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t close = stat.rfind(')');
    if (close == std::string::npos)
      continue;
    std::istringstream rest(stat.substr(close + 2));
    char state;
    pid_t ppid;
    rest >> state >> ppid;
    if (ppid == parent && state != 'Z')
      out.push_back(std::stoi(name));
  }
  return out;
}

// Gone, or a zombie nobody reaped yet.
bool gone(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t close = stat.rfind(')');
  return stat.empty() || close == std::string::npos || stat[close + 2] == 'Z';
}

TEST(Workers, WorkersIgnoreCtrlCAndDieWithTheHost) {
  TempDir dir;
  std::string file =
      dir.write("p.toml", pipeline(dir / "run", "{ plugin = \"test.evaluator.sleep\", ms = 60000 }",
                                   4, "engine = \"local\"\nworkers = 2\n"));
  pid_t host = ::fork();
  if (host == 0) {
    ::setenv("NAS_PLUGIN_PATH", kPluginDir.c_str(), 1);
    ::setpgid(0, 0);
    int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::execl(NAS_BINARY, "nas", "run", file.c_str(), static_cast<char *>(nullptr));
    ::_exit(127);
  }
  ASSERT_GT(host, 0);
  std::vector<pid_t> workers;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (workers.size() < 2 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    workers = children_of(host);
  }
  ASSERT_EQ(workers.size(), 2u);
  std::this_thread::sleep_for(std::chrono::milliseconds(300)); // evaluating by now

  for (pid_t w : workers)
    ::kill(w, SIGINT); // Ctrl-C reaches the whole process group; workers leave it to the host
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  for (pid_t w : workers)
    EXPECT_FALSE(gone(w)) << "worker " << w << " died of SIGINT";

  ::kill(host, SIGKILL);
  ::waitpid(host, nullptr, 0);
  until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  bool all_gone = false;
  while (!all_gone && std::chrono::steady_clock::now() < until) {
    all_gone = true;
    for (pid_t w : workers)
      all_gone = all_gone && gone(w);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(all_gone) << "workers outlived a killed host";
  for (pid_t w : workers)
    ::kill(w, SIGKILL); // never leave them behind, whatever the test found
}

} // namespace
