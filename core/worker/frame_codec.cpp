#include "frame_codec.hpp"

namespace nas::core::worker {

namespace {

uint32_t read_le32(const char *p) {
  const auto *b = reinterpret_cast<const unsigned char *>(p);
  return uint32_t{b[0]} | uint32_t{b[1]} << 8 | uint32_t{b[2]} << 16 | uint32_t{b[3]} << 24;
}

std::string describe_start(const char *data, size_t size) {
  std::string out;
  for (size_t i = 0; i < size && i < 16; ++i) {
    unsigned char c = static_cast<unsigned char>(data[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      static const char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

} // namespace

std::string encode_frame(const Json &message) {
  if (!message.is_object() || !message.contains("type") || !message["type"].is_string())
    throw FrameError("a message must be a JSON object with a string \"type\"");
  std::string payload = message.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (payload.size() > kMaxFrame)
    throw FrameError("a " + message["type"].get<std::string>() + " message of " +
                     std::to_string(payload.size()) + " bytes is over the limit of " +
                     std::to_string(kMaxFrame) + " bytes");
  auto n = static_cast<uint32_t>(payload.size());
  std::string frame;
  frame.reserve(4 + payload.size());
  for (int shift = 0; shift < 32; shift += 8)
    frame += static_cast<char>((n >> shift) & 0xff);
  frame += payload;
  return frame;
}

void FrameDecoder::fail(const std::string &what) {
  error_ = what;
  throw FrameError(what);
}

void FrameDecoder::feed(const char *data, size_t size) {
  if (!error_.empty())
    throw FrameError(error_);
  if (consumed_ > 0 && consumed_ == buffer_.size()) {
    buffer_.clear();
    consumed_ = 0;
  } else if (consumed_ > (size_t{1} << 20) && consumed_ > buffer_.size() / 2) {
    buffer_.erase(0, consumed_); // keep the buffer from growing with every frame
    consumed_ = 0;
  }
  buffer_.append(data, size);
}

std::optional<Json> FrameDecoder::next() {
  if (!error_.empty())
    throw FrameError(error_);
  if (buffered() < 4)
    return std::nullopt;
  const char *start = buffer_.data() + consumed_;
  uint32_t length = read_le32(start);
  if (length > max_frame_)
    fail("a frame of " + std::to_string(length) + " bytes is over the limit of " +
         std::to_string(max_frame_) + " bytes (the bytes begin \"" +
         describe_start(start, buffered()) + "\")");
  if (buffered() < 4 + size_t{length})
    return std::nullopt;
  const char *payload = start + 4;
  Json message;
  try {
    auto depth_check = [](int depth, Json::parse_event_t, Json &) {
      if (depth > kMaxDepth)
        throw FrameError("JSON nested deeper than " + std::to_string(kMaxDepth) + " levels");
      return true;
    };
    message = Json::parse(payload, payload + length, depth_check);
  } catch (const FrameError &e) {
    fail(std::string("a frame is not a message: ") + e.what());
  } catch (const Json::exception &e) {
    fail("a frame of " + std::to_string(length) + " bytes is not JSON (it begins \"" +
         describe_start(payload, length) + "\"): " + e.what());
  }
  if (!message.is_object())
    fail("a frame holds JSON that is not an object (it begins \"" +
         describe_start(payload, length) + "\")");
  auto type = message.find("type");
  if (type == message.end() || !type->is_string())
    fail("a message has no string \"type\" (it begins \"" + describe_start(payload, length) +
         "\")");
  consumed_ += 4 + size_t{length};
  return message;
}

} // namespace nas::core::worker
