// The wire format between the host and its worker processes: each message is a frame of a
// 4-byte little-endian payload length followed by that many bytes of JSON, an object with
// a "type". Pure functions of their input (no I/O), so the decoder can be fuzzed.
#pragma once

#include "../json.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace nas::core::worker {

// Large enough for any trial (an IR of a big network is a few MiB), small enough that a
// corrupt length cannot make the host allocate gigabytes.
constexpr size_t kMaxFrame = size_t{64} << 20;
// Deeper JSON is refused: nobody sends it, and it would only exhaust the stack.
constexpr int kMaxDepth = 128;

// A frame that cannot be decoded, or a message that cannot be encoded.
struct FrameError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The frame for `message` (an object with a string "type"). Text that is not valid UTF-8
// is replaced, so an evaluator's odd error message cannot stop a worker from answering.
std::string encode_frame(const Json &message);

// Takes bytes as they arrive and yields whole messages. After an error every later call
// throws the same error: the stream cannot be resynchronized.
class FrameDecoder {
public:
  explicit FrameDecoder(size_t max_frame = kMaxFrame) : max_frame_(max_frame) {}
  void feed(const char *data, size_t size);
  // The next whole message, or nothing while its bytes are still missing.
  std::optional<Json> next();
  // Bytes received but not yet part of a returned message.
  size_t buffered() const { return buffer_.size() - consumed_; }

private:
  [[noreturn]] void fail(const std::string &what);
  size_t max_frame_;
  std::string buffer_;
  size_t consumed_ = 0;
  std::string error_;
};

} // namespace nas::core::worker
