// Blocking frame I/O on one descriptor each way, for the worker's side of the pipes. The
// writer is shared by the evaluator's threads (host->report and log calls), so it locks.
#pragma once

#include "frame_codec.hpp"

#include <mutex>
#include <optional>

namespace nas::core::worker {

class FrameWriter {
public:
  explicit FrameWriter(int fd) : fd_(fd) {}
  // Throws std::system_error when the host is gone, FrameError when `message` is too big.
  void send(const Json &message);
  // Sends an already encoded frame.
  void send_frame(const std::string &frame);

private:
  int fd_;
  std::mutex mutex_;
};

class FrameReader {
public:
  explicit FrameReader(int fd) : fd_(fd) {}
  // The next message; nothing at end of input. Throws FrameError on garbage.
  std::optional<Json> next();

private:
  int fd_;
  FrameDecoder decoder_;
};

} // namespace nas::core::worker
