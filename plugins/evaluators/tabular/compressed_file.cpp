#include "compressed_file.hpp"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace nas::tabular {

std::string read_possibly_gzipped(const std::string &path) {
  errno = 0;
  std::unique_ptr<gzFile_s, int (*)(gzFile)> file(gzopen(path.c_str(), "rb"), &gzclose);
  if (!file)
    throw std::runtime_error("cannot open " + path + ": " +
                             (errno ? std::strerror(errno) : "out of memory"));
  gzbuffer(file.get(), 1 << 17);
  std::string content;
  char chunk[1 << 16];
  for (;;) {
    int n = gzread(file.get(), chunk, sizeof chunk);
    if (n < 0) {
      int code = 0;
      const char *message = gzerror(file.get(), &code);
      throw std::runtime_error("cannot read " + path + ": " +
                               (code == Z_ERRNO ? std::strerror(errno) : message));
    }
    if (n == 0) {
      int code = Z_OK;
      gzerror(file.get(), &code);
      if (code == Z_BUF_ERROR) // the input ended inside a gzip stream
        throw std::runtime_error("cannot read " + path + ": the gzip data is truncated");
      break;
    }
    content.append(chunk, static_cast<size_t>(n));
  }
  return content;
}

} // namespace nas::tabular
