// The messages host and workers exchange (each one frame, see frame_codec.hpp), and the
// JSON forms of TrialJob and TrialOutcome.
//
//   host -> worker   hello   what to load: pipeline, overrides, stage, seed, folders, ...
//                    trial   {"trial": TrialJob}: evaluate it (or, "oneshot": true, run
//                            the stage's one-shot search)
//                    quit    end (so does end of input)
//   worker -> host   ready   the evaluator (or one-shot strategy) is loaded; trials may come
//                    error   {"message"}: the worker cannot load its evaluator, and ends
//                    report  {"trial", "path", "step", "json"}: host->report of a trial
//                    progress {"path", "done", "total", "message"}: host->progress
//                    log     {"level", "message"}: a log line (spdlog level numbers)
//                    result  {"outcome": TrialOutcome}: the trial's answer ("choices":
//                            the architecture a one-shot search derived, else [])
//
// The parsers throw FrameError naming the message and the field that is wrong, so a
// worker that sends nonsense is treated like one that sends garbage bytes.
#pragma once

#include "../executor.hpp"
#include "frame_codec.hpp"

#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

namespace nas::core::worker {

struct Hello {
  int worker = 0;                        // 1..N, for logs
  std::string pipeline_file;             // absolute: positions and relative paths
  std::string pipeline_text;             // as the host read it: the file may change later
  std::vector<std::string> overrides;    // --set values
  std::vector<std::string> plugin_paths; // --plugin-path folders
  std::vector<std::string> plugin_files; // the libraries of the space and the stage's runner:
                                         // when given, the worker loads only these
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
Json report_message(int64_t trial, const std::string &path, int64_t step, const std::string &json);
Json progress_message(const std::string &path, double done, double total,
                      const std::string &message);
Json log_message(int level, const std::string &message);
Json result_message(const TrialOutcome &outcome);

// Whether `j` is a JSON integer that T can hold.
template <class T> bool in_range(const Json &j) {
  if (j.is_number_unsigned())
    return j.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<T>::max());
  if (!j.is_number_integer())
    return false;
  auto v = j.get<int64_t>();
  if constexpr (std::is_signed_v<T>)
    return v >= static_cast<int64_t>(std::numeric_limits<T>::min()) &&
           v <= static_cast<int64_t>(std::numeric_limits<T>::max());
  else
    return v >= 0 && static_cast<uint64_t>(v) <= std::numeric_limits<T>::max();
}

// The "type" of a decoded message.
std::string type_of(const Json &message);

// Typed access to a message's field; throws FrameError naming `what` and the key. Whole
// numbers must be JSON integers in T's range (a float never becomes an integer: converting
// an out-of-range one is undefined behaviour).
template <class T> T field(const Json &message, const char *key, const std::string &what) {
  auto it = message.find(key);
  if (it == message.end())
    throw FrameError("a " + what + " has no \"" + key + "\"");
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    if (!in_range<T>(*it))
      throw FrameError("a " + what + " has a \"" + key + "\" that is not a whole number in " + "[" +
                       std::to_string(std::numeric_limits<T>::min()) + ", " +
                       std::to_string(std::numeric_limits<T>::max()) + "]");
    return it->is_number_unsigned() ? static_cast<T>(it->template get<uint64_t>())
                                    : static_cast<T>(it->template get<int64_t>());
  } else {
    try {
      return it->template get<T>();
    } catch (const Json::exception &e) {
      throw FrameError("a " + what + " has a wrong \"" + key + "\": " + e.what());
    }
  }
}

} // namespace nas::core::worker
