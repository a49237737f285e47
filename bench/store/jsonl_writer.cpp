// The JSON Lines writer that the run store replaced (core/results_writer.cpp before the
// store, commit 10ff4a2~1), timed alone on the trials of a `nas run`: one line per trial,
// core::to_json(TrialRecord).dump() + "\n" through stdio, fflush at most every 0.5 s, no
// fsync (it survived neither a killed host's last 0.5 s nor a power loss).
//
// Usage: jsonl_writer TRIALS_JSONL OUT_FILE
//   TRIALS_JSONL: a run's trials.jsonl (`nas results RUN_DIR --format jsonl`), read into
//   TrialRecords before the clock starts.
// Prints: "<trials/s> <seconds> <trials>".
#include "trial.hpp"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

using nas::core::Json;
using nas::core::TrialRecord;

namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The old ResultsWriter's trial path, as it was.
class JsonlWriter {
public:
  explicit JsonlWriter(const std::string &path) {
    file_ = std::fopen(path.c_str(), "a");
    if (!file_)
      throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
    last_flush_ = now_seconds();
  }
  ~JsonlWriter() {
    if (file_)
      std::fclose(file_);
  }
  void write(const TrialRecord &trial) {
    std::string line = nas::core::to_json(trial).dump();
    if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() ||
        std::fputc('\n', file_) == EOF)
      throw std::runtime_error(std::string("cannot write: ") + std::strerror(errno));
    double now = now_seconds();
    if (now - last_flush_ > 0.5) {
      flush();
      last_flush_ = now;
    }
  }
  void flush() {
    if (std::fflush(file_) != 0)
      throw std::runtime_error(std::string("cannot write: ") + std::strerror(errno));
  }

private:
  std::FILE *file_ = nullptr;
  double last_flush_ = 0;
};

} // namespace

int main(int argc, char **argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s TRIALS_JSONL OUT_FILE\n", argv[0]);
    return 2;
  }
  std::vector<TrialRecord> trials;
  {
    std::ifstream in(argv[1]);
    if (!in) {
      std::fprintf(stderr, "cannot read %s\n", argv[1]);
      return 1;
    }
    for (std::string line; std::getline(in, line);)
      if (!line.empty())
        trials.push_back(nas::core::trial_from_json(Json::parse(line)));
  }
  std::remove(argv[2]);
  double start = now_seconds();
  {
    JsonlWriter writer(argv[2]);
    for (const TrialRecord &t : trials)
      writer.write(t);
    writer.flush(); // the stage's end
  } // fclose
  double seconds = now_seconds() - start;
  std::printf("%.1f %.3f %zu\n", trials.size() / seconds, seconds, trials.size());
  return 0;
}
