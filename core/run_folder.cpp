#include "run_folder.hpp"

#include "errors.hpp"
#include "plugin_library.hpp"
#include "run.hpp"
#include "version.hpp"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sys/file.h>
#include <thread>
#include <unistd.h>
#include <utility>

namespace fs = std::filesystem;

namespace nas::core {

namespace {

Json spec_json(const PluginSpec &spec) {
  Json roles = Json::object();
  for (const auto &[role, child] : spec.children)
    roles[role] = spec_json(child);
  return {{"plugin", spec.name}, {"config", spec.config}, {"roles", roles}};
}

// Says what differs between the stored fingerprint and this pipeline's.
std::vector<std::string> differences(const Json &stored, const Json &now) {
  std::vector<std::string> out;
  if (stored.value("seed", Json()) != now.value("seed", Json()))
    out.push_back("the seed (" + stored.value("seed", Json()).dump() + " -> " +
                  now.value("seed", Json()).dump() + ")");
  if (stored.value("space", Json()) != now.value("space", Json()))
    out.push_back("the space (" + stored.value("space", Json()).dump() + " -> " +
                  now.value("space", Json()).dump() + ")");
  const Json a = stored.value("stages", Json::array()), b = now.value("stages", Json::array());
  if (a.size() != b.size())
    out.push_back("the number of stages (" + std::to_string(a.size()) + " -> " +
                  std::to_string(b.size()) + ")");
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i)
    for (const char *part : {"name", "strategy", "evaluator", "dedupe", "from"})
      if (a[i].value(part, Json()) != b[i].value(part, Json()))
        out.push_back("stage " + std::to_string(i) + "'s " + part + " (" +
                      a[i].value(part, Json()).dump() + " -> " + b[i].value(part, Json()).dump() +
                      ")");
  return out;
}

} // namespace

FolderLock::FolderLock(const std::string &dir) {
  fd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd_ < 0)
    throw RunError("cannot open the run folder " + dir + ": " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    int error = errno;
    ::close(fd_);
    fd_ = -1;
    if (error == EWOULDBLOCK)
      throw RunError(dir + " is in use by another `nas run`; wait for it to end, or start a "
                           "separate run with --fresh (a new folder beside it)");
    throw RunError("cannot lock the run folder " + dir + ": " + std::strerror(error));
  }
}

FolderLock &FolderLock::operator=(FolderLock &&other) noexcept {
  if (this != &other) {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

FolderLock::~FolderLock() {
  if (fd_ >= 0)
    ::close(fd_); // closing the last descriptor releases the lock
}

Json run_fingerprint(const Pipeline &p) {
  Json stages = Json::array();
  for (const auto &s : p.stages) {
    Json from = s.from ? Json{{"stage", s.from->stage}, {"top", s.from->top}} : Json(nullptr);
    stages.push_back({{"name", s.name},
                      {"strategy", s.strategy ? spec_json(*s.strategy) : Json(nullptr)},
                      {"evaluator", s.evaluator ? spec_json(*s.evaluator) : Json(nullptr)},
                      {"dedupe", s.dedupe},
                      {"from", from}});
  }
  return {{"seed", p.seed}, {"space", spec_json(p.space)}, {"stages", stages}};
}

RunFolder plan_run_folder(const Pipeline &pipeline, bool fresh) {
  RunFolder f;
  std::error_code ec;
  fs::path wanted = fs::absolute(pipeline.output).lexically_normal();
  f.resumed = !fresh && fs::exists(RunStore::path_in(wanted.string()), ec);
  f.dir = f.resumed ? wanted.string()
                    : fs::absolute(choose_run_dir(wanted.string())).lexically_normal().string();
  return f;
}

void open_run_folder(RunFolder &f, const Pipeline &pipeline,
                     const std::vector<std::string> &overrides) {
  Durability durability = pipeline.durability_full ? Durability::full : Durability::normal;
  if (f.resumed) {
    f.lock = FolderLock(f.dir);
    f.store = std::make_unique<RunStore>(f.dir, StoreMode::resume, durability);
    auto fingerprint = f.store->info("fingerprint");
    if (!fingerprint)
      throw RunError(RunStore::path_in(f.dir) +
                     " holds no run (its run table is empty); nothing was changed. Remove it, "
                     "or start over with --fresh (a new folder beside it)");
    Json stored = Json::parse(*fingerprint, nullptr, false);
    auto changed = differences(stored, run_fingerprint(pipeline));
    if (!changed.empty()) {
      std::string list;
      for (const auto &c : changed)
        list += "\n  - " + c;
      throw UsageError(f.dir + " holds a run of another pipeline; what changed:" + list +
                       "\nresume it with the pipeline it was started with, or start over with "
                       "--fresh (a new folder beside it)");
    }
    return;
  }
  std::error_code ec;
  fs::create_directories(f.dir, ec);
  if (ec)
    throw RunError("cannot create the run folder " + f.dir + ": " + ec.message());
  f.lock = FolderLock(f.dir);
  f.store = std::make_unique<RunStore>(f.dir, StoreMode::create, durability);
  RunStore &s = *f.store;
  nas_version_t abi = host_abi();
  s.set_info("name", pipeline.name);
  s.set_info("seed", std::to_string(pipeline.seed));
  s.set_info("pipeline_file", pipeline.file);
  s.set_info("pipeline", pipeline.text);
  s.set_info("overrides", Json(overrides).dump());
  s.set_info("fingerprint", run_fingerprint(pipeline).dump());
  s.set_info("objective", Json{{"metric", pipeline.objective.metric},
                               {"direction", pipeline.objective.maximize ? "maximize" : "minimize"}}
                              .dump());
  s.set_info("host_version", kVersion);
  s.set_info("abi", std::to_string(abi.major) + "." + std::to_string(abi.minor));
  s.set_info("created", std::to_string(std::time(nullptr)));
  s.set_info("cores", std::to_string(std::thread::hardware_concurrency()));
  s.set_info("workers", std::to_string(pipeline.execution.workers));
  s.publish();
  std::ofstream(f.dir + "/pipeline.toml") << pipeline.text;
  if (!overrides.empty()) {
    std::ofstream out(f.dir + "/overrides.txt");
    for (const auto &o : overrides)
      out << o << "\n";
  }
}

} // namespace nas::core
