// Test support: run the built `nas` and capture its exit code and output; temporary
// folders that clean up after themselves.
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace nas::test {

struct NasResult {
  int exit_code = -1;
  std::string out; // stdout
  std::string err; // stderr
};

// Runs `nas <args>` (a shell-quoted argument string) with `env` prefixed ("A=b C=d").
inline NasResult run_nas(const std::string &args, const std::string &env = "") {
  std::string pattern = (std::filesystem::temp_directory_path() / "nas-out-XXXXXX").string();
  std::filesystem::path dir = mkdtemp(pattern.data());
  std::string out = (dir / "out.txt").string(), err = (dir / "err.txt").string();
  std::string command =
      env + " " + NAS_BINARY + " " + args + " >" + out + " 2>" + err + " </dev/null";
  int status = std::system(command.c_str());
  NasResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  auto slurp = [](const std::string &path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  };
  r.out = slurp(out);
  r.err = slurp(err);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return r;
}

// A fresh folder under the system temp folder, removed when the object goes.
class TempDir {
public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "nas-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path &path() const { return path_; }
  std::string operator/(const std::string &name) const { return (path_ / name).string(); }
  // Writes `text` to `name` inside the folder and returns its path.
  std::string write(const std::string &name, const std::string &text) const {
    std::string p = (path_ / name).string();
    std::filesystem::create_directories(std::filesystem::path(p).parent_path());
    std::ofstream(p) << text;
    return p;
  }

private:
  std::filesystem::path path_;
};

// The run's trials by id, as `nas results --format jsonl` exports them; throws when nas
// cannot read the run.
inline std::map<int64_t, nlohmann::json> trials_by_id(const std::string &run_dir) {
  NasResult r = run_nas("results " + run_dir + " --format jsonl");
  if (r.exit_code != 0)
    throw std::runtime_error("nas results " + run_dir + " failed: " + r.err);
  std::map<int64_t, nlohmann::json> out;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) {
      nlohmann::json t = nlohmann::json::parse(line);
      out[t["id"].get<int64_t>()] = t;
    }
  return out;
}

// The project's data folder (the tabular benchmarks).
inline std::string data_dir() { return NAS_DATA_DIR; }

} // namespace nas::test
