#include "frame_channel.hpp"

#include "pipe_io.hpp"

#include <cerrno>
#include <system_error>

namespace nas::core::worker {

void FrameWriter::send(const Json &message) { send_frame(encode_frame(message)); }

void FrameWriter::send_frame(const std::string &frame) {
  std::lock_guard<std::mutex> lock(mutex_);
  write_all(fd_, frame);
}

std::optional<Json> FrameReader::next() {
  char buffer[65536];
  for (;;) {
    if (std::optional<Json> message = decoder_.next())
      return message;
    ssize_t n = read_some(fd_, buffer, sizeof buffer);
    if (n == 0)
      return std::nullopt;
    if (n < 0)
      throw std::system_error(errno, std::generic_category(), "reading from the host");
    decoder_.feed(buffer, static_cast<size_t>(n));
  }
}

} // namespace nas::core::worker
