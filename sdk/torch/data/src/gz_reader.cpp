#include "gz_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <zlib.h>

#include "nas/data/error.hpp"

namespace nas::data::detail {

namespace {
gzFile as_gz(void *f) { return static_cast<gzFile>(f); }
} // namespace

GzReader::GzReader(const std::string &path) : path_(path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status))
    throw DataError(path, "no such file");
  if (std::filesystem::is_directory(status))
    throw DataError(path, "is a folder, expected a file");
  file_ = gzopen(path.c_str(), "rb");
  if (file_ == nullptr)
    throw DataError(path, std::string("cannot open: ") + std::strerror(errno));
  gzbuffer(as_gz(file_), 256 * 1024); // fewer, larger reads than zlib's 8 KiB default
}

GzReader::~GzReader() {
  if (file_ != nullptr)
    gzclose_r(as_gz(file_));
}

size_t GzReader::read(uint8_t *dst, size_t n) {
  size_t total = 0;
  while (total < n) {
    // gzread takes an unsigned and returns an int: read in chunks below INT_MAX.
    const unsigned chunk = static_cast<unsigned>(std::min<size_t>(n - total, 1u << 30));
    const int got = gzread(as_gz(file_), dst + total, chunk);
    int errnum = Z_OK;
    const char *message = gzerror(as_gz(file_), &errnum);
    if (got < 0 || (errnum != Z_OK && errnum != Z_BUF_ERROR)) {
      if (errnum == Z_ERRNO)
        throw DataError(path_, std::string("read error: ") + std::strerror(errno));
      std::string detail = message;
      if (detail.rfind(path_ + ": ", 0) == 0) // zlib puts the path in front; we already do
        detail.erase(0, path_.size() + 2);
      throw DataError(path_, "corrupt gzip data: " + detail);
    }
    total += static_cast<size_t>(got);
    if (errnum == Z_BUF_ERROR) // zlib's "unexpected end of file" inside a gzip stream
      stream_cut_ = true;
    if (static_cast<unsigned>(got) < chunk)
      break; // end of data
  }
  return total;
}

std::vector<uint8_t> GzReader::read_body(size_t expected, const std::string &what) {
  // Grow the buffer as data arrives rather than trusting the header's size up front: a
  // corrupt header must not make us allocate gigabytes for a file that holds a few bytes.
  constexpr size_t kStep = size_t(64) << 20;
  std::vector<uint8_t> body;
  body.reserve(std::min(expected, kStep));
  size_t have = 0;
  while (have < expected) {
    const size_t want = std::min(expected - have, std::max(kStep, have));
    body.resize(have + want);
    const size_t got = read(body.data() + have, want);
    have += got;
    if (got < want)
      break;
  }
  if (have < expected)
    throw DataError(path_, "truncated: expected " + std::to_string(expected) + " bytes of " +
                               what + " after the header, found " + std::to_string(have) +
                               note());
  uint8_t extra;
  if (read(&extra, 1) != 0)
    throw DataError(path_, "expected " + std::to_string(expected) + " bytes of " + what +
                               " after the header, found more (trailing data)");
  return body;
}

std::string GzReader::note() const { return stream_cut_ ? " (the gzip stream ends early)" : ""; }

} // namespace nas::data::detail
