// gz_reader.hpp (private): sequential reads from a gzipped or plain file through zlib, with
// errors that name the file. zlib's gzread passes plain files through unchanged, so one
// reader serves both and the data is never unpacked to disk.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace nas::data::detail {

class GzReader {
public:
  // DataError if the path does not exist, is a folder, or cannot be opened.
  explicit GzReader(const std::string &path);
  ~GzReader();
  GzReader(const GzReader &) = delete;
  GzReader &operator=(const GzReader &) = delete;

  // Reads up to n bytes; fewer only at the end of the data. DataError on corrupt gzip data
  // or an I/O error. A gzip stream that stops early counts as the end of the data; note()
  // then says so, for the caller's "truncated" message.
  size_t read(uint8_t *dst, size_t n);

  // Reads exactly `expected` bytes of `what` (e.g. "pixels") that follow the header, and
  // checks nothing follows them. DataError "truncated: expected N bytes of <what> after the
  // header, found M" or "... found more (trailing data)".
  std::vector<uint8_t> read_body(size_t expected, const std::string &what);

  // "" or " (the gzip stream ends early)".
  std::string note() const;
  const std::string &path() const { return path_; }

private:
  std::string path_;
  void *file_ = nullptr; // gzFile, kept out of this header so zlib.h stays private
  bool stream_cut_ = false;
};

// Big-endian uint32 at p (IDX headers are big-endian).
inline uint32_t read_be32(const uint8_t *p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

} // namespace nas::data::detail
