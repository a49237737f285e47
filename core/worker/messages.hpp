// The messages host and workers exchange (each one frame, see frame_codec.hpp), and the
// JSON forms of TrialJob and TrialOutcome.
//
//   host -> worker   hello   what to load: pipeline, overrides, stage, seed, folders, ...
//                    trial   {"trial": TrialJob}: evaluate it
//                    quit    end (so does end of input)
//   worker -> host   ready   the evaluator is loaded; trials may come
//                    error   {"message"}: the worker cannot load its evaluator, and ends
//                    report  {"trial", "path", "step", "json"}: host->report of a trial
//                    progress {"path", "done", "total", "message"}: host->progress
//                    log     {"level", "message"}: a log line (spdlog level numbers)
//                    result  {"outcome": TrialOutcome}: the trial's answer
//
// The parsers throw FrameError naming the message and the field that is wrong, so a
// worker that sends nonsense is treated like one that sends garbage bytes.
#pragma once

#include "../executor.hpp"
#include "frame_codec.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace nas::core::worker {

struct Hello {
  int worker = 0;                        // 1..N, for logs
  std::string pipeline_file;             // absolute: positions and relative paths
  std::string pipeline_text;             // as the host read it: the file may change later
  std::vector<std::string> overrides;    // --set values
  std::vector<std::string> plugin_paths; // --plugin-path folders
  size_t stage = 0;
  uint64_t seed = 0;
  std::string run_dir;
  std::string config_dir;
  int threads = 1;           // the worker's share of the cores
  int log_level = 2;         // the lowest spdlog level the host keeps (2: info)
  int64_t memory_limit = 0;  // trial_memory in bytes (0: none), for messages
  std::string memory_method; // "cgroup", "rlimit" or ""
};

Json to_json(const Hello &h);
Hello hello_from_json(const Json &message);

Json to_json(const TrialJob &job);
TrialJob job_from_json(const Json &j);
Json to_json(const TrialOutcome &outcome); // without `worker`: the host knows who answered
TrialOutcome outcome_from_json(const Json &j);

Json hello_message(const Hello &h);
Json trial_message(const TrialJob &job);
Json quit_message();
Json ready_message(int pid);
Json error_message(const std::string &message);
Json report_message(int64_t trial, const std::string &path, int64_t step,
                    const std::string &json);
Json progress_message(const std::string &path, double done, double total,
                      const std::string &message);
Json log_message(int level, const std::string &message);
Json result_message(const TrialOutcome &outcome);

// The "type" of a decoded message.
std::string type_of(const Json &message);

// Typed access to a message's field; throws FrameError naming `what` and the key.
template <class T> T field(const Json &message, const char *key, const std::string &what) {
  auto it = message.find(key);
  if (it == message.end())
    throw FrameError("a " + what + " has no \"" + key + "\"");
  try {
    return it->template get<T>();
  } catch (const Json::exception &e) {
    throw FrameError("a " + what + " has a wrong \"" + key + "\": " + e.what());
  }
}

} // namespace nas::core::worker
